// Jupyter display bundles: the MIME dictionary one output carries. Pure functions — the caller
// passes in the static image. Which front end reads which entry: README, "What each front end shows".
import * as crypto from 'node:crypto';
import { KERNEL_NAME, KERNELSPEC_PLOTLY_FILE } from '../browser/assets';
import { isTable, tableToHtml, tableToText, type Table } from './table';
import type { PlotlyFigure } from './theme';

export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

export interface DisplayBundle {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export interface FigureBundleOptions {
  /** PNG (base64) of the figure, shown inside the HTML until the interactive chart replaces it (and for good where scripts do not run). */
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

/**
 * Numbers as JSON writes them after rounding to 6 significant digits: a contour grid or a long
 * trajectory is mostly digits, and 17 of them draw the same chart as 6 (hover labels show ≤ 6).
 * Integers, NaN and ±Infinity are left alone.
 */
export function compactNumbers<T>(value: T): T {
  if (typeof value === 'number') return (Number.isFinite(value) && !Number.isInteger(value) ? Number(value.toPrecision(6)) : value) as T;
  if (Array.isArray(value)) return value.map(compactNumbers) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, compactNumbers(v)])) as T;
  return value;
}

/** Numeric arrays shorter than this stay plain JSON lists (readable; packing saves nothing worth it). */
export const PACK_MIN_LENGTH = 32;
/** The trace attributes packed as typed arrays: plotly.js data arrays (coordinates, contour grids). */
const PACKED_KEYS = ['x', 'y', 'z'];

type TypedArraySpec = { dtype: 'i4' | 'f4'; bdata: string; shape?: string };

/** A list of finite numbers, or a rectangular list of such lists (a grid); else undefined. */
function numericShape(v: unknown): { values: number[]; shape?: string } | undefined {
  if (!Array.isArray(v) || v.length < 1) return undefined;
  if (v.every((x) => typeof x === 'number' && Number.isFinite(x))) return { values: v as number[] };
  if (!v.every((row) => Array.isArray(row) && row.length === (v[0] as unknown[]).length && row.length > 0)) return undefined;
  const values = (v as unknown[][]).flat();
  return values.every((x) => typeof x === 'number' && Number.isFinite(x)) ? { values: values as number[], shape: `${v.length},${(v[0] as unknown[]).length}` } : undefined;
}

/**
 * A long numeric array as plotly.js's typed-array form, `{dtype, bdata: base64, shape}` (plotly.js
 * ≥ 2.28, plotly.py ≥ 6 writes the same; VS Code's renderer has understood it since late 2024):
 * integers as int32, the rest as float32 (7 significant digits, more than the 6 the figure keeps).
 * A notebook file is written with one array element per indented line, so a plain 81×81 contour grid
 * costs ~120 KB there; packed it is one 35 KB string.
 */
function packArray(v: unknown): TypedArraySpec | undefined {
  const s = numericShape(v);
  if (!s || s.values.length < PACK_MIN_LENGTH) return undefined;
  const ints = s.values.every((x) => Number.isInteger(x) && Math.abs(x) < 2 ** 31);
  const typed = ints ? Int32Array.from(s.values) : Float32Array.from(s.values);
  const bdata = Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength).toString('base64');
  return { dtype: ints ? 'i4' : 'f4', bdata, ...(s.shape ? { shape: s.shape } : {}) };
}

function packTrace(trace: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...trace };
  for (const key of PACKED_KEYS) {
    const packed = packArray(trace[key]);
    if (packed) out[key] = packed;
  }
  return out;
}

/** The figure with its traces' long coordinate arrays and grids packed (see packArray), in data and in animation frames. */
export function packFigureArrays<T extends { data: unknown[]; frames?: { data?: unknown[] }[] }>(fig: T): T {
  const traces = (list: unknown[]) => list.map((t) => (t && typeof t === 'object' && !Array.isArray(t) ? packTrace(t as Record<string, unknown>) : t));
  return {
    ...fig,
    data: traces(fig.data),
    ...(fig.frames ? { frames: fig.frames.map((f) => (Array.isArray(f.data) ? { ...f, data: traces(f.data) } : f)) } : {}),
  };
}

/**
 * The script that draws one chart. It does not depend on any other output: plotly.js is taken from
 * the page if some chart already loaded it, else fetched once per page from the Jupyter server, which
 * serves the files of this project's kernelspec at <base>/kernelspecs/<kernel>/ (classic Notebook,
 * JupyterLab and Notebook 7 alike; `npm run kernel:install` puts plotly.js there). It is evaluated with
 * define/module/exports shadowed, so it sets window.Plotly even where require.js is loaded (classic
 * Notebook). Where it cannot be had (no server, kernel not installed), the static image stays with a
 * one-line note. Where scripts do not run at all (untrusted notebooks), the image is all there is.
 * A plotly.js older than 2.28 already on the page (another library's) cannot read the packed arrays,
 * so it is not used: this project's is loaded instead.
 */
