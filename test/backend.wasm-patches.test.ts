// The wasm patches must give the stock wasm values (or, where stock wasm has no kernel or a bug,
// the cpu backend's), forward and gradient, over shapes, transpose flags and batch dims.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { applyWasmPatches, appliedWasmPatches, listWasmPatches, removeWasmPatches, wasmPatchesEnabled } from '../src/backend/wasm-patches';
import { PACK_B_MIN_M, SMALL_M, planTransposedMatMul } from '../src/backend/patches/matmul';
import { leadingAxesSplit } from '../src/backend/patches/column-sum';
import { MAX_POOL_RELU_GRAD_KERNEL, maxPool2x2, maxPool2x2ReluGradient, tiling2x2, tilingWindows } from '../src/backend/patches/max-pool-grad';
import { correctCount, sparseSoftmaxCrossEntropy } from '../src/models/losses';
import { RELU_GRAD_KERNEL, reluGradient } from '../src/backend/patches/relu-grad';
import { MAX_PATCH_BYTES, im2colPlan } from '../src/backend/patches/conv2d';
import { DROPOUT_KERNEL, dropoutThreshold } from '../src/backend/patches/dropout';
import { dropoutWithSeed } from '../src/models/dropout';
import { createRng } from '../src/data/random';
import { COUNT_CORRECT_KERNEL, SOFTMAX_CE_GRAD_KERNEL, SOFTMAX_CE_KERNEL } from '../src/backend/patches/softmax-cross-entropy';

type Arrays = Float32Array[];

/** Run `f` on a backend with the patches on or off and return its outputs as plain arrays. */
function run(where: 'cpu' | 'stock' | 'patched', f: () => tf.Tensor[]): Arrays {
  tf.setBackend(where === 'cpu' ? 'cpu' : 'wasm');
  if (where === 'stock') removeWasmPatches({ keepFixes: true });
  if (where === 'patched') applyWasmPatches({ force: true });
  try {
    return tf.tidy(() => f()).map((t) => {
      const v = Float32Array.from(t.dataSync());
      t.dispose();
      return v;
    });
  } finally {
    tf.setBackend('wasm');
    applyWasmPatches({ force: true });
  }
}

function assertClose(actual: Arrays, expected: Arrays, rtol = 1e-5, label = ''): void {
  assert.equal(actual.length, expected.length, `${label}: number of outputs`);
  actual.forEach((a, i) => {
    assert.equal(a.length, expected[i].length, `${label}: output ${i} size`);
    let scale = 0;
    for (const v of expected[i]) scale = Math.max(scale, Math.abs(v));
    for (let j = 0; j < a.length; j++) {
      const tol = rtol * Math.max(1, scale);
      assert.ok(Math.abs(a[j] - expected[i][j]) <= tol, `${label}: output ${i}[${j}] = ${a[j]}, expected ${expected[i][j]} (±${tol})`);
    }
  });
}

/** Deterministic data from a seed (values independent of the backend). */
function data(shape: number[], seed: number, lo = -1, hi = 1): Float32Array {
  const n = shape.reduce((p, d) => p * d, 1);
  const out = new Float32Array(n);
  let s = seed * 2654435761 >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + ((s >>> 8) / 16777216) * (hi - lo);
  }
  return out;
}

before(async () => {
  const info = await initBackend('wasm');
  assert.equal(info.name, 'wasm');
  applyWasmPatches({ force: true });
});

const matmulCases: Array<[number[], number[], boolean, boolean]> = [
  [[64, 784], [64, 128], true, false], // dW of a dense layer
  [[64, 128], [784, 128], false, true], // dX of a dense layer
  [[7, 5], [3, 7], true, true],
  [[1, 9], [1, 4], true, false], // outer product
  [[6, 1], [4, 1], false, true],
  [[1, 5, 3], [5, 4], true, false], // rank 3, batch 1
  [[2, 5, 3], [2, 5, 4], true, false], // batch 2: left to the stock kernel
  [[2, 3, 5], [4, 5], false, true], // broadcast batch
  [[33, 17], [17, 9], false, false], // no transpose
  [[1, 784], [784, 50], false, false], // batch 1: the small-m product (no XNNPACK packing)
  [[4, 13], [13, 7], false, false], // m = SMALL_M, n not a multiple of 4
  [[1, 10], [50, 10], false, true], // dX at batch 1: transpose, then the small-m product
  [[5, 9], [9, 8], false, false], // tiled product: one column tile, the last row tile moved back
  [[9, 6], [9, 11], true, false], // tiled, A read transposed in place; overlapping tiles both ways
  [[4, 1], [1, 8], false, false], // tiled at its smallest: m = 4, n = 8, k = 1
  [[70, 3], [3, 20], false, false], // k < tile, several row tiles
  [[600, 8], [600, 16], true, false], // whole tiles, k in blocks of 256 (256 + 256 + 88), A transposed
  [[6, 300], [300, 10], false, false], // k > 256 with edge tiles: one block
  [[300, 20], [20, 12], false, false], // m ≥ PACK_B_MIN_M: B packed in column panels, the last one moved back
  [[40, 260], [40, 16], true, false], // packed B, A read transposed
  [[256, 300], [300, 24], false, false], // packed B (16-wide panels), the last one moved back
  [[7, 30], [30, 33], false, false], // odd m and n: the last row and column tiles moved back
  [[8, 520], [520, 32], false, false], // whole tiles, k in blocks of 256 (256 + 256 + 8)
  [[300, 256], [300, 32], true, false], // packed, whole tiles, k in blocks, A read transposed
];

