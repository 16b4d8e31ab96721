// The layers of src/models (dense.ts, conv2d.ts: one fused kernel forward, hand-written backward) must
// give the values and gradients of the plain ops act(x·W + b) / act(conv2d(x, W) + b), on wasm
// (patched, including the small-m product at batch 1) and on cpu.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { dense } from '../src/models/dense';
import { hasDenseKernel } from '../src/backend/patches/dense-kernel';
import { conv2d } from '../src/models/conv2d';

before(async () => {
  assert.equal((await initBackend('wasm')).name, 'wasm');
});

function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s >>> 8) / 16777216 - 0.5;
  }
  return out;
}

function close(a: Float32Array, b: Float32Array, label: string): void {
  assert.equal(a.length, b.length, label);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= 1e-5 * Math.max(1, Math.abs(b[i])), `${label}[${i}]: ${a[i]} vs ${b[i]}`);
}

for (const backend of ['wasm', 'cpu']) {
  for (const [m, k, n] of [[1, 30, 9], [3, 8, 5], [16, 20, 12]]) {
    for (const activation of ['relu', 'linear'] as const) {
      test(`dense ${activation} [${m},${k}]·[${k},${n}] on ${backend}: values and gradients = plain ops`, async () => {
        await tf.setBackend(backend);
        try {
          tf.tidy(() => {
            const x = tf.tensor2d(values(m * k, 1), [m, k]);
            const w = tf.tensor2d(values(k * n, 2), [k, n]);
            const b = tf.tensor1d(values(n, 3));
            const up = tf.tensor2d(values(m * n, 4), [m, n]); // a non-uniform upstream gradient
            const plain = (p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => {
              const z = tf.add(tf.matMul(p as tf.Tensor2D, q as tf.Tensor2D), r);
              return activation === 'relu' ? tf.relu(z) : z;
            };
            const ours = (p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => dense(p as tf.Tensor2D, q as tf.Tensor2D, r as tf.Tensor1D, activation, true);
            close(ours(x, w, b).dataSync() as Float32Array, plain(x, w, b).dataSync() as Float32Array, 'value');
            const loss = (f: typeof plain) => (p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => tf.sum(tf.mul(f(p, q, r), up));
            const gOurs = tf.grads(loss(ours))([x, w, b]);
            const gPlain = tf.grads(loss(plain))([x, w, b]);
            ['dx', 'dW', 'db'].forEach((name, i) => close(gOurs[i].dataSync() as Float32Array, gPlain[i].dataSync() as Float32Array, name));
            // inputGradient: false (an input layer). The custom-gradient path (cpu) must return a dL/dx and
            // says "skipped" with NaN; the kernel path (wasm) has a registered gradient that is asked only
            // for what is needed, so a dL/dx asked for is the true one. dW and db are unchanged.
            const [dx, dw] = tf.grads((p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => tf.sum(tf.mul(dense(p as tf.Tensor2D, q as tf.Tensor2D, r as tf.Tensor1D, activation, false), up)))([x, w, b]);
            if (hasDenseKernel()) close(dx.dataSync() as Float32Array, gPlain[0].dataSync() as Float32Array, 'dx (asked for)');
            else assert.ok((dx.dataSync() as Float32Array).every(Number.isNaN));
            close(dw.dataSync() as Float32Array, gPlain[1].dataSync() as Float32Array, 'dW (no input gradient)');
          });
        } finally {
          await tf.setBackend('wasm');
        }
      });
    }
  }
}

test('dense on wasm is one kernel, and its gradient makes no dL/dx for a layer whose input is data', async () => {
  assert.equal(tf.getBackend(), 'wasm');
  assert.ok(hasDenseKernel(), 'the dense-kernel patch is on');
  const x = tf.tensor2d(values(8 * 6, 1), [8, 6]);
  const w = tf.variable(tf.tensor2d(values(6 * 9, 2), [6, 9]));
  const b = tf.variable(tf.tensor1d(values(9, 3)));
  const info = await tf.profile(() => tf.tidy(() => { tf.variableGrads(() => tf.sum(dense(x, w, b, 'relu', false)) as tf.Scalar, [w, b]); }));
  const count = (name: string) => info.kernelNames.filter((k) => k === name).length;
  assert.equal(count('AtlasDense'), 1);
  assert.equal(count('BatchMatMul'), 1, 'dW only');
  tf.dispose([x, w, b]);
});

const cases: Array<{ x: [number, number, number, number]; f: [number, number, number, number]; strides: number; pad: 'valid' | 'same' }> = [
  { x: [3, 9, 9, 1], f: [3, 3, 1, 8], strides: 1, pad: 'valid' }, // the CNN's layer, small
  { x: [2, 7, 6, 3], f: [2, 3, 3, 4], strides: 2, pad: 'same' },
];

for (const backend of ['wasm', 'cpu']) {
  for (const c of cases) {
    for (const activation of ['relu', 'linear'] as const) {
      test(`conv2d ${activation} x=[${c.x}] f=[${c.f}] s=${c.strides} ${c.pad} on ${backend}: values and gradients = plain ops`, async () => {
        await tf.setBackend(backend);
        try {
          tf.tidy(() => {
            const x = tf.tensor4d(values(tf.util.sizeFromShape(c.x), 1), c.x);
            const w = tf.tensor4d(values(tf.util.sizeFromShape(c.f), 2), c.f);
            const b = tf.tensor1d(values(c.f[3], 3));
            const plain = (p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => {
              const z = tf.add(tf.conv2d(p as tf.Tensor4D, q as tf.Tensor4D, c.strides, c.pad), r);
              return activation === 'relu' ? tf.relu(z) : z;
            };
            const ours = (input: boolean) => (p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) =>
              conv2d(p as tf.Tensor4D, q as tf.Tensor4D, r as tf.Tensor1D, { strides: c.strides, pad: c.pad, activation, inputGradient: input });
            const y = plain(x, w, b);
            close(ours(true)(x, w, b).dataSync() as Float32Array, y.dataSync() as Float32Array, 'value');
            const up = tf.tensor(values(y.size, 4), y.shape); // a non-uniform upstream gradient
            const loss = (f: typeof plain) => (p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => tf.sum(tf.mul(f(p, q, r), up));
            const gPlain = tf.grads(loss(plain))([x, w, b]);
            const gOurs = tf.grads(loss(ours(true)))([x, w, b]);
            ['dx', 'dW', 'db'].forEach((name, i) => close(gOurs[i].dataSync() as Float32Array, gPlain[i].dataSync() as Float32Array, name));
            const [dx, dw, db] = tf.grads(loss(ours(false)))([x, w, b]);
            assert.ok((dx.dataSync() as Float32Array).every(Number.isNaN), 'no input gradient: NaN');
            close(dw.dataSync() as Float32Array, gPlain[1].dataSync() as Float32Array, 'dW (no input gradient)');
            close(db.dataSync() as Float32Array, gPlain[2].dataSync() as Float32Array, 'db (no input gradient)');
          });
        } finally {
          await tf.setBackend('wasm');
        }
      });
    }
  }
}

// conv2d with pool: 'max2x2' (the CNN's conv → ReLU → pool) = maxPool(relu(conv2d + b)), values and
// gradients; on wasm its backward is one kernel (AtlasMaxPoolReluGrad), elsewhere MaxPoolGrad + ReLU'.
for (const backend of ['wasm', 'cpu']) {
  for (const xShape of [[3, 10, 10, 1], [2, 9, 7, 2]] as Array<[number, number, number, number]>) {
    test(`conv2d relu + 2×2 max pool x=[${xShape}] on ${backend}: values and gradients = plain ops`, async () => {
      await tf.setBackend(backend);
      try {
        tf.tidy(() => {
          const f: [number, number, number, number] = [3, 3, xShape[3], 8];
          const x = tf.tensor4d(values(tf.util.sizeFromShape(xShape), 5), xShape);
          const w = tf.tensor4d(values(tf.util.sizeFromShape(f), 6), f);
          const b = tf.tensor1d(values(8, 7));
          const plain = (p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => tf.maxPool(tf.relu(tf.add(tf.conv2d(p as tf.Tensor4D, q as tf.Tensor4D, 1, 'valid'), r)) as tf.Tensor4D, 2, 2, 'valid');
          const ours = (p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) =>
            conv2d(p as tf.Tensor4D, q as tf.Tensor4D, r as tf.Tensor1D, { strides: 1, pad: 'valid', activation: 'relu', inputGradient: true, pool: 'max2x2' });
          const y = plain(x, w, b);
          assert.deepEqual(ours(x, w, b).shape, y.shape);
          close(ours(x, w, b).dataSync() as Float32Array, y.dataSync() as Float32Array, 'value');
          const up = tf.tensor(values(y.size, 8), y.shape);
          const loss = (fn: typeof plain) => (p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => tf.sum(tf.mul(fn(p, q, r), up));
          const gPlain = tf.grads(loss(plain))([x, w, b]);
          const gOurs = tf.grads(loss(ours))([x, w, b]);
          ['dx', 'dW', 'db'].forEach((name, i) => close(gOurs[i].dataSync() as Float32Array, gPlain[i].dataSync() as Float32Array, name));
        });
        assert.throws(() => conv2d(tf.zeros([1, 5, 5, 1]) as tf.Tensor4D, tf.zeros([3, 3, 1, 4]) as tf.Tensor4D, tf.zeros([4]) as tf.Tensor1D,
          { strides: 1, pad: 'valid', activation: 'linear', inputGradient: false, pool: 'max2x2' }), /after a ReLU only/);
      } finally {
        await tf.setBackend('wasm');
      }
    });
  }
}
