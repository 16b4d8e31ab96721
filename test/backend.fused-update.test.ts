// The fused optimizer update (src/backend/patches/fused-update.*) must follow each optimizer's rule
// (src/optimizers/<name>.ts, run as tfjs ops) step by step: same parameters and state after every
// step, for sizes that exercise the SIMD body and its overlapping last vector, with and without
// weight decay, momentum, and a learning-rate schedule; and the committed binary must be the
// assembly of the committed .wat source.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { applyWasmPatches, removeWasmPatches } from '../src/backend/wasm-patches';
import { FUSED_UPDATES, FUSED_UPDATE_KERNEL, canFuseUpdate } from '../src/backend/patches/fused-update';
import { SIMD_KERNELS_WASM_BASE64 } from '../src/backend/patches/simd-kernels-binary';
import { WAT_SOURCE, assembleWat } from '../src/backend/patches/compile-wat';
import { createOptimizer } from '../src/optimizers';
import type { Hyperparams, OptimizerName } from '../src/optimizers/types';
import { exponentialDecay } from '../src/optimizers/schedules';

before(async () => {
  assert.equal((await initBackend('wasm')).name, 'wasm');
  applyWasmPatches({ force: true });
});

/** Deterministic values in [lo, hi). */
function values(n: number, seed: number, lo: number, hi: number): Float32Array {
  const out = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + ((s >>> 8) / 16777216) * (hi - lo);
  }
  return out;
}

/** Parameters, gradients per step, weights (θ and state) after each step, with the fused path on or off. */
function trajectory(name: OptimizerName, hp: Hyperparams, sizes: number[], steps: number, fused: boolean): Float32Array[][] {
  if (fused) applyWasmPatches({ force: true });
  else removeWasmPatches({ keepFixes: true });
  try {
    assert.equal(canFuseUpdate(name, 1000), fused, `fused path ${fused ? 'on' : 'off'} for ${name}`);
    // Made in a tidy, as models make them: alone on their buffers, so sizes that are multiples of 4 update in place.
    const vars = tf.tidy(() => sizes.map((n, i) => tf.variable(tf.tensor1d(values(n, 10 + i, -1, 1)), true, `fused_test_${name}_${fused}_${i}_${Math.random()}`)));
    const opt = createOptimizer(name, hp);
    const out: Float32Array[][] = [];
    for (let t = 0; t < steps; t++) {
      // Gradients of both signs and sizes; one zero gradient to exercise 0/0-prone paths.
      const grads = Object.fromEntries(vars.map((v, i) => {
        const g = values(v.size, 100 * t + i, -0.5, 0.5);
        if (t === 1) g[0] = 0;
        return [v.name, tf.tensor1d(g)];
      }));
      opt.applyGradients(grads);
      tf.dispose(Object.values(grads));
      out.push(vars.map((v) => Float32Array.from(v.dataSync())));
    }
    tf.dispose(vars);
    opt.dispose();
    return out;
  } finally {
    applyWasmPatches({ force: true });
  }
}

