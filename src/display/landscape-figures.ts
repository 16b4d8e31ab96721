// Contour plots of 2-D landscapes with optimizer trajectories on them, the same with a
// hyperparameter slider, and seed 002's learning-rate picture.
import { landscapeGrid, linspace, type Landscape } from '../landscapes/functions';
import type { LearningRateRun, LearningRateVerdict } from '../landscapes/learning-rate-demo';
import type { TrajectorySweep } from '../landscapes/trajectory';
import { OPTIMIZER_COLORS, figureStyles, type SeriesIdentity, type SeriesStyle } from './palette';
import { baseConfig, baseLayout, escapeHtml, toJsonNumbers, type PlotlyFigure, type PlotlyFrame, type PlotlyTrace } from './theme';

/** What a contour plot needs of a trajectory (a `Trajectory` from src/landscapes fits). */
export interface PathLike {
  /** An optimizer name, 'tfjs <name>' (the built-in), or a custom optimizer's label. */
  optimizer: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  diverged?: boolean;
  divergedAt?: number | null;
}

export interface LandscapeFigureOptions {
  title?: string;
  subtitle?: string;
  height?: number;
  /** Grid resolution per axis for the contour (default 81: smooth at the drawn size, and the grid is most of a chart's bytes). */
  resolution?: number;
}

const CONTOUR_COLORSCALE = [
  [0, '#f7fbff'],
  [0.35, '#e3ecf5'],
  [0.7, '#ecebe4'],
  [1, '#d9d2c5'],
];

function contourTrace(landscape: Landscape, resolution: number): PlotlyTrace {
  const grid = landscapeGrid(landscape, { nx: resolution, ny: resolution });
  const log = landscape.contourScale === 'log';
  let floor = Infinity;
  if (log) for (const row of grid.z) for (const v of row) floor = Math.min(floor, v);
  // Log contours on log10(1 + f − min f) keep both the floor of a valley and its walls readable.
  const z = grid.z.map((row) => toJsonNumbers(log ? row.map((v) => Math.log10(1 + v - floor)) : row, 'contour z', 4));
  return {
    type: 'contour',
    x: toJsonNumbers(grid.x, 'grid x', 6),
    y: toJsonNumbers(grid.y, 'grid y', 6),
    z,
    ncontours: 24,
    colorscale: CONTOUR_COLORSCALE,
    // Flat bands (not a smooth heatmap): as readable, and the static PNG is several times smaller.
    contours: { coloring: 'fill', showlines: true },
    line: { color: 'rgba(80,80,80,0.4)', width: 0.6 },
    colorbar: {
      title: { text: log ? 'log₁₀(1 + f − f<sub>min</sub>)' : 'f(x, y)', side: 'right', font: { size: 11 } },
      thickness: 12, len: 0.85, outlinewidth: 0, tickfont: { size: 10 },
    },
    hoverinfo: 'skip',
    showlegend: false,
    name: landscape.title,
  };
}

/** On a function unbounded below (the saddle) running off is success, not divergence: say "escaped". */
function pathName(p: PathLike, landscape: Landscape): string {
  if (!p.diverged) return p.optimizer;
  const what = landscape.minima.length === 0 ? 'escaped' : 'diverged';
  return `${p.optimizer} (${what}${p.divergedAt != null ? ` at step ${p.divergedAt}` : ''})`;
}

/**
 * A trajectory's `optimizer` is its OptimizerSpec from src/landscapes: an optimizer name, 'tfjs <name>'
 * for the built-in, or a custom optimizer's own label (styled as a non-optimizer series).
 */
function pathIdentity(p: PathLike): SeriesIdentity {
  const builtin = p.optimizer.startsWith('tfjs ');
  const name = builtin ? p.optimizer.slice('tfjs '.length) : p.optimizer;
  return name in OPTIMIZER_COLORS ? { name: p.optimizer, optimizer: name, implementation: builtin ? 'tfjs' : 'ours' } : { name: p.optimizer };
}

/** The paths of one picture, each in its optimizer's colour (a repeated optimizer gets lightness steps). */
function pathTraces(paths: PathLike[], landscape: Landscape): PlotlyTrace[] {
  const styles = figureStyles(paths.map(pathIdentity));
  return paths.map((p, i) => pathTrace(p, landscape, styles[i]));
}

function pathTrace(p: PathLike, landscape: Landscape, style: SeriesStyle): PlotlyTrace {
  return {
    type: 'scatter',
    mode: 'lines+markers',
    name: pathName(p, landscape),
    // float32 iterates carry ~7 significant digits; 6 keep every visible detail.
    x: toJsonNumbers(p.x, `trajectory "${p.optimizer}".x`, 6),
    y: toJsonNumbers(p.y, `trajectory "${p.optimizer}".y`, 6),
    line: { color: style.color, width: 2, dash: style.dash },
    marker: { color: style.color, size: 3.5 },
    hovertemplate: `<b>${escapeHtml(p.optimizer)}</b><br>step %{pointNumber}<br>x = %{x:.4g}, y = %{y:.4g}<extra></extra>`,
  };
}

