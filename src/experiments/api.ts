// The API notebooks and the report use: records of an experiment (from the cache, running what is
// missing with visible progress), and small aggregations across seeds (mean and 95% interval).
import { initBackend } from '../backend';
import type { EpochMetrics } from '../training/types';
import { defaultResultsDir, openResults } from './cache';
import { runnerDisplay } from './display';
import { resolveProfile } from './profile';
import { planAll, runExperiments, type RunnerEvent } from './runner';
import { getExperiment } from './specs';
import type { ProfileName, RunRecord } from './types';

export interface GetResultsOptions {
  /** Default: ATLAS_PROFILE, else 'default'. */
  profile?: ProfileName | string;
  /** Recompute cached runs. */
  force?: boolean;
  /** Worker processes for missing runs (default one per core; 0 = in this process). */
  jobs?: number;
  resultsDir?: string;
  /** Progress of missing runs: plain lines on stderr by default; false for silence, or a listener. */
  progress?: boolean | ((event: RunnerEvent) => void);
}

/** All records of `experimentId` under a profile, in spec order (series, then seeds); runs what is missing. */
export async function getResults(experimentId: string, opts: GetResultsOptions = {}): Promise<RunRecord[]> {
  const onEvent = opts.progress === false ? undefined : typeof opts.progress === 'function' ? opts.progress : runnerDisplay();
  const summary = await runExperiments({
    ids: [experimentId], profile: resolveProfile({ caller: 'cli', explicit: opts.profile }).profile, force: opts.force, jobs: opts.jobs, resultsDir: opts.resultsDir, onEvent,
  });
  return summary.records;
}

/**
 * Only what is cached (nothing is trained): the records found, how many runs are missing, and any
 * stored file that was ignored because it is not the run it claims to be.
 */
export async function getCachedResults(experimentId: string, opts: Pick<GetResultsOptions, 'profile' | 'resultsDir'> = {}): Promise<{ records: RunRecord[]; missing: number; problems: string[] }> {
  const backend = await initBackend();
  const resultsDir = opts.resultsDir ?? defaultResultsDir();
  openResults(resultsDir);
  const problems: string[] = [];
  const planned = planAll([getExperiment(experimentId)], resolveProfile({ caller: 'cli', explicit: opts.profile }).profile, backend, resultsDir, false, (p) => problems.push(p));
  const records = planned.flatMap((r) => (r.cached ? [r.cached] : []));
  return { records, missing: planned.length - records.length, problems };
}

/** Two-sided 95% Student-t quantiles by degrees of freedom (1…30); beyond 30 the normal 1.96 is used (4% low at df 31, less after). */
const T95 = [NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

export interface Interval {
  mean: number;
  /** 95% confidence interval of the mean (t-distribution); equal to the mean when n = 1. */
  lower: number;
  upper: number;
  n: number;
}

/** Mean and 95% CI of the mean of `values` (non-finite values are ignored). */
export function meanInterval(values: number[]): Interval {
  const xs = values.filter(Number.isFinite);
  const n = xs.length;
  if (n === 0) return { mean: NaN, lower: NaN, upper: NaN, n: 0 };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, lower: mean, upper: mean, n };
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  const half = (T95[n - 1] ?? 1.96) * (sd / Math.sqrt(n));
  return { mean, lower: mean - half, upper: mean + half, n };
}

/** A metric of one epoch: a field of EpochMetrics, or a function of it (e.g. e => e.trainEval?.auc). */
export type MetricSelector = keyof Pick<EpochMetrics, 'trainLoss' | 'trainAccuracy' | 'testLoss' | 'testAccuracy' | 'testAuc' | 'learningRate' | 'trainSeconds' | 'evalSeconds'>
  | ((e: EpochMetrics) => number | undefined);

function select(metric: MetricSelector, e: EpochMetrics): number | undefined {
  return typeof metric === 'function' ? metric(e) : e[metric];
}

