// Kernels the stock tfjs 4.22 wasm backend does not have, so that training works there at all:
//  - UnsortedSegmentSum: the gradient of gather (GCN link decoder, embeddings);
//  - Conv2DBackpropFilter: the gradient of conv2d with respect to its filter (the CNN).
// UnsortedSegmentSum is JS over the wasm heap. The filter gradient is im2col, built transposed by the
// wasm kernel im2col_row (simd-kernels.wat: for C = 1 and stride 1 each patch run is a contiguous run
// of x, copied by vectors; a JS element loop cost ~2 ms of the CNN's step), then one plain product
// through the patched BatchMatMul of ./matmul (the tiled kernel), which therefore also runs with
// ATLAS_WASM_PATCHES=0 (this fix stays on).
import * as tf from '@tensorflow/tfjs';
import { addMissingWasmKernel, asWasm, stockKernel, type KernelArgs, type WasmKernelFunc } from './kernel-override';
import { createTransposedMatMulKernels } from './matmul';
import { heapOffset, simdKernels } from './simd-kernels';

const size = (shape: number[]) => shape.reduce((p, d) => p * d, 1);

/** out[s, …] = Σ x[i, …] over i with segmentIds[i] = s; ids outside [0, numSegments) are dropped (as on cpu). */
export const unsortedSegmentSum: WasmKernelFunc = ({ inputs, backend, attrs }) => {
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = attrs as unknown as { numSegments: number };
  if (x.dtype !== 'float32' && x.dtype !== 'int32') throw new Error(`UnsortedSegmentSum (wasm patch): x must be float32 or int32, got ${x.dtype}.`);
  const rows = size(segmentIds.shape);
  if (segmentIds.shape.some((d, i) => d !== x.shape[i])) {
    throw new Error(`UnsortedSegmentSum (wasm patch): segmentIds shape [${segmentIds.shape}] must be a prefix of x shape [${x.shape}].`);
  }
  const inner = rows === 0 ? 0 : size(x.shape) / rows;
  const wasm = asWasm(backend);
  const out = wasm.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype);
  const xs = wasm.typedArrayFromHeap(x);
  const ids = wasm.typedArrayFromHeap(segmentIds);
  const o = wasm.typedArrayFromHeap(out);
  o.fill(0);
  for (let i = 0; i < rows; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let j = 0; j < inner; j++) o[dst + j] += xs[src + j];
  }
  return out;
};

interface ConvBackpropFilterAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/** Outputs o in [lo, hi) (of `out`, along one axis) whose input o·s − pad + k lies in [0, n); the rest read padding. */
function validRange(out: number, n: number, s: number, pad: number, k: number): [number, number] {
  const lo = Math.min(out, Math.max(0, Math.ceil((pad - k) / s)));
  const hi = Math.max(lo, Math.min(out, Math.floor((n - 1 + pad - k) / s) + 1));
  return [lo, hi];
}

/**
 * The patches transposed, [KH·KW·C, rows] with rows (b, oy, ox): patch row (ky, kx, c) holds, for each
 * (b, oy), the OW inputs x[b, oy·sh − top + ky, ox·sw − left + kx, c] (0 in the padding). Laid out
 * this way, a run of OW outputs reads a contiguous run of x when C = 1 and the stride is 1 (the CNN's
 * first layer), which simd-kernels.wat im2col_row copies by vectors; other shapes gather by scalars.
 */
export function im2colTransposed(backend: KernelArgs['backend'], x: tf.TensorInfo, patches: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): void {
  const { batchSize: nb, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, strideHeight: sh, strideWidth: sw, filterHeight: KH, filterWidth: KW } = info;
  const { top, left } = info.padInfo;
  const rows = nb * OH * OW;
  const k = simdKernels(backend);
  const heap = asWasm(backend).typedArrayFromHeap(patches) as Float32Array;
  const xAt = heapOffset(backend, x);
  let dst = heapOffset(backend, patches);
  let row = 0;
  for (let ky = 0; ky < KH; ky++) {
    const [yLo, yHi] = validRange(OH, H, sh, top, ky);
    for (let kx = 0; kx < KW; kx++) {
      const [xLo, xHi] = validRange(OW, W, sw, left, kx);
      const padded = yLo > 0 || yHi < OH || xLo > 0 || xHi < OW;
      for (let c = 0; c < C; c++, row++, dst += rows * 4) {
        if (padded) heap.fill(0, row * rows, (row + 1) * rows);
        const src = xAt + ((yLo * sh - top + ky) * W + xLo * sw - left + kx) * C * 4 + c * 4;
        k.im2col_row(src, dst + (yLo * OW + xLo) * 4, nb, OH, OW, yLo, yHi, xLo, xHi, sh * W * C * 4, H * W * C * 4, sw * C * 4);
      }
    }
  }
}

/** dW[kh, kw, cin, cout] = patchesᵀ · dy, patchesᵀ [KH·KW·C, rows] built by im2colTransposed. */
export function createConv2DBackpropFilter(): WasmKernelFunc {
  const fastMatMul = createTransposedMatMulKernels().batchMatMul(stockKernel('BatchMatMul'));
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const a = attrs as unknown as ConvBackpropFilterAttrs;
    if (a.dataFormat !== 'NHWC') throw new Error(`Conv2DBackpropFilter (wasm patch): only NHWC is supported, got ${a.dataFormat}.`);
    if (x.dtype !== 'float32' || dy.dtype !== 'float32') throw new Error('Conv2DBackpropFilter (wasm patch): x and dy must be float32.');
    const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
    const rows = info.batchSize * info.outHeight * info.outWidth;
    const cols = info.filterHeight * info.filterWidth * info.inChannels;
    const wasm = asWasm(backend);
    if (rows === 0) {
      // An empty batch: a zero gradient (stock BatchMatMul leaves a k = 0 product uninitialised).
      const zero = wasm.makeOutput([...a.filterShape], 'float32');
      wasm.typedArrayFromHeap(zero).fill(0);
      return zero;
    }
    const patches = wasm.makeOutput([cols, rows], 'float32');
    try {
      im2colTransposed(backend, x, patches, info);
      const dy2: tf.TensorInfo = { dataId: dy.dataId, shape: [rows, info.outChannels], dtype: 'float32' };
      const out = fastMatMul({ inputs: { a: patches, b: dy2 }, backend, attrs: { transposeA: false, transposeB: false } } as unknown as KernelArgs);
      out.shape = [...a.filterShape];
      return out;
    } finally {
      wasm.disposeData(patches.dataId);
    }
  };
}

/** Install the missing kernels; returns the uninstall function. */
export function installMissingKernels(): () => void {
  const undo = [
    addMissingWasmKernel('UnsortedSegmentSum', unsortedSegmentSum),
    addMissingWasmKernel('Conv2DBackpropFilter', createConv2DBackpropFilter()),
  ];
  return () => undo.reverse().forEach((u) => u());
}