function markerTraces(landscape: Landscape, start: { x: number; y: number } | undefined): PlotlyTrace[] {
  const out: PlotlyTrace[] = [];
  if (landscape.minima.length > 0) {
    out.push({
      type: 'scatter', mode: 'markers', name: 'minimum',
      x: landscape.minima.map((m) => m.x), y: landscape.minima.map((m) => m.y),
      marker: { symbol: 'star', size: 15, color: '#ffd400', line: { color: '#333', width: 1 } },
      hovertemplate: 'minimum (%{x}, %{y})<extra></extra>',
    });
  }
  if (start) {
    out.push({
      type: 'scatter', mode: 'markers', name: 'start',
      x: [start.x], y: [start.y],
      marker: { symbol: 'circle', size: 10, color: '#fff', line: { color: '#111', width: 2 } },
      hovertemplate: 'start (%{x}, %{y})<extra></extra>',
    });
  }
  return out;
}

function landscapeLayout(landscape: Landscape, opts: LandscapeFigureOptions, defaultTitle: string): PlotlyFigure['layout'] {
  const layout = baseLayout({
    title: opts.title ?? defaultTitle,
    subtitle: opts.subtitle,
    xTitle: 'x (parameter 1)',
    yTitle: 'y (parameter 2)',
    height: opts.height ?? 520,
  });
  const { x, y } = landscape.window;
  // Fixed ranges: a diverging path must not rescale the picture. (No forced 1:1 aspect: it leaves
  // most of a wide output empty for square windows; the contours show the curvature anyway.)
  Object.assign(layout.xaxis as object, { range: [...x], showgrid: false });
  Object.assign(layout.yaxis as object, { range: [...y], showgrid: false });
  layout.legend = { ...(layout.legend as object), orientation: 'h', x: 0, xanchor: 'left', y: 1.01, yanchor: 'bottom' };
  layout.margin = { ...(layout.margin as object), t: (opts.subtitle ? 78 : 56) + 34 };
  return layout;
}

function startOf(paths: PathLike[]): { x: number; y: number } | undefined {
  const p = paths.find((q) => q.x.length > 0);
  return p ? { x: p.x[0], y: p.y[0] } : undefined;
}

/** A landscape's contours with the given trajectories drawn on them, start and minimum marked. */
export function landscapeFigure(landscape: Landscape, paths: PathLike[], opts: LandscapeFigureOptions = {}): PlotlyFigure {
  const traces = [contourTrace(landscape, opts.resolution ?? 81), ...pathTraces(paths, landscape), ...markerTraces(landscape, startOf(paths) ?? landscape.start)];
  return { data: traces, layout: landscapeLayout(landscape, opts, `${landscape.title}: optimizer trajectories`), config: baseConfig() };
}

const PARAM_LABELS: Record<string, string> = {
  learningRate: 'learning rate', momentum: 'momentum', rho: 'ρ', beta1: 'β₁', beta2: 'β₂', epsilon: 'ε', weightDecay: 'weight decay',
};

/**
 * The same contour picture with a slider over one hyperparameter: every position is a precomputed
 * frame (from `trajectorySweep`), so moving the slider needs no kernel.
 */
export function trajectorySliderFigure(landscape: Landscape, sweep: TrajectorySweep, opts: LandscapeFigureOptions & { initialIndex?: number } = {}): PlotlyFigure {
  if (sweep.frames.length === 0) throw new Error('trajectorySliderFigure: the sweep has no frames.');
  if (sweep.landscape !== landscape.id) throw new Error(`trajectorySliderFigure: the sweep was run on "${sweep.landscape}", not on "${landscape.id}".`);
  const initial = opts.initialIndex ?? Math.floor((sweep.frames.length - 1) / 2);
  if (!Number.isInteger(initial) || initial < 0 || initial >= sweep.frames.length) {
    throw new Error(`trajectorySliderFigure: initialIndex must be 0..${sweep.frames.length - 1} (got ${initial}).`);
  }
  const paramLabel = PARAM_LABELS[sweep.param] ?? sweep.param;
  const n = sweep.frames[0].trajectories.length;
  const pathIndices = Array.from({ length: n }, (_, i) => 1 + i);
  const frames: PlotlyFrame[] = sweep.frames.map((f) => {
    if (f.trajectories.length !== n) throw new Error('trajectorySliderFigure: every frame must hold the same optimizers.');
    return { name: String(f.value), data: pathTraces(f.trajectories, landscape), traces: pathIndices };
  });
  const first = sweep.frames[initial].trajectories;
  const data = [contourTrace(landscape, opts.resolution ?? 81), ...pathTraces(first, landscape), ...markerTraces(landscape, startOf(first) ?? landscape.start)];
  const layout = landscapeLayout(landscape, { ...opts, height: opts.height ?? 600 }, `${landscape.title}: trajectories as the ${paramLabel} changes`);
  layout.margin = { ...(layout.margin as object), b: 130 };
  layout.sliders = [{
    active: initial,
    x: 0, len: 1, y: -0.16, yanchor: 'top', pad: { t: 10, b: 0 },
    currentvalue: { prefix: `${paramLabel} = `, font: { size: 13 } },
    steps: sweep.frames.map((f) => ({
      label: String(f.value),
      method: 'animate',
      args: [[String(f.value)], { mode: 'immediate', frame: { duration: 0, redraw: true }, transition: { duration: 0 } }],
    })),
  }];
  return { data, layout, frames, config: baseConfig() };
}

