// A dense layer as ONE forward kernel and a minimal backward pass. tfjs's fused.matMul fuses
// bias + ReLU only outside gradient recording: while training it runs matMul, add and relu as three
// kernels, and its fused gradient always computes the input gradient, even for the input layer
// (at batch 1 on 784-500-10 that is a wasted 784×500 product per step).
// On wasm the layer is the AtlasDense kernel (src/backend/patches/dense-kernel.ts) with the gradient
// registered below, asked only for the inputs that need one; elsewhere a tf.customGrad op with the
// same backward.
//
// NaN: on wasm the patched kernels (gemm_small, the tiled gemm) keep NaN through the fused ReLU as
// tf.relu does; where XNNPACK still runs it (more than 4 rows and fewer than 8 columns) its clamp
// turns NaN into 0. The training loop detects divergence from the parameters, not only the loss,
// so this is acceptable.
import * as tf from '@tensorflow/tfjs';
import { reluGradient } from '../backend/patches/relu-grad';
import { DENSE_KERNEL, hasDenseKernel, type DenseAttrs } from '../backend/patches/dense-kernel';

export type DenseActivation = 'relu' | 'linear';

/** dL/dx, dL/dW, dL/db of y = act(x·W + b) from dL/dy, each computed only when called. */
function denseBackward(dy: tf.Tensor, x: tf.Tensor, w: tf.Tensor, y: tf.Tensor, activation: DenseActivation) {
  // ReLU' from the output: y > 0 exactly where x·W + b > 0.
  const dz = activation === 'relu' ? reluGradient(dy, y) : dy;
  return { x: () => tf.matMul(dz, w, false, true), w: () => tf.matMul(x, dz, true, false), bias: () => tf.sum(dz, 0) };
}

tf.registerGradient({
  kernelName: DENSE_KERNEL,
  inputsToSave: ['x', 'w'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x, w, y] = saved;
    return denseBackward(dy as tf.Tensor, x, w, y, (attrs as unknown as DenseAttrs).activation);
  },
});

/**
 * y = act(x·W + b) for x [m, k], W [k, n], b [n]. `inputGradient: false` (a model's first layer,
 * whose input is data) skips dL/dx where a custom gradient must return one: it is returned as NaN,
 * so that asking for it is visible, not a silent zero.
 */
export function dense(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D, activation: DenseActivation, inputGradient: boolean): tf.Tensor2D {
  if (hasDenseKernel()) {
    const attrs: DenseAttrs = { activation };
    return tf.engine().runKernel(DENSE_KERNEL, { x, w: kernel, bias }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor2D;
  }
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [a, w, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const [m, k] = a.shape;
    const n = w.shape[1];
    // The kernel directly: the op-level fused.matMul would unfuse while gradients are recorded.
    const y3 = tf.engine().runKernel('_FusedMatMul', { a: tf.reshape(a, [1, m, k]), b: tf.reshape(w, [1, k, n]), bias: b } as unknown as tf.NamedTensorMap,
      { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0.2 } as unknown as tf.NamedAttrMap) as tf.Tensor3D;
    const value = tf.reshape(y3, [m, n]) as tf.Tensor2D;
    save([a, w, value]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws, ys] = saved;
      const g = denseBackward(dy, xs, ws, ys, activation);
      return [inputGradient ? g.x() : tf.fill(xs.shape, NaN), g.w(), g.bias()];
    };
    return { value, gradFunc };
  });
  return op(x, kernel, bias) as tf.Tensor2D;
}
