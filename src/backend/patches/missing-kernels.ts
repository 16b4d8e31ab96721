// Kernels the stock tfjs 4.22 wasm backend does not have, so that training works there at all:
//  - UnsortedSegmentSum: the gradient of gather (GCN link decoder, embeddings);
//  - Conv2DBackpropFilter: the gradient of conv2d with respect to its filter (the CNN).
// Written in JS over the wasm heap; the filter gradient is im2col + one product through the patched
// BatchMatMul of ./matmul (the tiled kernel, reading the patches transposed in place), which therefore
// also runs with ATLAS_WASM_PATCHES=0 (this fix stays on).
import * as tf from '@tensorflow/tfjs';
import { addMissingWasmKernel, asWasm, stockKernel, type KernelArgs, type WasmKernelFunc } from './kernel-override';
import { createTransposedMatMulKernels } from './matmul';

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

/** dW[kh, kw, cin, cout] = im2col(x)ᵀ · dy, with im2col rows (b, oy, ox) and columns (ky, kx, c). */
export function createConv2DBackpropFilter(): WasmKernelFunc {
  const fastMatMul = createTransposedMatMulKernels().batchMatMul(stockKernel('BatchMatMul'));
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const a = attrs as unknown as ConvBackpropFilterAttrs;
    if (a.dataFormat !== 'NHWC') throw new Error(`Conv2DBackpropFilter (wasm patch): only NHWC is supported, got ${a.dataFormat}.`);
    if (x.dtype !== 'float32' || dy.dtype !== 'float32') throw new Error('Conv2DBackpropFilter (wasm patch): x and dy must be float32.');
    const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
    const { batchSize: nb, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, strideHeight: sh, strideWidth: sw, filterHeight: KH, filterWidth: KW, outChannels } = info;
    const { top, left } = info.padInfo;
    const rows = nb * OH * OW;
    const cols = KH * KW * C;
    const wasm = asWasm(backend);
    const patches = wasm.makeOutput([rows, cols], 'float32');
    try {
      const xs = wasm.typedArrayFromHeap(x) as Float32Array;
      const p = wasm.typedArrayFromHeap(patches) as Float32Array;
      let r = 0;
      for (let b = 0; b < nb; b++) {
        for (let oy = 0; oy < OH; oy++) {
          for (let ox = 0; ox < OW; ox++, r++) {
            let o = r * cols;
            for (let ky = 0; ky < KH; ky++) {
              const iy = oy * sh - top + ky;
              for (let kx = 0; kx < KW; kx++) {
                const ix = ox * sw - left + kx;
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) {
                  p.fill(0, o, o + C);
                } else {
                  const src = ((b * H + iy) * W + ix) * C;
                  for (let c = 0; c < C; c++) p[o + c] = xs[src + c];
                }
                o += C;
              }
            }
          }
        }
      }
      const dy2: tf.TensorInfo = { dataId: dy.dataId, shape: [rows, outChannels], dtype: 'float32' };
      const out = fastMatMul({ inputs: { a: patches, b: dy2 }, backend, attrs: { transposeA: true, transposeB: false } } as unknown as KernelArgs);
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
