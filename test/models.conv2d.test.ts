// The conv layer (src/models/conv2d.ts: one fused kernel forward, hand-written backward) must give the
// values and gradients of the plain ops relu(conv2d(x, W) + b) / conv2d(x, W) + b, on wasm (patched)
// and on cpu.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
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
