// Executed notebooks → one self-contained HTML page (output/report.html): title page, table of
// contents, one numbered section per notebook, numbered figures and tables, cell tags honoured.
import type MarkdownIt from 'markdown-it';

type Token = ReturnType<MarkdownIt['parse']>[number];
import { loadAssets, scriptSafe, type ReportAssets } from './assets';
import { createMarkdown, escapeHtml, highlightCode, renderMath } from './markdown';
import { cleanTraceback, hasTag, joinText, plotlyFigure, stripAnsi, type Notebook, type NotebookCell, type NotebookOutput } from './notebook-format';

export interface ReportMeta {
  title: string;
  profile: string;
  backend: string;
  machine: string;
  date: string;
  commit: string;
  resultsDir: string;
}

export interface ReportNotebook {
  /** File name, e.g. 03-adaptive.ipynb (used when the notebook has no # title). */
  name: string;
  notebook: Notebook;
}

interface TocEntry {
  level: 1 | 2;
  number: string;
  id: string;
  html: string;
}

/** State shared by every cell of the report while it renders (numbering, ids, contents). */
interface RenderState {
  section: number;
  h2: number;
  h3: number;
  figures: number;
  tables: number;
  ids: Set<string>;
  toc: TocEntry[];
  charts: number;
  errorCells: number;
}

const STREAM_HEAD = 20;
const STREAM_TAIL = 30;

