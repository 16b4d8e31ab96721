// A 2-D convolution layer (NHWC) as ONE forward kernel and a minimal backward pass, as ./dense does
// for dense layers: tfjs's fused.conv2d fuses bias + ReLU only outside gradient recording, so while
// training it ran Conv2D, Add and Relu over the whole activation (the CNN's 64×26×26×32 per step).
// Backward: ReLU' from the output, the bias gradient as a sum over the leading axes, the filter
// gradient as the Conv2DBackpropFilter kernel, the input gradient only when asked for.
// With `pool: 'max2x2'` a 2×2 max pool (stride 2, 'valid') follows in the same op, so that the
// pool's and the ReLU's gradients are one pass (maxPool2x2ReluGradient).
import * as tf from '@tensorflow/tfjs';
import { reluGradient } from '../backend/patches/relu-grad';
import { maxPool2x2, maxPool2x2ReluGradient } from '../backend/patches/max-pool-grad';
import type { DenseActivation } from './dense';

export interface Conv2dOptions {
  strides: number;
  pad: 'valid' | 'same';
  activation: DenseActivation;
  /** false for a model's first layer (its input is data): dL/dx is then returned as NaN, visibly unused. */
  inputGradient: boolean;
  /** A 2×2 max pool with stride 2 ('valid') after the activation; needs activation 'relu'. */
  pool?: 'max2x2';
}

export function conv2d(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D, opts: Conv2dOptions): tf.Tensor4D {
  const { strides, pad, activation, inputGradient, pool } = opts;
  if (pool && activation !== 'relu') throw new Error(`conv2d: pool '${pool}' is implemented after a ReLU only, got activation '${activation}'.`);
  const convAttrs = { strides, pad, dataFormat: 'NHWC', dilations: 1, dimRoundingMode: undefined };
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [a, w, b, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D, tf.GradSaveFunc];
    const y = tf.engine().runKernel('FusedConv2D', { x: a, filter: w, bias: b } as unknown as tf.NamedTensorMap,
      { ...convAttrs, activation, leakyreluAlpha: 0.2 } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
    const value = pool ? maxPool2x2(y) : y;
    save(pool ? [a, w, y, value] : [a, w, y]);
    const gradFunc = (dv: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws, ys, ps] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.Tensor4D | undefined];
      // ReLU' from the output: y > 0 exactly where conv + b > 0.
      const dz = (ps ? maxPool2x2ReluGradient(dv, ys, ps) : activation === 'relu' ? reluGradient(dv, ys) : dv) as tf.Tensor4D;
      const dx = inputGradient
        ? tf.engine().runKernel('Conv2DBackpropInput', { dy: dz, filter: ws } as unknown as tf.NamedTensorMap, { ...convAttrs, inputShape: xs.shape } as unknown as tf.NamedAttrMap) as tf.Tensor
        : tf.fill(xs.shape, NaN);
      const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x: xs, dy: dz } as unknown as tf.NamedTensorMap, { ...convAttrs, filterShape: ws.shape } as unknown as tf.NamedAttrMap) as tf.Tensor;
      return [dx, dw, tf.sum(dz, [0, 1, 2])];
    };
    return { value, gradFunc };
  });
  return op(x, filter, bias) as tf.Tensor4D;
}
