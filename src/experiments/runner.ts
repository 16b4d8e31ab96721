// The runner: plans runs for experiments × a profile, reuses cached records, trains the missing ones
// in parallel worker processes (one per core by default), and writes each record atomically as it
// arrives, so an interrupted sweep resumes where it stopped.
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend, type BackendInfo } from '../backend';
import type { ProgressEvent } from '../training/types';
import { cachedResult, claimRun, defaultResultsDir, isClaimed, lookupRecord, openResults, storeRecord } from './cache';
import { runName } from './display';
import { executeRun, type RunOutcome } from './execute';
import { assertCompiledCodeIsCurrent, fingerprintSources, runHash, runSources } from './fingerprint';
import { estimateSeconds, planRuns, seriesLabel } from './plan';
import { resolveProfile } from './profile';
import type { ParentMessage, WorkerMessage } from './protocol';
import { redactUrl } from './queue/connection';
import { runInQueue } from './queue/coordinator';
import { getExperiment, EXPERIMENT_IDS } from './specs';
import type { ExperimentSpec, ProfileName, RunConfig, RunRecord } from './types';

/** One planned run: its config (with the plan's experiment and series), its hash, and its cached record if any. */
export interface PlannedRun {
  config: RunConfig;
  label: string;
  hash: string;
  fingerprint: Record<string, string>;
  estimatedSeconds: number;
  cached?: RunRecord;
}

export type RunnerEvent =
  | { kind: 'plan'; profile: ProfileName; experiments: string[]; total: number; cached: number; toRun: PlannedRun[]; jobs: number; estimatedSeconds: number; queue?: string }
  | { kind: 'run-start'; run: PlannedRun; worker: number }
  | { kind: 'run-progress'; run: PlannedRun; worker: number; event: ProgressEvent }
  | { kind: 'run-end'; run: PlannedRun; worker: number; record: RunRecord }
  /** Runs another process is training on the same results folder: this one waits for their records. */
  | { kind: 'waiting'; runs: PlannedRun[] }
  /** Something the user should know that does not stop the sweep (an ignored record, a kept record). */
  | { kind: 'warning'; message: string }
  | { kind: 'done'; summary: RunSummary };

export interface RunnerOptions {
  /** Experiment ids (default: all). */
  ids?: string[];
  /** Default: ATLAS_PROFILE, else 'default' (see profile.ts). */
  profile?: ProfileName | string;
  /** Recompute even when a cached record exists. */
  force?: boolean;
  /** Worker processes (default: one per core). 0 runs everything in this process (no fork). */
  jobs?: number;
  resultsDir?: string;
  /** Redis URL: train the missing runs as jobs on this queue (served by `npm run worker`) instead of local workers. */
  queue?: string;
  /** Receives every runner event (the CLI's progress display is one such listener). */
  onEvent?: (event: RunnerEvent) => void;
}

export interface RunSummary {
  profile: ProfileName;
  /** Every planned run's record, in plan order (cached and new). */
  records: RunRecord[];
  /** Planned entries served from the store at planning time. */
  cached: number;
  /** Runs this process trained (each hash once), and how they ended; a failed recompute that kept a
   *  good record counts as failed (the record served is the good one). */
  ran: number;
  ok: number;
  diverged: number;
  failed: number;
  seconds: number;
}

export function defaultJobs(): number {
  return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
}

/** A stored record as the plan shows it: the plan's experiment, series, label and config naming. */
export function servedAs(record: RunRecord, run: PlannedRun): RunRecord {
  return { ...record, experiment: run.config.experiment, series: run.config.series, label: run.label, config: run.config };
}

/**
 * Plan every run of `specs` under `profile` and look each one up in the store. Runs are named by
 * their hash, so the same run in two series or two experiments is one record, served to each.
 * `onProblem` hears about stored files that are not the run they claim to be (they count as missing).
 */
