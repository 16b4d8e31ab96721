// Seed 001's Keras CNN: Conv2D(32, 3×3, ReLU, 'valid') → MaxPool 2×2 → Dropout 0.25 → Flatten
// → Dense 256 ReLU → Dropout 0.5 → Dense 10 (logits). Input [b, 784] is reshaped to [b, 28, 28, 1].
// Trainable on wasm because initBackend() adds the conv-filter gradient kernel stock wasm lacks.
import * as tf from '@tensorflow/tfjs';
import { MNIST_CLASSES, MNIST_IMAGE_SIZE, MNIST_PIXELS } from '../data/mnist';
import { VariableFactory, countParams, expectInput } from './init';
import { seededDropout } from './dropout';
import type { Model } from './types';
import { conv2d } from './conv2d';
import { dense } from './dense';

const FILTERS = 32;
const KERNEL = 3;
const CONV_OUT = MNIST_IMAGE_SIZE - KERNEL + 1; // 26 ('valid' padding)
const POOL_OUT = Math.floor(CONV_OUT / 2); // 13
const FLAT = POOL_OUT * POOL_OUT * FILTERS; // 5408
const HIDDEN = 256;

export function createCnn(name: string, seed: number): Model {
  const f = new VariableFactory(name, seed);
  // Keras conv fans: receptive field × channels.
  const convKernel = f.glorotUniform('conv2d_1/kernel', [KERNEL, KERNEL, 1, FILTERS], KERNEL * KERNEL * 1, KERNEL * KERNEL * FILTERS);
  const convBias = f.zeros('conv2d_1/bias', [FILTERS]);
  const d1Kernel = f.glorotUniform('dense_1/kernel', [FLAT, HIDDEN], FLAT, HIDDEN);
  const d1Bias = f.zeros('dense_1/bias', [HIDDEN]);
  const d2Kernel = f.glorotUniform('dense_2/kernel', [HIDDEN, MNIST_CLASSES], HIDDEN, MNIST_CLASSES);
  const d2Bias = f.zeros('dense_2/bias', [MNIST_CLASSES]);
  const variables = f.variables;
  // Every training-mode call draws new dropout masks from a seeded sequence: same seed, same masks.
  const seeded = seededDropout(seed);
  const dropout = (x: tf.Tensor, rate: number, training: boolean): tf.Tensor => (training ? seeded(x, rate) : x);

  return {
    name,
    task: 'classification',
    variables,
    numParams: countParams(variables),
    predict(x: tf.Tensor, training: boolean): tf.Tensor {
      expectInput(name, x, 2, MNIST_PIXELS, 'float32');
      return tf.tidy(() => {
        const img = tf.reshape(x, [-1, MNIST_IMAGE_SIZE, MNIST_IMAGE_SIZE, 1]) as tf.Tensor4D;
        // Each layer one fused forward kernel, also while training (./conv2d, ./dense); conv + ReLU + pool one op.
        const conv = conv2d(img, convKernel as tf.Tensor4D, convBias as tf.Tensor1D, { strides: 1, pad: 'valid', activation: 'relu', inputGradient: false, pool: 'max2x2' });
        const pooled = dropout(conv, 0.25, training);
        const flat = tf.reshape(pooled, [-1, FLAT]) as tf.Tensor2D;
        const hidden = dropout(dense(flat, d1Kernel as tf.Tensor2D, d1Bias as tf.Tensor1D, 'relu', true), 0.5, training);
        return dense(hidden as tf.Tensor2D, d2Kernel as tf.Tensor2D, d2Bias as tf.Tensor1D, 'linear', true);
      });
    },
    dispose() {
      tf.dispose(variables);
    },
  };
}