function uniqueId(state: RenderState, text: string): string {
  const base =
    text
      .toLowerCase()
      .replace(/<[^>]+>/g, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'section';
  let id = base;
  for (let i = 2; state.ids.has(id); i++) id = `${base}-${i}`;
  state.ids.add(id);
  return id;
}

/** Headings inside a notebook become numbered subsections (## → N.M, ### → N.M.K); a second # counts as ##. */
function installHeadingNumbers(md: MarkdownIt, state: RenderState): void {
  md.renderer.rules.heading_open = (tokens: Token[], idx: number) => {
    const level = Math.max(2, Number(tokens[idx].tag.slice(1)));
    const text = tokens[idx + 1]?.content ?? '';
    let number = '';
    if (level === 2) {
      state.h2++;
      state.h3 = 0;
      number = `${state.section}.${state.h2}`;
    } else if (level === 3 && state.h2 > 0) {
      state.h3++;
      number = `${state.section}.${state.h2}.${state.h3}`;
    }
    const id = uniqueId(state, `${number} ${text}`);
    if (level === 2) state.toc.push({ level: 2, number, id, html: md.renderInline(text) });
    tokens[idx].meta = { level };
    const num = number ? `<span class="secnum">${number}</span> ` : '';
    return `<h${level} id="${id}">${num}`;
  };
  md.renderer.rules.heading_close = (tokens: Token[], idx: number) => `</h${(tokens[idx - 2]?.meta as { level: number } | undefined)?.level ?? 2}>\n`;
}

function caption(kind: 'Figure' | 'Table', n: number, text: string | undefined, id: string): string {
  const body = text ? ` ${text}` : '';
  return `<figcaption><span class="caption-label"><a href="#${id}">${kind} ${n}.</a></span>${body}</figcaption>`;
}

const NUMERIC_CELL = /^\s*[+\-−±]?\s*(\d[\d,]*(\.\d+)?|\.\d+)(e[+\-]?\d+)?\s*(%|s|ms|min|h|×|x)?\s*(±\s*[\d.]+\s*%?)?\s*$/i;

/** Cells that hold a number are right-aligned (text stays left), so columns of figures line up. */
function alignNumbers(tableHtml: string): string {
  return tableHtml.replace(/<td(\s[^>]*)?>([\s\S]*?)<\/td>/gi, (whole, attrs: string | undefined, content: string) =>
    NUMERIC_CELL.test(content.replace(/<[^>]+>/g, '').replace(/&nbsp;/g, ' ')) && !/class=/.test(attrs ?? '') ? `<td class="num"${attrs ?? ''}>${content}</td>` : whole,
  );
}

/** Markdown tables get a number; a preceding paragraph "Table: …" (pandoc's convention) is their caption. */
function numberMarkdownTables(html: string, state: RenderState): string {
  return html.replace(/(?:<p>Table:\s*([\s\S]*?)<\/p>\s*)?(<table>[\s\S]*?<\/table>)/g, (_m, cap: string | undefined, table: string) => {
    const n = ++state.tables;
    const id = `table-${n}`;
    return `<figure class="table-figure" id="${id}">${caption('Table', n, cap ? cap.trim() : undefined, id)}<div class="table-wrap">${alignNumbers(table)}</div></figure>`;
  });
}

function renderStream(text: string, name: string): string {
  // Progress bars redraw a line with \r: keep what the terminal would finally show.
  let lines = (name === 'stderr' ? cleanTraceback(text) + '\n' : stripAnsi(text))
    .split('\n')
    .map((l) => l.split('\r').pop()!);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  if (lines.length > STREAM_HEAD + STREAM_TAIL + 5) {
    const omitted = lines.length - STREAM_HEAD - STREAM_TAIL;
    lines = [...lines.slice(0, STREAM_HEAD), `… ${omitted} lines not shown …`, ...lines.slice(-STREAM_TAIL)];
  }
  return `<pre class="output stream ${name === 'stderr' ? 'stderr' : 'stdout'}">${escapeHtml(lines.join('\n'))}</pre>`;
}

/** HTML from a kernel is kept, minus scripts and anything that would load from the network. */
function sanitizeOutputHtml(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/gi, '')
    .replace(/<(link|iframe)\b[^>]*>/gi, '')
    .replace(/\s(src|href)\s*=\s*("https?:[^"]*"|'https?:[^']*')/gi, ' data-removed-$1=$2');
}

function chartIsWebGl(fig: { data: unknown[] }): boolean {
  const gl = /gl$|^(surface|mesh3d|scatter3d|cone|streamtube|volume|isosurface|scattermapbox|densitymapbox|choroplethmapbox)$/;
  return fig.data.some((t) => gl.test(String((t as { type?: string }).type ?? '')));
}

function renderChart(out: NotebookOutput, cell: NotebookCell, state: RenderState): string {
  const fig = plotlyFigure(out)!;
  const n = ++state.figures;
  state.charts++;
  const id = `figure-${n}`;
  const title = (fig.layout?.title as { text?: string } | string | undefined) ?? undefined;
  const titleText = typeof title === 'string' ? title : title?.text;
  // A Plotly title may carry a subtitle after <br> (often in <sub>): caption "Title. Subtitle".
  const fromTitle = titleText
    ?.split(/<br\s*\/?>/i)
    .map((part) => part.replace(/<[^>]+>/g, '').trim())
    .filter(Boolean)
    .map((part, i, all) => (i < all.length - 1 && !/[.:;!?]$/.test(part) ? `${part}.` : part))
    .join(' ');
  const text = typeof cell.metadata.caption === 'string' ? cell.metadata.caption : fromTitle;
  const payload = JSON.stringify({ data: fig.data, layout: fig.layout ?? {}, config: fig.config ?? {}, frames: fig.frames, webgl: chartIsWebGl(fig) }).replace(/</g, '\\u003c');
  return (
    `<figure class="chart-figure" id="${id}"><div class="chart" data-chart="${n}"></div>` +
    `<script type="application/json" class="chart-data">${payload}</script>` +
    `${caption('Figure', n, text ? escapeHtml(text.replace(/<[^>]+>/g, '')) : undefined, id)}</figure>`
  );
}

function renderHtmlTable(html: string, cell: NotebookCell, state: RenderState): string {
  const n = ++state.tables;
  const id = `table-${n}`;
  let text = typeof cell.metadata.caption === 'string' ? escapeHtml(cell.metadata.caption) : undefined;
  const own = /<caption[^>]*>([\s\S]*?)<\/caption>/i.exec(html);
  if (own) {
    text ??= own[1].trim();
    html = html.replace(own[0], '');
  }
  return `<figure class="table-figure" id="${id}">${caption('Table', n, text, id)}<div class="table-wrap">${alignNumbers(html)}</div></figure>`;
}

function renderOutput(out: NotebookOutput, cell: NotebookCell, state: RenderState, md: MarkdownIt): string {
  if (out.output_type === 'stream') return renderStream(joinText(out.text), out.name ?? 'stdout');
  if (out.output_type === 'error') {
    const tb = stripAnsi((out.traceback ?? []).join('\n')).trim();
    return `<div class="output error-output"><strong>${escapeHtml(out.ename ?? 'Error')}</strong>: ${escapeHtml(out.evalue ?? '')}${tb ? `<pre>${escapeHtml(tb)}</pre>` : ''}</div>`;
  }
  const data = out.data ?? {};
  if (plotlyFigure(out)) return renderChart(out, cell, state);
  if (typeof data['image/svg+xml'] === 'string' || Array.isArray(data['image/svg+xml'])) {
    return `<div class="output image">${sanitizeOutputHtml(joinText(data['image/svg+xml'] as string))}</div>`;
  }
  for (const mime of ['image/png', 'image/jpeg', 'image/gif']) {
    if (data[mime]) return `<div class="output image"><img alt="" src="data:${mime};base64,${joinText(data[mime] as string).replace(/\s/g, '')}"></div>`;
  }
  // Markdown first: md() outputs also carry an HTML copy for untrusted front ends; the report renders the source (KaTeX).
  if (data['text/markdown'] !== undefined) return `<div class="output markdown">${numberMarkdownTables(md.render(joinText(data['text/markdown'] as string)), state)}</div>`;
  if (data['text/html'] !== undefined) {
    const html = sanitizeOutputHtml(joinText(data['text/html'] as string));
    return /<table[\s>]/i.test(html) ? renderHtmlTable(html, cell, state) : `<div class="output html">${html}</div>`;
  }
  if (data['text/latex'] !== undefined) {
    const tex = joinText(data['text/latex'] as string).trim().replace(/^\$\$?|\$\$?$/g, '');
    return `<div class="output math-display">${renderMath(tex, true)}</div>`;
  }
  if (data['text/plain'] !== undefined) return `<pre class="output text">${escapeHtml(stripAnsi(joinText(data['text/plain'] as string)))}</pre>`;
  return '';
}

function renderCodeCell(cell: NotebookCell, index: number, state: RenderState, md: MarkdownIt): string {
  const outputs = cell.outputs ?? [];
  const failed = outputs.some((o) => o.output_type === 'error');
  if (failed) state.errorCells++;
  const parts: string[] = [];
  if (failed) parts.push(`<div class="error-banner">This cell (cell ${index + 1}) failed when the report was built; the report was built with --allow-errors.</div>`);
  if (!hasTag(cell, 'hide-input')) {
    parts.push(`<pre class="code hljs input"><code class="language-typescript">${highlightCode(joinText(cell.source).replace(/\s+$/, ''))}</code></pre>`);
  }
  if (!hasTag(cell, 'remove-output')) for (const out of outputs) parts.push(renderOutput(out, cell, state, md));
  const body = parts.filter(Boolean).join('\n');
  return body ? `<div class="cell code-cell${failed ? ' cell-error' : ''}" data-cell="${index + 1}">${body}</div>` : '';
}

/** The notebook's title is its first "# " heading (taken out of the body); else its metadata title or file name. */
function extractTitle(nb: Notebook, name: string): { title: string; cells: NotebookCell[] } {
  const cells = nb.cells.map((c) => ({ ...c, source: joinText(c.source) }));
  for (const cell of cells) {
    if (cell.cell_type !== 'markdown' || hasTag(cell, 'remove-cell')) continue;
    const m = /^[ \t]{0,3}#[ \t]+(.+?)[ \t#]*$/m.exec(cell.source as string);
    if (m) {
      cell.source = (cell.source as string).replace(m[0], '');
      // "03 · Adaptive methods" → "Adaptive methods": the report numbers its sections itself.
      return { title: m[1].replace(/^\d{1,3}\s*[·.:\-–—]\s+/, ''), cells };
    }
    break;
  }
  const fallback = typeof nb.metadata.title === 'string' ? nb.metadata.title : name.replace(/\.ipynb$/, '').replace(/^\d+[-_ ]*/, '').replace(/[-_]+/g, ' ');
  return { title: fallback, cells };
}

function renderNotebook(entry: ReportNotebook, state: RenderState, md: MarkdownIt): string {
  state.section++;
  state.h2 = 0;
  state.h3 = 0;
  const { title, cells } = extractTitle(entry.notebook, entry.name);
  const titleHtml = md.renderInline(title);
  const id = uniqueId(state, `${state.section} ${title}`);
  state.toc.push({ level: 1, number: String(state.section), id, html: titleHtml });
  const body: string[] = [];
  cells.forEach((cell, i) => {
    if (hasTag(cell, 'remove-cell')) return;
    if (cell.cell_type === 'markdown') {
      const html = md.render(cell.source as string, {});
      if (html.trim()) body.push(`<div class="cell markdown-cell">${numberMarkdownTables(html, state)}</div>`);
    } else if (cell.cell_type === 'code') {
      const html = renderCodeCell(cell, i, state, md);
      if (html) body.push(html);
    }
  });
  return `<section class="notebook" id="section-${state.section}" data-notebook="${escapeHtml(entry.name)}">
<h1 id="${id}" class="section-title"><span class="secnum">${state.section}</span> ${titleHtml}</h1>
<p class="source-note">From <code>notebooks/${escapeHtml(entry.name)}</code></p>
${body.join('\n')}
</section>`;
}

function renderToc(toc: TocEntry[]): string {
  const items = toc.map(
    (e) =>
      `<li class="toc-${e.level}"><a href="#${e.id}"><span class="toc-num">${e.number}</span><span class="toc-text">${e.html}</span>` +
      `<span class="toc-dots"></span><span class="toc-page" data-target="${e.id}"></span></a></li>`,
  );
  return `<nav class="toc" id="contents"><h1>Contents</h1><ol>${items.join('\n')}</ol></nav>`;
}

function renderTitlePage(meta: ReportMeta, nbCount: number): string {
  const row = (k: string, v: string) => `<tr><th>${k}</th><td>${v}</td></tr>`;
  return `<header class="title-page">
<p class="kicker">Report</p>
<h1 class="report-title">${escapeHtml(meta.title)}</h1>
<p class="subtitle">Deep-learning optimizers explained, implemented in TypeScript on TensorFlow.js, and measured on MNIST and Zachary's Karate Club.</p>
<table class="run-facts">
${row('Profile', `<code>${escapeHtml(meta.profile)}</code>`)}
${row('Backend', escapeHtml(meta.backend))}
${row('Machine', escapeHtml(meta.machine))}
${row('Built', escapeHtml(meta.date))}
${row('Commit', `<code>${escapeHtml(meta.commit)}</code>`)}
${row('Notebooks', String(nbCount))}
</table>
<p class="provenance">Every number in this report comes from the experiment records in <code>${escapeHtml(meta.resultsDir)}</code>
(one JSON file per run: configuration, seed, per-epoch metrics, wall time, backend), computed with the profile and backend above.
Nothing is typed in by hand.</p>
</header>`;
}

export interface RenderResult {
  html: string;
  figures: number;
  tables: number;
  sections: { number: string; title: string; id: string }[];
  errorCells: number;
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (m, key: string) => {
    if (!(key in values)) throw new Error(`report-templates/report.html uses {{${key}}}, which the renderer does not provide.`);
    return values[key];
  });
}

