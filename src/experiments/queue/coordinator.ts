// The coordinator's side of the queue: the same shape as the runner's local worker pool (runs in,
// one RunOutcome per run out through onDone), but each run is a BullMQ job whose id is the run's
// hash (jobIdOf), trained by `npm run worker` processes on any machine. The id makes the queue de-duplicate:
// two coordinators, or a rerun after the coordinator was killed, attach to the job already there
// (and collect it at once when it has finished) instead of queueing the run again.
import { Job, Queue, QueueEvents } from 'bullmq';
import type { BackendInfo } from '../../backend';
import type { ProgressEvent } from '../../training/types';
import type { RunOutcome } from '../execute';
import type { PlannedRun } from '../runner';
import { assertRedisReachable, connectionOptions, QUEUE_NAME, redactUrl, redisClientsOf, watchConnection } from './connection';
import { codeOrigin, decodeOutcome, jobIdOf, type RunJobData } from './job';

export interface QueueRunOptions {
  /** Redis URL (redis://, rediss://). */
  url: string;
  /** Recompute runs whose job finished earlier (the runner's --force). */
  force?: boolean;
  /** Told when the connection to Redis is lost and when it is back (the runner prints it). */
  warn?: (message: string) => void;
}

/** A job that failed outright (an exception in the worker, e.g. its training process died) is retried once. */
const ATTEMPTS = 2;
/** A run whose job vanished from Redis before it finished is queued again at most this often. */
const MAX_REQUEUES = 3;
/** Finished jobs stay this long, so a coordinator restarted meanwhile collects them instead of recomputing. */
const KEEP_SECONDS = 7 * 24 * 3600;

function errorOutcome(error: string): RunOutcome {
  return { status: 'error', error, epochs: [], totalSteps: 0, wallSeconds: 0, resolvedHyperparams: {} };
}

/**
 * Train `runs` on the queue at `opts.url`; `onDone` receives each outcome as it arrives (a job that
 * failed, was rejected or refused by a worker arrives as an 'error' outcome with the reason).
 */
