// A queued run is data: { config, hash, fingerprint, backend, origin }. A worker trusts none of it:
// it validates the job against the run-config schema and the planner's limits (known experiment,
// model, optimizer and keys; bounded sizes, epochs and cost; names that cannot be paths), then
// recomputes the hash with its own code and backend, and refuses the job when they differ.
import { execFileSync } from 'node:child_process';
import { z } from 'zod';
import type { BackendInfo } from '../../backend';
import { MODEL_NAMES } from '../../models';
import { OPTIMIZER_NAMES } from '../../optimizers/types';
import { SCHEDULE_KINDS, scheduleFromConfig, type ScheduleKind } from '../../optimizers/schedules';
import { decodeNonFinite, encodeNonFinite } from '../cache';
import type { RunOutcome } from '../execute';
import { fingerprintSources, projectRoot, runHash, runSources, type BackendKey } from '../fingerprint';
import { estimateSeconds } from '../plan';
import { EXPERIMENT_IDS } from '../specs';
import type { RunConfig } from '../types';
import { FULL_MNIST } from '../execute';

/** Where the job was planned: the coordinator's commit, so a refusal can say which side is older. */
export interface CodeOrigin {
  commit?: string;
  /** Committer date, ISO 8601. */
  date?: string;
  /** Uncommitted changes under src/. */
  dirty?: boolean;
}

export interface RunJobData {
  config: RunConfig;
  hash: string;
  fingerprint: Record<string, string>;
  backend: BackendKey;
  origin: CodeOrigin;
}

/** Planner limits a job must respect (far above every spec's full profile, far below abuse). */
export const JOB_LIMITS = {
  maxEpochs: 1000,
  maxTracePoints: 100_000,
  /** Estimated single-core seconds (plan.ts's cost model): 12 h, ~130× the longest planned run (full seed003 SGD at batch 1, 5.6 min). */
  maxEstimatedSeconds: 12 * 3600,
  maxHyperparam: 1e4,
} as const;

// A name (experiment, series) is an identifier: never a path, never anything a shell or a file
// system would interpret.
const name = z.string().max(80).regex(/^[A-Za-z0-9][A-Za-z0-9_.+=-]*$/, 'must be a plain identifier (letters, digits, _ . + = -; no slashes or spaces)');
const finite = z.number().finite();
const count = (max: number) => z.number().int().min(1).max(max);
const seed = z.number().int().min(0).max(2 ** 32 - 1);

// A learning-rate schedule's shape: a known kind, plain numbers/booleans, and at most one nested
// schedule (warmup's `then`); its own validation (canonicalSchedule, via scheduleFromConfig) checks
// the rest below.
const scheduleLeaf = z.object({ kind: z.enum(SCHEDULE_KINDS as [ScheduleKind, ...ScheduleKind[]]) }).catchall(z.union([finite, z.boolean()]));
const schedule = z.object({ kind: z.enum(SCHEDULE_KINDS as [ScheduleKind, ...ScheduleKind[]]) }).catchall(z.union([finite, z.boolean(), scheduleLeaf]));

const hyperparams = z.strictObject({
  learningRate: z.union([finite.min(0).max(JOB_LIMITS.maxHyperparam), schedule]),
  momentum: finite.min(0).max(1),
  rho: finite.min(0).max(1),
  beta1: finite.min(0).max(1),
  beta2: finite.min(0).max(1),
  epsilon: finite.min(0).max(1),
  weightDecay: finite.min(0).max(JOB_LIMITS.maxHyperparam),
  initialAccumulatorValue: finite.min(0).max(JOB_LIMITS.maxHyperparam),
}).partial();

const data = z.discriminatedUnion('dataset', [
  z.strictObject({ dataset: z.literal('mnist'), train: count(FULL_MNIST.train), test: count(FULL_MNIST.test), subsetSeed: seed }),
  z.strictObject({ dataset: z.literal('karate'), testFraction: finite.gt(0).lt(1), splitSeed: seed }),
]);

export const runConfigSchema = z.strictObject({
  experiment: name.refine((id) => EXPERIMENT_IDS.includes(id), { message: `must be a known experiment (${EXPERIMENT_IDS.join(', ')})` }),
  series: name,
  model: z.enum(MODEL_NAMES),
  optimizer: z.enum(OPTIMIZER_NAMES),
  implementation: z.enum(['ours', 'tfjs']),
  hyperparams,
  batchSize: z.union([count(FULL_MNIST.train), z.literal('full')]),
  epochs: count(JOB_LIMITS.maxEpochs),
  seed,
  data,
  tracePoints: z.number().int().min(0).max(JOB_LIMITS.maxTracePoints).optional(),
  evaluateTrain: z.boolean().optional(),
});

const hex = (len: number) => z.string().regex(new RegExp(`^[0-9a-f]{${len}}$`), `must be ${len} hex digits`);
const jobSchema = z.strictObject({
  config: runConfigSchema,
  hash: hex(16),
  fingerprint: z.record(z.string().regex(/^src\/[A-Za-z0-9_./-]+\.ts$/).refine((p) => !p.includes('..')), hex(64)),
  backend: z.strictObject({ name: z.string().max(40), tfjsVersion: z.string().max(40), patches: z.array(z.string().max(80)).max(50) }),
  origin: z.strictObject({ commit: z.string().max(64).optional(), date: z.string().max(40).optional(), dirty: z.boolean().optional() }),
});

