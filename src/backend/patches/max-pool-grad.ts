// MaxPoolGrad on wasm. The stock kernel is slow (~40 ms for the CNN's 64×26×26×32 pool) and drops
// or misroutes the gradient of a window whose values are all ≤ FLT_MIN, e.g. all zero after a ReLU
// (its running max starts at numeric_limits<float>::min(), not −∞; ties go to the last maximum).
// This one starts at −∞ and lets the first maximum in the window win, like the cpu backend and TF.
// Windows that tile the input (stride = window, no padding, channels a multiple of 4) run as one SIMD
// pass that writes each input once: max_pool_grad_2x2 (simd-kernels.wat), unrolled for the CNN's 2×2
// pool, else the general max_pool_grad; other pools run the JS loop below.
import * as tf from '@tensorflow/tfjs';
import { addMissingWasmKernel, asWasm, overrideWasmKernel, type WasmKernelFunc } from './kernel-override';
import { heapOffset, simdKernels } from './simd-kernels';
import { reluGradient } from './relu-grad';

interface MaxPoolGradAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** True when the SIMD pass applies: windows that tile the input (stride = window, no padding), channels a multiple of 4, nothing empty. */
export function tilingWindows(info: tf.backend_util.Conv2DInfo): boolean {
  const { batchSize, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, strideHeight, strideWidth, filterHeight: KH, filterWidth: KW } = info;
  return KH === strideHeight && KW === strideWidth && info.padInfo.top === 0 && info.padInfo.left === 0
    && C % 4 === 0 && C > 0 && batchSize > 0 && OH > 0 && OW > 0 && OH * KH <= H && OW * KW <= W;
}

/** True for 2×2 tiling windows (stride 2: the CNN's pool), which run the unrolled max_pool_grad_2x2 and max_pool_2x2 (./max-pool). */
export function tiling2x2(info: tf.backend_util.Conv2DInfo): boolean {
  return info.filterHeight === 2 && info.filterWidth === 2 && tilingWindows(info);
}

export const maxPoolGrad: WasmKernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const a = attrs as unknown as MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
  const { batchSize: nb, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, strideHeight: sh, strideWidth: sw, filterHeight: KH, filterWidth: KW } = info;
  const { top, left } = info.padInfo;
  const wasm = asWasm(backend);
  const out = wasm.makeOutput(input.shape, 'float32');
  if (tilingWindows(info)) {
    // Rows/columns outside every window get no gradient: zero them only when there are any.
    if (OH * KH < H || OW * KW < W) (wasm.typedArrayFromHeap(out) as Float32Array).fill(0);
    const k = simdKernels(backend);
    const [xAt, dyAt, dxAt] = [heapOffset(backend, input), heapOffset(backend, dy), heapOffset(backend, out)];
    if (tiling2x2(info)) k.max_pool_grad_2x2(xAt, dyAt, dxAt, nb, H, W, C, OH, OW, 0);
    else k.max_pool_grad(xAt, dyAt, dxAt, nb, H, W, C, OH, OW, KH, KW);
    return out;
  }
  const x = wasm.typedArrayFromHeap(input) as Float32Array;
  const g = wasm.typedArrayFromHeap(dy) as Float32Array;
  const dx = wasm.typedArrayFromHeap(out) as Float32Array;
  dx.fill(0);
  const best = new Float32Array(C);
  const where = new Int32Array(C);
  for (let b = 0; b < nb; b++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        best.fill(-Infinity);
        where.fill(-1);
        for (let ky = 0; ky < KH; ky++) {
          const iy = oy * sh - top + ky;
          if (iy < 0 || iy >= H) continue;
          for (let kx = 0; kx < KW; kx++) {
            const ix = ox * sw - left + kx;
            if (ix < 0 || ix >= W) continue;
            const base = ((b * H + iy) * W + ix) * C;
            for (let c = 0; c < C; c++) {
              const v = x[base + c];
              if (v > best[c]) {
                best[c] = v;
                where[c] = base + c;
              }
            }
          }
        }
        const gBase = ((b * OH + oy) * OW + ox) * C;
        for (let c = 0; c < C; c++) if (where[c] >= 0) dx[where[c]] += g[gBase + c];
      }
    }
  }
  return out;
};

