import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readRecord, removeOrphanTempFiles, writeRecordAtomic } from '../src/experiments/cache';
import { assertCompiledCodeIsCurrent, canonicalJson, runHash, runSources, sourceClosure } from '../src/experiments/fingerprint';
import { curves, summarize, usableEpoch } from '../src/experiments/api';
import { spawnSync } from 'node:child_process';
import { buildDist, distIsStale } from '../src/build-dist';
import { projectRoot } from '../src/project-root';
import type { RunConfig, RunRecord } from '../src/experiments';

const BACKEND = { name: 'wasm' as const, tfjsVersion: '4.22.0', patches: ['a'] };
const CONFIG: RunConfig = {
  experiment: 'x', series: 'adam', model: 'mlp-128-64', optimizer: 'adam', implementation: 'ours',
  hyperparams: { learningRate: 0.001 }, batchSize: 64, epochs: 2, seed: 0,
  data: { dataset: 'mnist', train: 256, test: 128, subsetSeed: 0 },
};
const SOURCES = { 'src/optimizers/adam.ts': 'aaa', 'src/models/mlp.ts': 'bbb' };

test('the hash changes with everything that changes a result, and only with that', () => {
  const h = runHash(CONFIG, BACKEND, SOURCES);
  assert.match(h, /^[0-9a-f]{16}$/);
  assert.equal(runHash({ ...CONFIG }, BACKEND, { ...SOURCES }), h);
  const changed: Array<[string, string]> = [
    ['lr', runHash({ ...CONFIG, hyperparams: { learningRate: 0.002 } }, BACKEND, SOURCES)],
    ['seed', runHash({ ...CONFIG, seed: 1 }, BACKEND, SOURCES)],
    ['epochs', runHash({ ...CONFIG, epochs: 3 }, BACKEND, SOURCES)],
    ['batch', runHash({ ...CONFIG, batchSize: 'full' }, BACKEND, SOURCES)],
    ['subset', runHash({ ...CONFIG, data: { ...CONFIG.data, train: 512 } as RunConfig['data'] }, BACKEND, SOURCES)],
    ['implementation', runHash({ ...CONFIG, implementation: 'tfjs' }, BACKEND, SOURCES)],
    ['backend', runHash(CONFIG, { ...BACKEND, name: 'cpu' }, SOURCES)],
    ['patches', runHash(CONFIG, { ...BACKEND, patches: [] }, SOURCES)],
    ['rule source', runHash(CONFIG, BACKEND, { ...SOURCES, 'src/optimizers/adam.ts': 'aab' })],
  ];
  for (const [what, other] of changed) assert.notEqual(other, h, `changing ${what} must change the hash`);
  // Naming is not part of the result.
  assert.equal(runHash({ ...CONFIG, experiment: 'y', series: 'other' }, BACKEND, SOURCES), h);
  assert.equal(canonicalJson({ b: 1, a: { d: 2, c: 3 } }), canonicalJson({ a: { c: 3, d: 2 }, b: 1 }));
});

test('a run depends on its rule file, model, data, loop; type-only imports and display code are not followed', () => {
  const files = runSources(CONFIG);
  for (const f of ['src/optimizers/adam.ts', 'src/optimizers/adapter.ts', 'src/models/mlp.ts', 'src/data/mnist.ts', 'src/training/loop.ts', 'src/training/batches.ts', 'src/experiments/execute.ts']) {
    assert.ok(files.includes(f), `missing ${f}`);
  }
  assert.ok(!files.includes('src/training/progress.ts'));
  assert.ok(!files.includes('src/optimizers/sgd.ts'), 'other rules do not affect an Adam run');
  assert.ok(!files.includes('src/models/cnn.ts'));
  const tfjs = runSources({ ...CONFIG, implementation: 'tfjs' });
  assert.ok(tfjs.includes('src/optimizers/builtin.ts') && !tfjs.includes('src/optimizers/adapter.ts'));
  // Closure on a scratch tree: value imports followed, `import type` not.
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-closure-'));
  fs.mkdirSync(path.join(root, 'src'));
  fs.writeFileSync(path.join(root, 'src/a.ts'), "import { b } from './b';\nimport type { C } from './c';\nexport * from './d';\n");
  fs.writeFileSync(path.join(root, 'src/b.ts'), 'export const b = 1;\n');
  fs.writeFileSync(path.join(root, 'src/c.ts'), 'export type C = 1;\n');
  fs.writeFileSync(path.join(root, 'src/d.ts'), 'export const d = 1;\n');
  assert.deepEqual(sourceClosure(['src/a.ts'], root), ['src/a.ts', 'src/b.ts', 'src/d.ts']);
  fs.rmSync(root, { recursive: true, force: true });
});

