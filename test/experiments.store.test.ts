// The result store: a run is its hash (normalised config), one verified record per hash, good records
// never replaced by errors, the old per-experiment layout migrated, two processes never train one run twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cachedResult, claimRun, isClaimed, lookupRecord, migrateLegacyLayout, recordPath, storeRecord, writeRecordAtomic } from '../src/experiments/cache';
import { runHash } from '../src/experiments/fingerprint';
import { normalizeRunConfig } from '../src/experiments/run-config';
import { runExperiments, type RunConfig, type RunRecord, type RunnerEvent } from '../src/experiments';

const BACKEND = { name: 'wasm' as const, tfjsVersion: '4.22.0', patches: ['a'], reason: '', machine: { cpus: 2, cpuModel: '', platform: '', node: '' } };
const SOURCES = { 'src/optimizers/adam.ts': 'aaa' };
const CONFIG: RunConfig = {
  experiment: 'x', series: 'adam', model: 'mlp-128-64', optimizer: 'adam', implementation: 'ours',
  hyperparams: { learningRate: 0.001 }, batchSize: 64, epochs: 2, seed: 0,
  data: { dataset: 'mnist', train: 256, test: 128, subsetSeed: 0 },
};
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-store-'));

function record(config: RunConfig, status: RunRecord['status'], acc = 0.5): RunRecord {
  return {
    schema: 1, hash: runHash(config, BACKEND, SOURCES), experiment: config.experiment, series: config.series, label: config.series, profile: 'smoke',
    config, resolvedHyperparams: {}, status, epochs: [{ epoch: 1, trainLoss: 1, trainAccuracy: acc, testLoss: 1, testAccuracy: acc, learningRate: 0.001, trainSeconds: 0, evalSeconds: 0 }],
    totalSteps: 1, wallSeconds: 0, backend: BACKEND, fingerprint: SOURCES, createdAt: new Date().toISOString(),
    ...(status === 'error' ? { error: 'boom' } : {}),
  };
}

test('a run is its normalised config: defaults spelled out or not, key order and naming do not change the hash', () => {
  const h = runHash(CONFIG, BACKEND, SOURCES);
  const spelled: RunConfig = { ...CONFIG, experiment: 'other', series: 'y', hyperparams: { epsilon: 1e-8, beta2: 0.999, learningRate: 0.001, beta1: 0.9, weightDecay: 0 } };
  assert.equal(runHash(spelled, BACKEND, SOURCES), h);
  assert.equal(runHash({ ...CONFIG, hyperparams: { learningRate: 0.001, beta1: undefined } }, BACKEND, SOURCES), h);
  assert.equal(runHash({ ...CONFIG, tracePoints: 0, evaluateTrain: false }, BACKEND, SOURCES), h);
  assert.notEqual(runHash({ ...CONFIG, hyperparams: { learningRate: 0.001, beta1: 0.8 } }, BACKEND, SOURCES), h);
  assert.notEqual(runHash({ ...CONFIG, tracePoints: 10 }, BACKEND, SOURCES), h);
  assert.deepEqual(Object.keys(normalizeRunConfig(CONFIG).hyperparams).sort(), ['beta1', 'beta2', 'epsilon', 'learningRate', 'weightDecay']);
  assert.equal('experiment' in normalizeRunConfig(CONFIG), false);
});

