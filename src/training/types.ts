// Vocabulary of the training loop: what it trains (model, data, task), how (options), and what it
// returns (per-epoch metrics, status). Plain data wherever possible, so results serialise to JSON.
import type * as tf from '@tensorflow/tfjs';

/** Anything with trainable variables and a forward pass returning logits (src/models satisfies it). */
export interface TrainableModel {
  variables: tf.Variable[];
  predict(x: tf.Tensor, training: boolean): tf.Tensor;
}

/** One split of examples as flat typed arrays: row i is x[i*rowSize … (i+1)*rowSize). */
export interface Split {
  /** Inputs, row-major. Float32 for images, Int32 for node-pair indices. */
  x: Float32Array | Int32Array;
  /** Shape of one example, e.g. [784] or [2]. */
  exampleShape: readonly number[];
  /** Targets: class indices (multiclass) or 0/1 (binary). */
  y: Uint8Array | Int32Array | Float32Array;
  count: number;
}

/**
 * How logits and targets turn into a loss and metrics. 'multiclass': softmax cross-entropy over
 * class logits [b, C]; 'binary': sigmoid cross-entropy over one logit per example [b], plus ROC-AUC.
 */
export type TaskKind = 'multiclass' | 'binary';

export interface TrainingData {
  task: TaskKind;
  train: Split;
  test: Split;
}

/** A task's math, in tensors. Targets arrive as int32 [b] (multiclass) or float32 [b] (binary). */
export interface Task {
  kind: TaskKind;
  /** Mean loss over the batch (a scalar). */
  loss(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar;
  /** Number of correct predictions in the batch (a scalar; float is fine). */
  correct(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar;
  /** ROC-AUC from scores and 0/1 labels (binary tasks only). */
  auc?(scores: Float32Array, labels: ArrayLike<number>): number;
}

/** Metrics of one evaluation pass over a split (eval mode: no dropout). */
export interface EvalMetrics {
  loss: number;
  accuracy: number;
  auc?: number;
}

export interface EpochMetrics {
  /** 1-based. */
  epoch: number;
  /** Mean of the training mini-batch losses of this epoch (weighted by batch size), as Keras reports it. */
  trainLoss: number;
  /** Accuracy on the training batches as they were trained on (train mode), as Keras reports it. */
  trainAccuracy: number;
  /** A clean pass over the training set after the epoch (eval mode), when `evaluateTrain` is on. */
  trainEval?: EvalMetrics;
  testLoss: number;
  testAccuracy: number;
  testAuc?: number;
  /** Learning rate of the epoch's last update (after any schedule). */
  learningRate: number;
  /** Wall time of the epoch's training steps, then of its evaluation, in seconds. */
  trainSeconds: number;
  evalSeconds: number;
}

export interface LossTracePoint {
  /** Global step (1-based) at which the point was read. */
  step: number;
  epoch: number;
  /** Mean training loss over the steps since the previous read. */
  loss: number;
}

export type RunStatus = 'ok' | 'diverged' | 'error';

export interface Divergence {
  epoch: number;
  /** Global step (1-based) at which the non-finite or exploding loss (or parameter) was seen. */
  step: number;
  /**
   * The first step that may have caused it: checks run every few steps (see the loop's
   * lossReadEvery and parameterCheckEvery), so the run broke somewhere in fromStep..step.
   * Equal to `step` when it was checked right after that step.
   */
  fromStep?: number;
  loss: number;
  reason: 'non-finite loss' | 'loss above threshold' | 'non-finite parameters';
}

export interface TrainResult {
  status: Exclude<RunStatus, 'error'>;
  epochs: EpochMetrics[];
  divergence?: Divergence;
  lossTrace?: LossTracePoint[];
  totalSteps: number;
  /** Wall time of the whole call, in seconds. */
  seconds: number;
}

export type ProgressEvent =
  | { kind: 'start'; epochs: number; stepsPerEpoch: number; label?: string }
  | { kind: 'step'; epoch: number; step: number; stepsPerEpoch: number; loss: number }
  | { kind: 'epoch'; metrics: EpochMetrics; epochs: number }
  | { kind: 'end'; status: TrainResult['status']; seconds: number };

export type ProgressSink = (event: ProgressEvent) => void;