function assertClose(actual: Float32Array, expected: Float32Array, label: string, rtol = 2e-6): void {
  assert.equal(actual.length, expected.length, label);
  for (let i = 0; i < actual.length; i++) {
    const tol = rtol * Math.max(1, Math.abs(expected[i]));
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${label}[${i}]: fused ${actual[i]}, rule ${expected[i]} (±${tol})`);
  }
}

// Sizes: < 4 (rule path), exactly 4, not a multiple of 4 (overlapping last vector: a new buffer),
// multiples of 4 (in place), larger.
const SIZES = [3, 4, 7, 10, 128, 129, 1001];
const CASES: Array<[OptimizerName, Hyperparams]> = [
  ['sgd', { learningRate: 0.1 }],
  ['sgd', { learningRate: 0.1, weightDecay: 0.01 }],
  ['momentum', { learningRate: 0.05, momentum: 0.9 }],
  ['momentum', { learningRate: 0.05, momentum: 0.9, weightDecay: 0.01 }],
  ['nesterov', { learningRate: 0.05, momentum: 0.9, weightDecay: 0.01 }],
  ['rmsprop', { learningRate: 0.01 }],
  ['rmsprop', { learningRate: 0.01, momentum: 0.9, weightDecay: 0.01 }],
  ['adam', { learningRate: 0.01 }],
  ['adam', { learningRate: exponentialDecay({ initialLearningRate: 0.01, decayRate: 0.5, decaySteps: 2 }), weightDecay: 0.01 }],
  ['amsgrad', { learningRate: 0.01, weightDecay: 0.01 }],
  ['adamw', { learningRate: 0.01, weightDecay: 0.1 }],
];

for (const [name, hp] of CASES) {
  test(`fused ${name} ${JSON.stringify(hp, (_k, v) => (typeof v === 'function' ? 'schedule' : v))} follows the rule step by step`, () => {
    const ruled = trajectory(name, hp, SIZES, 6, false);
    const fused = trajectory(name, hp, SIZES, 6, true);
    ruled.forEach((stepVars, t) => stepVars.forEach((r, i) => assertClose(fused[t][i], r, `${name} step ${t + 1} var ${i} (size ${SIZES[i]})`)));
  });
}

test('fused state (getWeights) matches the rule’s, so a checkpoint moves between paths', async () => {
  const run = async (fused: boolean) => {
    if (fused) applyWasmPatches({ force: true });
    else removeWasmPatches({ keepFixes: true });
    const v = tf.variable(tf.tensor1d(values(37, 3, -1, 1)), true, `fused_state_${fused}_${Math.random()}`);
    const opt = createOptimizer('adam', { learningRate: 0.01 });
    for (let t = 0; t < 3; t++) {
      const g = tf.tensor1d(values(37, 50 + t, -1, 1));
      opt.applyGradients({ [v.name]: g });
      g.dispose();
    }
    const w = await opt.getWeights();
    const out = w.map((x) => ({ name: x.name.replace(v.name, 'θ'), data: Float32Array.from(x.tensor.dataSync()) }));
    v.dispose();
    opt.dispose();
    applyWasmPatches({ force: true });
    return out;
  };
  const [ruled, fused] = [await run(false), await run(true)];
  assert.deepEqual(fused.map((x) => x.name), ruled.map((x) => x.name));
  fused.forEach((x, i) => assertClose(x.data, ruled[i].data, x.name));
});

test('the update runs in place only where no other tensor shares the memory, with the same bits either way', () => {
  const n = 128;
  for (const [name, hp] of CASES) {
    const label = `${name} ${JSON.stringify(hp, (_k, v) => (typeof v === 'function' ? 'schedule' : v))}`;
    const run = (holdClones: boolean) => {
      // Made in a tidy: a variable shares its initial tensor's buffer until that tensor is disposed.
      const v = tf.tidy(() => tf.variable(tf.tensor1d(values(n, 5, -1, 1)), true, `in_place_${name}_${holdClones}_${Math.random()}`));
      const opt = createOptimizer(name, hp);
      const firstId = v.dataId;
      const states: Float32Array[] = [Float32Array.from(v.dataSync())];
      const clones: tf.Tensor[] = [];
      for (let t = 0; t < 3; t++) {
        if (holdClones) clones.push(tf.clone(v)); // shares v's buffer (refcount), so it must not be written over
        const g = tf.tensor1d(values(n, 70 + t, -0.5, 0.5));
        opt.applyGradients({ [v.name]: g });
        g.dispose();
        states.push(Float32Array.from(v.dataSync()));
      }
      assert.equal(v.dataId === firstId, !holdClones, `${label}: in place ${holdClones ? 'not ' : ''}expected`);
      clones.forEach((c, t) => assert.deepEqual(c.dataSync(), states[t], `${label}: a clone keeps its values`));
      tf.dispose([v, ...clones]);
      opt.dispose();
      return states;
    };
    assert.deepEqual(run(false), run(true), label);
  }
});

test('a held copy of an optimizer state keeps its values (that step writes new buffers instead)', async () => {
  const run = async (hold: boolean) => {
    const v = tf.tidy(() => tf.variable(tf.tensor1d(values(128, 6, -1, 1)), true, `state_copy_${hold}_${Math.random()}`));
    const opt = createOptimizer('adam', { learningRate: 0.01 });
    const g = tf.tensor1d(values(128, 80, -0.5, 0.5));
    opt.applyGradients({ [v.name]: g });
    const weights = await opt.getWeights();
    weights[0].tensor.dispose(); // the step count, a new scalar; the rest are the state variables
    const m = weights.find((w) => w.name.endsWith('/m'))!.tensor;
    const held = hold ? tf.clone(m) : undefined;
    const before = Float32Array.from(m.dataSync());
    opt.applyGradients({ [v.name]: g });
    if (held) assert.deepEqual(held.dataSync(), before, 'the copy of m is unchanged');
    const out = [Float32Array.from(v.dataSync()), Float32Array.from(m.dataSync())];
    tf.dispose([v, g, ...(held ? [held] : [])]);
    opt.dispose();
    return out;
  };
  assert.deepEqual(await run(true), await run(false));
});

test('a weight updated in place is not read through XNNPACK\'s packed copy of its old values', () => {
  // 8 × 16 · 16 × 4: fewer than 8 columns, so stock XNNPACK runs the product and keeps W packed by tensor id.
  const w = tf.tidy(() => tf.variable(tf.tensor2d(values(64, 9, -1, 1), [16, 4]), true, `packed_w_${Math.random()}`));
  const x = tf.tensor2d(values(128, 8, -1, 1), [8, 16]);
  const opt = createOptimizer('sgd', { learningRate: 0.5 });
  const firstId = w.dataId;
  tf.matMul(x, w).dispose();
  const g = tf.tensor2d(values(64, 11, -1, 1), [16, 4]);
  opt.applyGradients({ [w.name]: g });
  assert.equal(w.dataId, firstId, 'updated in place');
  const got = tf.matMul(x, w).dataSync();
  const [xs, ws] = [x.dataSync(), w.dataSync()];
  for (let i = 0; i < 8; i++) {
    for (let j = 0; j < 4; j++) {
      let want = 0;
      for (let k = 0; k < 16; k++) want += xs[i * 16 + k] * ws[k * 4 + j];
      assert.ok(Math.abs(got[i * 4 + j] - want) < 1e-5, `[${i}, ${j}]: ${got[i * 4 + j]} from the new weights ${want}`);
    }
  }
  tf.dispose([w, x, g]);
  opt.dispose();
});

test('optimizers without a transcription, and tensors under 4 elements, run the rule', () => {
  assert.equal(canFuseUpdate('adagrad', 1000), false);
  assert.equal(canFuseUpdate('adam', 3), false);
  assert.ok(Object.keys(FUSED_UPDATES).every((n) => canFuseUpdate(n, 4)));
});

test('the kernel rejects mismatched inputs with a clear error', () => {
  const p = tf.ones([8]);
  const g = tf.ones([4]);
  assert.throws(() => tf.engine().runKernel(FUSED_UPDATE_KERNEL, { p, g } as unknown as tf.NamedTensorMap,
    { optimizer: 'sgd', stateKeys: [], coefficients: { lr: 1, wd: 0 } } as unknown as tf.NamedAttrMap), /"g" must be float32 of θ's shape \[8\]/);
  tf.dispose([p, g]);
});

test('the committed wasm binary is the assembly of simd-kernels.wat', async () => {
  const bytes = await assembleWat(fs.readFileSync(WAT_SOURCE, 'utf8'));
  assert.equal(Buffer.from(bytes).toString('base64'), SIMD_KERNELS_WASM_BASE64, 'run `npm run build:wasm-kernels` after editing the .wat');
});
