import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { conv2dIm2col, gatherRows, im2colIndex } from '../src/models/ops';

before(async () => { await initBackend('cpu'); });

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

test('gatherRows equals tf.gather, values and gradient', () => {
  tf.tidy(() => {
    const table = tf.randomNormal([7, 3], 0, 1, 'float32', 1) as tf.Tensor2D;
    const idx = tf.tensor1d([6, 0, 3, 3], 'int32');
    assert.ok(maxDiff(gatherRows(table, idx), tf.gather(table, idx)) < 1e-6);
    const w = tf.randomNormal([4, 3], 0, 1, 'float32', 2);
    const g1 = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(gatherRows(t as tf.Tensor2D, idx), w)))(table);
    const g2 = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, idx), w)))(table);
    assert.ok(maxDiff(g1, g2) < 1e-6);
  });
});

test('conv2dIm2col equals tf.conv2d (+bias, relu), valid and Keras-same padding, values and gradients', () => {
  const cases: Array<{ x: [number, number, number, number]; k: [number, number, number, number]; padding: 'valid' | 'same' }> = [
    { x: [2, 6, 5, 1], k: [3, 3, 1, 4], padding: 'valid' },
    { x: [2, 5, 5, 3], k: [3, 2, 3, 4], padding: 'same' }, // even kernel: Keras pads after
    { x: [3, 1, 2, 4], k: [1, 2, 4, 5], padding: 'same' },
  ];
  for (const { x: xs, k: ks, padding } of cases) {
    tf.tidy(() => {
      const x = tf.randomNormal(xs, 0, 1, 'float32', 3) as tf.Tensor4D;
      const k = tf.randomNormal(ks, 0, 1, 'float32', 4) as tf.Tensor4D;
      const b = tf.randomNormal([ks[3]], 0, 1, 'float32', 5) as tf.Tensor1D;
      const ref = (xx: tf.Tensor4D, kk: tf.Tensor4D, bb: tf.Tensor1D) => tf.relu(tf.add(tf.conv2d(xx, kk, 1, padding), bb));
      const ours = (xx: tf.Tensor4D, kk: tf.Tensor4D, bb: tf.Tensor1D) => conv2dIm2col(xx, kk, bb, 'relu', padding);
      assert.deepEqual(ours(x, k, b).shape, ref(x, k, b).shape);
      assert.ok(maxDiff(ours(x, k, b), ref(x, k, b)) < 1e-5, `${padding} ${ks}`);
      const w = tf.randomNormal(ref(x, k, b).shape, 0, 1, 'float32', 6);
      const lossOf = (f: typeof ref) => (xx: tf.Tensor, kk: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(f(xx as tf.Tensor4D, kk as tf.Tensor4D, bb as tf.Tensor1D), w));
      const g1 = tf.grads(lossOf(ours))([x, k, b]);
      const g2 = tf.grads(lossOf(ref))([x, k, b]);
      g1.forEach((g, i) => assert.ok(maxDiff(g, g2[i]) < 1e-4, `gradient ${i} (${padding} ${ks})`));
    });
  }
  assert.throws(() => tf.tidy(() => conv2dIm2col(tf.zeros([1, 3, 3, 2]), tf.zeros([2, 2, 1, 1]), tf.zeros([1]), 'linear', 'valid')), /input has 2 channels, filter expects 1/);
});

test('conv2dIm2col with a gathered patch index equals tf.conv2d; filter gradient matches', () => {
  tf.tidy(() => {
    const x = tf.randomNormal([2, 7, 6, 2], 0, 1, 'float32', 8) as tf.Tensor4D;
    const k = tf.randomNormal([3, 2, 2, 5], 0, 1, 'float32', 9) as tf.Tensor4D;
    const b = tf.randomNormal([5], 0, 1, 'float32', 10) as tf.Tensor1D;
    const index = tf.tensor1d(im2colIndex(7, 6, 2, 3, 2), 'int32');
    const ref = tf.add(tf.conv2d(x, k, 1, 'valid'), b);
    assert.ok(maxDiff(conv2dIm2col(x, k, b, 'linear', 'valid', index), ref) < 1e-5);
    const gOurs = tf.grad((kk: tf.Tensor) => tf.sum(tf.square(conv2dIm2col(x, kk as tf.Tensor4D, b, 'linear', 'valid', index))))(k);
    const gRef = tf.grad((kk: tf.Tensor) => tf.sum(tf.square(tf.add(tf.conv2d(x, kk as tf.Tensor4D, 1, 'valid'), b))))(k);
    assert.ok(maxDiff(gOurs, gRef) < 1e-3);
    assert.throws(() => conv2dIm2col(x, k, b, 'linear', 'same', index), /patchIndex must come from im2colIndex\(7, 6, 2, 3, 2\)/);
  });
});