test('BatchMatMul: patched = stock wasm = cpu, values and gradients, for every transpose/batch case', () => {
  for (const [as, bs, ta, tb] of matmulCases) {
    const f = () => {
      const a = tf.tensor(data(as, 1), as);
      const b = tf.tensor(data(bs, 2), bs);
      const y = tf.matMul(a, b, ta, tb);
      // tfjs-core's matMul gradient mis-shapes broadcast operands (on every backend): values only there.
      if (as.length !== bs.length) return [y];
      const w = tf.tensor(data(y.shape, 3), y.shape);
      const [ga, gb] = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.matMul(p, q, ta, tb), w)))([a, b]);
      return [y, ga, gb];
    };
    const label = `matMul([${as}], [${bs}], ${ta}, ${tb})`;
    const patched = run('patched', f);
    assertClose(patched, run('stock', f), 1e-5, `${label} vs stock`);
    assertClose(patched, run('cpu', f), 1e-5, `${label} vs cpu`);
  }
});

// Stock wasm is wrong on this path (transposed operand + bias): its naive loop indexes the bias by
// row·n + col (clamped) instead of col, and adds it and clamps once per 48-wide block of k. So the
// reference here is the cpu backend.
test('_FusedMatMul with a transposed operand, bias and relu: patched = cpu, values and gradients', () => {
  for (const [as, bs, ta, tb] of matmulCases.filter(([as, bs]) => as.length === 2 && bs.length === 2)) {
    const f = () => {
      const a = tf.tensor2d(data(as, 4), as as [number, number]);
      const b = tf.tensor2d(data(bs, 5), bs as [number, number]);
      const n = tb ? bs[0] : bs[1];
      const bias = tf.tensor1d(data([n], 6));
      const fused = (p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) =>
        tf.fused.matMul({ a: p as tf.Tensor2D, b: q as tf.Tensor2D, transposeA: ta, transposeB: tb, bias: r, activation: 'relu' });
      const y = fused(a, b, bias);
      const w = tf.tensor(data(y.shape, 7), y.shape);
      const grads = tf.grads((p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => tf.sum(tf.mul(fused(p, q, r), w)))([a, b, bias]);
      return [y, ...grads];
    };
    const label = `fused.matMul([${as}], [${bs}], ${ta}, ${tb})`;
    const patched = run('patched', f);
    assertClose(patched, run('cpu', f), 1e-5, `${label} vs cpu`);
  }
});

test('the small-m product covers the rows it claims and keeps NaN through ReLU (as tf.relu; XNNPACK clamps it to 0)', () => {
  assert.equal(SMALL_M, 4);
  const [y] = run('patched', () => {
    const a = tf.tensor2d([[NaN, 1, 2]]);
    const b = tf.tensor2d(data([3, 5], 8), [3, 5]);
    return [tf.fused.matMul({ a, b, bias: tf.zeros([5]), activation: 'relu' })];
  });
  assert.ok(y.every((v) => Number.isNaN(v)));
});

test('the tiled product keeps NaN through ReLU too, and is exact against XNNPACK on a dense layer', () => {
  const [y] = run('patched', () => {
    const a = tf.tensor2d(data([6, 3], 9), [6, 3]).mul(tf.tensor2d([[NaN], [1], [1], [1], [1], [1]]));
    const b = tf.tensor2d(data([3, 9], 8), [3, 9]);
    return [tf.fused.matMul({ a, b, bias: tf.zeros([9]), activation: 'relu' })];
  });
  assert.ok(y.slice(0, 9).every((v) => Number.isNaN(v)), 'row 0 is NaN');
  assert.ok(y.slice(9).every((v) => Number.isFinite(v) && v >= 0), 'other rows are ReLU outputs');
  // Same summation order as XNNPACK's kernel (bias, then k in order, separate multiply and add).
  // B read in place (fewer than PACK_B_MIN_M rows), then packed into column panels first (the MLP's
  // first layer at batch 64, and panels whose last one is moved back).
  assert.equal(PACK_B_MIN_M, 64);
  for (const rows of [32, 64]) {
    const f = () => [tf.fused.matMul({ a: tf.tensor2d(data([rows, 784], 10), [rows, 784]), b: tf.tensor2d(data([784, 128], 11), [784, 128]), bias: tf.tensor1d(data([128], 12)) })];
    assertClose(run('patched', f), run('stock', f), 0, `tiled vs XNNPACK, ${rows} rows`);
  }
  const g = () => [tf.fused.matMul({ a: tf.tensor2d(data([260, 300], 13), [260, 300]), b: tf.tensor2d(data([300, 20], 14), [300, 20]), bias: tf.tensor1d(data([20], 15)) })];
  assertClose(run('patched', g), run('stock', g), 0, 'tiled with packed B vs XNNPACK');
});

test('classification loss, its gradient and the hit count as one kernel each: = the ops (stock wasm, cpu)', async () => {
  // [b, k, logit scale, labels]: a training batch; large logits; labels outside [0, k) (no term, zero gradient row)
  const cases: Array<[number, number, number, number[] | undefined]> = [[64, 10, 3, undefined], [5, 3, 40, undefined], [4, 3, 2, [0, -1, 3, 2]]];
  for (const [b, k, scale, given] of cases) {
    const labels = given ?? Array.from({ length: b }, (_, i) => (i * 7) % k);
    for (const dtype of ['int32', 'float32'] as const) {
      const f = () => {
        const x = tf.tensor2d(data([b, k], b + k, -scale, scale), [b, k]);
        const y = tf.tensor1d(labels, dtype);
        // dy = 3 reaches the gradient kernel as a scale
        const g = tf.grad((z: tf.Tensor) => tf.mul(sparseSoftmaxCrossEntropy(y, z), 3))(x);
        return [sparseSoftmaxCrossEntropy(y, x), g, correctCount(y, x)];
      };
      const label = `b=${b} k=${k} scale=${scale} labels ${dtype}${given ? ' ' + given : ''}`;
      const patched = run('patched', f);
      assertClose(patched, run('stock', f), 1e-6, `${label} vs stock`);
      assertClose(patched, run('cpu', f), 1e-6, `${label} vs cpu`);
    }
  }
  // Ties go to the first maximum (tf.argMax); NaN anywhere makes the loss NaN.
  const tie = () => [correctCount(tf.tensor1d([1, 2], 'int32'), tf.tensor2d([[1, 3, 3], [1, 3, 3]]))];
  assert.deepEqual([...run('patched', tie)[0]], [...run('stock', tie)[0]]);
  assert.deepEqual([...run('patched', tie)[0]], [1]);
  const [nanLoss] = run('patched', () => [sparseSoftmaxCrossEntropy(tf.tensor1d([0, 1], 'int32'), tf.tensor2d([[0, NaN], [1, 2]]))]);
  assert.ok(Number.isNaN(nanLoss[0]));
  // The kernels really ran (the equalities above would hold trivially on the ops).
  const names = await (async () => {
    tf.setBackend('wasm');
    applyWasmPatches({ force: true });
    const x = tf.tensor2d(data([4, 3], 1), [4, 3]);
    const y = tf.tensor1d([0, 1, 2, 0], 'int32');
    const info = await tf.profile(() => {
      tf.grad((z: tf.Tensor) => sparseSoftmaxCrossEntropy(y, z))(x).dispose();
      correctCount(y, x).dispose();
    });
    tf.dispose([x, y]);
    return new Set(info.kernelNames);
  })();
  for (const k of [SOFTMAX_CE_KERNEL, SOFTMAX_CE_GRAD_KERNEL, COUNT_CORRECT_KERNEL]) assert.ok(names.has(k), `${k} ran`);
});

test('ReLU gradient in one kernel: = tf.mul(dy, tf.step(y)) value for value (signed zeros, ±∞, NaN in dy or y)', async () => {
  const y = [1, 0, -0, -2, Infinity, -Infinity, NaN, 3, 0.5, -1e-30, 1e-30];
  const dy = [2, 3, -4, 5, 6, NaN, 7, Infinity, -Infinity, -8, 9];
  const f = () => [reluGradient(tf.tensor1d(dy), tf.tensor1d(y))];
  const patched = run('patched', f)[0];
  for (const where of ['stock', 'cpu'] as const) {
    const ref = run(where, f)[0];
    patched.forEach((v, i) => assert.ok(Object.is(v, ref[i]), `${where} [${i}]: y=${y[i]} dy=${dy[i]}: ${v} vs ${ref[i]}`));
  }
  const info = await tf.profile(() => tf.tidy(() => { reluGradient(tf.ones([8]), tf.ones([8])); }));
  assert.ok(info.kernelNames.includes(RELU_GRAD_KERNEL), 'the kernel ran');
});

test('empty tensors and a bias that is not one per column go to the stock kernels (no write past an output)', () => {
  const f = () => {
    const out: tf.Tensor[] = [];
    for (let i = 0; i < 50; i++) {
      out.push(tf.grad((v: tf.Tensor) => tf.sum(tf.maxPool(v as tf.Tensor4D, 2, 2, 'valid')))(tf.ones([0, 4, 4, 4])));
      out.push(tf.sum(tf.fill([3, 0], 1), 0));
    }
    // conv filter gradient of an empty batch: zeros, and im2col writes nothing
    out.push(tf.grad((f: tf.Tensor) => tf.sum(tf.conv2d(tf.ones([0, 5, 5, 1]) as tf.Tensor4D, f as tf.Tensor4D, 1, 'valid')))(tf.ones([3, 3, 1, 8])));
    // the new kernels on empty tensors: dropout (and its gradient), a convolution of an empty batch
    // or of zero channels, the ReLU → pool backward of an empty batch
    const e = tf.ones([0, 3]);
    out.push(dropoutWithSeed(e, 0.5, 1), tf.grad((v: tf.Tensor) => tf.sum(dropoutWithSeed(v, 0.5, 1)))(e));
    out.push(tf.fused.conv2d({ x: tf.ones([0, 6, 6, 1]) as tf.Tensor4D, filter: tf.ones([3, 3, 1, 8]) as tf.Tensor4D, strides: 1, pad: 'valid', activation: 'relu' }));
    out.push(tf.conv2d(tf.ones([1, 6, 6, 0]) as tf.Tensor4D, tf.ones([3, 3, 0, 8]) as tf.Tensor4D, 1, 'valid'));
    const y0 = tf.ones([0, 4, 4, 4]) as tf.Tensor4D;
    out.push(maxPool2x2ReluGradient(tf.ones([0, 2, 2, 4]), y0, maxPool2x2(y0)));
    out.push(tf.add(tf.ones([64, 64]), 1)); // allocations after: a corrupted heap fails here
    return out;
  };
  const got = run('patched', f);
  assert.equal(got.length, 107);
  assert.deepEqual(got[100], new Float32Array(72));
  assert.deepEqual(got.slice(101, 106).map((a) => a.length), [0, 0, 0, 4 * 4 * 8, 0]);
  assert.ok(got[104].every((v) => v === 0), 'a convolution over zero channels is 0');
  assert.ok(got[106].every((v) => v === 2));
  // A bias [n, 1] broadcasts per row (cpu); our kernels add one bias per column, so they must not take it.
  const g = () => [tf.fused.matMul({ a: tf.tensor2d(data([8, 8], 17), [8, 8]), b: tf.eye(8) as tf.Tensor2D, bias: tf.tensor2d([0, 100, 200, 300, 400, 500, 600, 700], [8, 1]) })];
  assert.throws(() => run('stock', g)); // stock wasm refuses a rank-2 bias: the patched one must not give wrong numbers
  assert.throws(() => run('patched', g));
});

test('the fast paths take exactly the shapes they claim (so the equality tests above exercise them)', () => {
  assert.deepEqual(leadingAxesSplit([64, 26, 26, 32], [0, 1, 2]), { rows: 64 * 26 * 26, cols: 32, q: 3 });
  assert.deepEqual(leadingAxesSplit([5, 3, 8], [1, 0]), { rows: 15, cols: 8, q: 2 });
  assert.equal(leadingAxesSplit([6, 8], 1), undefined); // trailing axis
  assert.equal(leadingAxesSplit([4, 8], [0, 1]), undefined); // every axis
  const pool = (x: [number, number, number, number], k: number, s: number, pad: 'valid' | 'same') =>
    tilingWindows(tf.backend_util.computePool2DInfo(x, k, s, 1, pad));
  assert.equal(pool([64, 26, 26, 32], 2, 2, 'valid'), true); // the CNN's pool
  assert.equal(pool([2, 6, 6, 32], 2, 2, 'valid'), true);
  assert.equal(pool([1, 7, 9, 8], 2, 2, 'valid'), true); // uncovered last row/column, zeroed
  assert.equal(pool([3, 10, 10, 4], 2, 2, 'valid'), true);
  assert.equal(pool([2, 9, 11, 12], 2, 2, 'valid'), true);
  assert.equal(pool([1, 7, 7, 4], 2, 2, 'same'), false); // padding
  assert.equal(pool([1, 6, 6, 4], 2, 1, 'valid'), false);
  const pool2 = (x: [number, number, number, number], k: number, s: number) => tiling2x2(tf.backend_util.computePool2DInfo(x, k, s, 1, 'valid'));
  assert.equal(pool2([2, 26, 26, 32], 2, 2), true); // the CNN's pool: max_pool_2x2 and max_pool_grad_2x2
  assert.equal(pool2([1, 9, 11, 12], 2, 2), true);
  assert.equal(pool2([1, 6, 6, 8], 3, 3), false); // tiling, not 2×2: the general max_pool_grad
  assert.equal(pool2([1, 7, 7, 6], 2, 2), false);
  assert.equal(pool([2, 7, 7, 3], 3, 1, 'same'), false); // overlapping windows
  assert.equal(pool([1, 9, 8, 2], 3, 2, 'valid'), false);
  assert.equal(pool([1, 6, 6, 6], 2, 2, 'valid'), false); // channels not a multiple of 4
  assert.equal(pool([0, 4, 4, 4], 2, 2, 'valid'), false); // empty
});

test('the transposed-matmul planner swaps the product only when that moves less data', () => {
  // dX = dY·Wᵀ (m=64, k=128, n=784): swapping avoids transposing and re-packing W.
  assert.equal(planTransposedMatMul(64, 128, 784, false, true).swapped, true);
  // dW = Xᵀ·dY (m=784, k=64, n=128): transposing X is cheaper than transposing the result.
  assert.equal(planTransposedMatMul(784, 64, 128, true, false).swapped, false);
});

test('Conv2DBackpropFilter (missing in stock wasm): conv2d filter gradient equals cpu', () => {
  const cases: Array<{ x: [number, number, number, number]; f: [number, number, number, number]; s: number | [number, number]; pad: 'valid' | 'same' | number }> = [
    // im2col_row copies runs of OW inputs by vectors when C = 1 and the stride is 1 (last vector moved back):
    { x: [4, 28, 28, 1], f: [3, 3, 1, 32], s: 1, pad: 'valid' }, // the CNN's layer (OW = 26)
    { x: [2, 6, 6, 1], f: [3, 3, 1, 8], s: 1, pad: 'valid' }, // OW = 4: one vector per run
    { x: [2, 9, 7, 1], f: [3, 3, 1, 4], s: 1, pad: 'same' }, // runs next to zeroed padding columns
    { x: [1, 3, 5, 1], f: [5, 3, 1, 2], s: 1, pad: 'same' }, // whole patch rows in the padding
    // scalar gathers: runs shorter than a vector, strides, C > 1
    { x: [2, 5, 5, 1], f: [3, 3, 1, 4], s: 1, pad: 'valid' }, // OW = 3
    { x: [2, 9, 9, 1], f: [3, 3, 1, 4], s: [1, 2], pad: 'same' },
    { x: [2, 9, 7, 3], f: [3, 2, 3, 5], s: 1, pad: 'same' },
    { x: [2, 11, 10, 2], f: [3, 3, 2, 4], s: [2, 3], pad: 'same' },
    { x: [3, 8, 8, 2], f: [2, 2, 2, 3], s: 2, pad: 1 },
  ];
  for (const c of cases) {
    const fn = () => {
      const x = tf.tensor4d(data(c.x, 8), c.x);
      const filter = tf.tensor4d(data(c.f, 9), c.f);
      const y = tf.conv2d(x, filter, c.s, c.pad);
      const w = tf.tensor(data(y.shape, 10), y.shape);
      const [gx, gf] = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(p as tf.Tensor4D, q as tf.Tensor4D, c.s, c.pad), w)))([x, filter]);
      return [y, gx, gf];
    };
    assertClose(run('patched', fn), run('cpu', fn), 1e-4, `conv2d x=[${c.x}] f=[${c.f}] s=${c.s} pad=${c.pad}`);
  }
});

