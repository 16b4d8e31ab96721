// Unit tests of the report's HTML rendering: math, code, cell tags, captions, error cells, offline-ness.
// Synthetic notebooks only (no kernel, no browser), so these run in well under a second.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMarkdown, MathError } from '../src/report/markdown';
import { cleanTraceback, countChartBundles, stripAnsi, type Notebook, type NotebookCell } from '../src/report/notebook-format';
import { renderReportHtml, type ReportMeta } from '../src/report/render-html';

const META: ReportMeta = { title: 'T', profile: 'smoke', backend: 'cpu (tfjs 4.22.0)', machine: 'test', date: '2026-01-01', commit: 'abc', resultsDir: 'output/results/' };

function nb(cells: Partial<NotebookCell>[]): Notebook {
  return {
    cells: cells.map((c) => ({ cell_type: 'code', source: '', metadata: {}, outputs: [], ...c }) as NotebookCell),
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  };
}

const plotly = (title: string) => ({
  output_type: 'display_data' as const,
  data: { 'application/vnd.plotly.v1+json': { data: [{ x: [1, 2], y: [3, 4], type: 'scatter' }], layout: { title: { text: title } } }, 'text/plain': 'chart' },
  metadata: {},
});

/** The report body only (the inlined libraries would match almost any pattern). */
function body(html: string): string {
  return html.slice(html.indexOf('<body>'), html.indexOf('<script>'));
}