const VERDICT_COLORS: Record<LearningRateVerdict, string> = { 'too small': '#1f77b4', good: '#2ca02c', oscillating: '#ff7f0e', diverging: '#d62728' };
const VERDICT_TEXT: Record<LearningRateVerdict, string> = {
  'too small': 'too small, slow', good: 'good', oscillating: 'large, overshoots but converges', diverging: 'too large, diverges',
};

/** Seed 002's picture: f(w) = w² with the iterates of gradient descent for each learning rate, side by side. */
export function learningRateFigure(runs: LearningRateRun[], opts: { title?: string; height?: number } = {}): PlotlyFigure {
  if (runs.length === 0) throw new Error('learningRateFigure: runs must be non-empty (see learningRateDemo()).');
  const traces: PlotlyTrace[] = [];
  const annotations: Record<string, unknown>[] = [];
  const layout = baseLayout({ title: opts.title ?? 'Learning rate too small, right, too large: gradient descent on f(w) = w²', xTitle: 'w', yTitle: 'f(w)', height: opts.height ?? 360 });
  const axisTemplate = { ...(layout.xaxis as object) };
  const yTemplate = { ...(layout.yaxis as object) };
  const gap = 0.04;
  const width = (1 - gap * (runs.length - 1)) / runs.length;
  runs.forEach((run, k) => {
    const suffix = k === 0 ? '' : String(k + 1);
    const reach = Math.max(...Array.from(run.w, Math.abs)) * 1.15;
    const curveW = linspace(-reach, reach, 161);
    const color = VERDICT_COLORS[run.verdict];
    traces.push({
      type: 'scatter', mode: 'lines', x: toJsonNumbers(curveW, 'w', 5), y: toJsonNumbers(Array.from(curveW, (w) => w * w), 'w²', 5),
      line: { color: '#9a9a9a', width: 1.5 }, hoverinfo: 'skip', showlegend: false, xaxis: `x${suffix}`, yaxis: `y${suffix}`,
    });
    traces.push({
      type: 'scatter', mode: 'lines+markers', name: `lr = ${run.learningRate}`,
      x: toJsonNumbers(run.w, 'w'), y: toJsonNumbers(run.loss, 'loss'),
      line: { color, width: 1.5 }, marker: { color, size: 7, line: { color: '#fff', width: 1 } },
      hovertemplate: `lr = ${run.learningRate}<br>step %{pointNumber}: w = %{x:.3g}, f = %{y:.3g}<extra></extra>`,
      showlegend: false, xaxis: `x${suffix}`, yaxis: `y${suffix}`,
    });
    const x0 = k * (width + gap);
    layout[`xaxis${suffix}`] = { ...axisTemplate, domain: [x0, x0 + width], anchor: `y${suffix}`, title: { text: 'w' } };
    layout[`yaxis${suffix}`] = { ...yTemplate, anchor: `x${suffix}`, rangemode: 'tozero', title: { text: k === 0 ? 'f(w) = w²' : '' } };
    annotations.push({
      // Two lines: at report width four one-line titles overlap their neighbours.
      text: `<b>lr = ${run.learningRate}</b><br>${VERDICT_TEXT[run.verdict]}`, font: { size: 13, color },
      xref: 'paper', yref: 'paper', x: x0 + width / 2, xanchor: 'center', y: 1.0, yanchor: 'bottom', showarrow: false,
    });
  });
  layout.annotations = annotations;
  layout.showlegend = false;
  layout.margin = { ...(layout.margin as object), t: 100 };
  return { data: traces, layout, config: baseConfig() };
}
