// Matrix products on wasm. The stock BatchMatMul/_FusedMatMul kernels send every product with a
// transposed operand (or a batch > 1) to a naive triple loop (~1-2 GFLOP/s), and only plain 2-D
// products to XNNPACK (~10-30 GFLOP/s), which first copies ("packs") its right operand once per new
// tensor — and a weight matrix is a new tensor after every optimizer step, so packing cost as much as
// the product (64×784×128: 0.98 ms on fresh weights against 0.49 ms on packed ones).
// Routing of a 2-D product C[m,n] = op(A)·op(B) here:
//  - m ≥ TILE_M and n ≥ TILE_N, B not transposed: simd-kernels.wat `gemm` (4×8 register tiles, A plain
//    or read transposed through strides: dW = Xᵀ·dY needs no transpose; B read in place below
//    PACK_B_MIN_M rows, where packing would cost as much as it saves, and from 8-column panels above);
//    as fast as XNNPACK's kernel on packed weights, without packing the weights of a forward pass;
//  - m ≤ SMALL_M (batch 1), no transpose: `gemm_small` (one row at a time);
//  - a transposed B: rewritten as a plain product on an explicit transpose, choosing the cheaper of
//    C = op(A)·op(B) or C = (op(B)ᵀ·op(A)ᵀ)ᵀ (planTransposedMatMul), then routed as above;
//  - anything else (batches, prelu, other activations): the stock kernel.
import * as tf from '@tensorflow/tfjs';
import { asWasm, overrideWasmKernel, stockKernel, view, type KernelArgs, type WasmKernelFunc } from './kernel-override';
import { heapOffset, simdKernels } from './simd-kernels';

interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

const batchOf = (shape: number[]) => shape.slice(0, -2).reduce((p, d) => p * d, 1);

interface Plan {
  /** Multiply op(B)ᵀ·op(A)ᵀ and transpose the result. */
  swapped: boolean;
}

/**
 * Cost in element moves of each formulation for C[m,n] = op(A)[m,k]·op(B)[k,n]: explicit
 * transposes, plus a packing of the right operand (XNNPACK's, for the products that still go there),
 * plus (swapped) the result transpose.
 */
export function planTransposedMatMul(m: number, k: number, n: number, transposeA: boolean, transposeB: boolean): Plan {
  const direct = (transposeA ? m * k : 0) + (transposeB ? k * n : 0) + k * n;
  const swapped = (transposeB ? 0 : k * n) + (transposeA ? 0 : m * k) + k * m + m * n;
  return { swapped: swapped < direct };
}

/** Largest row count sent to the small-m product: reading B m times beats packing it up to here. */
export const SMALL_M = 4;

/**
 * C = A·B for a few rows without XNNPACK (simd-kernels.wat gemm_small). XNNPACK packs its right
 * operand before multiplying, once per new tensor: a weight matrix is new after every optimizer
 * step, and at batch 1 packing 784×500 weights costs ~8× the product itself.
 */
function smallProduct(backend: KernelArgs['backend'], a: tf.TensorInfo, b: tf.TensorInfo, m: number, k: number, n: number, outShape: number[], bias?: tf.TensorInfo, relu = false): tf.TensorInfo {
  const out = asWasm(backend).makeOutput(outShape, 'float32');
  simdKernels(backend).gemm_small(heapOffset(backend, a), heapOffset(backend, b), bias ? heapOffset(backend, bias) : 0, heapOffset(backend, out), m, k, n, relu ? 1 : 0);
  return out;
}

/** Smallest product sent to the tiled kernel (its 4×8 tile; smaller rows go to gemm_small or XNNPACK). */
export const TILE_M = 4;
export const TILE_N = 8;

/**
 * Row count from which B is first copied into column panels (simd-kernels.wat pack_b8): with 16 or
 * more row tiles reading every strip of B, the copy of k·n floats costs less than the strided reads
 * it saves. Measured on the raw kernels, copy included: 64×784×128 (the MLP's first layer at batch
 * 64) 0.43 → 0.39 ms, 64×128×64 8 % faster, 64×5408×256 unchanged; 32 rows broke even, 8–16 rows
 * lost 7–30 %. The CNN's dW and dX products (5408 rows) gained 10–30 %.
 */