export function planAll(
  specs: ExperimentSpec[], profile: ProfileName, backend: BackendInfo, resultsDir: string, force: boolean,
  onProblem: (message: string) => void = () => {},
): PlannedRun[] {
  const planned: PlannedRun[] = [];
  for (const spec of specs) {
    for (const config of planRuns(spec, profile)) {
      const fingerprint = fingerprintSources(runSources(config));
      const hash = runHash(config, backend, fingerprint);
      const run: PlannedRun = { config, label: seriesLabel(spec, config.series), hash, fingerprint, estimatedSeconds: estimateSeconds(config) };
      if (!force) {
        const found = cachedResult(resultsDir, hash);
        if (found.problem) onProblem(found.problem);
        if (found.record) run.cached = servedAs(found.record, run);
      }
      planned.push(run);
    }
  }
  return planned;
}

export function buildRecord(run: PlannedRun, outcome: RunOutcome, profile: ProfileName, backend: BackendInfo): RunRecord {
  return {
    schema: 1,
    hash: run.hash,
    experiment: run.config.experiment,
    series: run.config.series,
    label: run.label,
    profile,
    config: run.config,
    resolvedHyperparams: outcome.resolvedHyperparams,
    status: outcome.status,
    ...(outcome.error ? { error: outcome.error } : {}),
    ...(outcome.divergence ? { divergence: outcome.divergence } : {}),
    epochs: outcome.epochs,
    ...(outcome.lossTrace ? { lossTrace: outcome.lossTrace } : {}),
    totalSteps: outcome.totalSteps,
    wallSeconds: outcome.wallSeconds,
    backend,
    fingerprint: run.fingerprint,
    createdAt: new Date().toISOString(),
  };
}

/** The worker entry next to this file: worker.ts under tsx (from src/), worker.js when compiled (dist/). */
function workerEntry(): { file: string; execArgv: string[] } {
  const ts = __filename.endsWith('.ts');
  const file = path.join(__dirname, ts ? 'worker.ts' : 'worker.js');
  if (!fs.existsSync(file)) throw new Error(`Experiment worker not found at ${file}.`);
  return { file, execArgv: ts ? ['--import', 'tsx'] : [] };
}

interface Slot {
  index: number;
  child: ChildProcess;
  ready: boolean;
  current?: { id: number; run: PlannedRun; resolve: (o: RunOutcome) => void };
}

/** A message to a worker whose channel has just closed is lost on purpose: its 'exit' handler accounts for it. */
const ignoreClosedChannel = (_err: Error | null): void => {};

/**
 * Train `queue` on `jobs` worker processes; `onDone` receives each outcome as it arrives. A worker
 * that dies mid-run yields an 'error' outcome for that run and is replaced. Each run is started only if
 * `claim(run)` agrees at that moment (another process may be training it).
 */