export async function runInQueue(
  runs: PlannedRun[], backend: BackendInfo, opts: QueueRunOptions,
  /** False: another runner on the same results folder has the run (the runner waits for its record). */
  claim: (run: PlannedRun) => boolean,
  onStart: (run: PlannedRun, worker: number) => void,
  onProgress: (run: PlannedRun, worker: number, event: ProgressEvent) => void,
  onDone: (run: PlannedRun, worker: number, outcome: RunOutcome) => void,
): Promise<void> {
  if (!runs.length) return;
  await assertRedisReachable(opts.url); // before claiming anything: a bad URL loses nothing
  const connection = connectionOptions(opts.url);
  const queue = new Queue(QUEUE_NAME, { connection });
  const events = new QueueEvents(QUEUE_NAME, { connection });
  queue.on('error', () => {}); // connection trouble after the start: reported below, ioredis reconnects
  events.on('error', () => {});
  const warn = opts.warn ?? (() => {});
  let watcher: ReturnType<typeof watchConnection> | undefined;
  try {
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    const byJobId = new Map(runs.map((r) => [jobIdOf(r.hash), r]));
    // Display slots: a started run holds the lowest free one until it is done.
    const slots = new Map<string, number>(); // by job id
    const finished = new Set<string>();
    const slotOf = (jobId: string): number => {
      let slot = slots.get(jobId);
      if (slot === undefined) {
        const used = new Set(slots.values());
        for (slot = 0; used.has(slot); slot++);
        slots.set(jobId, slot);
        onStart(byJobId.get(jobId)!, slot);
      }
      return slot;
    };
    events.on('active', ({ jobId }) => {
      if (byJobId.has(jobId) && !finished.has(jobId)) slotOf(jobId);
    });
    events.on('progress', ({ jobId, data }) => {
      const run = byJobId.get(jobId);
      if (run && !finished.has(jobId) && data && typeof data === 'object') onProgress(run, slotOf(jobId), data as ProgressEvent);
    });
    const finish = (run: PlannedRun, outcome: RunOutcome) => {
      const id = jobIdOf(run.hash);
      if (finished.has(id)) return;
      const slot = slotOf(id);
      finished.add(id);
      slots.delete(id);
      onDone(run, slot, outcome);
    };

    const origin = codeOrigin();
    const enqueue = (run: PlannedRun): Promise<Job> => {
      const data: RunJobData = {
        config: run.config, hash: run.hash, fingerprint: run.fingerprint,
        backend: { name: backend.name, tfjsVersion: backend.tfjsVersion, patches: backend.patches }, origin,
      };
      return queue.add(run.config.experiment, data, {
        jobId: jobIdOf(run.hash), attempts: ATTEMPTS, backoff: { type: 'fixed', delay: 1000 },
        removeOnComplete: { age: KEEP_SECONDS }, removeOnFail: { age: KEEP_SECONDS },
      });
    };
    const collect = async (run: PlannedRun): Promise<void> => {
      let job = await enqueue(run); // an existing job with this id is returned, not added again
      const state = await job.getState();
      // queue.add hands back a local Job whose returnvalue is empty even when Redis holds one: read the stored job.
      const stored = state === 'completed' ? await Job.fromId(queue, jobIdOf(run.hash)) : undefined;
      const earlier = stored ? decodeOutcome(String(stored.returnvalue)) : undefined;
      // A finished job is reused unless it ended in an error (retried on a new invocation, as
      // error records are) or the caller forces a recomputation.
      if (state === 'failed' || (earlier && (earlier.status === 'error' || opts.force))) {
        await job.remove().catch(() => {}); // another coordinator may have just done the same
        job = await enqueue(run);
      } else if (earlier) {
        finish(run, earlier);
        return;
      }
      for (let requeued = 0; ; requeued++) {
        try {
          const value = await job.waitUntilFinished(events);
          finish(run, decodeOutcome(String(value)));
          return;
        } catch (err) {
          const fresh = await Job.fromId(queue, jobIdOf(run.hash));
          // Gone from Redis (restarted without its data, or removed by hand), not failed: queue it again.
          if (!fresh && !finished.has(jobIdOf(run.hash)) && requeued < MAX_REQUEUES) {
            job = await enqueue(run);
            continue;
          }
          const attempts = fresh?.attemptsMade ?? job.attemptsMade;
          finish(run, errorOutcome(`Run failed on the job queue (${attempts} attempt(s)): ${(err as Error)?.message ?? String(err)}`));
          return;
        }
      }
    };
    // Redis lost mid-sweep: say so once, keep waiting (the workers keep training, ioredis reconnects),
    // and when it is back queue again every run whose job is gone (a server restarted without its
    // data); a run whose job is still there is collected as usual. Times in the messages keep two
    // outages apart (the runner prints a message once).
    // Claimed here, all at once: the queue, not this process, decides when each one trains.
    const mine = runs.filter(claim);
    const where = redactUrl(opts.url);
    const now = () => new Date().toLocaleTimeString();
    const requeueLost = async (seconds: number) => {
      try {
        const lost: PlannedRun[] = [];
        for (const run of mine) {
          const id = jobIdOf(run.hash);
          if (!finished.has(id) && !(await Job.fromId(queue, id))) lost.push(run);
        }
        await Promise.all(lost.map(enqueue));
        warn(`Redis at ${where} is back (${now()}, after ${seconds} s)${lost.length ? `; it had lost the jobs of ${lost.length} run(s) (restarted without its data?): queued again, to be trained anew` : ''}.`);
      } catch (err) {
        warn(`Redis at ${where} is back (${now()}), but checking the queued runs failed (${(err as Error).message}); a run whose job was lost will not finish: stop with Ctrl-C and run again.`);
      }
    };
    watcher = watchConnection(await redisClientsOf(queue, events),
      () => warn(`Lost the connection to Redis at ${where} (${now()}); reconnecting. Workers keep training and their runs are collected `
        + 'once it is back (a Redis restarted without its data lost the jobs: those runs are queued again). Ctrl-C stops waiting and keeps every record written so far.'),
      (seconds) => void requeueLost(seconds));
    await Promise.all(mine.map(collect));
  } finally {
    await Promise.allSettled([events.close(), queue.close()]);
    watcher?.stop();
  }
}