type ConvCase = { x: [number, number, number, number]; f: [number, number, number, number]; s: number | [number, number]; pad: 'valid' | 'same' | number };

const im2colConvCases: ConvCase[] = [
  { x: [4, 28, 28, 1], f: [3, 3, 1, 32], s: 1, pad: 'valid' }, // the CNN's layer
  { x: [2, 9, 7, 1], f: [3, 3, 1, 8], s: 1, pad: 'same' }, // padding, last row/column tiles moved back
  { x: [2, 9, 9, 3], f: [3, 2, 3, 12], s: [1, 2], pad: 'same' }, // C > 1, strides, scalar gathers
  { x: [3, 8, 8, 2], f: [2, 2, 2, 9], s: 2, pad: 1 },
  { x: [1, 20, 1, 16], f: [3, 1, 16, 8], s: 1, pad: 'valid' }, // a conv1d (Karate's layer) as tf runs it
];

test('Conv2D and FusedConv2D as im2col + the tiled product: = cpu, values and gradients, bias and ReLU', () => {
  for (const c of im2colConvCases) {
    const label = `conv2d x=[${c.x}] f=[${c.f}] s=${c.s} pad=${c.pad}`;
    assert.ok(im2colPlan({ dataId: {}, shape: c.x, dtype: 'float32' }, { dataId: {}, shape: c.f, dtype: 'float32' },
      { strides: c.s, pad: c.pad, dataFormat: 'NHWC', dilations: 1, activation: 'relu' }), `${label} takes the im2col path`);
    const fn = () => {
      const x = tf.tensor4d(data(c.x, 20), c.x);
      const filter = tf.tensor4d(data(c.f, 21), c.f);
      const bias = tf.tensor1d(data([c.f[3]], 22));
      const plain = (p: tf.Tensor, q: tf.Tensor) => tf.conv2d(p as tf.Tensor4D, q as tf.Tensor4D, c.s, c.pad);
      const fused = (p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) =>
        tf.fused.conv2d({ x: p as tf.Tensor4D, filter: q as tf.Tensor4D, strides: c.s, pad: c.pad, bias: r, activation: 'relu' });
      const y = plain(x, filter);
      const yf = fused(x, filter, bias);
      const w = tf.tensor(data(y.shape, 23), y.shape);
      return [y, yf, ...tf.grads((p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => tf.sum(tf.mul(fused(p, q, r), w)))([x, filter, bias])];
    };
    assertClose(run('patched', fn), run('cpu', fn), 1e-5, label);
  }
  // A NaN input reaches exactly the outputs whose patches hold it, through the fused ReLU (as on cpu;
  // XNNPACK's clamp would make them 0).
  const nanFn = () => {
    const xs = data([1, 6, 6, 1], 24);
    xs[2 * 6 + 3] = NaN;
    return [tf.fused.conv2d({ x: tf.tensor4d(xs, [1, 6, 6, 1]), filter: tf.tensor4d(data([3, 3, 1, 8], 25), [3, 3, 1, 8]), strides: 1, pad: 'valid', bias: tf.zeros([8]), activation: 'relu' })];
  };
  const [patched] = run('patched', nanFn);
  const [cpu] = run('cpu', nanFn);
  assert.equal(patched.filter(Number.isNaN).length, 3 * 3 * 8, 'NaN in the 3×3 outputs that see it, every channel');
  assert.deepEqual(Array.from(patched, Number.isNaN), Array.from(cpu, Number.isNaN));
});

test('convolutions the im2col path does not take go to the stock kernel', () => {
  const info = (shape: number[], dtype: tf.DataType = 'float32') => ({ dataId: {}, shape, dtype });
  const attrs = { strides: 1, pad: 'valid' as const, dataFormat: 'NHWC' as const, dilations: 1 };
  assert.equal(im2colPlan(info([1, 6, 6, 1]), info([3, 3, 1, 8]), { ...attrs, dilations: 2 }), undefined);
  assert.equal(im2colPlan(info([1, 6, 6, 1]), info([3, 3, 1, 8]), { ...attrs, activation: 'elu' }), undefined);
  assert.equal(im2colPlan(info([1, 6, 6, 1]), info([3, 3, 1, 4]), attrs), undefined); // fewer than 8 output channels
  assert.equal(im2colPlan(info([1, 3, 3, 1]), info([3, 3, 1, 8]), attrs), undefined); // fewer than 4 output pixels
  assert.equal(im2colPlan(info([1, 6, 6, 1]), info([3, 3, 1, 8]), attrs, info([1, 8])), undefined); // bias not [OC]
  assert.equal(im2colPlan(info([1, 6, 6, 2]), info([3, 3, 1, 8]), attrs), undefined); // channel mismatch: stock's error
  const big = Math.ceil(Math.sqrt(MAX_PATCH_BYTES / 4 / 9)) + 2;
  assert.equal(im2colPlan(info([1, big, big, 1]), info([3, 3, 1, 8]), attrs), undefined); // patches over the cap
  assert.ok(im2colPlan(info([1, big - 40, big - 40, 1]), info([3, 3, 1, 8]), attrs));
  // Zero input channels: taken (stock XNNPACK fails on them), the output is act(bias).
  assert.ok(im2colPlan(info([1, 6, 6, 0]), info([3, 3, 0, 8]), attrs));
  const none = () => [tf.conv2d(tf.ones([1, 6, 6, 0]) as tf.Tensor4D, tf.ones([3, 3, 0, 8]) as tf.Tensor4D, 1, 'valid'),
    tf.fused.conv2d({ x: tf.ones([1, 6, 6, 0]) as tf.Tensor4D, filter: tf.ones([3, 3, 0, 8]) as tf.Tensor4D, strides: 1, pad: 'valid', bias: tf.tensor1d([-1, 2, -3, 4, 0.5, -0.5, 0, 7]), activation: 'relu' })];
  assert.deepEqual(run('patched', none), run('cpu', none));
  // ...and still compute the right thing there (dilation through stock XNNPACK).
  const fn = () => [tf.conv2d(tf.tensor4d(data([1, 7, 7, 1], 26), [1, 7, 7, 1]), tf.tensor4d(data([3, 3, 1, 8], 27), [3, 3, 1, 8]), 1, 'valid', 'NHWC', 2)];
  assertClose(run('patched', fn), run('cpu', fn), 1e-5, 'dilated conv2d');
});

test('dropout in one kernel: the mask of createRng(seed), bit for bit as the JS path (cpu, stock wasm), values and gradients', () => {
  const cases: Array<[number[], number, number]> = [[[64, 13, 13, 32], 0.25, 12345], [[64, 256], 0.5, 0], [[3], 0.5, 4294967295], [[7], 0.9, 77], [[2, 5], 0, 3], [[1], 0.3, 9]];
  for (const [shape, rate, seed] of cases) {
    const label = `dropout [${shape}] rate ${rate} seed ${seed}`;
    const fn = () => {
      const xs = data(shape, 30);
      xs[0] = NaN; // NaN · 0 is NaN and NaN · scale is NaN: as tf.mul
      if (xs.length > 1) xs[1] = -2; // a dropped negative gives −0 on every path
      const x = tf.tensor(xs, shape);
      const w = tf.tensor(data(shape, 31), shape);
      return [dropoutWithSeed(x, rate, seed), tf.grad((p: tf.Tensor) => tf.sum(tf.mul(dropoutWithSeed(p, rate, seed), w)))(x)];
    };
    const [y, g] = run('patched', fn);
    assert.deepEqual([y, g], run('cpu', fn), `${label} vs cpu`);
    assert.deepEqual([y, g], run('stock', fn), `${label} vs stock wasm (the JS path)`);
    // The mask from the draws directly, as the docs state it: kept where u ≥ rate, scaled by 1/(1 − rate).
    const rng = createRng(seed);
    const xs = data(shape, 30);
    const ws = data(shape, 31);
    const scale = Math.fround(1 / (1 - rate));
    for (let i = 0; i < y.length; i++) {
      const m = rng.next() >= rate ? scale : 0;
      if (i === 0) assert.ok(Number.isNaN(y[0]), `${label}: NaN stays NaN`);
      else if (i === 1) assert.ok(Object.is(y[1], Math.fround(-2 * m)), `${label}: element 1`);
      else assert.equal(y[i], Math.fround(xs[i] * m), `${label}: element ${i}`);
      assert.equal(g[i], Math.fround(ws[i] * m), `${label}: gradient ${i}`);
    }
  }
  assert.ok(tf.getKernel(DROPOUT_KERNEL, 'wasm'), 'the kernel is installed with the patches');
  assert.equal(dropoutThreshold(0.25), 2 ** 30);
  assert.throws(() => dropoutThreshold(1), /dropout rate must be in \[0, 1/);
  assert.throws(() => dropoutThreshold(-0.1), /dropout rate must be in \[0, 1/);
  assert.throws(() => dropoutThreshold(NaN), /dropout rate must be in \[0, 1/);
  for (const where of ['patched', 'cpu'] as const) {
    assert.throws(() => run(where, () => [dropoutWithSeed(tf.ones([8]), 0.5, 1.5)]), /Seed must be a finite integer/, `${where}: a fractional seed`);
  }
});

test('UnsortedSegmentSum (missing in stock wasm): gather gradient and the op itself equal cpu', () => {
  const fn = () => {
    const table = tf.tensor2d(data([6, 4], 11), [6, 4]);
    const idx = tf.tensor1d([0, 5, 5, 2, 0, 0, 3], 'int32');
    const w = tf.tensor2d(data([7, 4], 12), [7, 4]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, idx), w)))(table);
    const seg = tf.unsortedSegmentSum(tf.tensor2d(data([5, 3], 13), [5, 3]), tf.tensor1d([2, 0, 2, 7, -1], 'int32'), 4);
    const segInt = tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4], 'int32'), tf.tensor1d([1, 1, 0, 1], 'int32'), 2);
    return [g, seg, tf.cast(segInt, 'float32')];
  };
  assertClose(run('patched', fn), run('cpu', fn), 1e-6, 'unsortedSegmentSum');
});

