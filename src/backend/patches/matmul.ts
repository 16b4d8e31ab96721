// Transposed matmuls on wasm. The stock BatchMatMul/_FusedMatMul kernels send every product with a
// transposed operand (or a batch > 1) to a naive triple loop (~1-2 GFLOP/s), and only plain 2-D
// products to XNNPACK (~10-20 GFLOP/s). A dense layer's backward pass is exactly dX = dY·Wᵀ and
// dW = Xᵀ·dY, so this patch rewrites 2-D transposed products as plain ones on explicitly
// transposed operands, choosing the cheaper of
//   C = op(A)·op(B)                 (transpose the operands that are marked transposed), or
//   C = (op(B)ᵀ·op(A)ᵀ)ᵀ            (a marked-transposed operand is then free; transpose the result).
// XNNPACK re-packs its right operand ("weights") on each new tensor, so that cost counts too.
import * as tf from '@tensorflow/tfjs';
import { asWasm, overrideWasmKernel, stockKernel, view, type KernelArgs, type WasmKernelFunc } from './kernel-override';

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
 * transposes, plus XNNPACK's packing of the right operand, plus (swapped) the result transpose.
 */
export function planTransposedMatMul(m: number, k: number, n: number, transposeA: boolean, transposeB: boolean): Plan {
  const direct = (transposeA ? m * k : 0) + (transposeB ? k * n : 0) + k * n;
  const swapped = (transposeB ? 0 : k * n) + (transposeA ? 0 : m * k) + k * m + m * n;
  return { swapped: swapped < direct };
}

export function createTransposedMatMulKernels(): { batchMatMul: (stock: WasmKernelFunc) => WasmKernelFunc; fusedMatMul: (stock: WasmKernelFunc) => WasmKernelFunc } {
  const transposeKernel = stockKernel('Transpose');
  const transpose2d = (x: tf.TensorInfo, backend: KernelArgs['backend']): tf.TensorInfo =>
    transposeKernel({ inputs: { x }, backend, attrs: { perm: [1, 0] } } as unknown as KernelArgs);

  /** 2-D views of A and B and the product's sizes, or undefined when the stock kernel should run. */
  function shapes(a: tf.TensorInfo, b: tf.TensorInfo, { transposeA, transposeB }: MatMulAttrs) {
    if (!transposeA && !transposeB) return undefined;
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

  const batchMatMul = (stock: WasmKernelFunc): WasmKernelFunc => (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const attrs = args.attrs as unknown as MatMulAttrs;
    const s = shapes(a, b, attrs);
    if (!s) return stock(args);
    const backend = asWasm(args.backend);
    const temps: tf.TensorInfo[] = [];
    const T = (x: tf.TensorInfo) => {
      const t = transpose2d(x, args.backend);
      temps.push(t);
      return t;
    };
    const plain = (x: tf.TensorInfo, w: tf.TensorInfo) =>
      stock({ ...args, inputs: { a: x, b: w }, attrs: { transposeA: false, transposeB: false } } as unknown as KernelArgs);
    let out: tf.TensorInfo;
    try {
      if (planTransposedMatMul(s.m, s.k, s.n, attrs.transposeA, attrs.transposeB).swapped) {
        const x = attrs.transposeB ? s.b2 : T(s.b2); // op(B)ᵀ  [n,k]
        const w = attrs.transposeA ? s.a2 : T(s.a2); // op(A)ᵀ  [k,m]
        const ct = plain(x, w); // Cᵀ [n,m]
        temps.push(ct);
        out = transpose2d(view(ct, [s.n, s.m]), args.backend);
      } else {
        out = plain(attrs.transposeA ? T(s.a2) : s.a2, attrs.transposeB ? T(s.b2) : s.b2);
      }
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
    out.shape = s.outShape;
    return out;
  };

  // _FusedMatMul adds bias/activation on the output layout, so only the direct form applies.
  const fusedMatMul = (stock: WasmKernelFunc): WasmKernelFunc => (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const attrs = args.attrs as unknown as MatMulAttrs;
    const s = shapes(a, b, attrs);
    if (!s) return stock(args);
    const backend = asWasm(args.backend);
    const temps: tf.TensorInfo[] = [];
    try {
      const x = attrs.transposeA ? transpose2d(s.a2, args.backend) : s.a2;
      if (attrs.transposeA) temps.push(x);
      const w = attrs.transposeB ? transpose2d(s.b2, args.backend) : s.b2;
      if (attrs.transposeB) temps.push(w);
      const out = stock({
        ...args,
        inputs: { ...args.inputs, a: view(x, [1, s.m, s.k]), b: view(w, [1, s.k, s.n]) },
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      } as unknown as KernelArgs);
      out.shape = s.outShape;
      return out;
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };

  return { batchMatMul, fusedMatMul };
}

/** Patch entry: installs both kernels; returns the uninstall function. */
export function installTransposedMatMul(): () => void {
  const k = createTransposedMatMulKernels();
  const undo = [overrideWasmKernel('BatchMatMul', k.batchMatMul), overrideWasmKernel('_FusedMatMul', k.fusedMatMul)];
  return () => undo.reverse().forEach((u) => u());
}
