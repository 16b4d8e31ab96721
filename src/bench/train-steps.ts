// Realistic training steps, built the way src/training's loop runs them: the batch is a tensor
// made from a subarray of a pre-shuffled full-size buffer; one `optimizer.minimize` over the task's
// loss, with the task's correct-count computed alongside; [loss·b, correct] added into an
// on-device accumulator that is read back once per step (the loop's default lossReadEvery = 1).
import * as tf from '@tensorflow/tfjs';
import type { Stepper } from './stats';
import type { BenchModel } from './reference-mlp';

/** The loss and metric of a step (the shape of src/training's Task). */
export interface BenchTask {
  loss(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar;
  correct(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar;
}

/** Softmax cross-entropy from logits and arg-max accuracy, for int32 class targets (fallback task). */
export const plainMulticlassTask: BenchTask = {
  loss: (logits, y) => tf.losses.softmaxCrossEntropy(tf.oneHot(y as tf.Tensor1D, logits.shape[1]!), logits) as tf.Scalar,
  correct: (logits, y) => tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), 'float32')),
};

export interface ClassificationData {
  /** n × features, row-major. */
  images: Float32Array;
  labels: Int32Array;
  features: number;
}

/**
 * Synthetic data of MNIST's full size (60000 × 784, pixels in [0, 1), 10 classes). Speed does not
 * depend on the pixel values, and this keeps the benchmark independent of the data files.
 */
export function syntheticMnist(n = 60000, seed = 7): ClassificationData {
  const images = new Float32Array(n * 784);
  const labels = new Int32Array(n);
  let s = seed >>> 0 || 1;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  for (let i = 0; i < images.length; i++) images[i] = next();
  for (let i = 0; i < n; i++) labels[i] = Math.floor(next() * 10);
  return { images, labels, features: 784 };
}

function accumulatingStep(model: BenchModel, optimizer: tf.Optimizer, task: BenchTask) {
  let acc: tf.Tensor = tf.zeros([2]);
  return {
    step(x: tf.Tensor, y: tf.Tensor, size: number): void {
      const stats = tf.tidy(() => {
        let correct: tf.Scalar | undefined;
        const cost = optimizer.minimize(() => {
          const logits = model.predict(x, true);
          correct = tf.keep(task.correct(logits, y));
          return task.loss(logits, y);
        }, true, model.variables);
        if (!cost) throw new Error('optimizer.minimize returned no cost.');
        const s = tf.stack([tf.mul(cost, size), correct!]);
        correct!.dispose();
        return s;
      });
      const next = tf.add(acc, stats);
      tf.dispose([acc, stats]);
      acc = next;
      const [loss] = acc.dataSync();
      if (!Number.isFinite(loss)) throw new Error(`Benchmark step produced a non-finite loss (${loss}).`);
    },
    dispose: () => acc.dispose(),
  };
}

/** One classification training step per iteration, on consecutive batches of `data`. */
export function classificationStepper(model: BenchModel, optimizer: tf.Optimizer, task: BenchTask, data: ClassificationData, batch: number): Stepper {
  const n = data.labels.length;
  const batches = Math.floor(n / batch);
  if (batches < 1) throw new Error(`classificationStepper: batch ${batch} is larger than the data (${n} samples).`);
  const { features } = data;
  const inner = accumulatingStep(model, optimizer, task);
  let cursor = 0;
  return {
    samplesPerStep: batch,
    run(steps: number) {
      for (let s = 0; s < steps; s++) {
        const off = (cursor++ % batches) * batch;
        const x = tf.tensor2d(data.images.subarray(off * features, (off + batch) * features), [batch, features]);
        const y = tf.tensor1d(data.labels.subarray(off, off + batch), 'int32');
        inner.step(x, y, batch);
        tf.dispose([x, y]);
      }
    },
    dispose: () => inner.dispose(),
  };
}

export interface LinkData {
  /** Node pairs [p, 2] (int32, row-major) and their 0/1 labels. */
  pairs: Int32Array;
  labels: Float32Array;
}

/** One full-batch link-prediction step per iteration over all training pairs (the seed's setting). */
export function linkStepper(model: BenchModel, optimizer: tf.Optimizer, task: BenchTask, data: LinkData): Stepper {
  const p = data.labels.length;
  if (data.pairs.length !== 2 * p) throw new Error(`linkStepper: pairs must hold 2 ints per label (got ${data.pairs.length} for ${p} labels).`);
  const x = tf.tensor2d(data.pairs, [p, 2], 'int32');
  const y = tf.tensor1d(data.labels);
  const inner = accumulatingStep(model, optimizer, task);
  return {
    samplesPerStep: p,
    run(steps: number) {
      for (let s = 0; s < steps; s++) inner.step(x, y, p);
    },
    dispose() {
      inner.dispose();
      tf.dispose([x, y]);
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
