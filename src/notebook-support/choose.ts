// Seed 002's "choose an optimizer" table, rebuilt from our own measurements: for each optimizer, from
// a learning-rate sweep's records, its best final score and at which rate, how fast it reaches a
// threshold, how wide its good range of rates is, and how many runs diverged.
import { table, type Table } from '../display/table';
import { bySeries, type MetricSelector } from '../experiments/api';
import type { RunRecord } from '../experiments/types';
import { getOptimizerInfo, isOptimizerName, type OptimizerName } from '../optimizers';

export interface OptimizerVerdict {
  optimizer: OptimizerName;
  /** Best final score over the rates (mean across seeds), and the rate that gave it. */
  best: number;
  bestLearningRate: number;
  /** First epoch at which the best rate's mean curve reaches the threshold; null if it never does. */
  epochsToThreshold: number | null;
  /** Rates whose final score is within `tolerance` of this optimizer's best. */
  goodRates: number[];
  /** Width of that range in decades (log10 of max/min good rate; 0 for a single rate). */
  goodRangeDecades: number;
  runs: number;
  diverged: number;
  /** The rates at which at least one run diverged (ascending). */
  divergedRates: number[];
}

export interface ChooseOptions {
  /** The score, higher is better (default: final test accuracy). */
  metric?: MetricSelector;
  /** The threshold for "speed", as a fraction of the best score any optimizer reached (default 0.95). */
  thresholdFraction?: number;
  /** A rate is "good" when its score is within this much of the optimizer's best (default 0.02, i.e. 2 points of accuracy). */
  tolerance?: number;
}

