import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { LANDSCAPES, learningRateDemo, trajectory, trajectorySweep } from '../src/landscapes';

before(async () => {
  await initBackend();
});

test('sgd on the bowl follows x_k = (1 − 2·lr)^k · x_0 and converges', () => {
  const lr = 0.1;
  const t = trajectory(LANDSCAPES.bowl, 'sgd', { learningRate: lr }, { start: { x: 1.5, y: -1 }, steps: 60 });
  assert.equal(t.diverged, false);
  assert.equal(t.divergedAt, null);
  assert.equal(t.x.length, 61);
  assert.equal(t.loss.length, 61);
  for (const k of [0, 1, 10, 60]) {
    assert.ok(Math.abs(t.x[k] - 1.5 * (1 - 2 * lr) ** k) < 1e-5, `x_${k} = ${t.x[k]}`);
    assert.ok(Math.abs(t.y[k] + (1 - 2 * lr) ** k) < 1e-5, `y_${k} = ${t.y[k]}`);
    assert.ok(Math.abs(t.loss[k] - (t.x[k] ** 2 + t.y[k] ** 2)) < 1e-5, `loss_${k} is f at the k-th point`);
  }
  assert.ok(t.loss[60] < 1e-10);
  assert.equal(t.optimizer, 'sgd');
  assert.equal(t.landscape, 'bowl');
});

test('a huge learning rate is flagged as diverged, the path stops early and holds only finite points', () => {
  const t = trajectory(LANDSCAPES.bowl, 'sgd', { learningRate: 50 }, { steps: 100 });
  assert.equal(t.diverged, true);
  assert.ok(t.divergedAt !== null && t.divergedAt < 5, `divergedAt = ${t.divergedAt}`);
  assert.ok(t.x.length < 101);
  assert.ok([...t.x, ...t.y].every(Number.isFinite));
  // Rosenbrock overflows to Infinity quickly with sgd at lr 0.1: non-finite iterates also count.
  const r = trajectory(LANDSCAPES.rosenbrock, 'sgd', { learningRate: 0.1 }, { steps: 50 });
  assert.equal(r.diverged, true);
});

test('ours and the tfjs built-in run on a landscape without leaking tensors', () => {
  const before = tf.memory().numTensors;
  const ours = trajectory(LANDSCAPES.ravine, 'adam', { learningRate: 0.3 }, { steps: 40 });
  const builtin = trajectory(LANDSCAPES.ravine, 'tfjs adam', { learningRate: 0.3 }, { steps: 40 });
  trajectory(LANDSCAPES.beale, 'momentum', { learningRate: 0.001, momentum: 0.9 }, { steps: 20 });
  trajectory(LANDSCAPES.bowl, { label: 'custom sgd', create: () => tf.train.sgd(0.1) }, {}, { steps: 5 });
  learningRateDemo({ steps: 5 });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(builtin.optimizer, 'tfjs adam');
  // Adam with torch's defaults and tfjs's Adam agree closely on this problem.
  assert.ok(Math.abs(ours.x[40] - builtin.x[40]) < 1e-2 && Math.abs(ours.y[40] - builtin.y[40]) < 1e-2);
});

test('bad optimizer names and steps are clear errors', () => {
  assert.throws(() => trajectory(LANDSCAPES.bowl, 'adamm' as never), /Unknown optimizer "adamm". Expected one of sgd, momentum/);
  assert.throws(() => trajectory(LANDSCAPES.bowl, 'sgd', {}, { steps: -1 }), /steps must be a non-negative integer/);
  assert.throws(() => trajectory(LANDSCAPES.bowl, 'sgd', {}, { start: { x: NaN, y: 0 } }), /start must be finite/);
});

test('trajectorySweep: one frame per value, the swept value overrides the shared hyperparameters', () => {
  const sweep = trajectorySweep(LANDSCAPES.bowl, ['sgd', 'momentum'], { param: 'learningRate', values: [0.01, 0.1] }, {
    steps: 10, hpByOptimizer: { momentum: { momentum: 0.5 } },
  });
  assert.equal(sweep.frames.length, 2);
  assert.deepEqual(sweep.frames.map((f) => f.trajectories.map((t) => t.optimizer)), [['sgd', 'momentum'], ['sgd', 'momentum']]);
  assert.equal(sweep.frames[1].trajectories[1].hp.learningRate, 0.1);
  assert.equal(sweep.frames[1].trajectories[1].hp.momentum, 0.5);
  // A larger learning rate gets further in the same number of steps.
  assert.ok(sweep.frames[1].trajectories[0].loss[10] < sweep.frames[0].trajectories[0].loss[10]);
  assert.throws(() => trajectorySweep(LANDSCAPES.bowl, ['sgd'], { param: 'learningRate', values: [] }), /non-empty list/);
});

test('learningRateDemo: the seed 002 picture — too small, good, oscillating, diverging', () => {
  const runs = learningRateDemo();
  assert.deepEqual(runs.map((r) => r.verdict), ['too small', 'good', 'oscillating', 'diverging']);
  for (const r of runs) {
    for (let k = 0; k < r.w.length; k++) assert.ok(Math.abs(r.w[k] - 4 * (1 - 2 * r.learningRate) ** k) < 1e-3 * Math.max(1, Math.abs(r.w[k])));
  }
  const far = learningRateDemo({ learningRates: [5], steps: 20 });
  assert.equal(far[0].diverged, true);
  assert.throws(() => learningRateDemo({ learningRates: [-1] }), /positive numbers/);
});
