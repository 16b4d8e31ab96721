// Jupyter display bundles: the MIME dictionary one output carries. Pure functions — the caller
// passes in the static image and whether this output must carry plotly.js.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { plotlyScriptPath } from '../browser/assets';
import { isTable, tableToHtml, tableToText, type Table } from './table';
import type { PlotlyFigure } from './theme';

export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

export interface DisplayBundle {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export interface FigureBundleOptions {
  /** Inline plotly.js in this output (the first chart of a kernel session does; later ones reuse it). */
  includePlotlyLibrary?: boolean;
  /** PNG (base64) of the figure; also shown inside the HTML until the interactive chart replaces it. */
  pngBase64?: string | null;
  /** DOM id of the chart's div; default derived from the figure's content. */
  divId?: string;
}

/** Checks a figure is complete, self-contained JSON (the report re-draws it from the notebook file). */
export function validateFigure(fig: PlotlyFigure): void {
  if (!fig || !Array.isArray(fig.data) || typeof fig.layout !== 'object' || fig.layout === null) {
    throw new Error('Expected a Plotly figure {data: [...], layout: {...}} such as the builders in src/display return.');
  }
  if (!(typeof fig.layout.height === 'number' && fig.layout.height > 0)) {
    throw new Error('The figure layout needs an explicit height in pixels (layout.height), so every front-end draws it the same size.');
  }
  const seen = new Set<unknown>();
  const walk = (v: unknown, path: string): void => {
    if (typeof v === 'function') throw new Error(`Figure is not plain JSON: a function at ${path}.`);
    if (ArrayBuffer.isView(v)) throw new Error(`Figure is not plain JSON: a typed array at ${path} (use Array.from).`);
    if (v && typeof v === 'object') {
      if (seen.has(v)) return;
      seen.add(v);
      for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
    }
  };
  walk(fig, 'figure');
}

function figureTitle(fig: PlotlyFigure): string {
  const t = fig.layout.title as { text?: string } | string | undefined;
  const text = typeof t === 'string' ? t : t?.text ?? 'Untitled chart';
  return text.replace(/<br>.*$/s, '').replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

/** JSON safe to put inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

let plotlySourceCache: string | undefined;

/**
 * plotly.js as a <script> that defines window.Plotly even where require.js is present (classic
 * Notebook): the UMD header looks for define/module/exports, so they are shadowed for its duration.
 */
export function plotlyLibraryScript(): string {
  plotlySourceCache ??= fs.readFileSync(plotlyScriptPath(), 'utf8').replace(/<\/script/gi, '<\\/script');
  return `<script type="text/javascript">if (!window.Plotly) { (function (define, module, exports) {\n${plotlySourceCache}\n}).call(window); }</script>`;
}

function figureHtml(fig: PlotlyFigure, divId: string, png: string | null | undefined, title: string): string {
  const placeholder = png
    ? `<img src="data:image/png;base64,${png}" alt="${title.replace(/"/g, '&quot;')}" style="max-width:100%;height:auto">`
    : `<div style="padding:1em;color:#666;font-family:sans-serif">${title.replace(/</g, '&lt;')} — interactive chart (needs JavaScript)</div>`;
  // The placeholder stays where scripts do not run; where they do, the live chart replaces it.
  // A later chart may run before plotly.js has finished evaluating, so it waits briefly for it.
  return `<div id="${divId}" class="atlas-chart" style="width:100%;min-height:${fig.layout.height}px">${placeholder}</div>
<script type="text/javascript">
(function () {
  var fig = ${scriptJson({ data: fig.data, layout: fig.layout, frames: fig.frames ?? [], config: fig.config ?? {} })};
  var el = document.getElementById(${JSON.stringify(divId)});
  var tries = 0;
  function draw() {
    if (!el) return;
    var P = window.Plotly;
    if (!P) {
      if (++tries < 50) { setTimeout(draw, 100); return; }
      el.insertAdjacentHTML('beforeend', '<p style="color:#a33;font-family:sans-serif">Interactive chart unavailable: plotly.js is not loaded on this page. Restart the kernel and run the notebook from the top (the first chart of a session carries plotly.js).</p>');
      return;
    }
    el.innerHTML = '';
    P.newPlot(el, fig);
  }
  draw();
})();
</script>`;
}

/** The full MIME bundle for a figure: Plotly JSON, offline HTML, PNG (when given) and a text summary. */
export function toDisplayBundle(item: PlotlyFigure | Table, opts: FigureBundleOptions = {}): DisplayBundle {
  if (isTable(item)) {
    return { data: { 'text/html': tableToHtml(item), 'text/plain': tableToText(item) }, metadata: {} };
  }
  validateFigure(item);
  const title = figureTitle(item);
  const json = JSON.stringify({ data: item.data, layout: item.layout, frames: item.frames, config: item.config });
  const divId = opts.divId ?? `atlas-chart-${crypto.createHash('sha1').update(json).digest('hex').slice(0, 12)}`;
  const names = item.data.map((t) => t.name).filter((n): n is string => typeof n === 'string' && !n.endsWith(' band'));
  const data: Record<string, unknown> = {
    [PLOTLY_MIME]: JSON.parse(json),
    'text/html': (opts.includePlotlyLibrary ? plotlyLibraryScript() + '\n' : '') + figureHtml(item, divId, opts.pngBase64, title),
    'text/plain': `[chart] ${title}${names.length ? ` — ${[...new Set(names)].join(', ')}` : ''}`,
  };
  if (opts.pngBase64) data['image/png'] = opts.pngBase64;
  return { data, metadata: {} };
}