test('MaxPoolGrad: equals cpu, including ties and windows ≤ 0 (where stock wasm misroutes)', () => {
  const cases: Array<{ x: [number, number, number, number]; k: number; s: number; pad: 'valid' | 'same'; relu: boolean; ties?: boolean }> = [
    { x: [2, 26, 26, 4], k: 2, s: 2, pad: 'valid', relu: true }, // the CNN's pool after a ReLU: many all-zero windows
    { x: [2, 7, 7, 3], k: 3, s: 1, pad: 'same', relu: false }, // overlapping windows, padding
    { x: [1, 9, 8, 2], k: 3, s: 2, pad: 'valid', relu: true },
    { x: [2, 6, 6, 32], k: 2, s: 2, pad: 'valid', relu: true }, // tiling windows: the SIMD pass
    { x: [1, 7, 9, 8], k: 2, s: 2, pad: 'valid', relu: false }, // SIMD pass; last row and column in no window
    { x: [1, 6, 6, 8], k: 3, s: 3, pad: 'valid', relu: true }, // SIMD pass, 3×3 windows
    { x: [3, 10, 10, 4], k: 2, s: 2, pad: 'valid', relu: true, ties: true }, // 2×2 pass, many ties at nonzero values
    { x: [2, 9, 11, 12], k: 2, s: 2, pad: 'valid', relu: false, ties: true }, // 2×2 pass; last row and column in no window
    { x: [1, 7, 7, 4], k: 2, s: 2, pad: 'same', relu: true }, // padding: the JS loop
    { x: [1, 6, 6, 4], k: 2, s: 1, pad: 'valid', relu: false, ties: true }, // overlapping 2×2 windows: the JS loop
  ];
  for (const c of cases) {
    const fn = () => {
      // ties: integers in [−4, 4], so many windows hold equal maxima of which only the first may win
      const x0: tf.Tensor4D = c.ties ? tf.round(tf.tensor4d(data(c.x, 14, -4, 4), c.x)) : tf.tensor4d(data(c.x, 14), c.x);
      const x = c.relu ? tf.relu(x0) : x0;
      const y = tf.maxPool(x, c.k, c.s, c.pad);
      const w = tf.tensor(data(y.shape, 15), y.shape);
      return [y, tf.grad((p: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(p as tf.Tensor4D, c.k, c.s, c.pad), w)))(x)];
    };
    assertClose(run('patched', fn), run('cpu', fn), 1e-6, `maxPool x=[${c.x}] k=${c.k} s=${c.s} ${c.pad}`);
  }
});

