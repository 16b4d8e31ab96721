import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  collapsedToChance, curves, getCachedResults, getResults, meanInterval, readRecord, recordPath, runExperiments, summarize, type RunRecord, type RunnerEvent,
} from '../src/experiments';
import { listExperiments, parseCliArgs } from '../src/experiments/cli';
import { runnerDisplay } from '../src/experiments/display';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-results-'));
const jsonFiles = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

test('end to end with 2 workers: smoke run of an experiment, then cache hits, resume after interruption, --force', async () => {
  const resultsDir = tmp();
  const events: RunnerEvent['kind'][] = [];
  const first = await runExperiments({ ids: ['seed003-karate'], profile: 'smoke', jobs: 2, resultsDir, onEvent: (e) => events.push(e.kind) });
  assert.equal(first.records.length, 9);
  assert.equal(first.ran, 9);
  assert.equal(first.failed, 0, first.records.map((r) => r.error).join('\n'));
  assert.deepEqual(first.records.map((r) => r.series), ['gd', 'sgd', 'mini-batch', 'momentum', 'nag', 'adagrad', 'adam', 'amsgrad', 'rmsprop']);
  assert.ok(events.includes('run-progress') && events[0] === 'plan' && events.at(-1) === 'done');
  const rec = first.records[1];
  assert.equal(rec.epochs.length, 2);
  assert.equal(rec.totalSteps, 2 * 124, 'SGD at batch 1 over the 124 training pairs');
  assert.ok(rec.epochs[0].testAuc !== undefined && rec.epochs[0].trainEval?.auc !== undefined);
  assert.ok(rec.backend.name && rec.backend.machine.cpus >= 1);
  assert.ok(Object.keys(rec.fingerprint).includes('src/models/gcn.ts'));
  const dir = path.join(resultsDir, 'runs');
  const files = jsonFiles(dir);
  assert.equal(files.length, 9);

  // Cached: nothing is trained, no worker is started, the same records come back.
  const again = await runExperiments({ ids: ['seed003-karate'], profile: 'smoke', jobs: 2, resultsDir });
  assert.equal(again.ran, 0);
  assert.equal(again.cached, 9);
  assert.deepEqual(again.records.map((r) => r.hash), first.records.map((r) => r.hash));

  // Interrupted sweep: three records never written, one torn write, one stale temp file.
  for (const f of files.slice(0, 3)) fs.rmSync(path.join(dir, f));
  fs.writeFileSync(path.join(dir, files[3]), '{"schema":1,');
  fs.writeFileSync(path.join(dir, `${files[4]}.tmp-1-x`), '{');
  const resumed = await runExperiments({ ids: ['seed003-karate'], profile: 'smoke', jobs: 0, resultsDir });
  assert.equal(resumed.ran, 4);
  assert.equal(resumed.cached, 5);
  // Same seed, same backend: the recomputed runs reproduce the lost ones exactly.
  const strip = (r: RunRecord) => r.epochs.map(({ trainSeconds: _a, evalSeconds: _b, ...m }) => m);
  assert.deepEqual(resumed.records.map(strip), first.records.map(strip));

  const forced = await runExperiments({ ids: ['seed003-karate'], profile: 'smoke', jobs: 0, resultsDir, force: true });
  assert.equal(forced.ran, 9);
  fs.rmSync(resultsDir, { recursive: true, force: true });
});

test('getResults runs what is missing; getCachedResults never trains; aggregation across seeds', async () => {
  const resultsDir = tmp();
  assert.deepEqual((await getCachedResults('seed004-nesterov', { profile: 'smoke', resultsDir })).missing, 2);
  const lines: string[] = [];
  const stream = { write: (s: string) => { lines.push(s); return true; }, isTTY: false } as unknown as NodeJS.WritableStream;
  const records = await getResults('seed004-nesterov', { profile: 'smoke', resultsDir, jobs: 0, progress: runnerDisplay({ stream }) });
  assert.deepEqual(records.map((r) => [r.series, r.status]), [['nesterov-off', 'ok'], ['nesterov-on', 'ok']]);
  assert.ok(lines.some((l) => l.startsWith('[2/2] seed004-nesterov/')), lines.join(''));
  const cached = await getCachedResults('seed004-nesterov', { profile: 'smoke', resultsDir });
  assert.equal(cached.missing, 0);
  assert.equal(cached.records.length, 2);
  // A run is its hash: one planned by another experiment is served from the same record, not retrained.
  const shared = await runExperiments({ ids: ['seed004-sgd-lr'], profile: 'smoke', jobs: 0, resultsDir });
  assert.equal(shared.cached, 1, 'SGD lr 0.001 m 0.5 is seed004-nesterov\'s "nesterov-off" run');
  assert.equal(shared.records.find((r) => r.series === 'sgd-m0.5-lr0.001')?.experiment, 'seed004-sgd-lr');

  // Aggregation: fake three seeds of one series, one of which diverged after epoch 1.
  const mk = (acc: number[], status: RunRecord['status'] = 'ok'): RunRecord => ({
    ...records[0], status, epochs: acc.map((a, i) => ({ ...records[0].epochs[0], epoch: i + 1, testAccuracy: a })), config: { ...records[0].config, epochs: 2 },
  });
  const runs = [mk([0.5, 0.7]), mk([0.6, 0.8]), mk([0.7], 'diverged')];
  const [c] = curves(runs, 'testAccuracy');
  assert.deepEqual(c.points.map((p) => p.n), [3, 2]);
  assert.ok(Math.abs(c.points[0].mean - 0.6) < 1e-12);
  assert.equal(c.diverged, 1);
  const [s] = summarize(runs, 'testAccuracy');
  assert.equal(s.n, 2);
  assert.ok(Math.abs(s.mean - 0.75) < 1e-12);
  fs.rmSync(resultsDir, { recursive: true, force: true });
});