export const installMaxPoolGrad = () => overrideWasmKernel('MaxPoolGrad', () => maxPoolGrad);

// The backward of ReLU → 2×2 max pool (the CNN's conv layer, src/models/conv2d.ts) as one kernel:
// the pool's gradient times step(y) in the same pass (simd-kernels.wat max_pool_grad_2x2 with relu = 1), instead
// of writing the 64×26×26×32 pool gradient and reading it back for the ReLU's.
export const MAX_POOL_RELU_GRAD_KERNEL = 'AtlasMaxPoolReluGrad';

const POOL_2X2 = { filterSize: 2, strides: 2, pad: 'valid' } as const;
const pool2x2Info = (y: tf.TensorInfo) => tf.backend_util.computePool2DInfo(y.shape as [number, number, number, number], POOL_2X2.filterSize, POOL_2X2.strides, 1, POOL_2X2.pad);

export const maxPoolReluGradKernel: WasmKernelFunc = ({ inputs, backend }) => {
  const { dy, y } = inputs as { dy: tf.TensorInfo; y: tf.TensorInfo };
  const info = y.shape.length === 4 && y.dtype === 'float32' && dy.dtype === 'float32' ? pool2x2Info(y) : undefined;
  if (!info || !tiling2x2(info) || !tf.util.arraysEqual(dy.shape, info.outShape)) {
    throw new Error(`${MAX_POOL_RELU_GRAD_KERNEL}: expected float32 y [b, h, w, c] (c a multiple of 4) and dy of its 2×2 pool's shape, got y [${y.shape}], dy [${dy.shape}].`);
  }
  const wasm = asWasm(backend);
  const out = wasm.makeOutput(y.shape, 'float32');
  const { batchSize: nb, inHeight: H, inWidth: W, inChannels: C } = info;
  if (info.outHeight * 2 < H || info.outWidth * 2 < W) {
    // An odd last row/column is in no window: the pool passes it 0, and 0 · step(y) is NaN where y is.
    const ys = wasm.typedArrayFromHeap(y) as Float32Array;
    const o = wasm.typedArrayFromHeap(out) as Float32Array;
    for (let b = 0; b < nb; b++) {
      for (let iy = 0; iy < H; iy++) {
        const from = iy < info.outHeight * 2 ? info.outWidth * 2 : 0; // the uncovered columns of this row
        for (let i = ((b * H + iy) * W + from) * C, end = ((b * H + iy) * W + W) * C; i < end; i++) o[i] = Number.isNaN(ys[i]) ? NaN : 0;
      }
    }
  }
  simdKernels(backend).max_pool_grad_2x2(heapOffset(backend, y), heapOffset(backend, dy), heapOffset(backend, out), nb, H, W, C, info.outHeight, info.outWidth, 1);
  return out;
};

export const installMaxPoolReluGrad = () => addMissingWasmKernel(MAX_POOL_RELU_GRAD_KERNEL, maxPoolReluGradKernel);

/**
 * dL/dx of y = ReLU(x) followed by p = maxPool(y, 2×2, stride 2, 'valid'), from dL/dp: one kernel where
 * the backend has it and the windows tile y, else MaxPoolGrad and the ReLU's gradient.
 */
export function maxPool2x2ReluGradient(dp: tf.Tensor, y: tf.Tensor, p: tf.Tensor): tf.Tensor {
  const fused = tf.getKernel(MAX_POOL_RELU_GRAD_KERNEL, tf.getBackend()) !== undefined && y.rank === 4 && y.dtype === 'float32' && tiling2x2(pool2x2Info(y));
  if (fused) return tf.engine().runKernel(MAX_POOL_RELU_GRAD_KERNEL, { dy: dp, y }) as tf.Tensor;
  const dy = tf.engine().runKernel('MaxPoolGrad', { dy: dp, input: y, output: p }, POOL_2X2 as unknown as tf.NamedAttrMap) as tf.Tensor;
  return reluGradient(dy, y);
}

/** The 2×2 max pool (stride 2, 'valid') that maxPool2x2ReluGradient differentiates. */
export const maxPool2x2 = (y: tf.Tensor4D): tf.Tensor4D => tf.engine().runKernel('MaxPool', { x: y }, POOL_2X2 as unknown as tf.NamedAttrMap) as tf.Tensor4D;