export interface SeriesCurve {
  series: string;
  label: string;
  /** One point per epoch reached by at least one seed; n < seeds where runs diverged earlier. */
  points: Array<Interval & { epoch: number }>;
  seeds: number;
  diverged: number;
  failed: number;
}

/** Group records by series (first-seen order). */
export function bySeries(records: RunRecord[]): Map<string, RunRecord[]> {
  const groups = new Map<string, RunRecord[]>();
  for (const r of records) {
    const list = groups.get(r.series) ?? [];
    list.push(r);
    groups.set(r.series, list);
  }
  return groups;
}

/**
 * Epoch `epoch` (1-based) of a run if its numbers mean something: not from a failed run, and not at
 * or after the epoch a divergence broke the weights (the loop keeps that epoch's metrics when the
 * epoch's last update diverged; its accuracy is an argmax over NaN logits, not a result).
 */
export function usableEpoch(run: RunRecord, epoch: number): EpochMetrics | undefined {
  if (run.status === 'error') return undefined;
  if (run.status === 'diverged' && run.divergence && epoch >= run.divergence.epoch) return undefined;
  return run.epochs[epoch - 1];
}

/** `metric` at `epoch` (1-based) of each run whose epoch is usable (see usableEpoch). */
function valuesAt(runs: RunRecord[], metric: MetricSelector, epoch: number): number[] {
  return runs.flatMap((r) => {
    const e = usableEpoch(r, epoch);
    const v = e ? select(metric, e) : undefined;
    return v === undefined ? [] : [v];
  });
}

/** Per series, per epoch: mean and 95% band of `metric` across seeds. */
export function curves(records: RunRecord[], metric: MetricSelector): SeriesCurve[] {
  return [...bySeries(records)].map(([series, runs]) => {
    const maxEpoch = Math.max(0, ...runs.map((r) => r.epochs.length));
    const points = Array.from({ length: maxEpoch }, (_, i) => ({ epoch: i + 1, ...meanInterval(valuesAt(runs, metric, i + 1)) }));
    return {
      series, label: runs[0].label, points, seeds: runs.length,
      diverged: runs.filter((r) => r.status === 'diverged').length,
      failed: runs.filter((r) => r.status === 'error').length,
    };
  });
}

export interface SeriesSummary extends Interval {
  series: string;
  label: string;
  seeds: number;
  diverged: number;
  failed: number;
  /** Mean wall time of a run (seconds). */
  wallSeconds: number;
}

/**
 * Per series: `metric` at `epoch` (default: the last epoch of the profile) across seeds. Runs that
 * diverged or failed before it contribute nothing (and are counted), so a mean never mixes epochs.
 */
export function summarize(records: RunRecord[], metric: MetricSelector, epoch?: number): SeriesSummary[] {
  return [...bySeries(records)].map(([series, runs]) => {
    return {
      series, label: runs[0].label, seeds: runs.length, ...meanInterval(valuesAt(runs, metric, epoch ?? runs[0].config.epochs)),
      diverged: runs.filter((r) => r.status === 'diverged').length,
      failed: runs.filter((r) => r.status === 'error').length,
      wallSeconds: runs.reduce((s, r) => s + r.wallSeconds, 0) / runs.length,
    };
  });
}

/**
 * True when a finished run ended at chance level without a non-finite loss: the model predicts
 * (nearly) the same distribution for every input, as seed 004's RMSprop at lr 0.01 did (loss ln 10,
 * 11.35% = the share of the most frequent digit). Such a run is 'ok' to the loop, but it did not learn.
 */
export function collapsedToChance(record: RunRecord): boolean {
  const last = record.epochs.at(-1);
  if (record.status !== 'ok' || !last) return false;
  if (record.config.data.dataset === 'mnist') {
    return Math.abs(last.testLoss - Math.log(10)) < 0.05 && last.testAccuracy < 0.2;
  }
  return Math.abs(last.testLoss - Math.log(2)) < 0.02 && last.testAuc !== undefined && Math.abs(last.testAuc - 0.5) < 0.05;
}