test('MaxPoolGrad with NaN and −∞ inputs: NaN never wins, a window of NaN or −∞ passes no gradient (as cpu)', () => {
  const specials = [NaN, -Infinity, NaN, NaN, -Infinity, -Infinity, NaN, 0.5];
  for (const [shape, k, s] of [[[2, 6, 8, 8], 2, 2], [[1, 6, 6, 4], 3, 3], [[1, 5, 5, 3], 2, 2]] as Array<[[number, number, number, number], number, number]>) {
    const xs = data(shape, 16);
    // NaN and −∞ scattered over positions (and whole windows) with a stride prime to the layout
    for (let i = 0; i < xs.length; i += 3) xs[i] = specials[(i / 3) % specials.length];
    for (let i = 0; i < shape[3]; i++) xs[i] = xs[i + shape[3]] = xs[i + shape[2] * shape[3]] = xs[i + (shape[2] + 1) * shape[3]] = i % 2 ? NaN : -Infinity;
    const fn = () => {
      const x = tf.tensor4d(xs, shape);
      const w = tf.tensor(data(tf.maxPool(x, k, s, 'valid').shape, 17), tf.maxPool(x, k, s, 'valid').shape);
      return [tf.grad((p: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(p as tf.Tensor4D, k, s, 'valid'), w)))(x)];
    };
    assertClose(run('patched', fn), run('cpu', fn), 0, `maxPool grad with NaN x=[${shape}] k=${k}`);
  }
});

