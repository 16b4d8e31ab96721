// The figure type every builder returns and the one light look they share.
// Figures are plain JSON (no functions, no typed arrays): the same object goes into the
// notebook's `application/vnd.plotly.v1+json` output, the report and the static image.

export type PlotlyTrace = Record<string, unknown>;
export type PlotlyLayout = Record<string, unknown> & { height: number };
export interface PlotlyFrame {
  name: string;
  data: PlotlyTrace[];
  traces?: number[];
  layout?: Record<string, unknown>;
}
export interface PlotlyFigure {
  data: PlotlyTrace[];
  layout: PlotlyLayout;
  frames?: PlotlyFrame[];
  config?: Record<string, unknown>;
}

export const FONT_FAMILY = '"Helvetica Neue", Helvetica, Arial, "DejaVu Sans", sans-serif';
export const DEFAULT_HEIGHT = 440;
/** Width of the static image (and of the chart in the PDF); the interactive chart fills its container. */
export const STATIC_WIDTH = 860;

const AXIS = {
  showline: true,
  linecolor: '#444',
  linewidth: 1,
  mirror: false,
  ticks: 'outside',
  tickcolor: '#444',
  ticklen: 4,
  showgrid: true,
  gridcolor: '#e6e6e6',
  zeroline: false,
  automargin: true,
  title: { font: { size: 13 } },
};

export interface BaseLayoutOptions {
  title: string;
  /** A second, smaller title line (setup, seeds, profile…). */
  subtitle?: string;
  /** Axis titles, with units: 'Epoch', 'Test accuracy (%)', 'Loss (cross-entropy, nats)'. */
  xTitle: string;
  yTitle: string;
  height?: number;
}

export function requireText(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error(`${what} must be a non-empty string (got ${JSON.stringify(value)}); every chart needs a title and axis titles with units.`);
  }
  return value;
}

/** The shared layout: white paper, light grid, left-aligned title, legend on the right. */
export function baseLayout(opts: BaseLayoutOptions): PlotlyLayout {
  const title = requireText(opts.title, 'title');
  const text = opts.subtitle ? `${escapeHtml(title)}<br><span style="font-size:12px;color:#666">${escapeHtml(opts.subtitle)}</span>` : escapeHtml(title);
  return {
    height: opts.height ?? DEFAULT_HEIGHT,
    autosize: true,
    title: { text, x: 0.01, xanchor: 'left', y: 0.97, yanchor: 'top', font: { size: 16, color: '#222' } },
    font: { family: FONT_FAMILY, size: 12, color: '#333' },
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#ffffff',
    margin: { l: 70, r: 20, t: opts.subtitle ? 78 : 56, b: 56 },
    xaxis: { ...AXIS, title: { ...AXIS.title, text: escapeHtml(requireText(opts.xTitle, 'xTitle')) } },
    yaxis: { ...AXIS, title: { ...AXIS.title, text: escapeHtml(requireText(opts.yTitle, 'yTitle')) } },
    legend: { bgcolor: 'rgba(255,255,255,0.85)', bordercolor: '#ddd', borderwidth: 1, font: { size: 12 } },
    hovermode: 'closest',
    hoverlabel: { font: { family: FONT_FAMILY } },
  };
}

/** Chart options shared by every figure: responsive, no logo, a crisp PNG from the toolbar. */
export function baseConfig(): Record<string, unknown> {
  return {
    responsive: true,
    displaylogo: false,
    modeBarButtonsToRemove: ['lasso2d', 'select2d'],
    toImageButtonOptions: { format: 'png', scale: 2 },
  };
}

/** Plotly titles accept a little HTML; user text must not inject any. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Typed or plain numeric arrays → plain arrays for JSON; NaN/±Infinity become null (a gap in the line).
 * `significant` rounds for display (a contour grid at full float64 precision triples the notebook's size).
 */
export function toJsonNumbers(values: ArrayLike<number>, what: string, significant?: number): (number | null)[] {
  if (values == null || typeof values.length !== 'number') throw new Error(`${what} must be an array of numbers.`);
  const out: (number | null)[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number') throw new Error(`${what}[${i}] must be a number (got ${JSON.stringify(v)}).`);
    out[i] = !Number.isFinite(v) ? null : significant === undefined ? v : Number(v.toPrecision(significant));
  }
  return out;
}
