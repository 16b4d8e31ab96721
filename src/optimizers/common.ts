// Small pieces of math shared by several rules.
import * as tf from '@tensorflow/tfjs';

/**
 * torch's `weight_decay` (L2 penalty folded into the gradient): g ← g + λθ.
 * Returns g untouched when λ = 0, so an unused penalty costs no ops in the hot path.
 */
export function withL2(g: tf.Tensor, p: tf.Tensor, lambda: tf.Scalar, weightDecay: number): tf.Tensor {
  return weightDecay === 0 ? g : tf.add(g, tf.mul(lambda, p));
}

/** The LaTeX line for `withL2`, shared by the metadata of every optimizer that supports it. */
export const L2_LATEX = String.raw`g_t &\leftarrow g_t + \lambda\,\theta_{t-1} && \text{(only if } \lambda > 0\text{)}`;

