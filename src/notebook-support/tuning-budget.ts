// Tuning budget ("Descending through a Crowded Valley", Schmidt et al. 2021): the result one can
// expect from an optimizer after k random trials of its hyperparameters, for small k. Computed
// exactly, not by simulation: each trial draws one run uniformly, with replacement, from the pool of
// an optimizer's grid runs (every grid point × seed), and the expected maximum of k such draws is
// Σ_j x_j [F(x_j)^k − F(x_{j−1})^k] over the pool's sorted distinct scores x_j, with F the pool's
// empirical CDF (Dodge et al. 2019, "Show Your Work": expected validation performance). The interval
// is the 5th–95th percentile of that same max-of-k distribution: where 90% of random searches land.
import type { PlotlyFigure } from '../display/theme';
import { lineChart, type MetricSeries } from '../display/charts';
import { table, type Table } from '../display/table';
import { usableEpoch, type MetricSelector } from '../experiments/api';
import type { RunRecord } from '../experiments/types';
import { getOptimizerInfo, isOptimizerName } from '../optimizers';

export const DEFAULT_BUDGETS = [1, 2, 4, 8, 16] as const;

/** Lower and upper probability of the interval of the best-of-k score. */
const INTERVAL = [0.05, 0.95] as const;

export interface BestOfK {
  k: number;
  /** E[max of k draws]. */
  expected: number;
  /** 5th and 95th percentile of the max of k draws. */
  lower: number;
  upper: number;
}

/** Exact distribution of the best of k uniform draws (with replacement) from `pool`, summarised. */
export function expectedBestOfK(pool: number[], k: number): BestOfK {
  if (pool.length === 0) throw new Error('expectedBestOfK: empty pool of trial scores.');
  if (!Number.isInteger(k) || k < 1) throw new Error(`expectedBestOfK: k must be a positive integer, got ${k}.`);
  if (!pool.every(Number.isFinite)) throw new Error('expectedBestOfK: every trial score must be a finite number (score failed trials explicitly).');
  const sorted = [...pool].sort((a, b) => a - b);
  const n = sorted.length;
  let expected = 0;
  let lower = NaN;
  let upper = NaN;
  let prev = 0; // P(max ≤ previous distinct value)
  for (let i = 0; i < n; i++) {
    if (i + 1 < n && sorted[i + 1] === sorted[i]) continue; // ties: step at the last copy
    const cdf = ((i + 1) / n) ** k;
    expected += sorted[i] * (cdf - prev);
    if (Number.isNaN(lower) && cdf >= INTERVAL[0]) lower = sorted[i];
    if (Number.isNaN(upper) && cdf >= INTERVAL[1]) upper = sorted[i];
    prev = cdf;
  }
  return { k, expected, lower, upper };
}

export interface TrialPool {
  optimizer: string;
  /** One score per trial run (grid point × seed). */
  scores: number[];
  /** Distinct hyperparameter settings in the grid, and runs that diverged. */
  settings: number;
  diverged: number;
  /** Hyperparameters varied in the grid (e.g. ['learningRate', 'momentum']). */
  varied: string[];
}

export interface PoolOptions {
  /** Final-epoch score, higher is better. */
  metric: MetricSelector;
  /** Score of a run that diverged or failed: a trial paid for that gave a useless model (e.g. chance level). */
  failedScore: number;
}

/**
 * Per optimizer, the trial pool from grid records (any number of experiments: an lr sweep and a 2-D
 * grid add up). A run that diverged, failed or has no final metric scores `failedScore`.
 */
export function trialPools(records: RunRecord[], opts: PoolOptions): TrialPool[] {
  if (records.length === 0) throw new Error('trialPools: no records (run a learning-rate sweep first, e.g. lr-sensitivity-mlp).');
  if (!Number.isFinite(opts.failedScore)) throw new Error('trialPools: failedScore must be a finite number.');
  const pools = new Map<string, { scores: number[]; settings: Set<string>; diverged: number; values: Map<string, Set<number | string>> }>();
  for (const r of records) {
    const o = r.config.optimizer;
    const p = pools.get(o) ?? { scores: [], settings: new Set<string>(), diverged: 0, values: new Map<string, Set<number | string>>() };
    const hp = { ...r.resolvedHyperparams, ...r.config.hyperparams };
    p.settings.add(JSON.stringify(Object.entries(hp).sort(([a], [b]) => a.localeCompare(b))));
    // A schedule (learningRate as its config) counts as one value by its JSON.
    for (const [name, v] of Object.entries(hp)) p.values.set(name, (p.values.get(name) ?? new Set<number | string>()).add(typeof v === 'number' ? v : JSON.stringify(v)));
    const e = usableEpoch(r, r.config.epochs);
    const raw = e ? (typeof opts.metric === 'function' ? opts.metric(e) : e[opts.metric]) : undefined;
    const ok = r.status === 'ok' && typeof raw === 'number' && Number.isFinite(raw);
    if (r.status === 'diverged') p.diverged++;
    p.scores.push(ok ? (raw as number) : opts.failedScore);
    pools.set(o, p);
  }
  return [...pools].map(([optimizer, p]) => ({
    optimizer, scores: p.scores, settings: p.settings.size, diverged: p.diverged,
    varied: [...p.values].filter(([, vs]) => vs.size > 1).map(([name]) => name),
  }));
}

