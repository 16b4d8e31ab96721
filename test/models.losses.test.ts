import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { accuracy, binaryAccuracy, rocAuc, sigmoidCrossEntropy, sparseSoftmaxCrossEntropy } from '../src/models/losses';

before(async () => { await initBackend('cpu'); });

const close = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) < tol, `${a} vs ${b}`);
const num = (t: tf.Tensor) => { const v = t.dataSync()[0]; t.dispose(); return v; };
const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

test('sparse softmax cross-entropy: value, gradient (softmax − one-hot)/b, stability', () => {
  const start = tf.memory().numTensors;
  const logits = tf.tensor2d([[1, 2, 3], [0, 0, 0], [5, -1, 2]]);
  const labels = tf.tensor1d([2, 0, 1], 'int32');
  const manual = [[1, 2, 3, 2], [0, 0, 0, 0], [5, -1, 2, 1]].map(([a, b, c, y]) => {
    const z = [a, b, c], lse = Math.log(z.reduce((s, v) => s + Math.exp(v), 0));
    return lse - z[y];
  });
  close(num(sparseSoftmaxCrossEntropy(labels, logits)), manual.reduce((a, b) => a + b) / 3);
  const g = tf.grad((l: tf.Tensor) => sparseSoftmaxCrossEntropy(labels, l))(logits);
  const expected = tf.tidy(() => tf.div(tf.sub(tf.softmax(logits), tf.oneHot(labels, 3)), 3));
  close(maxDiff(g, expected), 0);
  const huge = tf.tensor2d([[1000, -1000]]), one = tf.tensor1d([1], 'int32'), two = tf.tensor1d([1, 2], 'int32');
  close(num(sparseSoftmaxCrossEntropy(one, huge)), 2000, 1e-2);
  assert.throws(() => sparseSoftmaxCrossEntropy(two, logits), /expected labels \[b\] and logits \[b, k\]/);
  tf.dispose([logits, labels, g, expected, huge, one, two]);
  assert.equal(tf.memory().numTensors, start, 'no tensor leaked');
});

test('sigmoid cross-entropy: matches tf.losses, finite for large logits, exact gradient at 0', () => {
  const logits = tf.tensor1d([-3, -0.5, 0.7, 4]);
  const labels = tf.tensor1d([0, 1, 1, 0]);
  close(num(sigmoidCrossEntropy(labels, logits)), num(tf.losses.sigmoidCrossEntropy(labels, logits)));
  const big = tf.tensor1d([200, -200]);
  close(num(sigmoidCrossEntropy(tf.tensor1d([0, 1]), big)), 200, 1e-3);
  const zeros = tf.zeros([4]);
  const g = tf.grad((x: tf.Tensor) => sigmoidCrossEntropy(labels, x))(zeros);
  assert.deepEqual(Array.from(g.dataSync()), [0.125, -0.125, -0.125, 0.125]); // (σ(0) − z)/4
  const g2 = tf.grad((x: tf.Tensor) => sigmoidCrossEntropy(labels, x))(logits);
  const expected = tf.tidy(() => tf.div(tf.sub(tf.sigmoid(logits), labels), 4));
  close(maxDiff(g2, expected), 0);
  assert.throws(() => sigmoidCrossEntropy(tf.zeros([3]), logits), /must have the same shape/);
  tf.dispose([logits, labels, big, zeros, g, g2, expected]);
});

test('accuracy and binary accuracy', () => {
  close(num(accuracy(tf.tensor1d([2, 0, 0], 'int32'), tf.tensor2d([[0, 1, 5], [3, 1, 0], [0, 9, 1]]))), 2 / 3);
  close(num(binaryAccuracy(tf.tensor1d([1, 0, 1, 0]), tf.tensor1d([2, -1, -0.5, 0.3]))), 0.5);
});

test('ROC-AUC: perfect, inverted, ties, a hand-computed case, errors', () => {
  assert.equal(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]), 1);
  assert.equal(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]), 0);
  assert.equal(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1]), 0.5);
  // Positives 0.8, 0.4; negatives 0.6, 0.4, 0.1: pairs won 1+1+1, 0+0.5+1 → 4.5 / 6.
  close(rocAuc(Float32Array.from([0.8, 0.4, 0.6, 0.4, 0.1]), [1, 1, 0, 0, 0]), 0.75);
  assert.throws(() => rocAuc([1, 2], [1, 1]), /at least one positive and one negative/);
  assert.throws(() => rocAuc([1, 2], [1, 2]), /labels must be 0 or 1/);
  assert.throws(() => rocAuc([1], [1, 0]), /1 scores but 2 labels/);
});