async function runInWorkers(
  queue: PlannedRun[], jobs: number, backend: BackendInfo,
  claim: (run: PlannedRun) => boolean,
  onStart: (run: PlannedRun, worker: number) => void,
  onProgress: (run: PlannedRun, worker: number, event: ProgressEvent) => void,
  onDone: (run: PlannedRun, worker: number, outcome: RunOutcome) => void,
): Promise<void> {
  const { file, execArgv } = workerEntry();
  const pending = [...queue];
  let nextId = 1;
  let active = 0;
  let fatal: Error | undefined;
  const slots: Slot[] = [];

  return new Promise<void>((resolve, reject) => {
    const finishIfIdle = () => {
      if (active === 0 && (pending.length === 0 || fatal)) {
        for (const s of slots) if (s.child.connected) s.child.send({ type: 'exit' } satisfies ParentMessage, ignoreClosedChannel);
        if (fatal) reject(fatal);
        else resolve();
      }
    };
    const next = (): PlannedRun | undefined => {
      while (!fatal && pending.length) {
        const run = pending.shift()!;
        if (claim(run)) return run;
      }
      return undefined;
    };
    const dispatch = (slot: Slot) => {
      const run = next();
      if (!run) {
        finishIfIdle();
        return;
      }
      const id = nextId++;
      active++;
      slot.current = {
        id, run,
        resolve: (outcome) => {
          active--;
          slot.current = undefined;
          onDone(run, slot.index, outcome);
        },
      };
      onStart(run, slot.index);
      slot.child.send({ type: 'run', id, config: run.config } satisfies ParentMessage, ignoreClosedChannel);
    };
    const spawn = (index: number): Slot => {
      const child = fork(file, [], {
        execArgv,
        // Same backend in every worker as in the parent (its name is part of each run's hash).
        env: { ...process.env, ATLAS_BACKEND: backend.name },
        serialization: 'advanced', // keeps NaN/Infinity in metrics
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      const slot: Slot = { index, child, ready: false };
      child.on('message', (msg: WorkerMessage) => {
        switch (msg.type) {
          case 'ready':
            if (msg.backend.name !== backend.name || msg.backend.patches.join() !== backend.patches.join()) {
              fatal = new Error(`Worker backend ${msg.backend.name} [${msg.backend.patches}] differs from the runner's ${backend.name} [${backend.patches}].`);
              child.kill();
              finishIfIdle();
              return;
            }
            slot.ready = true;
            dispatch(slot);
            break;
          case 'progress':
            if (slot.current?.id === msg.id) onProgress(slot.current.run, index, msg.event);
            break;
          case 'done':
            if (slot.current?.id === msg.id) {
              slot.current.resolve(msg.outcome);
              dispatch(slot);
            }
            break;
          case 'fatal':
            fatal = new Error(`Experiment worker failed to start: ${msg.message}`);
            break;
        }
      });
      // A ChildProcess 'error' with no listener is an uncaught exception: it would kill the caller
      // (in a notebook, the kernel). Before 'ready' it means the worker could not start; later, only
      // the IPC channel of a worker on its way out, whose 'exit' accounts for any run it had.
      child.on('error', (err) => {
        if (!slot.ready && !fatal) {
          fatal = new Error(`Experiment worker could not start: ${err.message}`);
          finishIfIdle();
        }
      });
      child.on('exit', (code, signal) => {
        const lost = slot.current;
        if (lost) {
          lost.resolve({
            status: 'error', error: `Worker process exited (${signal ?? `code ${code}`}) during the run (out of memory?).`,
            epochs: [], totalSteps: 0, wallSeconds: 0, resolvedHyperparams: {},
          });
        }
        if (!slot.ready && !lost && !fatal) fatal = new Error(`Experiment worker exited before it was ready (${signal ?? `code ${code}`}).`);
        if (lost && pending.length && !fatal) slots[index] = spawn(index); // replace it and carry on
        else finishIfIdle();
      });
      return slot;
    };
    for (let i = 0; i < Math.min(jobs, pending.length); i++) slots.push(spawn(i));
    if (slots.length === 0) resolve();
  });
}

const WAIT_POLL_MS = 500;

/** Run (or fetch from the cache) every run of the given experiments under a profile. */
export async function runExperiments(opts: RunnerOptions = {}): Promise<RunSummary> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const profile = resolveProfile({ caller: 'cli', explicit: opts.profile }).profile;
  const ids = opts.ids?.length ? opts.ids : [...EXPERIMENT_IDS];
  const specs = ids.map(getExperiment); // unknown ids fail here, before any work
  const resultsDir = opts.resultsDir ?? defaultResultsDir();
  const jobs = opts.jobs ?? defaultJobs();
  const force = Boolean(opts.force);
  if (!Number.isInteger(jobs) || jobs < 0) throw new Error(`jobs must be an integer ≥ 0 (0 = in this process), got ${jobs}.`);
  const emit = opts.onEvent ?? (() => {});
  const warned = new Set<string>();
  const warn = (message: string) => {
    if (!warned.has(message)) emit({ kind: 'warning', message });
    warned.add(message);
  };
  const backend = await initBackend();
  assertCompiledCodeIsCurrent();
  const { migrated } = openResults(resultsDir);
  if (migrated) warn(`Moved ${migrated} record(s) of the old per-experiment layout into ${path.join(resultsDir, 'runs')}.`);

  const planned = planAll(specs, profile, backend, resultsDir, force, warn);
  // One training per hash, however many series or experiments plan it. Longest first: the pool then
  // finishes close together instead of waiting on one late long run.
  const unique = new Map<string, PlannedRun>();
  for (const r of planned) if (!r.cached && !unique.has(r.hash)) unique.set(r.hash, r);
  const toRun = [...unique.values()].sort((a, b) => b.estimatedSeconds - a.estimatedSeconds);
  const effectiveJobs = Math.min(Math.max(jobs, 1), Math.max(toRun.length, 1));
  emit({
    kind: 'plan', profile, experiments: ids, total: planned.length, cached: planned.filter((r) => r.cached).length, toRun,
    jobs: jobs === 0 ? 0 : effectiveJobs, estimatedSeconds: toRun.reduce((s, r) => s + r.estimatedSeconds, 0) / (jobs === 0 ? 1 : effectiveJobs),
    ...(opts.queue ? { queue: redactUrl(opts.queue) } : {}),
  });

  const results = new Map<string, RunRecord>(); // by hash: what this invocation trained or waited for
  const releases = new Map<string, () => void>();
  // Counts of what this process trained (runs another process trained and this one waited for are served, not counted).
  let ran = 0;
  let ok = 0;
  let diverged = 0;
  let failed = 0;
  const complete = (run: PlannedRun, worker: number, outcome: RunOutcome) => {
    const record = buildRecord(run, outcome, profile, backend);
    const { stored, kept } = storeRecord(resultsDir, record);
    if (kept) warn(`${runName(run)}: the recompute failed (${outcome.error?.split('\n')[0]}); kept the previous good record.`);
    ran++;
    if (record.status === 'error') failed++; // also when a good record was kept: the recompute asked for failed
    else if (record.status === 'diverged') diverged++;
    else ok++;
    results.set(run.hash, stored);
    releases.get(run.hash)?.();
    releases.delete(run.hash);
    emit({ kind: 'run-end', run, worker, record });
  };
  const claimed = new Set<string>();
  const claim = (run: PlannedRun): boolean => {
    const release = claimRun(resultsDir, run.hash, (err) => warn(`Lost the claim on run ${run.hash}: ${err.message}`));
    if (!release) return false;
    // Finished by another process since the plan: a result (under --force: only one newer than this
    // invocation), or an error that process recorded while this one waited (retried next invocation).
    const found = lookupRecord(resultsDir, run.hash).record;
    if (found && (found.status === 'error' ? found.createdAt >= startedAt : !force || found.createdAt >= startedAt)) {
      release();
      results.set(run.hash, found);
      return false;
    }
    releases.set(run.hash, release);
    claimed.add(run.hash);
    return true;
  };
  const train = async (runs: PlannedRun[]) => {
    if (opts.queue) {
      if (runs.length) {
        await runInQueue(runs, backend, { url: opts.queue, force, warn }, claim,
          (run, worker) => emit({ kind: 'run-start', run, worker }),
          (run, worker, event) => emit({ kind: 'run-progress', run, worker, event }),
          complete);
      }
    } else if (jobs === 0) {
      for (const run of runs) {
        if (!claim(run)) continue;
        emit({ kind: 'run-start', run, worker: 0 });
        complete(run, 0, await executeRun(run.config, (event) => emit({ kind: 'run-progress', run, worker: 0, event })));
      }
    } else if (runs.length) {
      await runInWorkers(runs, Math.min(effectiveJobs, runs.length), backend, claim,
        (run, worker) => emit({ kind: 'run-start', run, worker }),
        (run, worker, event) => emit({ kind: 'run-progress', run, worker, event }),
        complete);
    }
  };

  // Two processes on one results folder: each claims a run as it starts it, so they share the work; a
  // run claimed elsewhere is waited for and its record taken, or trained here if that process stopped
  // without one.
  try {
    let remaining = toRun;
    while (remaining.length) {
      claimed.clear();
      await train(remaining);
      const elsewhere = remaining.filter((r) => !claimed.has(r.hash) && !results.has(r.hash));
      if (elsewhere.length) {
        emit({ kind: 'waiting', runs: elsewhere });
        while ((await Promise.all(elsewhere.map((r) => isClaimed(resultsDir, r.hash)))).every(Boolean)) {
          await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
        }
      }
      remaining = elsewhere;
    }
  } finally {
    for (const release of releases.values()) release();
  }

  const records = planned.map((r) => r.cached ?? servedAs(results.get(r.hash)!, r));
  const summary: RunSummary = {
    profile,
    records,
    cached: planned.filter((r) => r.cached).length,
    ran,
    ok,
    diverged,
    failed,
    seconds: (performance.now() - started) / 1000,
  };
  emit({ kind: 'done', summary });
  return summary;
}
