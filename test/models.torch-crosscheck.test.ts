// Our MLP step against PyTorch's (issue 9.8): the loss, the gradients and two updates of every seed 000
// series, from the same weights on the same 32 MNIST images, equal torch 1.13's to float32 precision.
// torch's numbers are in test/fixtures/torch-mlp-step.json, written by
// `/usr/bin/python3 scripts/torch-crosscheck/crosscheck.py fixture test/fixtures/torch-mlp-step.json`
// (torch is a reference for that script only; the test does not need it). Catches a change of the
// loss's scale (mean vs sum), the pixel scaling, the layer layout or an optimizer's convention.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { loadMnist, MNIST_PIXELS } from '../src/data/mnist';
import { planHyperparams } from '../src/experiments/spec-hyperparams';
import { seed000 } from '../src/experiments/specs/seed000';
import { createModel, type Model } from '../src/models';
import { createBuiltinOptimizer, createOptimizer } from '../src/optimizers';
import { train, type TrainingData } from '../src/training';
import { MULTICLASS_TASK } from '../src/training/tasks';

interface Described { sum: number; norm: number; at: Record<string, number> }
interface Fixture { loss: number; gradients: Described[]; afterTwoSteps: Record<string, Described[]> }

const FIXTURE: Fixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'torch-mlp-step.json'), 'utf8'));
const BATCH = 32;
let data: TrainingData;

before(async () => {
  await initBackend();
  const m = await loadMnist();
  const split = { x: m.train.images.subarray(0, BATCH * MNIST_PIXELS), y: m.train.labels.subarray(0, BATCH), exampleShape: [MNIST_PIXELS], count: BATCH };
  data = { task: 'multiclass', train: split, test: split };
});

/** crosscheck.py's formula_weights: kernel [in, out] flat k → l·sin(0.7(k+1)), l = Glorot's limit; bias k → 0.01·cos(k+1). */
function setFormulaWeights(model: Model): void {
  for (const v of model.variables) {
    const isKernel = v.rank === 2;
    const limit = isKernel ? Math.sqrt(6 / (v.shape[0] + v.shape[1]!)) : 0;
    const values = Float32Array.from({ length: v.size }, (_, k) => (isKernel ? limit * Math.sin(0.7 * (k + 1)) : 0.01 * Math.cos(k + 1)));
    v.assign(tf.tensor(values, v.shape));
  }
}

/** `actual` (float32 values of one variable) agrees with torch's description of it. */
function assertMatches(actual: Float32Array, expected: Described, what: string, tol: { rel: number; abs: number }): void {
  let sum = 0;
  let sq = 0;
  for (const x of actual) { sum += x; sq += x * x; }
  const norm = Math.sqrt(sq);
  assert.ok(Math.abs(norm - expected.norm) <= tol.rel * expected.norm, `${what}: norm ${norm}, torch ${expected.norm}`);
  // A sum can cancel to ~0 (the last layer's gradient): compare it on the scale of the norm.
  assert.ok(Math.abs(sum - expected.sum) <= tol.rel * Math.sqrt(actual.length) * expected.norm, `${what}: sum ${sum}, torch ${expected.sum}`);
  for (const [k, value] of Object.entries(expected.at)) {
    assert.ok(Math.abs(actual[Number(k)] - value) <= tol.abs, `${what}[${k}]: ${actual[Number(k)]}, torch ${value}`);
  }
}

test('loss and gradients on the same weights and batch equal PyTorch’s', () => {
  const model = createModel('mlp-128-64', { seed: 0 });
  try {
    setFormulaWeights(model);
    const x = tf.tensor(data.train.x, [BATCH, MNIST_PIXELS]);
    const y = tf.tensor(Int32Array.from(data.train.y), [BATCH], 'int32');
    const { value, grads } = tf.variableGrads(() => MULTICLASS_TASK.loss(model.predict(x, true), y), model.variables);
    assert.ok(Math.abs(value.dataSync()[0] - FIXTURE.loss) < 1e-6 * FIXTURE.loss, `loss ${value.dataSync()[0]}, torch ${FIXTURE.loss}`);
    model.variables.forEach((v, i) => assertMatches(grads[v.name].dataSync() as Float32Array, FIXTURE.gradients[i], `gradient of ${v.name}`, { rel: 1e-5, abs: 1e-7 }));
    tf.dispose([x, y, value, grads]);
  } finally {
    model.dispose();
  }
});

for (const series of seed000.series) {
  test(`seed000 ${series.id}: two training-loop steps equal PyTorch’s two updates`, () => {
    const model = createModel(series.model, { seed: 0 });
    const hp = planHyperparams(series.hyperparams, { data: seed000.profiles.default.data, batchSize: series.batchSize, epochs: 2 });
    const optimizer = series.implementation === 'tfjs' ? createBuiltinOptimizer(series.optimizer, hp) : createOptimizer(series.optimizer, hp);
    try {
      setFormulaWeights(model);
      // One batch of 32 = one step per epoch: the loop's own path (task loss, minimize) with no shuffle.
      const result = train({ model, optimizer, data, epochs: 2, batchSize: series.batchSize, seed: 0 });
      assert.equal(result.totalSteps, 2);
      assert.ok(Math.abs(result.epochs[0].trainLoss - FIXTURE.loss) < 1e-6 * FIXTURE.loss, `first-step loss ${result.epochs[0].trainLoss}, torch ${FIXTURE.loss}`);
      const expected = FIXTURE.afterTwoSteps[series.optimizer];
      // tfjs's built-in Adam takes its bias corrections from float32 running products of β (1 − 0.999² is
      // then off by ~1e-5 relative), ours and torch's from β^t: a ~1e-8 difference per weight and step.
      const tol = series.implementation === 'tfjs' ? { rel: 1e-5, abs: 1e-6 } : { rel: 1e-6, abs: 1e-6 };
      model.variables.forEach((v, i) => assertMatches(v.dataSync() as Float32Array, expected[i], `${series.id} ${v.name}`, tol));
    } finally {
      model.dispose();
      optimizer.dispose();
    }
  });
}
