// A queue worker (`npm run worker -- --queue redis://… [--concurrency N]`): takes run jobs from Redis
// (BullMQ), validates each one as data, checks that its own code and backend compute the job's hash,
// trains it in a training process (the local runner's worker) and returns the outcome; the
// coordinator files the record. It never evaluates anything from the queue.
import * as os from 'node:os';
import { parseArgs } from 'node:util';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { BackendInfo } from '../../backend';
import type { ProgressEvent } from '../../training/types';
import { assertCompiledCodeIsCurrent } from '../fingerprint';
import { assertRedisReachable, connectionOptions, QUEUE_NAME, redactUrl, redisClientsOf, watchConnection } from './connection';
import { encodeOutcome, identityMismatch, JobRejected, validateJob } from './job';
import { TrainerPool } from './pool';
import { describeError, installCliErrorHandlers } from '../../cli-errors';

export interface QueueWorkerOptions {
  url: string;
  concurrency?: number;
  /** Job lock length and stalled-job check interval (ms): how soon a killed worker's run is retried. */
  stalledMs?: number;
  log?: (line: string) => void;
}

/** Step events forwarded to Redis at most this often (epoch events always). */
const STEP_PROGRESS_MS = 1000;

export interface QueueWorkerHandle {
  backend: BackendInfo;
  close(): Promise<void>;
}

/** Connect, start the training processes and serve jobs until close(). */
export async function startQueueWorker(opts: QueueWorkerOptions): Promise<QueueWorkerHandle> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const concurrency = opts.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`--concurrency must be an integer ≥ 1, got ${concurrency}.`);
  const stalledMs = opts.stalledMs ?? 30_000;
  assertCompiledCodeIsCurrent();
  await assertRedisReachable(opts.url);
  const pool = new TrainerPool(process.env.ATLAS_BACKEND);
  const backend = await pool.probe(); // the backend that actually trains is the one the hash must name
  const name = `${os.hostname()}:${process.pid}`;

  const processor = async (job: Job): Promise<string> => {
    let data;
    try {
      data = validateJob(job.data);
    } catch (err) {
      const reason = err instanceof JobRejected ? err.message : `invalid job: ${(err as Error).message}`;
      log(`rejected job ${job.id}: ${reason}`);
      throw new UnrecoverableError(`rejected by worker ${name}: ${reason}`);
    }
    const mismatch = identityMismatch(data, backend, job.id);
    if (mismatch) {
      log(`refused job ${job.id}: ${mismatch}`);
      throw new UnrecoverableError(`refused by worker ${name}: ${mismatch}`);
    }
    log(`start ${job.id} ${data.config.experiment}/${data.config.series} seed ${data.config.seed}`);
    let lastStep = 0;
    const progress = (event: ProgressEvent) => {
      if (event.kind === 'step') {
        const now = Date.now();
        if (now - lastStep < STEP_PROGRESS_MS) return;
        lastStep = now;
      }
      job.updateProgress(event).catch(() => {}); // progress is display only
    };
    const outcome = await pool.run(data.config, progress);
    log(`done ${job.id} ${outcome.status} ${outcome.wallSeconds.toFixed(2)}s`);
    return encodeOutcome(outcome);
  };

  const worker = new Worker(QUEUE_NAME, processor, {
    connection: connectionOptions(opts.url),
    concurrency,
    name,
    lockDuration: stalledMs,
    stalledInterval: stalledMs,
    maxStalledCount: 1, // a run whose worker died is retried once more elsewhere, then recorded as an error
  });
  // An outage is one line when it starts and one when it ends, not one per reconnection attempt.
  let outage: ReturnType<typeof watchConnection> | undefined;
  worker.on('error', (err) => {
    if (!outage?.closed) log(`queue error: ${err.message}`);
  });
  await worker.waitUntilReady();
  outage = watchConnection(await redisClientsOf(worker),
    () => log(`lost the connection to Redis at ${redactUrl(opts.url)}; reconnecting (runs in training go on)`),
    (seconds) => log(`reconnected to Redis after ${seconds} s`));
  log(`worker ${name}: ${concurrency} slot(s), backend ${backend.name} [${backend.patches.join(', ')}], queue ${QUEUE_NAME} on ${redactUrl(opts.url)}`);
  return {
    backend,
    async close() {
      await worker.close(); // waits for the runs in training, whose outages are still reported
      outage!.stop();
      pool.close();
    },
  };
}

const USAGE = `Usage: npm run worker -- --queue redis://[:PASSWORD@]HOST:PORT[/DB] [--concurrency N] [--stalled-ms MS]

  --queue        the Redis the coordinator (npm run experiments -- --queue …) uses; rediss:// for TLS
  --concurrency  runs trained at once (default 1; one per core the machine can give)
  --stalled-ms   how long a job's lock lasts without renewal before another worker may take it over
                 (default 30000)`;

export async function main(argv = process.argv.slice(2)): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { queue: { type: 'string' }, concurrency: { type: 'string' }, 'stalled-ms': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const url = values.queue ?? process.env.ATLAS_QUEUE;
  if (!url) {
    process.stderr.write(`--queue is required (or ATLAS_QUEUE).\n\n${USAGE}\n`);
    return 2;
  }
  const concurrency = values.concurrency === undefined ? 1 : Number(values.concurrency);
  const stalledMs = values['stalled-ms'] === undefined ? undefined : Number(values['stalled-ms']);
  if (stalledMs !== undefined && !(Number.isInteger(stalledMs) && stalledMs >= 1000)) {
    process.stderr.write(`--stalled-ms must be an integer ≥ 1000, got "${values['stalled-ms']}".\n`);
    return 2;
  }
  const handle = await startQueueWorker({ url, concurrency, stalledMs });
  await new Promise<void>((resolve) => {
    const stop = (sig: string) => {
      process.stderr.write(`${sig}: finishing the current run(s), then exiting (again to abandon them)\n`);
      process.once(sig as NodeJS.Signals, () => process.exit(130));
      handle.close().then(resolve, resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}

if (require.main === module) {
  installCliErrorHandlers('worker');
  main().then((code) => { process.exitCode = code; }, (err) => {
    process.stderr.write(`worker: ${describeError(err)}\n`);
    process.exitCode = 1;
  });
}
