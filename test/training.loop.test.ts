import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { createRng } from '../src/data/random';
import { loadKarateLinkSplit } from '../src/data/karate';
import { createModel } from '../src/models';
import type { Model } from '../src/models/types';
import { createBuiltinOptimizer, createOptimizer } from '../src/optimizers';
import { stepDecay, type LearningRateSchedule } from '../src/optimizers/schedules';
import { consoleProgress, isInteractive, karateTrainingData, train, type EpochMetrics, type Split, type TrainingData } from '../src/training';

before(async () => {
  await initBackend();
});

/** A learnable 784-feature, 10-class problem: each class is a noisy prototype (no file I/O). */
const PROTOTYPES = (() => {
  const rng = createRng(99);
  return Array.from({ length: 10 }, () => Float32Array.from({ length: 784 }, () => rng.next()));
})();

function syntheticMnistLike(count: number, seed: number): Split {
  const rng = createRng(seed);
  const protos = PROTOTYPES;
  const x = new Float32Array(count * 784);
  const y = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const c = i % 10;
    y[i] = c;
    for (let j = 0; j < 784; j++) x[i * 784 + j] = Math.min(1, Math.max(0, protos[c][j] + 0.6 * (rng.next() - 0.5)));
  }
  return { x, y, exampleShape: [784], count };
}

const DATA: TrainingData = { task: 'multiclass', train: syntheticMnistLike(240, 1), test: syntheticMnistLike(100, 2) };

/** Metrics without wall times (which differ between identical runs). */
const strip = (epochs: EpochMetrics[]) => epochs.map(({ trainSeconds: _a, evalSeconds: _b, ...rest }) => rest);

