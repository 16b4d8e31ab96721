// Dropout with seeded masks, the same on every backend. An element is kept when its uniform draw
// u ≥ rate (probability 1 − rate, as tf.dropout's floor(u + 1 − rate)) and scaled by 1 / (1 − rate);
// its gradient is the same mask. Draws come from src/data/random.ts's PRNG: on wasm inside one
// kernel (src/backend/patches/dropout.ts), elsewhere in JS and one multiply. tf.dropout drew the
// mask with seedrandom's alea in JS and applied it with four more kernels: ≈ 5 ms of the CNN's
// 40 ms step (profiled: the draws ≈ 4 ms, the kernels ≈ 1 ms), against ≈ 0.25 ms for the kernel.
import * as tf from '@tensorflow/tfjs';
import { checkSeed, createRng, deriveSeed } from '../data/random';
import { DROPOUT_KERNEL, dropoutThreshold, hasDropoutKernel, type DropoutAttrs } from '../backend/patches/dropout';

tf.registerGradient({
  kernelName: DROPOUT_KERNEL,
  gradFunc: (dy, _saved, attrs) => ({ x: () => tf.engine().runKernel(DROPOUT_KERNEL, { x: dy as tf.Tensor }, attrs) as tf.Tensor }),
});

/** x with the mask of createRng(seed)'s draws applied (element i kept when draw i ≥ rate). */
export function dropoutWithSeed(x: tf.Tensor, rate: number, seed: number): tf.Tensor {
  dropoutThreshold(rate); // the range checks, on every backend
  const s = checkSeed(seed);
  if (hasDropoutKernel() && x.dtype === 'float32') {
    const attrs: DropoutAttrs = { seed: s, rate };
    return tf.engine().runKernel(DROPOUT_KERNEL, { x }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  }
  const rng = createRng(s);
  const scale = 1 / (1 - rate);
  const mask = new Float32Array(x.size);
  for (let i = 0; i < mask.length; i++) mask[i] = rng.next() >= rate ? scale : 0;
  return tf.tidy(() => tf.mul(x, tf.tensor(mask, x.shape, 'float32')));
}

/**
 * A model's dropout: its k-th call draws its mask from deriveSeed(seed, `dropout-k`), so the same seed
 * gives the same masks in the same order (one counter per model, over all its layers).
 */
export function seededDropout(seed: number): (x: tf.Tensor, rate: number) => tf.Tensor {
  let calls = 0;
  return (x, rate) => dropoutWithSeed(x, rate, deriveSeed(seed, `dropout-${calls++}`));
}
