// Queue throughput and per-job overhead, for the README's figures:
//   node --import tsx src/experiments/queue/bench.ts --queue URL [ids…] [--profile smoke]
// against workers already started on that (otherwise empty) queue, or `--local N` for the same runs
// on N local worker processes (the comparison). Runs the coordinator once into a
// fresh temporary results folder, then reads each job's timestamps back from Redis: per job, the
// worker's time around training (validation, hash check, IPC, Redis writes) plus the gap between a
// worker finishing one job and starting its next is the queue's overhead.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { runExperiments } from '../runner';
import { connectionOptions, QUEUE_NAME } from './connection';
import { decodeOutcome, jobIdOf } from './job';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { queue: { type: 'string' }, local: { type: 'string' }, profile: { type: 'string' } } });
  if (!values.queue && !values.local) throw new Error('--queue URL or --local N is required');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-queue-bench-'));
  const t0 = performance.now();
  const summary = await runExperiments({
    ids: positionals, profile: values.profile ?? 'smoke', resultsDir: dir,
    ...(values.queue ? { queue: values.queue } : { jobs: Number(values.local) }),
  });
  const seconds = (performance.now() - t0) / 1000;
  fs.rmSync(dir, { recursive: true, force: true });
  if (!values.queue) {
    console.log(JSON.stringify({ runs: summary.ran, localJobs: Number(values.local), seconds: +seconds.toFixed(1), runsPerSecond: +(summary.ran / seconds).toFixed(3) }));
    return;
  }
  const ids = new Set(summary.records.map((r) => jobIdOf(r.hash)));
  const queue = new Queue(QUEUE_NAME, { connection: connectionOptions(values.queue) });
  const jobs = (await queue.getJobs(['completed'], 0, -1)).filter((j) => ids.has(j.id!));
  await queue.close();
  const inWorker: number[] = [];
  const gaps: number[] = [];
  const trainSeconds: number[] = [];
  const byWorker = new Map<string, typeof jobs>();
  for (const j of jobs) {
    const wall = decodeOutcome(String(j.returnvalue)).wallSeconds;
    trainSeconds.push(wall);
    inWorker.push(j.finishedOn! - j.processedOn! - wall * 1000);
    byWorker.set(j.processedBy ?? '?', [...(byWorker.get(j.processedBy ?? '?') ?? []), j]);
  }
  for (const list of byWorker.values()) {
    list.sort((a, b) => a.processedOn! - b.processedOn!);
    for (let i = 1; i < list.length; i++) gaps.push(list[i].processedOn! - list[i - 1].finishedOn!);
  }
  const overhead = median(inWorker) + median(gaps);
  console.log(JSON.stringify({
    runs: summary.ran, workers: byWorker.size, seconds: +seconds.toFixed(1), runsPerSecond: +(summary.ran / seconds).toFixed(3),
    trainSecondsTotal: +trainSeconds.reduce((a, b) => a + b, 0).toFixed(1), medianTrainSeconds: +median(trainSeconds).toFixed(3),
    medianInWorkerOverheadMs: +median(inWorker).toFixed(1), medianPickupGapMs: +median(gaps).toFixed(1), medianOverheadMs: +overhead.toFixed(1),
  }));
}

main().catch((err) => {
  process.stderr.write(`${(err as Error)?.message ?? String(err)}\n`);
  process.exitCode = 1;
});