function record(status: RunRecord['status']): RunRecord {
  return {
    schema: 1, hash: 'h', experiment: 'x', series: 's', label: 'S', profile: 'smoke', config: CONFIG, resolvedHyperparams: {},
    status, epochs: [], totalSteps: 0, wallSeconds: 0, backend: { ...BACKEND, reason: '', machine: { cpus: 2, cpuModel: '', platform: '', node: '' } },
    fingerprint: {}, createdAt: '',
  };
}

test('atomic writes leave whole records only; torn files and error records are misses', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-cache-'));
  const file = path.join(dir, 'exp', 'abc.json');
  writeRecordAtomic(file, record('ok'));
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ['abc.json'], 'no temp file left behind');
  assert.equal(readRecord(file)?.status, 'ok');
  // An interrupted non-atomic writer would leave this: it must read as absent, not crash.
  fs.writeFileSync(file, '{"schema":1,"hash":"abc","epo');
  assert.equal(readRecord(file), undefined);
  writeRecordAtomic(file, record('error'));
  assert.equal(readRecord(file)?.status, 'error');
  writeRecordAtomic(file, record('diverged'));
  assert.equal(readRecord(file)?.status, 'diverged');
  // A failed write removes its temp file and keeps the previous record.
  fs.mkdirSync(`${file}.blocker`);
  assert.throws(() => writeRecordAtomic(path.join(`${file}.blocker`), record('ok')));
  assert.deepEqual(fs.readdirSync(path.dirname(file)).sort(), ['abc.json', 'abc.json.blocker']);
  assert.equal(readRecord(file)?.status, 'diverged');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('non-finite numbers survive the cache: a cached diverged record equals the fresh one', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-cache-'));
  const file = path.join(dir, 'exp', 'nan.json');
  const fresh: RunRecord = {
    ...record('diverged'),
    divergence: { epoch: 2, step: 9, loss: NaN, reason: 'non-finite loss' },
    epochs: [{ epoch: 1, trainLoss: Infinity, trainAccuracy: 0.1, testLoss: -Infinity, testAccuracy: 0.1, learningRate: 0.1, trainSeconds: 1, evalSeconds: 0 }],
  };
  writeRecordAtomic(file, fresh);
  assert.deepEqual(readRecord(file), fresh);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('summaries leave out the epochs at and after a divergence, and failed runs', () => {
  const epoch = (n: number, acc: number) => ({ epoch: n, trainLoss: 1, trainAccuracy: acc, testLoss: 1, testAccuracy: acc, learningRate: 0.1, trainSeconds: 1, evalSeconds: 0 });
  const run = (seed: number, status: RunRecord['status'], accs: number[], divergedAt?: number): RunRecord => ({
    ...record(status), config: { ...CONFIG, seed, epochs: 2 }, epochs: accs.map((a, i) => epoch(i + 1, a)),
    ...(divergedAt ? { divergence: { epoch: divergedAt, step: 5, loss: NaN, reason: 'non-finite loss' } } : {}),
  });
  // Seed 2 diverged on epoch 2's last update: its epoch-2 accuracy (argmax of NaN logits) is not a result.
  const records = [run(0, 'ok', [0.8, 0.9]), run(1, 'ok', [0.8, 0.7]), run(2, 'diverged', [0.8, 0.098], 2), run(3, 'error', [0.1, 0.1])];
  const [s] = summarize(records, 'testAccuracy');
  assert.equal(s.n, 2);
  assert.ok(Math.abs(s.mean - 0.8) < 1e-12);
  assert.equal(s.diverged, 1);
  assert.equal(s.failed, 1);
  const [c] = curves(records, 'testAccuracy');
  assert.deepEqual(c.points.map((p) => p.n), [3, 2]);
  assert.equal(usableEpoch(records[2], 1)?.testAccuracy, 0.8);
});

test('running from a dist/ older than src/ is refused (results would be filed under the wrong code)', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-dist-'));
  fs.mkdirSync(path.join(root, 'src'));
  fs.mkdirSync(path.join(root, 'dist'));
  for (const f of ['package.json', 'tsconfig.json', 'tsconfig.build.json']) fs.writeFileSync(path.join(root, f), '{}');
  fs.writeFileSync(path.join(root, 'dist', 'index.js'), '');
  const old = new Date(Date.now() - 60_000);
  for (const f of ['tsconfig.json', 'tsconfig.build.json']) fs.utimesSync(path.join(root, f), old, old);
  fs.writeFileSync(path.join(root, 'src', 'a.ts'), '');
  fs.utimesSync(path.join(root, 'src', 'a.ts'), old, old);
  assert.equal(distIsStale(root), false);
  fs.writeFileSync(path.join(root, 'src', 'a.ts'), 'edited');
  assert.equal(distIsStale(root), true);
  // Code running from src/ (tsx, as here) is the code results are filed under: never refused.
  assert.doesNotThrow(() => assertCompiledCodeIsCurrent(root));
  fs.rmSync(root, { recursive: true, force: true });
});

