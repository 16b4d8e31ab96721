// show(figure | table): one rich output in a tslab (Jupyter) kernel; a one-line summary elsewhere.
import { toDisplayBundle, type DisplayBundle } from './bundle';
import { markdownToHtml } from './markdown-html';
import { renderPngSync } from './static-image';
import { isTable, type Table } from './table';
import type { PlotlyFigure } from './theme';

type DisplayWriter = (msg: { data: Record<string, unknown>; metadata: Record<string, unknown>; transient: Record<string, unknown> }, update: boolean) => void;

/**
 * tslab's writer for the running cell. tslab's public `display.raw(type, data)` sends one MIME type
 * per message, and a Jupyter output needs them all in one, so we call the internal writer it uses
 * (`lastWriteDisplayData` in tslab/dist/jupyter.js). It must be the module instance the kernel
 * loaded, so we look in the module cache rather than `require` it: that finds the kernel's tslab
 * wherever it is installed, and outside a kernel finds nothing (and loads nothing).
 */
function kernelWriter(): DisplayWriter | undefined {
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(file)) continue;
    const writer = (mod?.exports as { lastWriteDisplayData?: unknown } | undefined)?.lastWriteDisplayData;
    if (typeof writer === 'function') return writer as DisplayWriter;
  }
  return undefined;
}

/** True inside a tslab kernel that is executing a cell. */
export function inKernel(): boolean {
  return kernelWriter() !== undefined;
}

let chartCounter = 0;

export interface ShowOptions {
  /** Attach a PNG of the chart (default true; ATLAS_STATIC_IMAGES=0 turns it off everywhere). */
  staticImage?: boolean;
}

/**
 * Display a figure or a table. In a tslab kernel: one output with every MIME type at once
 * (see toDisplayBundle: Plotly JSON for VS Code and the report, HTML with the static PNG and a
 * drawing script for classic Notebook and JupyterLab). Elsewhere (plain node, tests): prints the text summary.
 * Returns nothing on purpose: a returned bundle would be echoed by the kernel as a huge value.
 */
export function show(item: PlotlyFigure | Table, opts: ShowOptions = {}): void {
  const writer = kernelWriter();
  if (!writer) {
    process.stdout.write(String(toDisplayBundle(item).data['text/plain']) + '\n');
    return;
  }
  let bundle: DisplayBundle;
  if (isTable(item)) {
    bundle = toDisplayBundle(item);
  } else {
    const png = opts.staticImage === false ? null : renderPngSync(item);
    bundle = toDisplayBundle(item, { pngBase64: png, divId: `atlas-chart-${process.pid}-${Date.now().toString(36)}-${++chartCounter}` });
  }
  writer({ data: bundle.data, metadata: bundle.metadata, transient: {} }, false);
}

/**
 * Display markdown (math in $…$ / $$…$$). Unlike tslab's `display.markdown`, the output also carries
 * an HTML rendering, so it stays readable where the notebook is not trusted (classic Notebook shows no
 * untrusted `text/markdown`). The report renders the markdown itself. Outside a kernel: prints it.
 */
export function md(text: string): void {
  if (typeof text !== 'string') throw new Error(`md(text): expected a markdown string, got ${text === null ? 'null' : typeof text}.`);
  const writer = kernelWriter();
  if (!writer) {
    process.stdout.write(text + '\n');
    return;
  }
  writer({ data: { 'text/markdown': text, 'text/html': markdownToHtml(text) }, metadata: {}, transient: {} }, false);
}