test('ReLU → 2×2 max pool backward in one kernel: = MaxPoolGrad then the ReLU gradient (patched wasm, cpu), bit for bit', () => {
  const sign = (a: Float32Array) => Array.from(a, (v) => (Object.is(v, -0) ? '-0' : v));
  for (const shape of [[2, 26, 26, 32], [1, 7, 9, 8], [3, 4, 6, 4]] as Array<[number, number, number, number]>) {
    const make = (fused: boolean) => () => {
      // ReLU outputs with ties (rounded), zeros (a window of zeros passes no gradient through ReLU'), NaN, +∞.
      const ys = data(shape, 40, -2, 3).map((v) => Math.max(0, Math.round(v)));
      // NaN at each of the first window's four positions (one channel each), +∞ in the next window.
      const [, , w, c] = shape;
      [[0, 0, 1], [0, 1, 2], [1, 0, 3], [1, 1, 0]].forEach(([py, px, ch]) => (ys[(py * w + px) * c + ch] = NaN));
      ys[3 * c] = Infinity;
      // ...and in an odd last row or column, which no window covers: 0 · step(NaN) is NaN there too.
      const [, h] = shape;
      ys[((h - 1) * w + 1) * c + 2] = NaN;
      ys[(w - 1) * c + 3] = NaN;
      const y = tf.tensor4d(ys, shape);
      const p = maxPool2x2(y);
      const dp = tf.tensor4d(data(p.shape, 41), p.shape as [number, number, number, number]);
      if (fused) return [maxPool2x2ReluGradient(dp, y, p)];
      const dy = tf.engine().runKernel('MaxPoolGrad', { dy: dp, input: y, output: p }, { filterSize: 2, strides: 2, pad: 'valid' }) as tf.Tensor;
      return [reluGradient(dy, y)];
    };
    const [fused] = run('patched', make(true));
    assert.deepEqual(sign(fused), sign(run('patched', make(false))[0]), `[${shape}] vs MaxPoolGrad + AtlasReluGrad`);
    assert.deepEqual(sign(fused), sign(run('cpu', make(true))[0]), `[${shape}] vs cpu`);
  }
  assert.ok(tf.getKernel(MAX_POOL_RELU_GRAD_KERNEL, 'wasm'));
});