export function renderReportHtml(notebooks: ReportNotebook[], meta: ReportMeta, assets: ReportAssets = loadAssets()): RenderResult {
  const state: RenderState = { section: 0, h2: 0, h3: 0, figures: 0, tables: 0, ids: new Set(['contents']), toc: [], charts: 0, errorCells: 0 };
  const md = createMarkdown();
  installHeadingNumbers(md, state);
  const sections = notebooks.map((nb) => {
    try {
      return renderNotebook(nb, state, md);
    } catch (err) {
      throw new Error(`Rendering ${nb.name}: ${(err as Error).message}`);
    }
  });
  const html = fill(assets.layout, {
    title: escapeHtml(meta.title),
    katexCss: assets.katexCss,
    highlightCss: assets.highlightCss,
    css: assets.css,
    titlePage: renderTitlePage(meta, notebooks.length),
    toc: renderToc(state.toc),
    body: sections.join('\n'),
    plotlyJs: state.charts ? scriptSafe(assets.plotlyJs) : '',
    runtimeJs: scriptSafe(assets.runtimeJs),
  });
  return {
    html,
    figures: state.figures,
    tables: state.tables,
    sections: state.toc.filter((e) => e.level === 1).map((e) => ({ number: e.number, title: e.html.replace(/<[^>]+>/g, ''), id: e.id })),
    errorCells: state.errorCells,
  };
}