function chartScript(divId: string, figureJson: string): string {
  const url = `kernelspecs/${KERNEL_NAME}/${KERNELSPEC_PLOTLY_FILE}`;
  return `<script type="text/javascript">
(function () {
  var el = document.getElementById(${JSON.stringify(divId)});
  if (!el) return;
  var fig = ${figureJson};
  function baseUrl() {
    var b = document.body && document.body.getAttribute('data-base-url');
    if (b) return b;
    var c = document.getElementById('jupyter-config-data');
    if (c) { try { return JSON.parse(c.textContent).baseUrl || '/'; } catch (e) {} }
    return null;
  }
  function recent(P) {
    var v = String((P && P.version) || '0').split('.');
    return +v[0] > 2 || (+v[0] === 2 && +v[1] >= 28); // reads the packed (typed) arrays
  }
  function plotly() {
    if (recent(window.Plotly)) return Promise.resolve(window.Plotly);
    if (!window.atlasPlotlyLoading) {
      var base = baseUrl();
      window.atlasPlotlyLoading = base === null ? Promise.reject(new Error('this page is not served by Jupyter'))
        : fetch(base + (base.slice(-1) === '/' ? '' : '/') + ${JSON.stringify(url)}, { credentials: 'same-origin' })
          .then(function (r) { if (!r.ok) throw new Error('the Jupyter server answered ' + r.status + ' for ' + r.url); return r.text(); })
          .then(function (src) { new Function('define', 'module', 'exports', src).call(window); if (!window.Plotly) throw new Error('plotly.js did not define Plotly'); return window.Plotly; });
    }
    return window.atlasPlotlyLoading;
  }
  plotly().then(function (P) {
    el.innerHTML = '';
    el.style.minHeight = fig.layout.height + 'px';
    return P.newPlot(el, fig);
  }).catch(function (err) {
    var p = document.createElement('p');
    p.className = 'atlas-chart-note';
    p.style.cssText = 'color:#666;font:12px sans-serif;margin:2px 0';
    p.textContent = 'Static image: the interactive chart needs plotly.js from the Jupyter server (' + err.message + '). Run npm run kernel:install, restart Jupyter and reload.';
    el.appendChild(p);
  });
})();
</script>`;
}

function figureHtml(fig: PlotlyFigure, divId: string, png: string | null | undefined, title: string, figureJson: string): string {
  const picture = png
    ? `<img src="data:image/png;base64,${png}" alt="${escapeAttr(title)}" style="max-width:100%;height:auto">`
    : `<div style="padding:1em;color:#666;font-family:sans-serif">${title.replace(/</g, '&lt;')} — interactive chart (needs JavaScript)</div>`;
  // The picture is what untrusted front ends show (they strip the script and never fall back to
  // another MIME type); where scripts run, the live chart replaces it.
  return `<div id="${divId}" class="atlas-chart">${picture}</div>\n${chartScript(divId, figureJson)}`;
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/**
 * The MIME bundle for a figure or a table. A figure carries:
 * - `application/vnd.plotly.v1+json`: the figure, for front ends that draw it themselves (VS Code,
 *   JupyterLab with the plotly extension) and for the report, which redraws every chart;
 * - `text/html`: the static PNG plus a script that draws the same figure (classic Notebook and
 *   JupyterLab read only this: the script cannot reach the sibling JSON entry, hence the second copy);
 * - `text/plain`: a one-line summary. The PNG is stored once, inside the HTML (no `image/png` entry:
 *   no front end we support would pick it over the HTML).
 * Both figure copies carry long coordinate arrays and contour grids as base64 typed arrays
 * (packFigureArrays), so the second copy costs a fraction of what the first used to.
 */
export function toDisplayBundle(item: PlotlyFigure | Table, opts: FigureBundleOptions = {}): DisplayBundle {
  if (isTable(item)) {
    return { data: { 'text/html': tableToHtml(item), 'text/plain': tableToText(item) }, metadata: {} };
  }
  validateFigure(item);
  const title = figureTitle(item);
  const figure = packFigureArrays(compactNumbers({ data: item.data, layout: item.layout, frames: item.frames, config: item.config }));
  const json = JSON.stringify(figure);
  const divId = opts.divId ?? `atlas-chart-${crypto.createHash('sha1').update(json).digest('hex').slice(0, 12)}`;
  const names = item.data.map((t) => t.name).filter((n): n is string => typeof n === 'string' && !n.endsWith(' band'));
  const data: Record<string, unknown> = {
    [PLOTLY_MIME]: JSON.parse(json),
    'text/html': figureHtml(item, divId, opts.pngBase64, title, scriptJson({ ...figure, frames: figure.frames ?? [], config: figure.config ?? {} })),
    'text/plain': `[chart] ${title}${names.length ? ` — ${[...new Set(names)].join(', ')}` : ''}`,
  };
  return { data, metadata: {} };
}