function score(metric: MetricSelector, r: RunRecord, epochIndex: number): number | undefined {
  const e = r.epochs[epochIndex];
  if (!e) return undefined;
  const v = typeof metric === 'function' ? metric(e) : e[metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

/**
 * Verdicts from a sweep whose runs carry `config.optimizer` and `config.hyperparams.learningRate`.
 * A diverged run scores as its last finite epoch would not be fair: it scores nothing (counts as 0).
 */
export function chooseOptimizer(records: RunRecord[], opts: ChooseOptions = {}): ChooseResult {
  const metric = opts.metric ?? 'testAccuracy';
  const tolerance = opts.tolerance ?? 0.02;
  const fraction = opts.thresholdFraction ?? 0.95;
  if (records.length === 0) throw new Error('chooseOptimizer: no records (run a learning-rate sweep first, e.g. lr-sensitivity-mlp).');
  // Per optimizer, per rate: the seeds' runs.
  const table_ = new Map<OptimizerName, Map<number, RunRecord[]>>();
  for (const [, runs] of bySeries(records)) {
    const c = runs[0].config;
    const lr = c.hyperparams.learningRate;
    if (!isOptimizerName(c.optimizer) || typeof lr !== 'number') {
      throw new Error(`chooseOptimizer: series "${runs[0].series}" has no numeric learningRate; expected a learning-rate sweep.`);
    }
    const byRate = table_.get(c.optimizer) ?? new Map<number, RunRecord[]>();
    byRate.set(lr, [...(byRate.get(lr) ?? []), ...runs]);
    table_.set(c.optimizer, byRate);
  }
  const finalScore = (runs: RunRecord[]) => mean(runs.map((r) => (r.status === 'ok' ? score(metric, r, r.config.epochs - 1) ?? 0 : 0)));
  const partial = [...table_].map(([optimizer, byRate]) => {
    const rates = [...byRate.keys()].sort((a, b) => a - b);
    const scores = rates.map((lr) => finalScore(byRate.get(lr)!));
    let bi = 0;
    scores.forEach((s, i) => { if (s > scores[bi]) bi = i; });
    const goodRates = rates.filter((_, i) => scores[i] >= scores[bi] - tolerance);
    const all = [...byRate.values()].flat();
    const divergedRates = rates.filter((lr) => byRate.get(lr)!.some((r) => r.status === 'diverged'));
    return { optimizer, byRate, rates, best: scores[bi], bestLearningRate: rates[bi], goodRates, runs: all.length, diverged: all.filter((r) => r.status === 'diverged').length, divergedRates };
  });
  const threshold = fraction * Math.max(...partial.map((p) => p.best));
  const verdicts = partial.map((p): OptimizerVerdict => {
    const runs = p.byRate.get(p.bestLearningRate)!;
    const epochs = Math.max(...runs.map((r) => r.epochs.length));
    let reached: number | null = null;
    for (let i = 0; i < epochs && reached === null; i++) {
      const m = mean(runs.map((r) => score(metric, r, i) ?? 0));
      if (m >= threshold) reached = i + 1;
    }
    const lo = Math.min(...p.goodRates);
    const hi = Math.max(...p.goodRates);
    return {
      optimizer: p.optimizer, best: p.best, bestLearningRate: p.bestLearningRate, epochsToThreshold: reached,
      goodRates: p.goodRates, goodRangeDecades: Math.log10(hi / lo), runs: p.runs, diverged: p.diverged, divergedRates: p.divergedRates,
    };
  });
  verdicts.sort((a, b) => b.best - a.best);
  return { verdicts, threshold };
}

export interface ChooseResult {
  verdicts: OptimizerVerdict[];
  threshold: number;
}

/** What stands out in a sweep's verdicts: the best score, the widest good range, the fastest to the threshold (null: none reached it), the most divergences. Ties go to the better score (verdict order). */
export function chooseHighlights(result: ChooseResult): { best: OptimizerVerdict; widest: OptimizerVerdict; fastest: OptimizerVerdict | null; fragile: OptimizerVerdict } {
  const v = result.verdicts;
  if (v.length === 0) throw new Error('chooseHighlights: no verdicts (chooseOptimizer found no optimizer in the records).');
  const widest = [...v].sort((a, b) => b.goodRangeDecades - a.goodRangeDecades)[0];
  const fastest = v.filter((x) => x.epochsToThreshold !== null).sort((a, b) => a.epochsToThreshold! - b.epochsToThreshold! || b.best - a.best)[0] ?? null;
  const fragile = [...v].sort((a, b) => b.diverged - a.diverged)[0];
  return { best: v[0], widest, fastest, fragile };
}

/** The conclusions in a few lines: the best optimizer per task, and the widest, fastest and most fragile on MNIST. */
export function highlightsMarkdown(mnist: ChooseResult, karate: ChooseResult, profile: string): string {
  const m = chooseHighlights(mnist);
  const k = chooseHighlights(karate);
  const name = (v: OptimizerVerdict) => getOptimizerInfo(v.optimizer).displayName;
  return [
    `**From these measurements (profile \`${profile}\`${profile === 'smoke' ? ' — meaningless at this size; run with ATLAS_PROFILE=default' : ''}):**`,
    `- Best on MNIST: **${name(m.best)}** (${(m.best.best * 100).toFixed(2)}% at lr ${m.best.bestLearningRate}); on Karate: **${name(k.best)}** (AUC ${k.best.best.toFixed(3)} at lr ${k.best.bestLearningRate}).`,
    `- Most forgiving learning rate on MNIST: **${name(m.widest)}**, good over ${m.widest.goodRangeDecades.toFixed(1)} decades.`,
    m.fastest ? `- Fastest to ${(mnist.threshold * 100).toFixed(1)}% on MNIST: **${name(m.fastest)}** (epoch ${m.fastest.epochsToThreshold}).` : '- No optimizer reached the speed threshold within the profile\'s epochs.',
    `- Most divergences on MNIST: **${name(m.fragile)}** (${m.fragile.diverged} of ${m.fragile.runs} runs, at lr ${m.fragile.divergedRates.join(', ') || '—'}).`,
  ].join('\n');
}

/** The measurements as a table (best first). `scale` formats the score (100 for accuracy in %). */
export function chooseTable(result: ChooseResult, opts: { caption: string; scoreLabel: string; scale?: number; notes?: string[] }): Table {
  const k = opts.scale ?? 1;
  return table({
    caption: opts.caption,
    columns: ['optimizer', `best ${opts.scoreLabel}`, 'at lr', `epochs to ${(result.threshold * k).toFixed(k === 100 ? 1 : 3)}`, 'good lr range', 'width (decades)', 'diverged runs'],
    rows: result.verdicts.map((v) => [
      getOptimizerInfo(v.optimizer).displayName, v.best * k, String(v.bestLearningRate), v.epochsToThreshold ?? 'never',
      v.goodRates.length > 1 ? `${Math.min(...v.goodRates)} – ${Math.max(...v.goodRates)}` : String(v.goodRates[0]),
      Number(v.goodRangeDecades.toFixed(2)), `${v.diverged}/${v.runs}`,
    ]),
    notes: opts.notes,
  });
}

/** Seed 002's table: pros, cons and when to use (from the registry) beside what we measured. */
export function seed002Table(mnist: OptimizerVerdict[], karate: OptimizerVerdict[] | undefined, names: readonly OptimizerName[]): Table {
  const m = new Map(mnist.map((v) => [v.optimizer, v]));
  const g = new Map((karate ?? []).map((v) => [v.optimizer, v]));
  const measured = (v: OptimizerVerdict | undefined, k: number, label: string) =>
    v ? `${label} ${(v.best * k).toFixed(k === 100 ? 1 : 3)} at lr ${v.bestLearningRate}; good range ${v.goodRangeDecades.toFixed(1)} decades; ${v.diverged}/${v.runs} diverged` : '—';
  return table({
    caption: 'Choose an optimizer (seed 002\'s table, with our measurements)',
    columns: ['algorithm', 'pros', 'cons', 'when to use', 'measured: MNIST MLP', 'measured: Karate GCN'],
    rows: names.map((n) => {
      const info = getOptimizerInfo(n);
      return [info.displayName, info.pros.join('; '), info.cons.join('; '), info.whenToUse.join('; '), measured(m.get(n), 100, 'acc.'), measured(g.get(n), 1, 'AUC')];
    }),
  });
}
