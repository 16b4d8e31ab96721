// Time to target, as AlgoPerf measures training algorithms: how many optimizer steps and how many
// seconds of training a run needs until its test metric first reaches a fixed target, a miss
// counting as infinite; the median over seeds per optimizer; and a performance profile across tasks
// (the fraction of tasks an optimizer solves within τ times the best optimizer's time).
import { median } from 'simple-statistics';
import type { PlotlyFigure } from '../display/theme';
import { lineChart, type MetricSeries } from '../display/charts';
import { table, type Table } from '../display/table';
import { bySeries, usableEpoch, type MetricSelector } from '../experiments/api';
import type { ProfileName, RunRecord } from '../experiments/types';
import { TIME_TO_TARGET_GOALS } from '../experiments/specs/time-to-target';

export { TIME_TO_TARGET_GOALS, TUNED_LR } from '../experiments/specs/time-to-target';
import { getOptimizerInfo, isOptimizerName } from '../optimizers';
import type { ScheduleConfig } from '../optimizers/schedules';

export interface Target {
  /** The test metric (e.g. 'testAccuracy', 'testAuc', 'testLoss'). */
  metric: MetricSelector;
  /** The run has "reached" the target at the first evaluated epoch where metric ≥ value (≤ for a loss). */
  value: number;
  /** True for a loss: the target is met at or below `value`. */
  lowerIsBetter?: boolean;
  /** For tables and charts, e.g. '95% test accuracy'. */
  label: string;
}

export interface RunTime {
  seed: number;
  status: RunRecord['status'];
  /** First epoch (1-based) at which the target was reached; null for a miss. */
  epoch: number | null;
  /** Optimizer steps until the end of that epoch; Infinity for a miss, null when unknown. */
  steps: number | null;
  /** Training seconds (sum of the epochs' trainSeconds, evaluation excluded) until then; Infinity for a miss. */
  seconds: number;
}

export interface SeriesTime {
  series: string;
  label: string;
  optimizer: string;
  /** A number, or a schedule's config (see src/optimizers/schedules.ts). */
  learningRate: number | ScheduleConfig | undefined;
  runs: RunTime[];
  /** Runs that reached the target. */
  hits: number;
  /** Median over seeds, a miss counting as infinite (so more than half missing gives Infinity). */
  medianSteps: number | null;
  medianSeconds: number;
  /** Steps per epoch: the resolution of the measurement (targets are checked at epoch ends). */
  stepsPerEpoch: number | null;
  backends: string[];
}