test('MaxPool over 2×2 tiling windows: patched = stock wasm = cpu; with NaN and −∞, patched = cpu', () => {
  const shapes: Array<[number, number, number, number]> = [[2, 26, 26, 32], [1, 9, 11, 12], [3, 4, 4, 4], [1, 7, 7, 6]]; // the last: C % 4 ≠ 0, stock
  for (const shape of shapes) {
    const fn = () => [tf.maxPool(tf.tensor4d(data(shape, 18), shape), 2, 2, 'valid'), tf.maxPool(tf.round(tf.tensor4d(data(shape, 19, -3, 3), shape)), 2, 2, 'valid')];
    const patched = run('patched', fn);
    // exact; rounded data has ties of −0 and 0: the first wins here and on cpu (bit for bit), stock
    // XNNPACK keeps the last (equal as numbers, so a model's values are the same)
    assertClose(patched, run('stock', fn), 0, `maxPool x=[${shape}] vs stock`);
    assert.deepEqual(patched, run('cpu', fn), `maxPool x=[${shape}] vs cpu`);
  }
  const shape: [number, number, number, number] = [2, 6, 8, 8];
  const xs = data(shape, 20);
  const specials = [NaN, -Infinity, NaN, NaN, -Infinity, 0.5];
  for (let i = 0; i < xs.length; i += 3) xs[i] = specials[(i / 3) % specials.length];
  for (let c = 0; c < 8; c++) xs[c] = xs[c + 8] = xs[c + 64] = xs[c + 72] = c % 2 ? NaN : -Infinity; // whole windows
  const fn = () => [tf.maxPool(tf.tensor4d(xs, shape), 2, 2, 'valid')];
  assert.deepEqual(run('patched', fn), run('cpu', fn), 'maxPool with NaN');
});

