// Line charts of per-epoch metrics (mean across seeds with a shaded band) and bar charts.
import { figureStyles, optimizerColor, otherColor, withAlpha, type SeriesIdentity } from './palette';
import { baseConfig, baseLayout, escapeHtml, toJsonNumbers, type PlotlyFigure, type PlotlyTrace } from './theme';

/**
 * One curve. Its look comes from what it is (see SeriesIdentity in ./palette): `optimizer` and
 * `implementation` from the run record pick the hue and the dash; `variant` tells settings of one
 * optimizer apart; `reference` marks a seed's logged curve (dotted). Never from the label.
 */
export interface MetricSeries extends SeriesIdentity {
  /** Legend label. */
  name: string;
  x: ArrayLike<number>;
  /** Mean across seeds (or the single run). */
  mean: ArrayLike<number>;
  /** Lower and upper edge of the band (e.g. a 95% interval across seeds); both or neither. */
  lo?: ArrayLike<number>;
  hi?: ArrayLike<number>;
}

export interface LineChartOptions {
  title: string;
  subtitle?: string;
  xTitle: string;
  yTitle: string;
  series: MetricSeries[];
  height?: number;
  yRange?: [number, number];
  logY?: boolean;
  /** A log-scaled x axis (e.g. learning rates across decades). */
  logX?: boolean;
  /** What the shaded band means, shown in the hover and a corner note. */
  bandLabel?: string;
}

/** Mean lines with a translucent band per series; legend entries toggle line and band together. */
export function lineChart(opts: LineChartOptions): PlotlyFigure {
  if (!Array.isArray(opts.series) || opts.series.length === 0) throw new Error('lineChart: series must be a non-empty array of {name, x, mean, lo?, hi?}.');
  const bandLabel = opts.bandLabel ?? '95% interval across seeds';
  const traces: PlotlyTrace[] = [];
  let anyBand = false;
  const styles = figureStyles(opts.series);
  opts.series.forEach((s, k) => {
    const x = toJsonNumbers(s.x, `series "${s.name}".x`);
    const mean = toJsonNumbers(s.mean, `series "${s.name}".mean`);
    if (mean.length !== x.length) throw new Error(`lineChart: series "${s.name}" has ${x.length} x values but ${mean.length} mean values.`);
    if ((s.lo == null) !== (s.hi == null)) throw new Error(`lineChart: series "${s.name}" must give both lo and hi, or neither.`);
    const style = styles[k];
    const color = style.color;
    const group = `${k}:${s.name}`;
    let custom: (number | null)[][] | undefined;
    if (s.lo && s.hi) {
      const lo = toJsonNumbers(s.lo, `series "${s.name}".lo`);
      const hi = toJsonNumbers(s.hi, `series "${s.name}".hi`);
      if (lo.length !== x.length || hi.length !== x.length) throw new Error(`lineChart: series "${s.name}" lo/hi must have ${x.length} values like x.`);
      anyBand = true;
      traces.push({
        type: 'scatter',
        x: [...x, ...[...x].reverse()],
        y: [...hi, ...[...lo].reverse()],
        fill: 'toself',
        fillcolor: withAlpha(color, 0.16),
        line: { width: 0, color },
        hoverinfo: 'skip',
        showlegend: false,
        legendgroup: group,
        name: `${s.name} band`,
      });
      custom = lo.map((l, i) => [l, hi[i]]);
    }
    const bandHover = custom ? `<br>${escapeHtml(bandLabel)}: [%{customdata[0]:.4g}, %{customdata[1]:.4g}]` : '';
    traces.push({
      type: 'scatter',
      mode: x.length <= 30 ? 'lines+markers' : 'lines',
      name: s.name,
      legendgroup: group,
      x,
      y: mean,
      line: { color, width: 2.2, dash: style.dash },
      marker: { color, size: 6, symbol: style.symbol },
      ...(custom ? { customdata: custom } : {}),
      hovertemplate: `<b>${escapeHtml(s.name)}</b><br>${escapeHtml(opts.xTitle)}: %{x}<br>${escapeHtml(opts.yTitle)}: %{y:.4g}${bandHover}<extra></extra>`,
    });
  });
  const layout = baseLayout(opts);
  const yaxis = layout.yaxis as Record<string, unknown>;
  if (opts.logY) yaxis.type = 'log';
  if (opts.logX) (layout.xaxis as Record<string, unknown>).type = 'log';
  if (opts.yRange) yaxis.range = opts.logY ? opts.yRange.map(Math.log10) : opts.yRange;
  if (anyBand) {
    layout.annotations = [{
      text: `Line: mean · shaded: ${escapeHtml(bandLabel)}`,
      xref: 'paper', yref: 'paper', x: 1, y: 1.0, xanchor: 'right', yanchor: 'bottom',
      showarrow: false, font: { size: 11, color: '#666' },
    }];
  }
  return { data: traces, layout, config: baseConfig() };
}