describe('report markdown', () => {
  const md = createMarkdown();
  it('renders all four math delimiters with KaTeX and leaves prices and code alone', () => {
    const html = md.render('a $x^2$ b \\(y_1\\) costs $5 and $10, `$notmath$`\n\n$$\\sum_i x_i$$\n\n\\[ \\frac{a}{b} \\]\n');
    assert.equal((html.match(/class="katex"/g) ?? []).length, 4);
    assert.equal((html.match(/class="katex-display"/g) ?? []).length, 2);
    assert.match(html, /costs \$5 and \$10/);
    assert.match(html, /<code>\$notmath\$<\/code>/);
  });
  it('highlights fenced TypeScript', () => {
    assert.match(md.render('```ts\nconst x: number = 1;\n```\n'), /<span class="hljs-keyword">const<\/span>/);
  });
  it('names the formula KaTeX cannot render', () => {
    assert.throws(() => md.render('$\\frac{1}{$'), (e: unknown) => e instanceof MathError && /\\frac\{1\}\{/.test((e as Error).message));
  });
});

describe('report HTML', () => {
  const notebook = nb([
    { cell_type: 'markdown', source: '# Adaptive methods\n\nIntro with $\\eta$.\n\n## First part\n\nTable: Seed numbers\n\n| a | b |\n|---|---|\n| x | 0.97 |\n' },
    { source: 'const shown = 1;', outputs: [{ output_type: 'stream', name: 'stdout', text: '\u001b[32mgreen\u001b[0m\nstep 1\rstep 2\n' }] },
    { source: 'HIDDEN_INPUT_SOURCE', metadata: { tags: ['hide-input'] }, outputs: [plotly('Loss per epoch')] },
    { source: 'REMOVED_CELL_SOURCE', metadata: { tags: ['remove-cell'] }, outputs: [{ output_type: 'stream', name: 'stdout', text: 'REMOVED_CELL_OUTPUT' }] },
    { source: 'kept_source()', metadata: { tags: ['remove-output'] }, outputs: [{ output_type: 'stream', name: 'stdout', text: 'REMOVED_OUTPUT_TEXT' }] },
    { source: 'table()', metadata: { caption: 'Final accuracy' }, outputs: [{ output_type: 'display_data', data: { 'text/html': '<table><tr><td>adam</td><td>97.8%</td></tr></table><script src="https://cdn.example/x.js"></script>' }, metadata: {} }] },
    { source: 'second()', outputs: [plotly('Accuracy')] },
    { source: 'boom()', outputs: [{ output_type: 'stream', name: 'stderr', text: 'RangeError: bad\n' }, { output_type: 'error', ename: 'RangeError', evalue: 'bad', traceback: [] }] },
  ]);
  const r = renderReportHtml([{ name: '03-adaptive.ipynb', notebook }, { name: '04-adam-family.ipynb', notebook: nb([{ cell_type: 'markdown', source: 'No title here' }]) }], META);
  const html = body(r.html);

  it('numbers sections, subsections and the contents', () => {
    assert.deepEqual(r.sections.map((s) => `${s.number} ${s.title}`), ['1 Adaptive methods', '2 adam family']);
    assert.match(html, /<h2 id="[^"]+"><span class="secnum">1\.1<\/span> First part<\/h2>/);
    assert.match(html, /<nav class="toc"[\s\S]*1\.1[\s\S]*First part[\s\S]*<\/nav>/);
    assert.equal((html.match(/<h1 [^>]*class="section-title"/g) ?? []).length, 2);
  });
  it('honours hide-input, remove-cell and remove-output', () => {
    assert.ok(html.includes('const'), 'visible source is shown');
    assert.ok(!html.includes('HIDDEN_INPUT_SOURCE'));
    assert.ok(!html.includes('REMOVED_CELL'));
    assert.ok(html.includes('kept_source'));
    assert.ok(!html.includes('REMOVED_OUTPUT_TEXT'));
  });
  it('numbers figures and tables with captions from metadata, Table: paragraphs and chart titles', () => {
    assert.equal(r.figures, 2);
    assert.equal(r.tables, 2);
    assert.match(html, /Figure 1\.<\/a><\/span> Loss per epoch/);
    assert.match(html, /Figure 2\.<\/a><\/span> Accuracy/);
    assert.match(html, /Table 1\.<\/a><\/span> Seed numbers/);
    assert.match(html, /Table 2\.<\/a><\/span> Final accuracy/);
    assert.match(html, /<td class="num">97\.8%<\/td>/);
  });
  it('cleans streams: no ANSI codes, carriage-return progress keeps its last state', () => {
    assert.ok(!html.includes('\u001b'));
    assert.match(html, /green\nstep 2/);
  });
  it('marks error cells', () => {
    assert.equal(r.errorCells, 1);
    assert.match(html, /class="cell code-cell cell-error"/);
    assert.match(html, /<strong>RangeError<\/strong>: bad/);
  });
  it('loads nothing from the network: no remote src/href/url() anywhere in the page', () => {
    assert.ok(!/<script[^>]+src=/i.test(r.html));
    assert.ok(!/<link[^>]+href=/i.test(r.html));
    assert.ok(!/\s(src|href)\s*=\s*["']?https?:/i.test(html));
    assert.ok(!/url\(\s*["']?https?:/i.test(r.html));
    assert.ok(!/@import/i.test(r.html.slice(0, r.html.indexOf('<body>'))));
    assert.match(r.html, /src:url\(data:font\/woff2;base64,/);
  });
  it('states profile, backend and where the numbers come from', () => {
    assert.match(html, /Profile<\/th><td><code>smoke<\/code>/);
    assert.match(html, /Backend<\/th><td>cpu/);
    assert.match(html, /Every number in this report comes from the experiment records in <code>output\/results\/<\/code>/);
  });
});

describe('notebook helpers', () => {
  it('counts chart bundles, whether the figure is an object or a JSON string', () => {
    const n = nb([{ outputs: [plotly('a'), { output_type: 'display_data', data: { 'application/vnd.plotly.v1+json': JSON.stringify({ data: [] }) }, metadata: {} }] }, { outputs: [{ output_type: 'stream', name: 'stdout', text: 'x' }] }]);
    assert.equal(countChartBundles(n), 2);
  });
  it('strips ANSI codes and the kernel frames of a stack', () => {
    assert.equal(stripAnsi('\u001b[1;31mError\u001b[0m'), 'Error');
    const tb = cleanTraceback('RangeError: x\n    at f (evalmachine.<anonymous>:4:11)\n    at Script.runInThisContext (node:vm:135:14)\n    at Object.execute (/p/node_modules/tslab/dist/executor.js:160:38)');
    assert.equal(tb, 'RangeError: x\n    at f (evalmachine.<anonymous>:4:11)');
  });
});

describe('report captions and titles', () => {
  it('turns a Plotly title with a <br><sub> subtitle into one caption sentence', () => {
    const n = nb([
      { cell_type: 'markdown', source: '# 06 · MNIST: the seeds' },
      { outputs: [{ ...plotly('x'), data: { 'application/vnd.plotly.v1+json': { data: [], layout: { title: { text: 'Test accuracy per epoch<br><sub>MLP 784-128-64-10; profile smoke</sub>' } } } } }] },
      { outputs: [{ output_type: 'display_data', data: { 'text/markdown': '| a | b |\n|---|---|\n| x | 1 |\n' }, metadata: {} }] },
    ]);
    const r = renderReportHtml([{ name: '06-mnist.ipynb', notebook: n }], META);
    assert.equal(r.sections[0].title, 'MNIST: the seeds', 'the notebook number prefix is dropped: sections are numbered');
    assert.match(r.html, /Figure 1\.<\/a><\/span> Test accuracy per epoch\. MLP 784-128-64-10; profile smoke<\/figcaption>/);
    assert.equal(r.tables, 1, 'a markdown table displayed by a cell is numbered too');
  });
});