test('95% interval of the mean uses Student t', () => {
  const i = meanInterval([1, 2, 3]);
  assert.equal(i.mean, 2);
  assert.ok(Math.abs(i.upper - (2 + 4.303 / Math.sqrt(3))) < 1e-9);
  assert.deepEqual(meanInterval([5]), { mean: 5, lower: 5, upper: 5, n: 1 });
  assert.equal(meanInterval([NaN, Infinity]).n, 0);
});

test('CLI: unknown experiment, profile, option or --jobs are errors listing the valid choices; list shows every id', () => {
  assert.throws(() => parseCliArgs(['nope']), /Unknown experiment "nope"\. Valid ids: seed000, seed001/);
  assert.throws(() => parseCliArgs(['--profile', 'huge']), /Unknown profile "huge"\. Valid profiles: smoke, default, full/);
  assert.throws(() => parseCliArgs(['--jobs', 'two']), /--jobs must be an integer/);
  assert.throws(() => parseCliArgs(['--frobnicate']), /Unknown option '--frobnicate'[\s\S]*Usage:/);
  assert.deepEqual(parseCliArgs(['seed000', 'seed001', '-p', 'smoke', '--force', '-j', '1']),
    { command: 'run', ids: ['seed000', 'seed001'], profile: 'smoke', force: true, jobs: 1, resultsDir: undefined });
  assert.equal(parseCliArgs(['list']).command, 'list');
  const table = listExperiments('default', 2);
  for (const id of ['seed000', 'seed001', 'seed003-mnist', 'seed003-karate', 'seed004-rmsprop-lr', 'lr-sensitivity-mlp', 'ours-vs-tfjs']) {
    assert.match(table, new RegExp(`^${id} `, 'm'));
  }
  assert.match(table, /Estimated cold default run/);
  // The real entry point: exit code 2 and the message on stderr.
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/experiments/cli.ts', 'seed999'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /Unknown experiment "seed999"\. Valid ids:/);
});

test('a run config\'s schedule (in hyperparams.learningRate) reaches both implementations alike and is recorded as it ran', async () => {
  const { executeRun } = await import('../src/experiments');
  const base = {
    experiment: 't', series: 's', model: 'mlp-128-64', optimizer: 'sgd',
    hyperparams: { learningRate: { kind: 'step', initialLearningRate: 0.1, factor: 0.5, dropEvery: 4 } }, batchSize: 64, epochs: 2, seed: 0,
    data: { dataset: 'mnist', train: 256, test: 100, subsetSeed: 0 },
  } as const;
  const ours = await executeRun({ ...base, implementation: 'ours' });
  const tfjs = await executeRun({ ...base, implementation: 'tfjs' });
  assert.equal(ours.status, 'ok', ours.error);
  assert.equal(tfjs.status, 'ok', tfjs.error);
  // 4 steps per epoch: the last update of epoch 1 is step index 3 (lr 0.1), of epoch 2 index 7 (lr 0.05).
  assert.deepEqual(ours.epochs.map((e) => e.learningRate), [0.1, 0.05]);
  assert.deepEqual(tfjs.epochs.map((e) => e.learningRate), [0.1, 0.05]);
  for (let i = 0; i < 2; i++) assert.ok(Math.abs(ours.epochs[i].testLoss - tfjs.epochs[i].testLoss) < 1e-5);
  // The record shows the schedule that ran (before: the default constant rate 0.01 for a scheduled run).
  for (const r of [ours, tfjs]) assert.deepEqual(r.resolvedHyperparams, { learningRate: { ...base.hyperparams.learningRate }, weightDecay: 0 });
  const bad = await executeRun({ ...base, implementation: 'tfjs', hyperparams: { learningRate: { kind: 'cosine', initialLearningRate: 0.1, decaySteps: 0 } } } as never);
  assert.equal(bad.status, 'error');
  assert.match(bad.error!, /learningRate: Learning-rate schedule "cosine": decaySteps must be an integer ≥ 1/);
});