export interface BarSeries extends SeriesIdentity {
  name: string;
  categories: string[];
  /** With a single series: the optimizer of each category (its bar takes that optimizer's colour). */
  categoryOptimizers?: string[];
  values: ArrayLike<number>;
  /** Optional interval per bar (e.g. 95% across seeds), drawn as error bars. */
  lo?: ArrayLike<number>;
  hi?: ArrayLike<number>;
}

export interface BarChartOptions {
  title: string;
  subtitle?: string;
  xTitle: string;
  yTitle: string;
  series: BarSeries[];
  height?: number;
  yRange?: [number, number];
  /** Number format of the value printed on each bar (d3-format), e.g. '.1f'; null hides the labels. */
  valueFormat?: string | null;
}

/**
 * Grouped bars. With one series, each bar takes the colour of its category's optimizer
 * (`categoryOptimizers`); with several, each series is styled by its own identity like a line.
 */
export function barChart(opts: BarChartOptions): PlotlyFigure {
  if (!Array.isArray(opts.series) || opts.series.length === 0) throw new Error('barChart: series must be a non-empty array of {name, categories, values}.');
  const single = opts.series.length === 1;
  const fmt = opts.valueFormat === undefined ? '.3g' : opts.valueFormat;
  const styles = figureStyles(opts.series);
  const traces = opts.series.map((s, k) => {
    const values = toJsonNumbers(s.values, `bar series "${s.name}".values`);
    if (s.categories.length !== values.length) throw new Error(`barChart: series "${s.name}" has ${s.categories.length} categories but ${values.length} values.`);
    if ((s.lo == null) !== (s.hi == null)) throw new Error(`barChart: series "${s.name}" must give both lo and hi, or neither.`);
    if (s.categoryOptimizers && s.categoryOptimizers.length !== s.categories.length) throw new Error(`barChart: series "${s.name}" has ${s.categories.length} categories but ${s.categoryOptimizers.length} categoryOptimizers.`);
    const barColors = single ? s.categories.map((c, i) => (s.categoryOptimizers ? optimizerColor(s.categoryOptimizers[i]) : otherColor(c))) : styles[k].color;
    const trace: PlotlyTrace = {
      type: 'bar',
      name: s.name,
      x: [...s.categories],
      y: values,
      // A built-in's (dashed) or reference's (dotted) bars are hatched: the bar's version of a line's dash.
      marker: { color: barColors, line: { color: '#333', width: 0.5 }, ...(!single && styles[k].dash !== 'solid' ? { pattern: { shape: styles[k].dash === 'dash' ? '/' : '.' } } : {}) },
      hovertemplate: `<b>%{x}</b><br>${escapeHtml(opts.yTitle)}: %{y:.4g}<extra>${escapeHtml(s.name)}</extra>`,
    };
    if (fmt !== null) Object.assign(trace, { texttemplate: `%{y:${fmt}}`, textposition: 'outside', cliponaxis: false });
    if (s.lo && s.hi) {
      const lo = toJsonNumbers(s.lo, `bar series "${s.name}".lo`);
      const hi = toJsonNumbers(s.hi, `bar series "${s.name}".hi`);
      trace.error_y = {
        type: 'data', symmetric: false, color: '#333', thickness: 1.2, width: 4,
        array: hi.map((h, i) => (h == null || values[i] == null ? null : h - (values[i] as number))),
        arrayminus: lo.map((l, i) => (l == null || values[i] == null ? null : (values[i] as number) - l)),
      };
    }
    return trace;
  });
  const layout = baseLayout(opts);
  layout.barmode = 'group';
  layout.showlegend = !single;
  (layout.xaxis as Record<string, unknown>).showgrid = false;
  if (opts.yRange) (layout.yaxis as Record<string, unknown>).range = opts.yRange;
  return { data: traces, layout, config: baseConfig() };
}
