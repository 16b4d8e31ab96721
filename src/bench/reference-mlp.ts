// A plain-ops MLP 784-128-64-10 (ReLU, Glorot-uniform weights, zero biases), equivalent to the
// project's `mlp-128-64`. The benchmark uses it when src/models is not available, and always as
// the fixed reference the backend patches are tuned against.
import * as tf from '@tensorflow/tfjs';

export interface BenchModel {
  variables: tf.Variable[];
  predict(x: tf.Tensor, training: boolean): tf.Tensor;
  dispose(): void;
}

let instances = 0;

export function createReferenceMlp(sizes: readonly number[] = [784, 128, 64, 10], seed = 1): BenchModel {
  if (sizes.length < 2) throw new Error(`createReferenceMlp: need ≥ 2 layer sizes, got [${sizes.join(', ')}].`);
  const variables: tf.Variable[] = [];
  const prefix = `bench_mlp${instances++}`; // variable names are global in tfjs
  for (let i = 0; i + 1 < sizes.length; i++) {
    const [fanIn, fanOut] = [sizes[i], sizes[i + 1]];
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    variables.push(tf.variable(tf.randomUniform([fanIn, fanOut], -limit, limit, 'float32', seed + i), true, `${prefix}/dense${i}/kernel`));
    variables.push(tf.variable(tf.zeros([fanOut]), true, `${prefix}/dense${i}/bias`));
  }
  const layers = variables.length / 2;
  return {
    variables,
    predict(x: tf.Tensor): tf.Tensor {
      return tf.tidy(() => {
        let h = x as tf.Tensor2D;
        for (let l = 0; l < layers; l++) {
          h = tf.add(tf.matMul(h, variables[2 * l] as tf.Tensor2D), variables[2 * l + 1]);
          if (l + 1 < layers) h = tf.relu(h);
        }
        return h;
      });
    },
    dispose() {
      for (const v of variables) v.dispose();
    },
  };
}