test('Sum over leading axes: patched = stock wasm = cpu; other axes go to stock', () => {
  const cases: Array<{ shape: number[]; axis: number | number[]; keepDims: boolean }> = [
    { shape: [8, 26, 26, 32], axis: [0, 1, 2], keepDims: false }, // the CNN's conv-bias gradient
    { shape: [64, 128], axis: 0, keepDims: false }, // a dense bias gradient
    { shape: [5, 3, 8], axis: [1, 0], keepDims: true },
    { shape: [6, 10], axis: 0, keepDims: false }, // 10 columns: not a multiple of 4, stock
    { shape: [6, 8], axis: 1, keepDims: false }, // trailing axis, stock
    { shape: [4, 8], axis: [0, 1], keepDims: false }, // every axis, stock
  ];
  for (const c of cases) {
    const fn = () => {
      const x = tf.tensor(data(c.shape, 16), c.shape);
      return [tf.sum(x, c.axis, c.keepDims), tf.grad((p: tf.Tensor) => tf.sum(tf.mul(tf.sum(p, c.axis, c.keepDims), 3)))(x)];
    };
    const label = `sum([${c.shape}], ${JSON.stringify(c.axis)}, ${c.keepDims})`;
    const patched = run('patched', fn);
    assertClose(patched, run('stock', fn), 1e-6, `${label} vs stock`);
    assertClose(patched, run('cpu', fn), 1e-5, `${label} vs cpu`);
  }
});

test('Identity/Cast share memory safely: clones survive their source and hold its values', () => {
  const before = tf.memory().numTensors;
  const a = tf.tensor1d([1, 2, 3]);
  const b = tf.clone(a);
  const c = tf.cast(a, 'float32');
  const d = tf.cast(a, 'int32'); // a real conversion still runs the stock kernel
  a.dispose();
  assert.deepEqual(Array.from(b.dataSync()), [1, 2, 3]);
  assert.deepEqual(Array.from(c.dataSync()), [1, 2, 3]);
  assert.equal(d.dtype, 'int32');
  assert.deepEqual(Array.from(d.dataSync()), [1, 2, 3]);
  const [init, next] = [tf.tensor1d([5, 6]), tf.tensor1d([7, 8])];
  const v = tf.variable(init);
  const snapshot = tf.clone(v);
  v.assign(next);
  assert.deepEqual(Array.from(snapshot.dataSync()), [5, 6], 'a clone keeps the value at clone time');
  assert.deepEqual(Array.from(v.dataSync()), [7, 8]);
  tf.dispose([b, c, d, v, snapshot, init, next]);
  assert.equal(tf.memory().numTensors, before);
});

test('a patched training step leaks no tensors and no wasm memory', () => {
  const w = tf.variable(tf.tensor2d(data([20, 8], 16), [20, 8]));
  const bias = tf.variable(tf.zeros([8]));
  const opt = tf.train.adam(0.01);
  const x = tf.tensor2d(data([16, 20], 17), [16, 20]);
  const step = () => opt.minimize(() => tf.mean(tf.square(tf.fused.matMul({ a: x, b: w as tf.Tensor2D, bias, activation: 'relu' }))), true)?.dispose();
  step();
  const tensors = tf.memory().numTensors;
  const bytes = tf.memory().numBytes;
  for (let i = 0; i < 5; i++) step();
  assert.equal(tf.memory().numTensors, tensors);
  assert.equal(tf.memory().numBytes, bytes);
  tf.dispose([w, bias, x]);
  opt.dispose();
});

test('patch switches: ATLAS_WASM_PATCHES=0 keeps only the fixes; removal restores the stock kernels', () => {
  assert.equal(wasmPatchesEnabled({ ATLAS_WASM_PATCHES: '0' }), false);
  assert.equal(wasmPatchesEnabled({ ATLAS_WASM_PATCHES: 'off' }), false);
  assert.equal(wasmPatchesEnabled({}), true);
  const names = listWasmPatches().map((p) => p.name);
  const fixes = listWasmPatches().filter((p) => p.kind === 'fix').map((p) => p.name);
  assert.deepEqual(appliedWasmPatches(), names);

  removeWasmPatches({ keepFixes: true });
  assert.deepEqual(appliedWasmPatches(), fixes);
  assert.ok(tf.getKernel('Conv2DBackpropFilter', 'wasm'), 'fixes stay installed');
  const stockMatMul = tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc;

  const saved = process.env.ATLAS_WASM_PATCHES;
  process.env.ATLAS_WASM_PATCHES = '0';
  try {
    assert.deepEqual(applyWasmPatches(), fixes);
  } finally {
    if (saved === undefined) delete process.env.ATLAS_WASM_PATCHES;
    else process.env.ATLAS_WASM_PATCHES = saved;
  }
  applyWasmPatches({ force: true });
  assert.notEqual(tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc, stockMatMul);
  removeWasmPatches({ keepFixes: true });
  assert.equal(tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc, stockMatMul, 'uninstall restores the stock kernel');
  applyWasmPatches({ force: true });
  assert.deepEqual(appliedWasmPatches(), names);
});
