// Seed 003's Karate model as its text describes it: an embedding of the two node indices, two 1-D
// convolutions over that length-2 sequence, global pooling and a dense output. It never sees the
// graph (only node identities), so it is offered as the seed's baseline beside the real GCN.
import * as tf from '@tensorflow/tfjs';
import { VariableFactory, countParams } from './init';
import { expectPairs } from './gcn';
import type { Model } from './types';

const EMBED = 16;
const FILTERS = 32;
const KERNEL = 2;

export function createKarateConv1d(name: string, seed: number, numNodes: number): Model {
  const f = new VariableFactory(name, seed);
  const embedding = f.uniform('embedding/embeddings', [numNodes, EMBED], 0.05); // Keras Embedding default
  const c1Kernel = f.glorotUniform('conv1d_1/kernel', [KERNEL, EMBED, FILTERS], KERNEL * EMBED, KERNEL * FILTERS);
  const c1Bias = f.zeros('conv1d_1/bias', [FILTERS]);
  const c2Kernel = f.glorotUniform('conv1d_2/kernel', [KERNEL, FILTERS, FILTERS], KERNEL * FILTERS, KERNEL * FILTERS);
  const c2Bias = f.zeros('conv1d_2/bias', [FILTERS]);
  const dKernel = f.glorotUniform('dense_1/kernel', [FILTERS, 1], FILTERS, 1);
  const dBias = f.zeros('dense_1/bias', [1]);
  const variables = f.variables;
  // Conv1D over the length-2 pair sequence = conv2d on a [p, 1, 2, c] image with a [1, k, c, f] filter.
  const conv = (x: tf.Tensor4D, k: tf.Variable, b: tf.Variable) =>
    tf.fused.conv2d({ x, filter: tf.expandDims(k, 0) as tf.Tensor4D, bias: b, activation: 'relu', strides: 1, pad: 'same' });
  return {
    name,
    task: 'link-prediction',
    variables,
    numParams: countParams(variables),
    predict(x: tf.Tensor): tf.Tensor {
      expectPairs(name, x, numNodes);
      return tf.tidy(() => {
        const p = x.shape[0];
        const seq = tf.reshape(tf.gather(embedding, tf.reshape(x, [-1])), [p, 1, 2, EMBED]) as tf.Tensor4D;
        const pooled = tf.reshape(tf.max(conv(conv(seq, c1Kernel, c1Bias), c2Kernel, c2Bias), [1, 2]), [p, FILTERS]) as tf.Tensor2D; // global max pool
        return tf.reshape(tf.fused.matMul({ a: pooled, b: dKernel as tf.Tensor2D, bias: dBias }), [-1]);
      });
    },
    dispose() {
      tf.dispose(variables);
    },
  };
}
