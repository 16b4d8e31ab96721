// The gradient of a ReLU from its output, dy · step(y), as one kernel on wasm (simd-kernels.wat
// relu_grad) instead of Step and Multiply: two passes and a temporary the size of the activation
// (the CNN's conv output: 1.4 M values per step). Same values as the ops, NaN included (tested).
import * as tf from '@tensorflow/tfjs';
import { addMissingWasmKernel, asWasm, type WasmKernelFunc } from './kernel-override';
import { heapOffset, simdKernels } from './simd-kernels';

export const RELU_GRAD_KERNEL = 'AtlasReluGrad';

export const reluGradKernel: WasmKernelFunc = ({ inputs, backend }) => {
  const { dy, y } = inputs as { dy: tf.TensorInfo; y: tf.TensorInfo };
  if (dy.dtype !== 'float32' || y.dtype !== 'float32' || !tf.util.arraysEqual(dy.shape, y.shape) || tf.util.sizeFromShape(y.shape) < 4) {
    throw new Error(`${RELU_GRAD_KERNEL}: dy and y must be float32 of one shape with ≥ 4 elements, got ${dy.dtype} [${dy.shape}] and ${y.dtype} [${y.shape}].`);
  }
  const out = asWasm(backend).makeOutput(y.shape, 'float32');
  simdKernels(backend).relu_grad(heapOffset(backend, dy), heapOffset(backend, y), heapOffset(backend, out), tf.util.sizeFromShape(y.shape));
  return out;
};

export const installReluGrad = () => addMissingWasmKernel(RELU_GRAD_KERNEL, reluGradKernel);

/** dy · step(y) for a ReLU's output y: one kernel where the backend has it, else the two ops. */
export function reluGradient(dy: tf.Tensor, y: tf.Tensor): tf.Tensor {
  const fused = y.size >= 4 && dy.dtype === 'float32' && y.dtype === 'float32' && tf.util.arraysEqual(dy.shape, y.shape)
    && tf.getKernel(RELU_GRAD_KERNEL, tf.getBackend()) !== undefined;
  return fused ? tf.engine().runKernel(RELU_GRAD_KERNEL, { dy, y }) as tf.Tensor : tf.mul(dy, tf.step(y));
}
