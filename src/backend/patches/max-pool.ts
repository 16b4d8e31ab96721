// MaxPool forward on wasm for 2×2 windows with stride 2 that tile the input (the CNN's pool):
// simd-kernels.wat max_pool_2x2, one pass, ~2× faster than stock XNNPACK (64×26×26×32 through
// tf.maxPool: ≈ 0.55 → 0.25 ms). The maximum is taken by strict > from −∞ in window order, as on the cpu backend and as
// ./max-pool-grad routes the gradient; stock XNNPACK agrees except on windows holding NaN (it gives
// −∞ for [NaN, 1, 2, 3], cpu and this kernel 3). Other pools go to the stock kernel.
import * as tf from '@tensorflow/tfjs';
import { asWasm, overrideWasmKernel, type WasmKernelFunc } from './kernel-override';
import { tiling2x2 } from './max-pool-grad';
import { heapOffset, simdKernels } from './simd-kernels';

interface MaxPoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export function createMaxPool(stock: WasmKernelFunc): WasmKernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const a = args.attrs as unknown as MaxPoolAttrs;
    if (x.dtype !== 'float32' || x.shape.length !== 4) return stock(args);
    const info = tf.backend_util.computePool2DInfo(x.shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
    if (!tiling2x2(info)) return stock(args);
    const { backend } = args;
    const out = asWasm(backend).makeOutput(info.outShape, 'float32');
    simdKernels(backend).max_pool_2x2(heapOffset(backend, x), heapOffset(backend, out), info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth);
    return out;
  };
}

export const installMaxPool = () => overrideWasmKernel('MaxPool', createMaxPool);
