// Realistic training steps, built the way the training loop runs them: each step takes its batch
// as a tensor made from a subarray of a pre-shuffled full-size buffer, runs forward, loss,
// backward and the optimizer update through `optimizer.minimize`, and reads the loss once.
import * as tf from '@tensorflow/tfjs';
import type { Stepper } from './stats';
import type { BenchModel } from './reference-mlp';

export interface ClassificationData {
  /** n × features, row-major. */
  images: Float32Array;
  labels: Int32Array;
  features: number;
  classes: number;
}

/**
 * Synthetic data of MNIST's full size (60000 × 784, pixels in [0, 1), 10 classes). Speed does not
 * depend on the pixel values, and this keeps the benchmark independent of the data module.
 */
export function syntheticMnist(n = 60000, seed = 7): ClassificationData {
  const images = new Float32Array(n * 784);
  const labels = new Int32Array(n);
  let s = seed >>> 0 || 1;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  for (let i = 0; i < images.length; i++) images[i] = next();
  for (let i = 0; i < n; i++) labels[i] = Math.floor(next() * 10);
  return { images, labels, features: 784, classes: 10 };
}

/** One classification training step per `run` iteration: softmax cross-entropy from logits. */
export function classificationStepper(model: BenchModel, optimizer: tf.Optimizer, data: ClassificationData, batch: number): Stepper {
  const n = data.labels.length;
  const batches = Math.floor(n / batch);
  if (batches < 1) throw new Error(`classificationStepper: batch ${batch} is larger than the data (${n} samples).`);
  let cursor = 0;
  const { features, classes } = data;
  return {
    samplesPerStep: batch,
    run(steps: number) {
      for (let s = 0; s < steps; s++) {
        const off = (cursor++ % batches) * batch;
        const xs = tf.tensor2d(data.images.subarray(off * features, (off + batch) * features), [batch, features]);
        const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(data.labels.subarray(off, off + batch), 'int32'), classes));
        const cost = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(ys, model.predict(xs, true)) as tf.Scalar, true, model.variables);
        if (!cost) throw new Error('optimizer.minimize returned no cost.');
        const loss = cost.dataSync()[0];
        if (!Number.isFinite(loss)) throw new Error(`Benchmark step produced a non-finite loss (${loss}).`);
        tf.dispose([xs, ys, cost]);
      }
    },
    dispose() {},
  };
}

export interface LinkData {
  /** Node pairs [p, 2] (int32, row-major) and their 0/1 labels. */
  pairs: Int32Array;
  labels: Float32Array;
}

/** One full-batch link-prediction step: sigmoid cross-entropy from logits over all training pairs. */
export function linkStepper(model: BenchModel, optimizer: tf.Optimizer, data: LinkData): Stepper {
  const p = data.labels.length;
  if (data.pairs.length !== 2 * p) throw new Error(`linkStepper: pairs must hold 2 ints per label (got ${data.pairs.length} for ${p} labels).`);
  const xs = tf.tensor2d(data.pairs, [p, 2], 'int32');
  const ys = tf.tensor1d(data.labels);
  return {
    samplesPerStep: p,
    run(steps: number) {
      for (let s = 0; s < steps; s++) {
        const cost = optimizer.minimize(() => tf.losses.sigmoidCrossEntropy(ys, model.predict(xs, true)) as tf.Scalar, true, model.variables);
        if (!cost) throw new Error('optimizer.minimize returned no cost.');
        const loss = cost.dataSync()[0];
        if (!Number.isFinite(loss)) throw new Error(`Benchmark step produced a non-finite loss (${loss}).`);
        cost.dispose();
      }
    },
    dispose() {
      tf.dispose([xs, ys]);
    },
  };
}

/** The optimizer update alone: `applyGradients` with fixed gradients shaped like the variables. */
export function optimizerStepper(optimizer: tf.Optimizer, variables: tf.Variable[]): Stepper {
  const grads: tf.NamedTensorMap = {};
  variables.forEach((v, i) => (grads[v.name] = tf.randomNormal(v.shape, 0, 0.01, 'float32', 100 + i)));
  return {
    samplesPerStep: 1,
    run(steps: number) {
      for (let s = 0; s < steps; s++) optimizer.applyGradients(grads);
      // Reading one value forces any deferred work, as the training loop's loss read would.
      variables[0].dataSync();
    },
    dispose() {
      tf.dispose(Object.values(grads));
    },
  };
}