export const PACK_B_MIN_M = 64;

/**
 * C = op(A)·B without packing (simd-kernels.wat gemm): A row-major [m,k], or stored transposed
 * [k,m] (`transposedA`, read through strides: dW = Xᵀ·dY needs no transpose), B row-major [k,n].
 */
export function tiledProduct(backend: KernelArgs['backend'], a: tf.TensorInfo, b: tf.TensorInfo, m: number, k: number, n: number, transposedA: boolean, outShape: number[], bias?: tf.TensorInfo, relu = false): tf.TensorInfo {
  const wasm = asWasm(backend);
  const kernels = simdKernels(backend);
  const out = wasm.makeOutput(outShape, 'float32');
  const [sai, sak] = transposedA ? [1, m] : [k, 1];
  let packed: tf.TensorInfo | undefined;
  try {
    if (m >= PACK_B_MIN_M) {
      packed = wasm.makeOutput([Math.ceil(n / TILE_N) * TILE_N * k], 'float32');
      kernels.pack_b8(heapOffset(backend, b), heapOffset(backend, packed), k, n);
    }
    kernels.gemm(heapOffset(backend, a), heapOffset(backend, packed ?? b), bias ? heapOffset(backend, bias) : 0, heapOffset(backend, out), m, k, n, relu ? 1 : 0, sai, sak, packed ? 1 : 0);
  } catch (e) {
    wasm.disposeData(out.dataId);
    throw e;
  } finally {
    if (packed) wasm.disposeData(packed.dataId);
  }
  return out;
}

const tiled = (m: number, n: number) => m >= TILE_M && n >= TILE_N;