test('a record is served only if it is the run its file names; a swapped or edited record is a miss with a reason', () => {
  const dir = tmp();
  const a = record(CONFIG, 'ok', 0.9);
  const b = record({ ...CONFIG, optimizer: 'sgd', hyperparams: { learningRate: 0.1 } }, 'ok', 0.135);
  writeRecordAtomic(recordPath(dir, a.hash), a);
  writeRecordAtomic(recordPath(dir, b.hash), b);
  assert.equal(cachedResult(dir, a.hash).record?.epochs[0].testAccuracy, 0.9);
  // b's file copied over a's (what a user did by hand): not served.
  fs.copyFileSync(recordPath(dir, b.hash), recordPath(dir, a.hash));
  const swapped = cachedResult(dir, a.hash);
  assert.equal(swapped.record, undefined);
  assert.match(swapped.problem ?? '', /holds another run/);
  // Same, with the hash field edited to match the file name: the content still gives it away.
  writeRecordAtomic(recordPath(dir, a.hash), { ...b, hash: a.hash });
  assert.equal(cachedResult(dir, a.hash).record, undefined);
  fs.writeFileSync(recordPath(dir, a.hash), '{"schema":1,');
  assert.match(lookupRecord(dir, a.hash).problem ?? '', /unreadable/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a good record is only replaced by a good record', () => {
  const dir = tmp();
  const good = record(CONFIG, 'ok', 0.9);
  assert.equal(storeRecord(dir, good).kept, false);
  const failed = storeRecord(dir, record(CONFIG, 'error'));
  assert.equal(failed.kept, true);
  assert.equal(failed.stored.status, 'ok');
  assert.equal(cachedResult(dir, good.hash).record?.epochs[0].testAccuracy, 0.9);
  assert.equal(storeRecord(dir, record(CONFIG, 'diverged')).kept, false, 'a divergence is a result');
  // With no good record, an error is stored (and retried next time: it is not a cached result).
  const other = { ...CONFIG, seed: 1 };
  storeRecord(dir, record(other, 'error'));
  assert.equal(lookupRecord(dir, runHash(other, BACKEND, SOURCES)).record?.status, 'error');
  assert.equal(cachedResult(dir, runHash(other, BACKEND, SOURCES)).record, undefined);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the old layout (<experiment>/<old hash>.json) is migrated to runs/<hash>.json; nothing good is lost', () => {
  const dir = tmp();
  const good = record(CONFIG, 'ok', 0.9);
  const legacy = path.join(dir, 'seed000', 'oldhash0000.json');
  writeRecordAtomic(legacy, { ...good, hash: 'oldhash0000' });
  writeRecordAtomic(path.join(dir, 'seed000', 'olderror.json'), { ...record({ ...CONFIG, seed: 3 }, 'error'), hash: 'olderror' });
  fs.writeFileSync(path.join(dir, 'seed000', 'torn.json'), '{');
  assert.equal(migrateLegacyLayout(dir), 1);
  assert.equal(cachedResult(dir, good.hash).record?.epochs[0].testAccuracy, 0.9);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'seed000')), ['torn.json'], 'unreadable files are left for the user');
  assert.equal(migrateLegacyLayout(dir), 0);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a claimed run cannot be claimed twice until released', async () => {
  const dir = tmp();
  const release = await claimRun(dir, 'abc', () => {});
  assert.ok(release);
  assert.equal(await claimRun(dir, 'abc', () => {}), undefined);
  assert.equal(await isClaimed(dir, 'abc'), true);
  await release!();
  assert.equal(await isClaimed(dir, 'abc'), false);
  const again = await claimRun(dir, 'abc', () => {});
  assert.ok(again);
  await again!();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('--force whose recompute fails keeps every good record, says so, and exits non-zero', async () => {
  const resultsDir = tmp();
  const first = await runExperiments({ ids: ['seed004-nesterov'], profile: 'smoke', jobs: 0, resultsDir });
  assert.equal(first.failed, 0);
  const before = first.records.map((r) => fs.readFileSync(recordPath(resultsDir, r.hash), 'utf8'));
  const saved = process.env.MNIST_DIR;
  process.env.MNIST_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-no-mnist-'));
  const events: RunnerEvent[] = [];
  try {
    // jobs 1: a fresh worker process reads MNIST_DIR (this process keeps the data it loaded).
    const forced = await runExperiments({ ids: ['seed004-nesterov'], profile: 'smoke', jobs: 1, resultsDir, force: true, onEvent: (e) => events.push(e) });
    assert.equal(forced.failed, 2);
    assert.deepEqual(forced.records.map((r) => r.status), ['ok', 'ok'], 'the good records are served');
  } finally {
    if (saved === undefined) delete process.env.MNIST_DIR;
    else process.env.MNIST_DIR = saved;
  }
  assert.deepEqual(first.records.map((r) => fs.readFileSync(recordPath(resultsDir, r.hash), 'utf8')), before, 'files untouched');
  const warnings = events.flatMap((e) => (e.kind === 'warning' ? [e.message] : []));
  assert.equal(warnings.filter((w) => /recompute failed .*kept the previous good record/.test(w)).length, 2, warnings.join('\n'));
  fs.rmSync(resultsDir, { recursive: true, force: true });
});

test('two runners on the same results: every run is trained once', async () => {
  const resultsDir = tmp();
  const cli = (): Promise<string> => new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/experiments/cli.ts', 'seed003-karate', '--profile', 'smoke', '--jobs', '1', '--results', resultsDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('exit', () => resolve(out));
  });
  const [a, b] = await Promise.all([cli(), cli()]);
  const trained = (out: string) => [...out.matchAll(/^\[\d+\/\d+\] (\S+ s\d+)/gm)].map((m) => m[1]);
  const all = [...trained(a), ...trained(b)];
  assert.equal(all.length, 9, `${a}\n----\n${b}`);
  assert.equal(new Set(all).size, 9, 'no run trained by both');
  assert.equal(fs.readdirSync(path.join(resultsDir, 'runs')).filter((f) => f.endsWith('.json')).length, 9);
  fs.rmSync(resultsDir, { recursive: true, force: true });
});