test('the compiled guard, run from a project\'s dist/, refuses while src/ is newer and runs once dist/ is rebuilt', () => {
  const repo = projectRoot();
  if (distIsStale(repo)) buildDist(repo); // test the guard as src/ writes it now
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-guard-'));
  try {
    // A project tree whose dist/ is a copy of ours: the guard decides from where its own code runs.
    fs.cpSync(path.join(repo, 'dist'), path.join(root, 'dist'), { recursive: true });
    fs.symlinkSync(path.join(repo, 'node_modules'), path.join(root, 'node_modules'), 'junction');
    fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'optimizer-atlas' }));
    for (const f of ['tsconfig.json', 'tsconfig.build.json']) fs.writeFileSync(path.join(root, f), '{}');
    fs.mkdirSync(path.join(root, 'src'));
    const old = new Date(Date.now() - 60_000);
    for (const f of ['tsconfig.json', 'tsconfig.build.json', 'dist/index.js']) fs.utimesSync(path.join(root, f), old, old);
    fs.writeFileSync(path.join(root, 'src', 'a.ts'), 'edited after the build');
    const guard = () => spawnSync(process.execPath, ['-e',
      `require(${JSON.stringify(path.join(root, 'dist', 'experiments', 'fingerprint.js'))}).assertCompiledCodeIsCurrent(${JSON.stringify(root)})`,
    ], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    const stale = guard();
    assert.notEqual(stale.status, 0, 'a stale dist/ must be refused');
    assert.match(stale.stderr, /dist\/ is older than src\/: .*Run `npm run build`/);
    const now = new Date();
    fs.utimesSync(path.join(root, 'dist', 'index.js'), now, now);
    const fresh = guard();
    assert.equal(fresh.status, 0, fresh.stderr);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('temp files of killed writers are removed; a live writer\'s temp file is kept', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-cache-'));
  fs.mkdirSync(path.join(dir, 'exp'));
  const dead = path.join(dir, 'exp', 'a.json.tmp-999999999-abc'); // no such pid
  const live = path.join(dir, 'exp', `b.json.tmp-${process.pid}-def`);
  for (const f of [dead, live]) fs.writeFileSync(f, '{');
  assert.equal(removeOrphanTempFiles(dir), 1);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'exp')), [path.basename(live)]);
  fs.rmSync(dir, { recursive: true, force: true });
});
