// Fully connected classifiers for flattened 28×28 MNIST images. Each dense layer is one fused
// matMul + bias (+ ReLU) kernel, also while training (./dense), with an exact gradient.
import * as tf from '@tensorflow/tfjs';
import { MNIST_CLASSES, MNIST_PIXELS } from '../data/mnist';
import { VariableFactory, countParams, expectInput } from './init';
import type { Model } from './types';
import { dense, type DenseActivation } from './dense';

export type { DenseActivation };

export interface DenseSpec {
  units: number;
  activation: DenseActivation;
}

/**
 * An MLP 784 → hidden… → 10 returning logits. `mlp-128-64` (seed 000): 128 ReLU, 64 ReLU;
 * `mlp-500-linear` (seed 003): 500 linear (the seed's "Linear activation": the whole network is
 * then a linear map, kept faithfully).
 */
export function createMlp(name: string, hidden: DenseSpec[], seed: number): Model {
  const factory = new VariableFactory(name, seed);
  const layers = [...hidden, { units: MNIST_CLASSES, activation: 'linear' as const }].map((spec, i, all) => {
    const fanIn = i === 0 ? MNIST_PIXELS : all[i - 1].units;
    const layer = `dense_${i + 1}`;
    return {
      kernel: factory.glorotUniform(`${layer}/kernel`, [fanIn, spec.units], fanIn, spec.units),
      bias: factory.zeros(`${layer}/bias`, [spec.units]),
      activation: spec.activation,
    };
  });
  const variables = factory.variables;
  return {
    name,
    task: 'classification',
    variables,
    numParams: countParams(variables),
    predict(x: tf.Tensor): tf.Tensor {
      expectInput(name, x, 2, MNIST_PIXELS, 'float32');
      return tf.tidy(() => {
        let h = x as tf.Tensor2D;
        layers.forEach((l, i) => (h = dense(h, l.kernel as tf.Tensor2D, l.bias as tf.Tensor1D, l.activation, i > 0)));
        return h;
      });
    },
    dispose() {
      tf.dispose(variables);
    },
  };
}
