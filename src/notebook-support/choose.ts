// Seed 002's "choose an optimizer" table, rebuilt from our own measurements: for each optimizer, from
// a learning-rate sweep's records, its best final score and at which rate, how fast it reaches a
// threshold, how wide its good range of rates is, and how many runs diverged.
import { table, type Table } from '../display/table';
import { bySeries, type MetricSelector } from '../experiments/api';
import type { RunRecord } from '../experiments/types';
import { getOptimizerInfo, isOptimizerName, type OptimizerName } from '../optimizers';
import { byTimeToTarget, type SeriesTime, type Target } from './time-to-target';
import type { BudgetCurve, winnersByBudget } from './tuning-budget';

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

/** A task's time-to-target and tuning-budget results, for the highlights. */
export interface TaskHighlights {
  task: string;
  times: SeriesTime[];
  target: Target;
  winners: ReturnType<typeof winnersByBudget>;
}

/**
 * The conclusions in a few lines: the best optimizer per task, the widest and most fragile on MNIST,
 * and per task the fastest to its target [T] and who leads at each tuning budget [B] (without those,
 * the fastest to the sweep's threshold).
 */
export function highlightsMarkdown(mnist: ChooseResult, karate: ChooseResult, profile: string, tasks: TaskHighlights[] = []): string {
  const m = chooseHighlights(mnist);
  const k = chooseHighlights(karate);
  const name = (v: OptimizerVerdict) => getOptimizerInfo(v.optimizer).displayName;
  const display = (optimizer: string) => getOptimizerInfo(optimizer as OptimizerName).displayName;
  const fastestLine = m.fastest ? `- Fastest to ${(mnist.threshold * 100).toFixed(1)}% on MNIST: **${name(m.fastest)}** (epoch ${m.fastest.epochsToThreshold}).` : '- No optimizer reached the speed threshold within the profile\'s epochs.';
  const timeLines = tasks.map(({ task, times, target }) => {
    const first = [...times].sort(byTimeToTarget)[0];
    const misses = times.filter((t) => !Number.isFinite(t.medianSeconds)).length;
    return first && Number.isFinite(first.medianSeconds)
      ? `- Fastest to ${target.label} on ${task} [T]: **${display(first.optimizer)}** (${first.medianSteps === null ? '?' : Math.round(first.medianSteps)} steps, ${first.medianSeconds.toFixed(1)} s); ${misses} of ${times.length} optimizers missed it.`
      : `- No optimizer reached ${target.label} on ${task} at this profile [T].`;
  });
  const budgetLines = tasks.map(({ task, winners: w }) => `- Tuning budget on ${task} [B]: ${w.changes.length
    ? `the leader changes at k = ${w.changes.map((c) => `${c.k} (${display(c.from)} → ${display(c.to)})`).join(', ')}`
    : `**${display(w.winners[0].winner)}** leads at every budget from 1 to ${w.winners.at(-1)!.k} trials`}.`);
  return [
    `**From these measurements (profile \`${profile}\`${profile === 'smoke' ? ' — meaningless at this size; run with ATLAS_PROFILE=default' : ''}):**`,
    `- Best on MNIST: **${name(m.best)}** (${(m.best.best * 100).toFixed(2)}% at lr ${m.best.bestLearningRate}); on Karate: **${name(k.best)}** (AUC ${k.best.best.toFixed(3)} at lr ${k.best.bestLearningRate}).`,
    `- Most forgiving learning rate on MNIST: **${name(m.widest)}**, good over ${m.widest.goodRangeDecades.toFixed(1)} decades.`,
    `- Most divergences on MNIST: **${name(m.fragile)}** (${m.fragile.diverged} of ${m.fragile.runs} runs, at lr ${m.fragile.divergedRates.join(', ') || '—'}).`,
    ...(tasks.length ? [...timeLines, ...budgetLines] : [fastestLine]),
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

/** What was measured on one task, and by which experiments (named in the table so each claim has a source). */
export interface TaskEvidence {
  /** Short task name, e.g. 'MNIST'. */
  task: string;
  /** 100 for accuracy in %, 1 for AUC. */
  scale: number;
  sensitivity: { verdicts: OptimizerVerdict[]; source: string };
  timeToTarget?: { times: SeriesTime[]; target: Target; source: string };
  budget?: { curves: BudgetCurve[]; source: string };
}

const ordinal = (rank: number, of: number) => `#${rank}/${of}`;
const fmt = (x: number, scale: number) => (x * scale).toFixed(scale === 100 ? 1 : 3);

/** 1-based rank of `optimizer` when `items` are sorted by `key` (smaller first); ties share the better rank. */
function rankOf<T>(items: T[], optimizer: string, name: (t: T) => string, key: (t: T) => number): number | null {
  const mine = items.find((t) => name(t) === optimizer);
  if (!mine) return null;
  return items.filter((t) => key(t) < key(mine)).length + 1;
}

interface Cells { sensitivity: string[]; time: string[]; budget: string[]; claims: string[] }

function taskCells(e: TaskEvidence, optimizer: OptimizerName, out: Cells): void {
  const S = e.sensitivity.verdicts;
  const v = S.find((x) => x.optimizer === optimizer);
  if (v) {
    const widthRank = rankOf(S, optimizer, (x) => x.optimizer, (x) => -x.goodRangeDecades)!;
    out.sensitivity.push(`${e.task}: good over ${v.goodRangeDecades.toFixed(1)} decades (${ordinal(widthRank, S.length)} widest), best ${fmt(v.best, e.scale)} at lr ${v.bestLearningRate}; ${v.diverged}/${v.runs} diverged`);
    if (widthRank === 1) out.claims.push(`most forgiving learning rate on ${e.task} [S]`);
    else if (widthRank > S.length - 3) out.claims.push(`needs its learning rate tuned on ${e.task} [S]`);
    if (rankOf(S, optimizer, (x) => x.optimizer, (x) => -x.best) === 1) out.claims.push(`best final score on ${e.task} at its best rate [S]`);
  }
  const T = e.timeToTarget;
  const t = T?.times.find((x) => x.optimizer === optimizer);
  if (T && t) {
    const ranked = [...T.times].sort(byTimeToTarget);
    const rank = ranked.findIndex((x) => byTimeToTarget(x, t) === 0) + 1;
    const steps = t.medianSteps === null ? '?' : Math.round(t.medianSteps);
    out.time.push(Number.isFinite(t.medianSeconds)
      ? `${e.task}: ${T.target.label} in ${steps} steps, ${t.medianSeconds.toFixed(1)} s (${ordinal(rank, T.times.length)}; ${t.hits}/${t.runs.length} seeds)`
      : `${e.task}: missed ${T.target.label} (${t.hits}/${t.runs.length} seeds reached it)`);
    if (Number.isFinite(t.medianSeconds) && rank === 1) out.claims.push(`fastest to ${T.target.label} on ${e.task} [T]`);
    if (!Number.isFinite(t.medianSeconds)) out.claims.push(`misses ${T.target.label} on ${e.task} [T]`);
  }
  const B = e.budget;
  const c = B?.curves.find((x) => x.optimizer === optimizer);
  if (B && c) {
    const first = c.points[0];
    const last = c.points[c.points.length - 1];
    const r1 = rankOf(B.curves, optimizer, (x) => x.optimizer, (x) => -x.points[0].expected)!;
    const rk = rankOf(B.curves, optimizer, (x) => x.optimizer, (x) => -x.points[x.points.length - 1].expected)!;
    out.budget.push(`${e.task}: ${fmt(first.expected, e.scale)} with ${first.k} trial (${ordinal(r1, B.curves.length)}), ${fmt(last.expected, e.scale)} with ${last.k} (${ordinal(rk, B.curves.length)})`);
    if (r1 === 1) out.claims.push(`best bet with a single untuned trial on ${e.task} [B]`);
    if (rk === 1) out.claims.push(`best with ${last.k} trials on ${e.task} [B]`);
  }
}

/**
 * Seed 002's table: pros, cons and when to use (the registry's text, i.e. the folklore) beside what we
 * measured — learning-rate sensitivity [S], time to target [T], tuning budget [B] — and the claims
 * those measurements support, each tagged with the measurement that backs it.
 */
export function seed002Table(evidence: TaskEvidence[], names: readonly OptimizerName[]): Table {
  if (evidence.length === 0) throw new Error('seed002Table: no measurements (pass at least one task\'s sensitivity verdicts).');
  const sources = (pick: (e: TaskEvidence) => string | undefined) => evidence.flatMap((e) => (pick(e) ? [`${e.task}: ${pick(e)}`] : [])).join('; ') || 'not measured';
  return table({
    caption: 'Choose an optimizer (seed 002\'s table, with our measurements and what they back)',
    columns: ['algorithm', 'pros', 'cons', 'when to use (folklore)', '[S] learning-rate sensitivity', '[T] time to target', '[B] tuning budget', 'measured claims'],
    rows: names.map((n) => {
      const info = getOptimizerInfo(n);
      const cells: Cells = { sensitivity: [], time: [], budget: [], claims: [] };
      for (const e of evidence) taskCells(e, n, cells);
      const join = (xs: string[]) => (xs.length ? xs.join('; ') : '—');
      return [info.displayName, info.pros.join('; '), info.cons.join('; '), info.whenToUse.join('; '), join(cells.sensitivity), join(cells.time), join(cells.budget),
        cells.claims.length ? cells.claims.join('; ') : 'no extreme on any measurement: middle of the pack'];
    }),
    notes: [
      `[S] learning-rate sensitivity: the sweep's final scores (${sources((e) => e.sensitivity.source)}); "good" = within the tolerance of the optimizer's own best; "needs tuning" = among the 3 narrowest ranges.`,
      `[T] time to target: median over seeds, a miss counting as infinite, ranked by steps then training seconds (${sources((e) => e.timeToTarget?.source)}).`,
      `[B] tuning budget: exact expected best of k random trials from the grid (${sources((e) => e.budget?.source)}); ranks among the optimizers at that budget.`,
    ],
  });
}