export interface BudgetCurve {
  optimizer: string;
  pool: TrialPool;
  points: BestOfK[];
}

export function budgetCurves(pools: TrialPool[], budgets: readonly number[] = DEFAULT_BUDGETS): BudgetCurve[] {
  return pools.map((pool) => ({ optimizer: pool.optimizer, pool, points: budgets.map((k) => expectedBestOfK(pool.scores, k)) }));
}

export interface BudgetWinner {
  k: number;
  /** Highest expected best-of-k, then the runner-up. */
  winner: string;
  expected: number;
  runnerUp: string | null;
  /** True when the runner-up's expected value lies inside the winner's 5–95% interval: the lead is within search luck. */
  withinLuck: boolean;
}

/** Who wins at each budget, and the budgets at which the winner changes. */
export function winnersByBudget(curves: BudgetCurve[]): { winners: BudgetWinner[]; changes: Array<{ k: number; from: string; to: string }> } {
  if (curves.length === 0) throw new Error('winnersByBudget: no curves.');
  const budgets = curves[0].points.map((p) => p.k);
  const winners = budgets.map((k, i): BudgetWinner => {
    const ranked = [...curves].sort((a, b) => b.points[i].expected - a.points[i].expected);
    const [w, r] = ranked;
    return {
      k, winner: w.optimizer, expected: w.points[i].expected, runnerUp: r?.optimizer ?? null,
      withinLuck: r ? r.points[i].expected >= w.points[i].lower : false,
    };
  });
  const changes = winners.slice(1).flatMap((w, i) => (w.winner !== winners[i].winner ? [{ k: w.k, from: winners[i].winner, to: w.winner }] : []));
  return { winners, changes };
}

const displayName = (optimizer: string) => (isOptimizerName(optimizer) ? getOptimizerInfo(optimizer).displayName : optimizer);

/** Expected best score against the budget k (log₂ axis), one line per optimizer, band = 5–95% of searches. */
export function budgetChart(curves: BudgetCurve[], opts: { title: string; subtitle?: string; yTitle: string; scale?: number; bandsFor?: string[] }): PlotlyFigure {
  const s = opts.scale ?? 1;
  // Twelve overlapping bands hide the lines: by default only the optimizers that lead at some budget get one.
  const banded = new Set(opts.bandsFor ?? winnersByBudget(curves).winners.map((w) => w.winner));
  const series: MetricSeries[] = curves.map((c) => ({
    name: displayName(c.optimizer), optimizer: c.optimizer,
    x: c.points.map((p) => p.k), mean: c.points.map((p) => p.expected * s),
    ...(banded.has(c.optimizer) ? { lo: c.points.map((p) => p.lower * s), hi: c.points.map((p) => p.upper * s) } : {}),
  }));
  const { bandsFor: _ignored, ...chart } = opts;
  const fig = lineChart({ ...chart, xTitle: 'Budget k: random trials of the hyperparameters (log scale)', series, bandLabel: '5–95% of random searches', height: 540, logX: true });
  (fig.layout.xaxis as Record<string, unknown>).tickvals = curves[0]?.points.map((p) => p.k);
  return fig;
}

/** Per optimizer: its grid, then the expected best (5–95%) at each budget; rows by the largest budget. */
export function budgetTable(curves: BudgetCurve[], opts: { caption: string; scale?: number; decimals?: number; notes?: string[] }): Table {
  const s = opts.scale ?? 1;
  const d = opts.decimals ?? 3;
  const budgets = curves[0]?.points.map((p) => p.k) ?? [];
  const last = budgets.length - 1;
  const rows = [...curves].sort((a, b) => b.points[last].expected - a.points[last].expected);
  const cell = (p: BestOfK) => `${(p.expected * s).toFixed(d)} (${(p.lower * s).toFixed(d)}–${(p.upper * s).toFixed(d)})`;
  return table({
    caption: opts.caption,
    columns: ['optimizer', 'grid (varied)', 'trial runs', 'diverged', ...budgets.map((k) => `k = ${k}`)],
    rows: rows.map((c) => [
      displayName(c.optimizer), `${c.pool.settings} settings (${c.pool.varied.join(' × ') || '—'})`, c.pool.scores.length, c.pool.diverged,
      ...c.points.map(cell),
    ]),
    notes: [
      'Each trial draws one run (a grid setting with one seed) uniformly with replacement; the cell is the exact expected best score of k trials, with the 5th–95th percentile of the best of k in brackets.',
      ...(opts.notes ?? []),
    ],
  });
}

/** Who wins at each budget, in words: the winner per k, whether its lead is within search luck, and where the winner changes. */
export function budgetWinnersMarkdown(task: string, result: ReturnType<typeof winnersByBudget>): string {
  const lines = result.winners.map((w) => `k = ${w.k}: **${displayName(w.winner)}**${w.runnerUp ? `, then ${displayName(w.runnerUp)}${w.withinLuck ? ' (within the winner\'s 5–95% range: a coin toss of the search)' : ''}` : ''}`);
  const change = result.changes.length
    ? `the lead changes at ${result.changes.map((c) => `k = ${c.k} (${displayName(c.from)} → ${displayName(c.to)})`).join(', ')}`
    : 'the same optimizer leads at every budget';
  return [`**${task}: who wins at each budget** — ${change}.`, ...lines.map((l) => `- ${l}`)].join('\n');
}
