// Dropout as one kernel on wasm: the mask is not a tensor but recomputed per element from the seed
// (simd-kernels.wat dropout: mulberry32's draws are a function of their index, so every SIMD lane
// computes its own), and the gradient is the same kernel on dL/dy (src/models/dropout.ts). The JS
// path of src/models/dropout.ts draws the same mask from src/data/random.ts's stream (tested equal).
import * as tf from '@tensorflow/tfjs';
import { addMissingWasmKernel, asWasm, type WasmKernelFunc } from './kernel-override';
import { heapOffset, simdKernels } from './simd-kernels';

export const DROPOUT_KERNEL = 'AtlasDropout';

export interface DropoutAttrs {
  /** The mask's stream: draw i is src/data/random.ts createRng(seed)'s i-th. */
  seed: number;
  /** Drop probability in [0, 1). */
  rate: number;
}

/** ⌈rate·2³²⌉: a draw u = h/2³² (h a uint32) is kept when u ≥ rate, i.e. when h ≥ this. */
export function dropoutThreshold(rate: number): number {
  const t = Math.ceil(rate * 2 ** 32);
  if (!(rate >= 0 && t < 2 ** 32)) throw new Error(`dropout rate must be in [0, 1 − 2⁻³²], got ${rate}.`);
  return t;
}

export const dropoutKernel: WasmKernelFunc = ({ inputs, backend, attrs }) => {
  const { x } = inputs as { x: tf.TensorInfo };
  const { seed, rate } = attrs as unknown as DropoutAttrs;
  if (x.dtype !== 'float32') throw new Error(`${DROPOUT_KERNEL}: x must be float32, got ${x.dtype}.`);
  const out = asWasm(backend).makeOutput(x.shape, 'float32');
  simdKernels(backend).dropout(heapOffset(backend, x), heapOffset(backend, out), tf.util.sizeFromShape(x.shape), seed | 0, dropoutThreshold(rate) | 0, Math.fround(1 / (1 - rate)));
  return out;
};

export const installDropoutKernel = () => addMissingWasmKernel(DROPOUT_KERNEL, dropoutKernel);

/** True when the active backend has the one-kernel dropout. */
export const hasDropoutKernel = (): boolean => tf.getKernel(DROPOUT_KERNEL, tf.getBackend()) !== undefined;
