import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runSources } from '../src/experiments/fingerprint';
import { createModel, sparseSoftmaxCrossEntropy, MODEL_INFO, MODEL_NAMES, type Model } from '../src/models';

before(async () => { await initBackend('cpu'); });

const input = (b: number, seed = 1) => tf.randomUniform([b, 784], 0, 1, 'float32', seed);
const labels = (b: number) => tf.tensor1d(Array.from({ length: b }, (_, i) => i % 10), 'int32');
const values = (m: Model) => m.variables.map((v) => Array.from(v.dataSync()));

/** Run `fn` on a fresh model and check it leaves no tensors behind once the model is disposed. */
function withModel(name: 'mlp-128-64' | 'mlp-500-linear' | 'cnn', seed: number, fn: (m: Model) => void): void {
  const before = tf.memory().numTensors;
  const m = createModel(name, { seed });
  try { fn(m); } finally { m.dispose(); }
  assert.equal(tf.memory().numTensors, before, `${name} leaked tensors`);
}

test('parameter counts and variable layout match the Keras models', () => {
  // Keras summary: Dense 100480 + 8256 + 650; 392500 + 5010; Conv2D 320, Dense(5408→256) 1384704, Dense 2570.
  const expected = { 'mlp-128-64': [109386, [[784, 128], [128], [128, 64], [64], [64, 10], [10]]],
    'mlp-500-linear': [397510, [[784, 500], [500], [500, 10], [10]]],
    cnn: [1387594, [[3, 3, 1, 32], [32], [5408, 256], [256], [256, 10], [10]]] } as const;
  for (const [name, [count, shapes]] of Object.entries(expected)) {
    withModel(name as keyof typeof expected, 0, (m) => {
      assert.equal(m.numParams, count, name);
      assert.equal(m.variables.reduce((n, v) => n + v.size, 0), count);
      assert.deepEqual(m.variables.map((v) => v.shape), shapes);
      assert.match(m.variables[0].name, /\/(dense|conv2d)_1\/kernel$/);
      assert.ok(m.variables.every((v) => v.trainable));
    });
  }
});

test('two models of one kind coexist with unique variable names', () => {
  const a = createModel('mlp-128-64', { seed: 0 }), b = createModel('mlp-128-64', { seed: 0 });
  const names = [...a.variables, ...b.variables].map((v) => v.name);
  assert.equal(new Set(names).size, names.length);
  a.dispose(); b.dispose();
});

test('every listed model is built by createModel, described, and defined in the file its run fingerprint follows', () => {
  const graph = { numNodes: 4, edges: [[0, 1], [1, 2], [2, 3]] as [number, number][] };
  assert.deepEqual(Object.keys(MODEL_INFO), [...MODEL_NAMES]);
  for (const name of MODEL_NAMES) {
    const info = MODEL_INFO[name];
    const m = createModel(name, { seed: 0, graph });
    try {
      assert.equal(m.task, info.task, name);
      assert.ok(m.numParams > 0, name);
    } finally {
      m.dispose();
    }
    const file = path.join(__dirname, '..', info.sourceFile);
    assert.ok(fs.existsSync(file), `${name}: ${info.sourceFile} is missing`);
    assert.ok(runSources({ model: name, optimizer: 'sgd', implementation: 'ours', data: { dataset: 'mnist', train: 1, test: 1, subsetSeed: 0 } }).includes(info.sourceFile), name);
  }
});

test('output shapes are logits [b, 10]; bad input is a clear error', () => {
  for (const name of ['mlp-128-64', 'mlp-500-linear', 'cnn'] as const) {
    withModel(name, 0, (m) => {
      tf.tidy(() => {
        assert.deepEqual(m.predict(input(3), false).shape, [3, 10]);
        assert.deepEqual(m.predict(input(1), true).shape, [1, 10]);
      });
      assert.throws(() => tf.tidy(() => m.predict(tf.zeros([2, 28, 28]), false)), new RegExp(`${name}\\.predict: expected a float32 tensor \\[batch, 784\\]`));
    });
  }
  assert.throws(() => createModel('resnet' as never, { seed: 0 }), /Unknown model "resnet". Valid: mlp-128-64/);
  assert.throws(() => createModel('cnn', { seed: 0.5 }), /opts.seed must be an integer/);
});