function value(metric: MetricSelector, r: RunRecord, epoch: number): number | undefined {
  const e = usableEpoch(r, epoch);
  if (!e) return undefined;
  const v = typeof metric === 'function' ? metric(e) : e[metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Steps of one epoch: from a finished run of the series (a diverged run's count stops mid-epoch). */
function stepsPerEpoch(runs: RunRecord[]): number | null {
  const done = runs.find((r) => r.status === 'ok' && r.epochs.length > 0);
  return done ? done.totalSteps / done.epochs.length : null;
}

/** One run: the first epoch where the target is met, and the steps and training seconds to get there. */
export function runTimeToTarget(run: RunRecord, target: Target, perEpoch: number | null): RunTime {
  for (let epoch = 1; epoch <= run.epochs.length; epoch++) {
    const v = value(target.metric, run, epoch);
    if (v !== undefined && (target.lowerIsBetter ? v <= target.value : v >= target.value)) {
      const seconds = run.epochs.slice(0, epoch).reduce((s, e) => s + e.trainSeconds, 0);
      return { seed: run.config.seed, status: run.status, epoch, steps: perEpoch === null ? null : epoch * perEpoch, seconds };
    }
  }
  return { seed: run.config.seed, status: run.status, epoch: null, steps: Infinity, seconds: Infinity };
}

/** Per series (one optimizer setting, several seeds): each run's time to target and the medians. */
export function timeToTarget(records: RunRecord[], target: Target): SeriesTime[] {
  if (records.length === 0) throw new Error('timeToTarget: no records (run a time-to-target experiment first, e.g. time-to-target-mlp).');
  if (!(Number.isFinite(target.value))) throw new Error(`timeToTarget: target value must be a finite number, got ${target.value}.`);
  return [...bySeries(records)].map(([series, runs]) => {
    const perEpoch = stepsPerEpoch(runs);
    const times = runs.map((r) => runTimeToTarget(r, target, perEpoch));
    const steps = times.map((t) => t.steps);
    return {
      series, label: runs[0].label, optimizer: runs[0].config.optimizer, learningRate: runs[0].config.hyperparams.learningRate,
      runs: times,
      hits: times.filter((t) => t.epoch !== null).length,
      medianSteps: steps.every((s) => s !== null) ? median(steps as number[]) : null,
      medianSeconds: median(times.map((t) => t.seconds)),
      stepsPerEpoch: perEpoch,
      backends: [...new Set(runs.map((r) => (r.backend.machine ? `${r.backend.name} on ${r.backend.machine.cpus}× ${r.backend.machine.cpuModel.trim()}` : r.backend.name)))],
    };
  });
}

const displayName = (optimizer: string) => (isOptimizerName(optimizer) ? getOptimizerInfo(optimizer).displayName : optimizer);
const fmtSteps = (s: number | null) => (s === null ? '?' : Number.isFinite(s) ? Math.round(s) : 'miss');
const fmtSeconds = (s: number) => (Number.isFinite(s) ? Number(s.toFixed(s < 10 ? 2 : 1)) : 'miss');

/**
 * Fastest first: by median steps (the machine does not change them), then seconds, then hits; misses
 * last. Seconds on a shared machine follow its load more than the optimizer (a GCN step takes 1 ms
 * alone, up to 70 ms beside other jobs), so they are shown, not ranked on.
 */
export function byTimeToTarget(a: SeriesTime, b: SeriesTime): number {
  return (a.medianSteps ?? a.medianSeconds) - (b.medianSteps ?? b.medianSeconds) || a.medianSeconds - b.medianSeconds || b.hits - a.hits;
}

/** The table: per optimizer, its setting, hits over seeds, and the median steps and seconds (fastest first, misses last). */
export function timeToTargetTable(times: SeriesTime[], opts: { caption: string; target: Target; notes?: string[] }): Table {
  const rows = [...times].sort(byTimeToTarget);
  const backends = [...new Set(times.flatMap((t) => t.backends))];
  const resolutions = [...new Set(times.flatMap((t) => (t.stepsPerEpoch === null ? [] : [t.stepsPerEpoch])))];
  return table({
    caption: opts.caption,
    columns: ['optimizer', 'lr', 'reached (seeds)', 'median steps', 'median training s', 'per seed (steps)'],
    rows: rows.map((t) => [
      displayName(t.optimizer), t.learningRate === undefined ? '—' : typeof t.learningRate === 'number' ? String(t.learningRate) : `${t.learningRate.kind} schedule`, `${t.hits}/${t.runs.length}`,
      fmtSteps(t.medianSteps), fmtSeconds(t.medianSeconds),
      t.runs.map((r) => `${fmtSteps(r.steps)}${r.status === 'diverged' ? ' (diverged)' : ''}`).join(', '),
    ]),
    notes: [
      `Target: ${opts.target.label}, checked after every epoch (every ${resolutions.join('/') || '?'} steps), so a time is the end of the first epoch that met it.`,
      'Median over seeds with a miss counted as infinite (AlgoPerf\'s rule): "miss" when more than half the seeds never reached the target; a diverged run is a miss from the epoch it diverged.',
      `Ranked by median steps, then seconds. Seconds are training time only (evaluation excluded), measured on the run's own machine and backend: ${backends.join('; ')}; on a machine shared with other jobs they follow its load more than the optimizer.`,
      ...(opts.notes ?? []),
    ],
  });
}

/** One task of a performance profile: its name and each optimizer's time (Infinity = miss). */
export interface ProfileTask {
  task: string;
  times: Record<string, number>;
}

export interface PerformanceProfile {
  optimizer: string;
  /** Per task, time / best time on that task (Infinity for a miss). */
  ratios: Record<string, number>;
  /** The step function ρ(τ): fraction of tasks with ratio ≤ τ, at each τ where it jumps (ascending). */
  steps: Array<{ tau: number; fraction: number }>;
}

/** A task of a performance profile from its time-to-target results: each optimizer's median seconds or steps. */
export function profileTask(task: string, times: SeriesTime[], by: 'seconds' | 'steps' = 'seconds'): ProfileTask {
  return {
    task,
    times: Object.fromEntries(times.map((t) => [t.optimizer, by === 'seconds' ? t.medianSeconds : t.medianSteps ?? Infinity])),
  };
}

/**
 * Performance profiles (Dolan & Moré 2002, as AlgoPerf uses them): for each optimizer, ρ(τ) = the
 * fraction of tasks on which its time is within τ × the fastest optimizer's time on that task. A task
 * nobody solved is left out of every profile (no best time to compare with), and is named in `unsolved`.
 */
export function performanceProfiles(tasks: ProfileTask[]): { profiles: PerformanceProfile[]; unsolved: string[] } {
  if (tasks.length === 0) throw new Error('performanceProfiles: no tasks.');
  const optimizers = [...new Set(tasks.flatMap((t) => Object.keys(t.times)))];
  const best = new Map(tasks.map((t) => [t.task, Math.min(...Object.values(t.times))]));
  for (const t of tasks) {
    for (const [o, v] of Object.entries(t.times)) if (!(v > 0)) throw new Error(`performanceProfiles: task "${t.task}", ${o}: times must be > 0 (or Infinity for a miss), got ${v}.`);
  }
  const solved = tasks.filter((t) => Number.isFinite(best.get(t.task)!));
  const unsolved = tasks.filter((t) => !Number.isFinite(best.get(t.task)!)).map((t) => t.task);
  const profiles = optimizers.map((optimizer): PerformanceProfile => {
    const ratios = Object.fromEntries(solved.map((t) => [t.task, (t.times[optimizer] ?? Infinity) / best.get(t.task)!]));
    const finite = Object.values(ratios).filter(Number.isFinite).sort((a, b) => a - b);
    const steps = finite.map((tau, i) => ({ tau, fraction: solved.length ? (i + 1) / solved.length : 0 }))
      .filter((s, i, all) => i === all.length - 1 || all[i + 1].tau !== s.tau);
    return { optimizer, ratios, steps };
  });
  return { profiles, unsolved };
}

/** ρ(τ) as a staircase on [1, tauMax] (x = τ on a log axis), one line per optimizer, as AlgoPerf draws it. */
export function performanceProfileChart(result: ReturnType<typeof performanceProfiles>, opts: { title: string; subtitle?: string; tauMax?: number; timeLabel?: string }): PlotlyFigure {
  const allTaus = result.profiles.flatMap((p) => p.steps.map((s) => s.tau));
  const tauMax = opts.tauMax ?? Math.max(2, ...allTaus.map((t) => t * 1.25));
  const series: MetricSeries[] = result.profiles.map((p) => {
    const x: number[] = [1];
    const y: number[] = [0];
    let level = 0;
    for (const s of p.steps) {
      if (s.tau > tauMax) break;
      x.push(s.tau, s.tau);
      y.push(level, s.fraction);
      level = s.fraction;
    }
    x.push(tauMax);
    y.push(level);
    // Two points at τ = 1 when an optimizer is the fastest somewhere: the step starts at the left edge.
    return { name: displayName(p.optimizer), optimizer: p.optimizer, x, mean: y };
  });
  const fig = lineChart({
    title: opts.title,
    subtitle: opts.subtitle ?? `${result.unsolved.length ? `unsolved by every optimizer (left out): ${result.unsolved.join(', ')}` : ''}`,
    xTitle: `τ: within τ × the fastest ${opts.timeLabel ?? 'time'} on the task (log scale)`,
    yTitle: 'Fraction of tasks reached',
    // Tall enough for a twelve-entry legend in the report's static image.
    series, yRange: [-0.02, 1.02], logX: true, height: 540,
  });
  return fig;
}

/** The target of a time-to-target experiment at a profile (they live with the specs and their justification). */
export function timeToTargetGoal(experimentId: keyof typeof TIME_TO_TARGET_GOALS, profile: ProfileName): Target {
  const goal = TIME_TO_TARGET_GOALS[experimentId]?.[profile];
  if (!goal) throw new Error(`timeToTargetGoal: no target for "${experimentId}" at profile "${profile}". Known: ${Object.keys(TIME_TO_TARGET_GOALS).join(', ')}.`);
  return { ...goal };
}

/**
 * Where the spec's tuned rates (chosen from the sweep when the spec was written) differ from the
 * sweep's best-final-score rates in the records at hand: one markdown line either way.
 */
export function tunedRateCheck(sweepBest: Array<{ optimizer: string; bestLearningRate: number }>, specRates: Record<string, number>, sweepId: string): string {
  const differ = sweepBest.filter((v) => specRates[v.optimizer] !== undefined && specRates[v.optimizer] !== v.bestLearningRate);
  if (differ.length === 0) return `*Every optimizer runs at the best rate of \`${sweepId}\` in these records.*`;
  return `*By final score, the sweep (\`${sweepId}\`) at this profile prefers another rate for ${differ.map((v) => `${displayName(v.optimizer)} (${v.bestLearningRate}, spec: ${specRates[v.optimizer]})`).join(', ')}; the spec's rates were chosen as its assumptions say (from the default profile's sweep).*`;
}
