// Ours vs the tfjs built-in for every optimizer tfjs has (experiment `ours-vs-tfjs`): final test
// accuracy of each with its 95% interval, the paired difference (same seeds, so the same
// initialisation and batches), and whether a gap is covered by a documented convention difference
// from the registry (`info.tfjs.differences`).
import { barChart } from '../display/charts';
import { table, type Table } from '../display/table';
import type { PlotlyFigure } from '../display/theme';
import { meanInterval, summarize, type Interval, type SeriesSummary } from '../experiments/api';
import { getOptimizerInfo } from '../optimizers/registry';
import type { OptimizerName, TfjsDifference } from '../optimizers/types';
import type { ExperimentData } from './experiment-views';
import { formatInterval } from './intervals';

/**
 * The registry's differences between our rule and the tfjs built-in that remain when both get the same
 * hyperparameters: those that act 'always'. The others cannot act in this comparison: a built-in default
 * (createBuiltinOptimizer passes ours, or 0, explicitly), an option the built-in lacks (weight decay:
 * refused, and the compared runs use none) or a convention that only differs under a schedule (the
 * compared runs use constant rates).
 */
export function activeTfjsDifferences(optimizer: OptimizerName): TfjsDifference[] {
  const tfjs = getOptimizerInfo(optimizer).tfjs;
  if (!tfjs) throw new Error(`activeTfjsDifferences: tfjs has no built-in "${optimizer}", so there is nothing to compare.`);
  return tfjs.differences.filter((d) => d.acts === 'always');
}

export interface ImplementationRow {
  optimizer: OptimizerName;
  displayName: string;
  ours: SeriesSummary;
  builtin: SeriesSummary;
  /** Ours − built-in final test accuracy in percentage points, paired by seed, with its 95% interval. */
  difference: Interval;
  /** true: the paired interval excludes 0; false: it includes 0; null: one seed, no interval. */
  beyondNoise: boolean | null;
  /** Documented differences that act at these hyperparameters (see activeTfjsDifferences). */
  documented: TfjsDifference[];
  /** Whether the gap is explained, in words. */
  verdict: string;
}

function finalAccuracyBySeed(data: ExperimentData, series: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of data.records) {
    if (r.series !== series || r.status === 'error') continue;
    const v = r.epochs[r.config.epochs - 1]?.testAccuracy;
    if (v !== undefined && Number.isFinite(v)) out.set(r.config.seed, v);
  }
  return out;
}

function verdictFor(beyondNoise: boolean | null, documented: TfjsDifference[]): string {
  if (beyondNoise === null) return documented.length ? `one seed: cannot tell; ${documented.length} documented difference(s) could act` : 'one seed: cannot tell; none documented';
  if (!beyondNoise) return 'no gap beyond seed noise';
  return documented.length ? `gap; candidate explanation: ${documented.length} documented difference(s)` : 'gap not explained: the registry documents no difference in the rule';
}

/** One row per optimizer of the experiment that has both an 'ours' and a 'tfjs' series. */
export function implementationRows(data: ExperimentData): ImplementationRow[] {
  const sums = new Map(summarize(data.records, 'testAccuracy').map((s) => [s.series, s]));
  const optimizers = [...new Set(data.spec.series.map((s) => s.optimizer))];
  return optimizers.flatMap((optimizer) => {
    const ours = data.spec.series.find((s) => s.optimizer === optimizer && (s.implementation ?? 'ours') === 'ours');
    const builtin = data.spec.series.find((s) => s.optimizer === optimizer && s.implementation === 'tfjs');
    const so = ours && sums.get(ours.id);
    const sb = builtin && sums.get(builtin.id);
    if (!ours || !builtin || !so || !sb) return [];
    const a = finalAccuracyBySeed(data, ours.id);
    const b = finalAccuracyBySeed(data, builtin.id);
    const paired = [...a].flatMap(([seed, v]) => (b.has(seed) ? [(v - b.get(seed)!) * 100] : []));
    const difference = meanInterval(paired);
    const beyondNoise = difference.n < 2 ? null : difference.lower > 0 || difference.upper < 0;
    const documented = activeTfjsDifferences(optimizer);
    return [{ optimizer, displayName: getOptimizerInfo(optimizer).displayName, ours: so, builtin: sb, difference, beyondNoise, documented, verdict: verdictFor(beyondNoise, documented) }];
  });
}

/** The table: per optimizer, ours and the built-in (± half-width of the 95% interval), the paired difference, and the verdict. */
export function implementationTable(data: ExperimentData, rows = implementationRows(data)): Table {
  const seeds = new Set(data.records.map((r) => r.config.seed)).size;
  const notes = rows.flatMap((r) => r.documented.map((d) => `${r.displayName}: ${d.text}`));
  return table({
    caption: 'Our optimizers vs the tfjs built-ins: final test accuracy (%) and the difference, paired by seed',
    columns: ['optimizer', 'ours', 'tfjs built-in', 'ours − built-in (pp)', 'explained by a documented difference?'],
    rows: rows.map((r) => [r.displayName, formatInterval(r.ours, 100), formatInterval(r.builtin, 100), formatInterval(r.difference), r.verdict]),
    notes: [
      `${seeds} seed(s)${seeds > 1 ? '; ± = half-width of the 95% interval across seeds; a gap is "beyond noise" when the paired interval excludes 0' : ''}. Same model, data, seeds and hyperparameters for both.`,
      'Documented differences that still act at these hyperparameters (registry, info.tfjs.differences; weight decay and defaults are neutralised because both get the same explicit values):',
      ...(notes.length ? notes.map((n) => `• ${n}`) : ['• none']),
    ],
  });
}

/** Bars of ours − built-in per optimizer (percentage points) with the paired 95% interval; 0 = identical. */
export function implementationDifferenceFigure(data: ExperimentData, rows = implementationRows(data)): PlotlyFigure {
  if (rows.length === 0) throw new Error(`implementationDifferenceFigure: experiment "${data.spec.id}" has no optimizer with both an ours and a tfjs series.`);
  const banded = rows.some((r) => r.difference.n > 1);
  return barChart({
    title: 'Ours minus the tfjs built-in: final test accuracy',
    subtitle: `MLP 784-128-64-10, batch 64; ${banded ? 'error bars: 95% interval of the paired difference across seeds; ' : ''}profile ${data.profile}`,
    xTitle: 'Optimizer', yTitle: 'Ours − built-in (percentage points)',
    valueFormat: '.2f', // plotly's texttemplate rejects d3's '+' sign flag (prints the raw float)
    series: [{
      name: 'ours − built-in',
      categories: rows.map((r) => r.displayName),
      categoryOptimizers: rows.map((r) => r.optimizer),
      values: rows.map((r) => r.difference.mean),
      ...(banded ? { lo: rows.map((r) => r.difference.lower), hi: rows.map((r) => r.difference.upper) } : {}),
    }],
  });
}
