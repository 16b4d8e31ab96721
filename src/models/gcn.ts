// Link prediction on a graph: a 2-layer GCN encoder (Kipf & Welling, ICLR 2017) and an
// inner-product decoder (graph auto-encoder, Kipf & Welling 2016):
//   Â = D^-1/2 (A + I) D^-1/2,  H = ReLU(Â X W1 + b1),  Z = Â H W2 + b2,  logit(u, v) = z_u · z_v.
// Node features X are the one-hot identity: Karate Club has no node attributes, and with X = I
// the product X W1 is W1 itself, i.e. a learnable per-node embedding that the graph convolution
// then smooths over neighbours. The identity matmul is skipped (same result, less work).
import * as tf from '@tensorflow/tfjs';
import type { Edge } from '../data/karate';
import { VariableFactory, countParams, expectInput } from './init';
import { seededDropout } from './dropout';
import type { Model } from './types';

/** The graph the encoder propagates over: for link prediction, the training edges only. */
export interface GraphInput {
  numNodes: number;
  edges: readonly Edge[];
}

export const GCN_HIDDEN = 32;
export const GCN_EMBEDDING = 16;

/** Dense symmetric-normalised adjacency with self-loops, row-major numNodes × numNodes. */
export function normalizedAdjacency(graph: GraphInput): Float32Array {
  const n = graph.numNodes;
  const a = new Float32Array(n * n);
  for (let i = 0; i < n; i++) a[i * n + i] = 1;
  for (const [u, v] of graph.edges) {
    if (!(Number.isInteger(u) && Number.isInteger(v) && u >= 0 && v >= 0 && u < n && v < n) || u === v) {
      throw new Error(`Graph edge [${u}, ${v}] is invalid: nodes must be distinct integers in 0..${n - 1}.`);
    }
    a[u * n + v] = 1;
    a[v * n + u] = 1;
  }
  const invSqrtDeg = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let d = 0;
    for (let j = 0; j < n; j++) d += a[i * n + j];
    invSqrtDeg[i] = 1 / Math.sqrt(d);
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] *= invSqrtDeg[i] * invSqrtDeg[j];
  return a;
}

/**
 * Node pairs must be int32 [p, 2] with indices in 0..numNodes-1: a one-hot lookup would turn a bad
 * index into a silent zero row. Reading p·2 ints is negligible next to the forward pass.
 */
export function expectPairs(model: string, x: tf.Tensor, numNodes: number): void {
  expectInput(model, x, 2, 2, 'int32');
  const ids = x.dataSync();
  for (let i = 0; i < ids.length; i++) {
    if (!(ids[i] >= 0 && ids[i] < numNodes)) throw new Error(`${model}.predict: node index ${ids[i]} (pair ${i >> 1}) is outside 0..${numNodes - 1}.`);
  }
}

export interface GcnOptions {
  /** Dropout rate on the hidden node representations while training (Kipf & Welling use 0.5). */
  dropout?: number;
}

export function createGcn(name: string, seed: number, graph: GraphInput, opts: GcnOptions = {}): Model {
  const rate = opts.dropout ?? 0;
  if (!(rate >= 0 && rate < 1)) throw new Error(`gcn dropout must be in [0, 1), got ${rate}.`);
  const n = graph.numNodes;
  const adjacency = tf.tensor2d(normalizedAdjacency(graph), [n, n]);
  const f = new VariableFactory(name, seed);
  const w1 = f.glorotUniform('gcn_1/kernel', [n, GCN_HIDDEN], n, GCN_HIDDEN);
  const b1 = f.zeros('gcn_1/bias', [GCN_HIDDEN]);
  const w2 = f.glorotUniform('gcn_2/kernel', [GCN_HIDDEN, GCN_EMBEDDING], GCN_HIDDEN, GCN_EMBEDDING);
  const b2 = f.zeros('gcn_2/bias', [GCN_EMBEDDING]);
  const variables = f.variables;
  const dropout = seededDropout(seed);
  return {
    name,
    task: 'link-prediction',
    variables,
    numParams: countParams(variables),
    predict(x: tf.Tensor, training: boolean): tf.Tensor {
      expectPairs(name, x, n);
      return tf.tidy(() => {
        let h = tf.fused.matMul({ a: adjacency, b: w1 as tf.Tensor2D, bias: b1, activation: 'relu' });
        if (training && rate > 0) h = dropout(h, rate);
        const z = tf.fused.matMul({ a: adjacency, b: tf.matMul(h, w2 as tf.Tensor2D), bias: b2 }) as tf.Tensor2D;
        const [u, v] = tf.unstack(x, 1) as tf.Tensor1D[];
        return tf.sum(tf.mul(tf.gather(z, u), tf.gather(z, v)), 1);
      });
    },
    dispose() {
      tf.dispose([...variables, adjacency]);
    },
  };
}