function run(opts: { seed?: number; lr?: number; schedule?: LearningRateSchedule; epochs?: number; batchSize?: number | 'full'; data?: TrainingData } & Partial<Parameters<typeof train>[0]>) {
  const model = createModel('mlp-128-64', { seed: 7 });
  // A schedule travels in the optimizer's learningRate; the loop applies it to the built-in per update.
  const optimizer = opts.schedule ? createBuiltinOptimizer('sgd', { learningRate: opts.schedule }) : tf.train.sgd(opts.lr ?? 0.1);
  try {
    return train({
      ...opts,
      model, optimizer, data: opts.data ?? DATA, epochs: opts.epochs ?? 2, batchSize: opts.batchSize ?? 32, seed: opts.seed ?? 0,
    });
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}

test('same seed and backend: identical metrics; another shuffle seed: different ones', () => {
  const a = run({ seed: 3 });
  const b = run({ seed: 3 });
  assert.equal(a.status, 'ok');
  assert.equal(a.epochs.length, 2);
  assert.deepEqual(strip(a.epochs), strip(b.epochs));
  const c = run({ seed: 4 });
  assert.notDeepEqual(strip(a.epochs).map((e) => e.trainLoss), strip(c.epochs).map((e) => e.trainLoss));
  // It learns: the prototypes are easy.
  assert.ok(a.epochs[1].testAccuracy > 0.5, `test accuracy ${a.epochs[1].testAccuracy}`);
  assert.ok(a.epochs[1].trainLoss < a.epochs[0].trainLoss);
});

test('a huge learning rate ends the run as diverged (a result, not an exception)', () => {
  const r = run({ lr: 1e6, epochs: 3 });
  assert.equal(r.status, 'diverged');
  assert.ok(r.divergence, 'divergence recorded');
  assert.equal(r.divergence!.epoch, 1);
  assert.ok(r.divergence!.step >= 1 && r.divergence!.step <= 8);
  assert.ok(r.epochs.length < 3);
  assert.equal(r.totalSteps, r.divergence!.step);
});

test('divergence threshold: a window mean above it counts as diverged', () => {
  const r = run({ divergenceLoss: 1e-6 });
  assert.equal(r.status, 'diverged');
  assert.equal(r.divergence!.reason, 'loss above threshold');
  assert.equal(r.divergence!.step, 1);
});

test('no tensor leaks: numTensors flat across runs, back to the start after disposal', () => {
  const start = tf.memory().numTensors;
  const model = createModel('mlp-128-64', { seed: 1 });
  const optimizer = tf.train.adam(0.01);
  train({ model, optimizer, data: DATA, epochs: 1, batchSize: 32, seed: 0 }); // creates the optimizer state
  const afterFirst = tf.memory().numTensors;
  train({ model, optimizer, data: DATA, epochs: 2, batchSize: 50, seed: 1, lossReadEvery: 3, traceEvery: 2 });
  train({ model, optimizer, data: DATA, epochs: 1, batchSize: 'full', seed: 1, maxMicroBatch: 64 });
  assert.equal(tf.memory().numTensors, afterFirst);
  model.dispose();
  optimizer.dispose();
  assert.equal(tf.memory().numTensors, start);
});

test('batch settings: batch 1 is per-example SGD, full is one step per epoch', () => {
  const small: TrainingData = { task: 'multiclass', train: syntheticMnistLike(30, 5), test: syntheticMnistLike(20, 6) };
  assert.equal(run({ data: small, batchSize: 1, epochs: 1 }).totalSteps, 30);
  assert.equal(run({ data: small, batchSize: 'full', epochs: 3 }).totalSteps, 3);
  assert.equal(run({ data: small, batchSize: 7, epochs: 1 }).totalSteps, 5); // last batch partial
  assert.throws(() => run({ batchSize: 0 }), /batchSize must be a positive integer or 'full'/);
});

test('full-batch gradient over micro-batches equals the one-shot full batch', () => {
  const one = run({ batchSize: 'full', epochs: 3, lr: 0.1 });
  const parts = run({ batchSize: 'full', epochs: 3, lr: 0.1, maxMicroBatch: 64 });
  for (let i = 0; i < 3; i++) {
    const a = one.epochs[i], b = parts.epochs[i];
    assert.ok(Math.abs(a.trainLoss - b.trainLoss) < 1e-4, `epoch ${i + 1} train loss ${a.trainLoss} vs ${b.trainLoss}`);
    assert.ok(Math.abs(a.testLoss - b.testLoss) < 1e-4, `epoch ${i + 1} test loss ${a.testLoss} vs ${b.testLoss}`);
  }
  assert.ok(one.epochs[2].trainLoss < one.epochs[0].trainLoss);
});

test('a schedule sets the learning rate per update; lr 0 leaves the model unchanged', () => {
  const sched = stepDecay({ initialLearningRate: 0.2, factor: 0.5, dropEvery: 8 }); // 8 steps per epoch at batch 30
  const r = run({ batchSize: 30, epochs: 2, schedule: sched });
  // After epoch 1 the last update used step index 7 (lr 0.2); after epoch 2, index 15 (lr 0.1).
  assert.deepEqual(r.epochs.map((e) => e.learningRate), [0.2, 0.1]);
  const frozen = run({ epochs: 2, schedule: stepDecay({ initialLearningRate: 0, factor: 1, dropEvery: 1 }) });
  assert.equal(frozen.epochs[0].testLoss, frozen.epochs[1].testLoss);
});

test('loss trace is subsampled; reading every k steps gives the same epoch means', () => {
  const every = run({ epochs: 1, traceEvery: 2 });
  assert.deepEqual(every.lossTrace!.map((p) => p.step), [2, 4, 6, 8]);
  const k = run({ epochs: 1, lossReadEvery: 3 });
  assert.ok(Math.abs(k.epochs[0].trainLoss - every.epochs[0].trainLoss) < 1e-5);
  assert.equal(k.epochs[0].testLoss, every.epochs[0].testLoss);
});

test('binary link prediction on Karate: accuracy, AUC on test and (optionally) train', () => {
  const split = loadKarateLinkSplit({ seed: 0 });
  const model = createModel('gcn', { seed: 0, graph: split });
  const optimizer = tf.train.adam(0.01);
  const r = train({ model, optimizer, data: karateTrainingData(split), epochs: 20, batchSize: 'full', seed: 0, evaluateTrain: true });
  model.dispose();
  optimizer.dispose();
  const last = r.epochs.at(-1)!;
  assert.ok(last.testAuc! >= 0 && last.testAuc! <= 1);
  assert.ok(last.trainEval!.auc! > 0.7, `train AUC ${last.trainEval!.auc}`);
  assert.ok(last.trainLoss < r.epochs[0].trainLoss);
});

test('progress: plain lines when not a TTY or under CI; events in order', () => {
  const lines: string[] = [];
  const stream = { write: (s: string) => { lines.push(s); return true; }, isTTY: false } as unknown as NodeJS.WritableStream;
  run({ epochs: 2, progress: consoleProgress({ stream, label: 'test' }) });
  assert.equal(lines.length, 4); // start, 2 epochs, end
  assert.match(lines[1], /^test {2}epoch 1\/2 {2}train loss \d/);
  assert.ok(lines.every((l) => !l.includes('\r')));
  assert.equal(isInteractive({ isTTY: true }, { CI: 'true' }), false);
  assert.equal(isInteractive({ isTTY: true }, {}), true);
  const kinds: string[] = [];
  run({ epochs: 1, progress: (e) => kinds.push(e.kind) });
  assert.deepEqual([kinds[0], kinds.at(-2), kinds.at(-1)], ['start', 'epoch', 'end']);
});

test('a schedule is applied alike to ours and to a built-in: the same rates and the same losses', () => {
  const schedule = stepDecay({ initialLearningRate: 0.2, factor: 0.5, dropEvery: 8 });
  const results = [createOptimizer('sgd', { learningRate: schedule }), createBuiltinOptimizer('sgd', { learningRate: schedule.config })].map((optimizer) => {
    const model = createModel('mlp-128-64', { seed: 7 });
    try {
      return train({ model, optimizer, data: DATA, epochs: 2, batchSize: 30, seed: 0 });
    } finally {
      model.dispose();
      optimizer.dispose();
    }
  });
  assert.deepEqual(results.map((r) => r.epochs.map((e) => e.learningRate)), [[0.2, 0.1], [0.2, 0.1]]);
  for (let i = 0; i < 2; i++) assert.ok(Math.abs(results[0].epochs[i].testLoss - results[1].epochs[i].testLoss) < 1e-5);
});

test('a schedule whose rate goes negative or non-finite stops training at that step with a clear error (ours and built-ins)', () => {
  for (const bad of [-0.1, Number.NaN, Infinity]) {
    // A hand-made schedule: a function with a valid-looking config that lies about what it returns.
    const handMade = Object.assign((t: number) => (t < 3 ? 0.1 : bad), { config: { kind: 'constant' as const, learningRate: 0.1 } });
    for (const optimizer of [createOptimizer('sgd', { learningRate: handMade }), createBuiltinOptimizer('sgd', { learningRate: handMade })]) {
      const model = createModel('mlp-128-64', { seed: 7 });
      try {
        assert.throws(() => train({ model, optimizer, data: DATA, epochs: 1, batchSize: 30, seed: 0 }),
          new RegExp(`Learning-rate schedule "constant" returned ${String(bad)} at step 3: a learning rate must be a finite number ≥ 0`));
        assert.equal(optimizer.iterations, 3, 'the three good updates ran, the bad one did not');
      } finally {
        model.dispose();
        optimizer.dispose();
      }
    }
  }
});

test('a Karate run whose last full-batch update breaks the weights is diverged, not an error', () => {
  // Full batch: the only update of each epoch is its last, so NaN weights first show in the
  // evaluation (NaN scores have no AUC); the run must still end as a recorded divergence.
  const split = loadKarateLinkSplit({ seed: 0 });
  const model = createModel('gcn', { seed: 0, graph: split });
  const optimizer = tf.train.sgd(1e38);
  const r = train({ model, optimizer, data: karateTrainingData(split), epochs: 3, batchSize: 'full', seed: 0 });
  model.dispose();
  optimizer.dispose();
  assert.equal(r.status, 'diverged');
  assert.equal(r.divergence!.epoch, 1);
  assert.ok(Number.isNaN(r.epochs[0].testAuc!), 'no AUC from NaN scores');
});

test('NaN weights are a divergence with its step range, also when the loss hides them', async () => {
  // Adam with ε = 0 turns every weight whose gradient is 0 (MNIST's blank border pixels) into 0/0 =
  // NaN at the first step. The MLP's kernels keep NaN through ReLU (as tf.relu), so the next loss is
  // NaN; a forward pass that masks non-finite values (XNNPACK's fused ReLU clamps NaN to 0, and it
  // still runs products of more than 4 rows and fewer than 8 columns) keeps the loss finite at chance
  // level (2.30): before the parameter check such a run was recorded 'ok'.
  const { createOptimizer } = await import('../src/optimizers');
  const { loadMnist } = await import('../src/data/mnist');
  const { mnistTrainingData } = await import('../src/training');
  const data = mnistTrainingData(await loadMnist({ subset: { train: 256, test: 200 }, seed: 0 }));
  const attempt = (maskNaN: boolean, parameterCheckEvery?: number) => {
    const mlp = createModel('mlp-128-64', { seed: 0 });
    const model: Model = maskNaN
      ? { ...mlp, predict: (x, training) => tf.tidy(() => { const z = mlp.predict(x, training); return tf.where(tf.isNaN(z), tf.zerosLike(z), z); }) }
      : mlp;
    const optimizer = createOptimizer('adam', { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 0 });
    try {
      return train({ model, optimizer, data, epochs: 2, batchSize: 32, seed: 0, parameterCheckEvery });
    } finally {
      mlp.dispose();
      optimizer.dispose();
    }
  };
  const everyStep = attempt(false, 1);
  assert.equal(everyStep.status, 'diverged');
  assert.deepEqual({ ...everyStep.divergence, loss: undefined }, { epoch: 1, step: 1, fromStep: 1, loss: undefined, reason: 'non-finite parameters' });
  const byLoss = attempt(false);
  assert.deepEqual([byLoss.status, byLoss.divergence!.reason, byLoss.divergence!.step], ['diverged', 'non-finite loss', 2]);
  // Hidden by the loss: by default (every 20 steps and at each epoch's end) this 8-step epoch is
  // checked at its end, and the range says where it may have happened.
  const hidden = attempt(true);
  assert.equal(hidden.status, 'diverged');
  assert.equal(hidden.divergence!.reason, 'non-finite parameters');
  assert.deepEqual([hidden.divergence!.epoch, hidden.divergence!.fromStep, hidden.divergence!.step], [1, 1, 8]);
  assert.equal(hidden.epochs.length, 0, 'no metrics recorded from broken weights');
});
