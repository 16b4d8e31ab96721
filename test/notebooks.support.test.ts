// Unit tests of src/notebook-support: the helpers the notebooks call (no kernel; a few seconds).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { KARATE_EDGES, KARATE_NUM_NODES, loadKarateLinkSplit } from '../src/data/karate';
import { OPTIMIZER_NAMES, getOptimizerInfo } from '../src/optimizers';
import type { RunRecord } from '../src/experiments/types';
import {
  FAMILY_LANDSCAPES, TRAJECTORY_LEARNING_RATES, familyTrajectories, forceLayout, karateGraphFigure, lossTraceSeries,
  metricSeries, notebookProfile, optimizerMathMarkdown, prosConsMarkdown, ruleSource, ruleSourceMarkdown, seedNotesMarkdown,
  stepByStep, stepByStepTable, trajectorySummaryTable,
} from '../src/notebook-support';

before(async () => {
  await initBackend();
});

describe('optimizer docs', () => {
  it('reads every rule from its source file, and the code is the rule the registry names', () => {
    for (const name of OPTIMIZER_NAMES) {
      const src = ruleSource(name);
      assert.equal(src.file, getOptimizerInfo(name).sourceFile);
      assert.match(src.code, /export const \w+Rule/);
      assert.match(src.code, /update\(/, `${name}: the excerpt must contain the update function`);
      assert.doesNotMatch(src.code, /Info: OptimizerInfo/, `${name}: the metadata is not part of the excerpt`);
      assert.match(ruleSourceMarkdown(name), /```ts\n[\s\S]+\n```/);
    }
  });
  it('renders the registry LaTeX verbatim, every seed note and the pros and cons', () => {
    for (const name of OPTIMIZER_NAMES) {
      const info = getOptimizerInfo(name);
      assert.ok(optimizerMathMarkdown(name).includes(`$$\n${info.latex.trim()}\n$$`));
      const notes = seedNotesMarkdown(name);
      for (const n of info.seedNotes) assert.ok(notes.includes(n.writes.trim()) && notes.includes(`Seed ${n.seed}`));
      for (const p of [...info.pros, ...info.cons]) assert.ok(prosConsMarkdown(name).includes(p));
    }
  });
});

describe('stepByStep', () => {
  it('SGD: θ ← θ − η a⊙θ, by hand', async () => {
    const r = await stepByStep('sgd', { steps: 2, hp: { learningRate: 0.1 } });
    assert.deepEqual(r.steps[0].grad, [1, 10]);
    assert.ok(Math.abs(r.steps[0].next[0] - 0.9) < 1e-6 && Math.abs(r.steps[0].next[1]) < 1e-6);
    assert.ok(Math.abs(r.steps[1].next[0] - 0.81) < 1e-6);
  });
  it('Adam: the first step is ±η whatever the gradient scale; m and v are read back from the optimizer', async () => {
    const r = await stepByStep('adam', { steps: 2 });
    assert.ok(Math.abs(r.steps[0].next[0] - 0.9) < 1e-5 && Math.abs(r.steps[0].next[1] - 0.9) < 1e-5);
    assert.ok(Math.abs(r.steps[0].state.m[1] - 1.0) < 1e-6); // (1 − 0.9)·10
    assert.ok(Math.abs(r.steps[0].state.v[1] - 0.1) < 1e-6); // (1 − 0.999)·100
    const t = stepByStepTable(r);
    assert.deepEqual(t.columns.map((c) => c.label), ['t', 'θ before', 'gradient g', 'state m', 'state v', 'θ after']);
  });
  it('leaks no tensors and rejects bad input clearly', async () => {
    await stepByStep('rmsprop', { steps: 1 });
    const n = tf.memory().numTensors;
    await stepByStep('rmsprop', { steps: 3 });
    assert.equal(tf.memory().numTensors, n);
    await assert.rejects(stepByStep('sgd', { start: [1], curvature: [1, 2] }), /same non-zero length/);
    await assert.rejects(stepByStep('sgd', { steps: 0 }), /steps must be an integer/);
  });
});

describe('trajectory presets', () => {
  it('has a rate for every optimizer on every landscape', () => {
    for (const id of FAMILY_LANDSCAPES) for (const name of OPTIMIZER_NAMES) assert.ok(TRAJECTORY_LEARNING_RATES[id][name] > 0);
  });
  it('runs each optimizer at its preset rate and summarises where it ended', () => {
    const paths = familyTrajectories('ravine', ['momentum', 'adam'], { steps: 60 });
    assert.deepEqual(paths.map((p) => p.optimizer), ['momentum (lr 0.1)', 'adam (lr 0.3)']);
    const t = trajectorySummaryTable('ravine', paths);
    assert.equal(t.cells.length, 2);
    assert.throws(() => familyTrajectories('bowl' as never, ['sgd']), /landscape must be one of/);
  });
});

describe('karate graph', () => {
  it('lays the graph out deterministically inside [-1, 1]²', () => {
    const a = forceLayout(KARATE_NUM_NODES, KARATE_EDGES);
    const b = forceLayout(KARATE_NUM_NODES, KARATE_EDGES);
    assert.deepEqual(a, b);
    for (const v of [...a.x, ...a.y]) assert.ok(v >= -1 - 1e-9 && v <= 1 + 1e-9);
    assert.throws(() => forceLayout(3, [[0, 5]]), /outside 0\.\.2/);
  });
  it('draws every edge of the split once', () => {
    const split = loadKarateLinkSplit({ seed: 0 });
    const fig = karateGraphFigure(split);
    const segments = fig.data.filter((t) => t.mode === 'lines').reduce((s, t) => s + (t.x as unknown[]).length / 3, 0);
    assert.equal(segments, split.messagePassingEdges.length + split.testPositive.length + split.trainNegative.length + split.testNegative.length);
  });
});

describe('experiment views', () => {
  const rec = (series: string, seed: number, acc: number[], trace?: number[]): RunRecord => ({
    schema: 1, hash: `${series}${seed}`, experiment: 'x', series, label: series.toUpperCase(), profile: 'smoke',
    config: { experiment: 'x', series, model: 'mlp-128-64', optimizer: 'sgd', implementation: 'ours', hyperparams: {}, batchSize: 64, epochs: acc.length, seed, data: { dataset: 'mnist', train: 100, test: 100, subsetSeed: 0 } },
    resolvedHyperparams: {}, status: 'ok',
    epochs: acc.map((a, i) => ({ epoch: i + 1, trainLoss: 1, trainAccuracy: a, testLoss: 1, testAccuracy: a, learningRate: 0.1, trainSeconds: 1, evalSeconds: 0 })),
    lossTrace: trace?.map((loss, i) => ({ step: (i + 1) * 2, epoch: 1, loss })),
    totalSteps: 4 * acc.length, wallSeconds: 1, backend: { name: 'cpu' } as RunRecord['backend'], fingerprint: {}, createdAt: '',
  });
  it('bands only series with several seeds', () => {
    const s = metricSeries([rec('a', 0, [0.5, 0.6]), rec('a', 1, [0.7, 0.8]), rec('b', 0, [0.1, 0.2])], 'testAccuracy', { scale: 100 });
    assert.deepEqual(s[0].mean, [60, 70]);
    assert.ok(s[0].lo && s[0].hi && s[0].lo[0] < 60);
    assert.equal(s[1].lo, undefined);
  });
  it('puts loss traces on an epoch axis', () => {
    const [s] = lossTraceSeries([rec('a', 0, [0.5], [2, 1])]);
    assert.deepEqual(s.x, [0.5, 1]);
    assert.deepEqual(s.mean, [2, 1]);
  });
  it('reads the profile from ATLAS_PROFILE, smoke when unset, and rejects unknown names', () => {
    const saved = process.env.ATLAS_PROFILE;
    try {
      delete process.env.ATLAS_PROFILE;
      assert.equal(notebookProfile(), 'smoke');
      process.env.ATLAS_PROFILE = 'default';
      assert.equal(notebookProfile(), 'default');
      process.env.ATLAS_PROFILE = 'huge';
      assert.throws(() => notebookProfile(), /Unknown profile "huge"/);
    } finally {
      if (saved === undefined) delete process.env.ATLAS_PROFILE; else process.env.ATLAS_PROFILE = saved;
    }
  });
});