test('the same run planned by two experiments in one invocation is trained once and recorded for both', async () => {
  const resultsDir = tmp();
  const s = await runExperiments({ ids: ['seed004-sgd-lr', 'seed004-nesterov'], profile: 'smoke', jobs: 0, resultsDir });
  assert.equal(s.records.length, 9);
  assert.equal(s.ran, 8);
  const a = s.records.find((r) => r.experiment === 'seed004-sgd-lr' && r.series === 'sgd-m0.5-lr0.001')!;
  const b = s.records.find((r) => r.experiment === 'seed004-nesterov' && r.series === 'nesterov-off')!;
  assert.equal(a.hash, b.hash);
  assert.ok(readRecord(recordPath(resultsDir, a.hash)), 'stored once, under its hash');
  assert.equal(jsonFiles(path.join(resultsDir, 'runs')).length, 8);
  fs.rmSync(resultsDir, { recursive: true, force: true });
});

test('collapse to chance is recognised (seed 004\'s RMSprop at lr 0.01 ended at loss ln 10, 11.35%)', () => {
  const base = {
    schema: 1, hash: 'h', experiment: 'x', series: 's', label: 'S', profile: 'smoke', resolvedHyperparams: {}, totalSteps: 1, wallSeconds: 1,
    fingerprint: {}, createdAt: '', backend: {} as RunRecord['backend'],
    config: { data: { dataset: 'mnist', train: 1, test: 1, subsetSeed: 0 } } as RunRecord['config'],
  } as const;
  const epoch = (testLoss: number, testAccuracy: number) => ({ epoch: 1, trainLoss: 0, trainAccuracy: 0, testLoss, testAccuracy, learningRate: 0.01, trainSeconds: 0, evalSeconds: 0 });
  assert.equal(collapsedToChance({ ...base, status: 'ok', epochs: [epoch(2.3015, 0.1135)] }), true);
  assert.equal(collapsedToChance({ ...base, status: 'ok', epochs: [epoch(0.05, 0.99)] }), false);
  assert.equal(collapsedToChance({ ...base, status: 'diverged', epochs: [epoch(2.3015, 0.1135)] }), false);
});

test('a worker whose runner is killed stops training within a second, not at the end of its run', { skip: process.platform !== 'linux' && 'reads /proc and ps --ppid' }, async () => {
  const { spawn, execFileSync } = await import('node:child_process');
  const resultsDir = tmp();
  // Default-profile Karate conv1d runs take ~20 s each on one core.
  const runner = spawn(process.execPath, ['--import', 'tsx', 'src/experiments/cli.ts', 'seed003-karate-conv1d', '--jobs', '1', '--results', resultsDir], { stdio: 'ignore' });
  const workerPids = () => {
    try {
      return execFileSync('ps', ['-o', 'pid=', '--ppid', String(runner.pid)], { encoding: 'utf8' }).split('\n').map(Number).filter(Boolean);
    } catch {
      return []; // ps exits 1 when there is none
    }
  };
  let workers: number[] = [];
  for (let i = 0; i < 600 && workers.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 50));
    workers = workerPids();
  }
  assert.equal(workers.length, 1, 'the runner started its worker');
  await new Promise((r) => setTimeout(r, 4000)); // backend up, first run well under way
  // Gone, or a zombie nobody has reaped yet (PID 1 of a container may not reap).
  const alive = (pid: number) => {
    try {
      return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  };
  assert.ok(alive(workers[0]), 'the worker is training');
  runner.kill('SIGKILL');
  const t0 = Date.now();
  while (alive(workers[0]) && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 50));
  const stoppedAfter = Date.now() - t0;
  if (alive(workers[0])) process.kill(workers[0], 'SIGKILL');
  fs.rmSync(resultsDir, { recursive: true, force: true });
  assert.ok(stoppedAfter < 2000, `the orphaned worker stopped after ${stoppedAfter} ms`);
});

test('a real interruption (runner killed mid-sweep) loses nothing written; the next invocation resumes', async () => {
  const { spawn } = await import('node:child_process');
  const resultsDir = tmp();
  const dir = path.join(resultsDir, 'runs');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/experiments/cli.ts', 'seed003-karate', '--profile', 'smoke', '--jobs', '2', '--results', resultsDir], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  // Kill it as soon as the first record lands.
  for (let i = 0; i < 3000 && !(fs.existsSync(dir) && jsonFiles(dir).length > 0); i++) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGKILL');
  await exited;
  const before = jsonFiles(dir);
  assert.ok(before.length >= 1 && before.length <= 9);
  const resumed = await runExperiments({ ids: ['seed003-karate'], profile: 'smoke', jobs: 0, resultsDir });
  assert.equal(resumed.cached, before.length);
  assert.equal(resumed.ran, 9 - before.length);
  assert.equal(jsonFiles(dir).length, 9);
  fs.rmSync(resultsDir, { recursive: true, force: true });
});
