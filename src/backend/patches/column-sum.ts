// Sum over the leading axes on wasm (x [..., C] → [C], e.g. a bias gradient: the CNN's conv bias sums
// 64×26×26 rows of 32 channels each step). The stock Sum transposes the input to put the reduced axes
// innermost before summing; simd-kernels.wat col_sum reads it once, in place, summing the rows in
// order (a sequential float32 sum; within an ulp of the stock kernel's, tested).
import * as tf from '@tensorflow/tfjs';
import { asWasm, overrideWasmKernel, type WasmKernelFunc } from './kernel-override';
import { heapOffset, simdKernels } from './simd-kernels';

interface SumAttrs {
  axis: number | number[];
  keepDims: boolean;
}

/** Rows and columns of x seen as [rows, cols] when `axes` are exactly its leading axes, else undefined. */
export function leadingAxesSplit(shape: number[], axis: number | number[]): { rows: number; cols: number; q: number } | undefined {
  const axes = [...new Set(tf.util.parseAxisParam(axis, shape))].sort((p, q) => p - q);
  const q = axes.length;
  if (q === 0 || q >= shape.length || axes.some((a, i) => a !== i)) return undefined;
  const rows = tf.util.sizeFromShape(shape.slice(0, q));
  const cols = tf.util.sizeFromShape(shape.slice(q));
  return { rows, cols, q };
}

export const columnSum = (stock: WasmKernelFunc): WasmKernelFunc => (args) => {
  const x = args.inputs.x as tf.TensorInfo;
  const { axis, keepDims } = args.attrs as unknown as SumAttrs;
  const split = x.dtype === 'float32' ? leadingAxesSplit(x.shape, axis) : undefined;
  if (!split || split.cols % 4 !== 0 || split.cols === 0 || split.rows < 1) return stock(args);
  const outShape = keepDims ? x.shape.map((d, i) => (i < split.q ? 1 : d)) : x.shape.slice(split.q);
  const out = asWasm(args.backend).makeOutput(outShape, 'float32');
  simdKernels(args.backend).col_sum(heapOffset(args.backend, x), heapOffset(args.backend, out), split.rows, split.cols);
  return out;
};

export const installColumnSum = () => overrideWasmKernel('Sum', columnSum);