export function createTransposedMatMulKernels(): { batchMatMul: (stock: WasmKernelFunc) => WasmKernelFunc; fusedMatMul: (stock: WasmKernelFunc) => WasmKernelFunc } {
  const transposeKernel = stockKernel('Transpose');

  /** 2-D views of A and B and the product's sizes, or undefined when the stock kernel should run. */
  function shapes(a: tf.TensorInfo, b: tf.TensorInfo, { transposeA, transposeB }: MatMulAttrs) {
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
    if (a.shape.length < 2 || b.shape.length < 2 || batchOf(a.shape) !== 1 || batchOf(b.shape) !== 1) return undefined;
    const [ar, ac] = a.shape.slice(-2);
    const [br, bc] = b.shape.slice(-2);
    const [m, k] = transposeA ? [ac, ar] : [ar, ac];
    const [k2, n] = transposeB ? [bc, br] : [br, bc];
    if (k !== k2 || m * k * n === 0) return undefined; // the stock kernel reports shape errors
    const batchDims = a.shape.length >= b.shape.length ? a.shape.slice(0, -2) : b.shape.slice(0, -2);
    return { a2: view(a, [ar, ac]), b2: view(b, [br, bc]), m, k, n, outShape: [...batchDims, m, n] };
  }

  const transpose2d = (x: tf.TensorInfo, backend: KernelArgs['backend']): tf.TensorInfo =>
    transposeKernel({ inputs: { x }, backend, attrs: { perm: [1, 0] } } as unknown as KernelArgs);

  /**
   * The set-up both kernels share: runs `body` with `T` (a transpose) and `temp` (mark a tensor
   * temporary); every transpose and temporary is freed afterwards, the result is not.
   */
  function withTransposes<R>(backend: KernelArgs['backend'], body: (T: (x: tf.TensorInfo) => tf.TensorInfo, temp: (x: tf.TensorInfo) => tf.TensorInfo) => R): R {
    const temps: tf.TensorInfo[] = [];
    const temp = (t: tf.TensorInfo) => {
      temps.push(t);
      return t;
    };
    try {
      return body((x) => temp(transpose2d(x, backend)), temp);
    } finally {
      for (const t of temps) asWasm(backend).disposeData(t.dataId);
    }
  }

  const batchMatMul = (stock: WasmKernelFunc): WasmKernelFunc => (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const attrs = args.attrs as unknown as MatMulAttrs;
    const s = shapes(a, b, attrs);
    if (!s) return stock(args);
    const { transposeA, transposeB } = attrs;
    if (!transposeB && tiled(s.m, s.n)) return tiledProduct(args.backend, s.a2, s.b2, s.m, s.k, s.n, transposeA, s.outShape);
    if (!transposeA && !transposeB) {
      return s.m <= SMALL_M ? smallProduct(args.backend, s.a2, s.b2, s.m, s.k, s.n, s.outShape) : stock(args);
    }
    // x [m', k'] · w [k', n'], both row-major, as the planned formulation needs it.
    const plain = (x: tf.TensorInfo, w: tf.TensorInfo) => {
      const [m2, k2] = x.shape;
      const n2 = w.shape[1];
      return tiled(m2, n2) ? tiledProduct(args.backend, x, w, m2, k2, n2, false, [m2, n2])
        : stock({ ...args, inputs: { a: x, b: w }, attrs: { transposeA: false, transposeB: false } } as unknown as KernelArgs);
    };
    const out = withTransposes(args.backend, (T, temp) => {
      if (!planTransposedMatMul(s.m, s.k, s.n, transposeA, transposeB).swapped) return plain(transposeA ? T(s.a2) : s.a2, transposeB ? T(s.b2) : s.b2);
      const x = transposeB ? s.b2 : T(s.b2); // op(B)ᵀ  [n,k]
      const w = transposeA ? s.a2 : T(s.a2); // op(A)ᵀ  [k,m]
      return transpose2d(temp(plain(x, w)), args.backend); // (Cᵀ [n,m])ᵀ
    });
    out.shape = s.outShape;
    return out;
  };

  // _FusedMatMul adds bias/activation on the output layout, so only the direct form applies.
  const fusedMatMul = (stock: WasmKernelFunc): WasmKernelFunc => (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo; bias?: tf.TensorInfo; preluActivationWeights?: tf.TensorInfo };
    const attrs = args.attrs as unknown as MatMulAttrs & { activation?: string };
    const s = shapes(a, b, attrs);
    if (!s) return stock(args);
    const { transposeA, transposeB } = attrs;
    const activation = attrs.activation ?? 'linear';
    // Our kernels add a bias per column and fuse only ReLU; a bias of another shape (e.g. [n, 1],
    // broadcast per row) or another activation goes to the stock kernel.
    const fusable = !preluActivationWeights && (activation === 'linear' || activation === 'relu')
      && (!bias || (bias.dtype === 'float32' && bias.shape.length === 1 && bias.shape[0] === s.n));
    const smallOk = fusable && s.m <= SMALL_M;
    const tiledOk = fusable && tiled(s.m, s.n);
    if (!transposeA && !transposeB && !smallOk && !tiledOk) return stock(args);
    const out = withTransposes(args.backend, (T) => {
      const w = transposeB ? T(s.b2) : s.b2;
      if (tiledOk) return tiledProduct(args.backend, s.a2, w, s.m, s.k, s.n, transposeA, s.outShape, bias, activation === 'relu');
      const x = transposeA ? T(s.a2) : s.a2;
      if (smallOk) return smallProduct(args.backend, x, w, s.m, s.k, s.n, s.outShape, bias, activation === 'relu');
      return stock({
        ...args,
        inputs: { ...args.inputs, a: view(x, [1, s.m, s.k]), b: view(w, [1, s.k, s.n]) },
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      } as unknown as KernelArgs);
    });
    out.shape = s.outShape;
    return out;
  };

  return { batchMatMul, fusedMatMul };
}

/** Patch entry: installs both kernels; returns the uninstall function. */
export function installTransposedMatMul(): () => void {
  const k = createTransposedMatMulKernels();
  const undo = [overrideWasmKernel('BatchMatMul', k.batchMatMul), overrideWasmKernel('_FusedMatMul', k.fusedMatMul)];
  return () => undo.reverse().forEach((u) => u());
}