test('Glorot-uniform kernels, zero biases; same seed gives identical weights, another seed different ones', () => {
  withModel('mlp-128-64', 42, (a) => withModel('mlp-128-64', 42, (b) => withModel('mlp-128-64', 43, (c) => {
    assert.deepEqual(values(a), values(b));
    assert.notDeepEqual(values(a)[0], values(c)[0]);
    const k = a.variables[0].dataSync();
    const limit = Math.sqrt(6 / (784 + 128));
    let max = 0, sq = 0;
    for (const x of k) { max = Math.max(max, Math.abs(x)); sq += x * x; }
    assert.ok(max <= limit && max > 0.99 * limit);
    assert.ok(Math.abs(Math.sqrt(sq / k.length) - limit / Math.sqrt(3)) < 0.01 * limit, 'std of U(-l, l) is l/√3');
    assert.ok(Array.from(a.variables[1].dataSync()).every((x) => x === 0));
  })));
});

test('gradient reaches every variable, and the fused layers give the textbook gradient', () => {
  for (const name of ['mlp-128-64', 'mlp-500-linear', 'cnn'] as const) {
    withModel(name, 3, (m) => {
      const x = input(8), y = labels(8);
      const { grads, value } = tf.variableGrads(() => sparseSoftmaxCrossEntropy(y, m.predict(x, true)), m.variables);
      for (const v of m.variables) assert.ok(tf.tidy(() => tf.norm(grads[v.name]).dataSync()[0]) > 0, `${name}: no gradient for ${v.name}`);
      tf.dispose([x, y, value, ...Object.values(grads)]);
    });
  }
  // mlp-128-64 against the same network written with plain matMul / add / relu.
  withModel('mlp-128-64', 4, (m) => {
    const x = input(5), y = labels(5);
    const [w1, b1, w2, b2, w3, b3] = m.variables;
    const plain = () => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2)), w3), b3);
    const fused = tf.variableGrads(() => sparseSoftmaxCrossEntropy(y, m.predict(x, true)), m.variables);
    const ref = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(tf.oneHot(y, 10), plain()) as tf.Scalar, m.variables);
    assert.ok(Math.abs(fused.value.dataSync()[0] - ref.value.dataSync()[0]) < 1e-5);
    for (const v of m.variables) {
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(fused.grads[v.name], ref.grads[v.name]))).dataSync()[0]);
      assert.ok(diff < 1e-5, `${v.name}: gradient differs by ${diff}`);
    }
    tf.dispose([x, y, fused.value, ref.value, ...Object.values(fused.grads), ...Object.values(ref.grads)]);
  });
});

test('CNN computes exactly what the equivalent tf.layers (Keras) model computes', () => {
  withModel('cnn', 5, (m) => {
    const keras = tf.sequential({ layers: [
      tf.layers.reshape({ targetShape: [28, 28, 1], inputShape: [784] }),
      tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', padding: 'valid' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.dropout({ rate: 0.25 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 256, activation: 'relu' }),
      tf.layers.dropout({ rate: 0.5 }),
      tf.layers.dense({ units: 10 }),
    ] });
    assert.equal(keras.countParams(), m.numParams);
    keras.setWeights(m.variables);
    const x = input(4, 9);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(keras.predict(x) as tf.Tensor, m.predict(x, false)))).dataSync()[0]);
    assert.ok(diff < 1e-4, `max difference ${diff}`);
    x.dispose();
    keras.dispose();
  });
});

test('CNN dropout: off at inference, seeded fresh masks in training', () => {
  withModel('cnn', 6, (a) => withModel('cnn', 6, (b) => {
    const x = input(4);
    const read = (t: tf.Tensor) => { const v = Array.from(t.dataSync()); t.dispose(); return v; };
    const evalA = read(a.predict(x, false));
    assert.deepEqual(read(a.predict(x, false)), evalA, 'inference is deterministic');
    const trainA1 = read(a.predict(x, true)), trainA2 = read(a.predict(x, true));
    assert.notDeepEqual(trainA1, evalA);
    assert.notDeepEqual(trainA1, trainA2, 'each training call draws a new mask');
    assert.deepEqual([read(b.predict(x, true)), read(b.predict(x, true))], [trainA1, trainA2], 'same seed, same masks');
    x.dispose();
  }));
});

test('a training-mode forward and backward pass leaks no tensors', () => {
  withModel('cnn', 7, (m) => {
    const x = input(2), y = labels(2);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 2; i++) {
      const { value, grads } = tf.variableGrads(() => sparseSoftmaxCrossEntropy(y, m.predict(x, true)), m.variables);
      tf.dispose([value, ...Object.values(grads)]);
    }
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([x, y]);
  });
});
