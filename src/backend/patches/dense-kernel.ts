// A dense layer y = act(x·W + b) as one engine kernel on wasm, with its gradient registered by name
// (src/models/dense.ts). Through tf.customGrad a layer cost the product plus three Reshape kernels,
// the custom-gradient scope and an input gradient; a registered gradient is asked only for the
// inputs that lead back to a variable, so a first layer's dL/dx (its input is data) is never made.
// The kernel forwards to the registered _FusedMatMul (./matmul's, with the patches on) on 3-D views.
import * as tf from '@tensorflow/tfjs';
import { addMissingWasmKernel, stockKernel, view, type WasmKernelFunc } from './kernel-override';

export const DENSE_KERNEL = 'AtlasDense';

export interface DenseAttrs {
  activation: 'relu' | 'linear';
}

export const denseKernel: WasmKernelFunc = (args) => {
  const { x, w, bias } = args.inputs as { x: tf.TensorInfo; w: tf.TensorInfo; bias: tf.TensorInfo };
  const { activation } = args.attrs as unknown as DenseAttrs;
  const [m, k] = x.shape;
  const n = w.shape[1];
  if (x.shape.length !== 2 || w.shape.length !== 2 || w.shape[0] !== k || bias.shape.length !== 1 || bias.shape[0] !== n) {
    throw new Error(`${DENSE_KERNEL}: expected x [m, k], w [k, n], bias [n], got [${x.shape}], [${w.shape}], [${bias.shape}].`);
  }
  const out = stockKernel('_FusedMatMul')({
    ...args,
    inputs: { a: view(x, [1, m, k]), b: view(w, [1, k, n]), bias },
    attrs: { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0.2 },
  } as unknown as Parameters<WasmKernelFunc>[0]);
  return view(out, [m, n]);
};

export const installDenseKernel = () => addMissingWasmKernel(DENSE_KERNEL, denseKernel);

/** True when the active backend runs a dense layer as the one kernel. */
export const hasDenseKernel = (): boolean => tf.getKernel(DENSE_KERNEL, tf.getBackend()) !== undefined;