/**
 * A run's job id: its hash, prefixed (BullMQ refuses ids that parse as integers, and a hash can be
 * all decimal digits).
 */
export const jobIdOf = (hash: string): string => `run-${hash}`;

/** Why a job cannot be run as it stands (worker-side refusal): not retried. */
export class JobRejected extends Error {}

/** Validate a job's data (anything: it came from Redis); returns it typed, or throws JobRejected with every problem. */
export function validateJob(raw: unknown): RunJobData {
  const parsed = jobSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(job)'}: ${i.message}`);
    throw new JobRejected(`invalid job: ${problems.join('; ')}`);
  }
  const job = parsed.data as RunJobData;
  const lr = job.config.hyperparams.learningRate;
  if (lr !== undefined && typeof lr !== 'number') {
    try {
      scheduleFromConfig(lr);
    } catch (err) {
      throw new JobRejected(`invalid job: config.hyperparams.learningRate: ${(err as Error).message}`);
    }
  }
  const seconds = estimateSeconds(job.config);
  if (!(seconds <= JOB_LIMITS.maxEstimatedSeconds)) {
    throw new JobRejected(`invalid job: estimated ${Math.round(seconds / 3600)} core-hours exceeds the limit of ${JOB_LIMITS.maxEstimatedSeconds / 3600} h for one run.`);
  }
  return job;
}

/** The run's identity under this checkout's code and this backend (as planAll computes it). */
export function runIdentity(config: RunConfig, backend: BackendKey): { hash: string; fingerprint: Record<string, string> } {
  const fingerprint = fingerprintSources(runSources(config));
  return { hash: runHash(config, backend, fingerprint), fingerprint };
}

let originCache: CodeOrigin | undefined;

/** This checkout's commit, its date and whether src/ has uncommitted changes (empty without git). */
export function codeOrigin(): CodeOrigin {
  if (originCache) return originCache;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: projectRoot(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const [commit, date] = git('log', '-1', '--format=%H %cI').split(' ');
    originCache = { commit, date, dirty: git('status', '--porcelain', '--', 'src').length > 0 };
  } catch {
    originCache = {};
  }
  return originCache;
}

function describe(o: CodeOrigin): string {
  return o.commit ? `commit ${o.commit.slice(0, 10)}${o.date ? ` (${o.date})` : ''}${o.dirty ? ' with uncommitted changes in src/' : ''}` : 'an unknown commit (no git)';
}

/**
 * Undefined when this worker computes the job's hash itself; otherwise why not, and which side
 * to update. Run on validated data only.
 */
export function identityMismatch(job: RunJobData, backend: BackendInfo, jobId: string | undefined): string | undefined {
  if (jobId !== jobIdOf(job.hash)) return `job id "${jobId}" is not ${jobIdOf(job.hash)}, named by the run's hash (not queued by a coordinator).`;
  const own = runIdentity(job.config, backend);
  if (own.hash === job.hash) return undefined;
  const backendKey = (b: BackendKey) => `${b.name} (tfjs ${b.tfjsVersion}, patches [${[...b.patches].sort().join(', ')}])`;
  if (backendKey(job.backend) !== backendKey(backend)) {
    return `backend differs: the run was planned for ${backendKey(job.backend)}, this worker runs ${backendKey(backend)}. `
      + `Start the worker with ATLAS_BACKEND=${job.backend.name} (and the same npm ci), or run the coordinator with ATLAS_BACKEND=${backend.name}.`;
  }
  const files = [...new Set([...Object.keys(job.fingerprint), ...Object.keys(own.fingerprint)])]
    .filter((f) => job.fingerprint[f] !== own.fingerprint[f]).sort();
  if (files.length) {
    const mine = codeOrigin();
    const coordinator = job.origin;
    let advice = 'Check out the same commit on both machines (git rev-parse HEAD) and restart the worker.';
    if (mine.date && coordinator.date && mine.commit !== coordinator.commit) {
      // Name the commit: a plain `git pull` can carry the older side past the other one.
      const checkout = (commit: string) => `git fetch && git checkout ${commit} && npm ci`;
      advice = Date.parse(mine.date) < Date.parse(coordinator.date)
        ? `The worker is older: bring it to the coordinator's commit (${checkout(coordinator.commit!)}) and restart it.`
        : `The coordinator is older: bring its checkout to this worker's commit (${checkout(mine.commit!)}), or the workers to the coordinator's, and run it again.`;
    } else if (mine.dirty || coordinator.dirty) {
      advice = `Uncommitted changes in src/ on the ${mine.dirty ? 'worker' : 'coordinator'}: commit or revert them so both sides run the same code.`;
    }
    return `code differs in ${files.join(', ')}: coordinator at ${describe(coordinator)}, worker at ${describe(mine)}. ${advice}`;
  }
  return `the job's config does not hash to its id ${job.hash} under the same code and backend (altered in the queue?).`;
}

/** A run's outcome as a BullMQ return value (a string: JSON would turn a diverged run's NaN into null). */
export const encodeOutcome = (outcome: RunOutcome): string => JSON.stringify(outcome, encodeNonFinite);
export const decodeOutcome = (text: string): RunOutcome => JSON.parse(text, decodeNonFinite) as RunOutcome;
