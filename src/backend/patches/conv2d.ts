// Conv2D and FusedConv2D on wasm as im2col and one product: the patches, built transposed by
// ./missing-kernels' im2colTransposed (as for the filter gradient), times the filter [KH·KW·C, OC]
// in the tiled SIMD kernel of ./matmul, which reads them transposed in place and adds the bias and
// the ReLU on the way out. The output [b·OH·OW, OC] is NHWC as it stands. Stock XNNPACK ran the
// CNN's one-channel 3×3 convolution (64×28×28×1 → 64×26×26×32) at ~10 GFLOP/s, ≈ 2.4 ms a step.
// Taken: float32, NHWC, no dilation, a per-channel bias or none, linear or ReLU, at least one 4×8
// output tile, patches ≤ MAX_PATCH_BYTES; everything else goes to the stock kernel.
import * as tf from '@tensorflow/tfjs';
import { asWasm, overrideWasmKernel, type WasmKernelFunc } from './kernel-override';
import { TILE_M, TILE_N, tiledProduct } from './matmul';
import { im2colTransposed } from './missing-kernels';

/** The transposed patches are a temporary of KH·KW·C × b·OH·OW floats; larger ones stay with XNNPACK. */
export const MAX_PATCH_BYTES = 64 * 1024 * 1024;

interface Conv2DAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dilations: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation?: string;
}

/** The convolution's geometry when this path takes it, else undefined (the stock kernel runs). */
export function im2colPlan(x: tf.TensorInfo, filter: tf.TensorInfo, a: Conv2DAttrs, bias?: tf.TensorInfo, prelu?: tf.TensorInfo) {
  if (x.dtype !== 'float32' || filter.dtype !== 'float32' || x.shape.length !== 4 || filter.shape.length !== 4) return undefined;
  if (a.dataFormat !== 'NHWC' || prelu || !(a.activation === undefined || a.activation === 'linear' || a.activation === 'relu')) return undefined;
  const [kh, kw, c, oc] = filter.shape;
  if (x.shape[3] !== c) return undefined; // the stock kernel reports the mismatch
  if (bias && (bias.dtype !== 'float32' || bias.shape.length !== 1 || bias.shape[0] !== oc)) return undefined;
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filter.shape as [number, number, number, number], a.strides, a.dilations, a.pad, a.dimRoundingMode, false, 'channelsLast');
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return undefined;
  const rows = info.batchSize * info.outHeight * info.outWidth;
  const k = kh * kw * c;
  if (rows < TILE_M || oc < TILE_N || k * rows * 4 > MAX_PATCH_BYTES) return undefined;
  return { info, rows, k };
}

/** act(bias) in every output of a convolution over zero input channels (stock XNNPACK fails on them). */
function emptySum(wasm: ReturnType<typeof asWasm>, outShape: number[], bias: tf.TensorInfo | undefined, relu: boolean): tf.TensorInfo {
  const out = wasm.makeOutput(outShape, 'float32');
  const o = wasm.typedArrayFromHeap(out) as Float32Array;
  const oc = outShape[outShape.length - 1];
  const b = bias ? (wasm.typedArrayFromHeap(bias) as Float32Array) : undefined;
  for (let i = 0; i < o.length; i++) {
    const v = b ? b[i % oc] : 0;
    o[i] = relu && v < 0 ? 0 : v;
  }
  return out;
}

export function createConv2D(stock: WasmKernelFunc): WasmKernelFunc {
  return (args) => {
    const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const a = args.attrs as unknown as Conv2DAttrs;
    const plan = im2colPlan(x!, filter!, a, bias, preluActivationWeights);
    if (!plan) return stock(args);
    const { info, rows, k } = plan;
    const { backend } = args;
    const wasm = asWasm(backend);
    if (k === 0) return emptySum(wasm, info.outShape, bias, a.activation === 'relu'); // no channels: no product to run
    const patches = wasm.makeOutput([k, rows], 'float32');
    try {
      im2colTransposed(backend, x!, patches, info);
      const w: tf.TensorInfo = { dataId: filter!.dataId, shape: [k, info.outChannels], dtype: 'float32' };
      return tiledProduct(backend, patches, w, rows, k, info.outChannels, true, info.outShape, bias, a.activation === 'relu');
    } finally {
      wasm.disposeData(patches.dataId);
    }
  };
}

/** Patch entry: Conv2D and FusedConv2D; returns the uninstall function. */
export function installConv2D(): () => void {
  const undo = [overrideWasmKernel('Conv2D', createConv2D), overrideWasmKernel('FusedConv2D', createConv2D)];
  return () => undo.reverse().forEach((u) => u());
}
