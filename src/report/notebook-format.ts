// The parts of the Jupyter notebook format (nbformat 4) the report reads, and small readers for them.
import * as fs from 'node:fs';

export type MultilineString = string | string[];

export interface NotebookOutput {
  output_type: 'stream' | 'display_data' | 'execute_result' | 'error';
  name?: string;
  text?: MultilineString;
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

export interface NotebookCell {
  cell_type: 'markdown' | 'code' | 'raw';
  id?: string;
  source: MultilineString;
  metadata: { tags?: string[]; caption?: string; [key: string]: unknown };
  outputs?: NotebookOutput[];
  execution_count?: number | null;
}

export interface Notebook {
  cells: NotebookCell[];
  metadata: { title?: string; kernelspec?: { name: string }; [key: string]: unknown };
  nbformat: number;
  nbformat_minor: number;
}

export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

export function joinText(s: MultilineString | undefined): string {
  return Array.isArray(s) ? s.join('') : (s ?? '');
}

export function readNotebook(file: string): Notebook {
  let nb: Notebook;
  try {
    nb = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`Cannot read notebook ${file}: ${(err as Error).message}`);
  }
  if (!nb || !Array.isArray(nb.cells) || nb.nbformat !== 4) {
    throw new Error(`${file} is not an nbformat 4 notebook (expected a JSON object with "cells" and "nbformat": 4).`);
  }
  return nb;
}

/** ANSI colour/cursor sequences, which kernels put in tracebacks for terminals. */
export function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/\u001b\][^\u0007]*\u0007/g, '');
}

/** Drop the kernel's own frames (tslab, node:vm) from a stack: they say nothing about the notebook. */
export function cleanTraceback(text: string): string {
  return stripAnsi(text)
    .split('\n')
    .filter((l) => !/^\s+at .*(node:vm|node:internal|[\\/]tslab[\\/]dist[\\/]|sigintHandlersWrap|runInThisContext)/.test(l))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** A plotly figure from an output bundle; kernels send it as an object or (tslab's display.raw) as a JSON string. */
export interface PlotlyFigureJson {
  data: unknown[];
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
  /** Animation frames (sliders and play buttons step through them). */
  frames?: unknown[];
}

export function plotlyFigure(output: NotebookOutput): PlotlyFigureJson | undefined {
  const raw = output.data?.[PLOTLY_MIME];
  if (raw === undefined) return undefined;
  const fig = typeof raw === 'string' ? JSON.parse(raw) : raw;
  if (!fig || !Array.isArray((fig as { data?: unknown }).data)) {
    throw new Error(`A ${PLOTLY_MIME} output has no "data" array; expected a Plotly figure {data, layout}.`);
  }
  return fig as PlotlyFigureJson;
}

/** Number of Plotly chart bundles a notebook displays (each display counts once, whatever else it carries). */
export function countChartBundles(nb: Notebook): number {
  let n = 0;
  for (const cell of nb.cells) for (const out of cell.outputs ?? []) if (out.data && PLOTLY_MIME in out.data) n++;
  return n;
}

export function hasTag(cell: NotebookCell, tag: string): boolean {
  return Array.isArray(cell.metadata?.tags) && cell.metadata.tags.includes(tag);
}
