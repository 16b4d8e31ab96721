// The loop's two tasks, assembled from the model area's losses and metrics (src/models/losses).
import * as tf from '@tensorflow/tfjs';
import { binaryAccuracy, correctCount, rocAuc, sigmoidCrossEntropy, sparseSoftmaxCrossEntropy } from '../models/losses';
import type { Task, TaskKind } from './types';

/** Class logits [b, C], int32 class targets: softmax cross-entropy and arg-max accuracy. */
export const MULTICLASS_TASK: Task = {
  kind: 'multiclass',
  loss: (logits, targets) => sparseSoftmaxCrossEntropy(targets, logits),
  correct: (logits, targets) => correctCount(targets, logits),
};

/** One logit per pair [p], 0/1 targets: sigmoid cross-entropy, accuracy at σ = 0.5, ROC-AUC. */
export const BINARY_TASK: Task = {
  kind: 'binary',
  loss: (logits, targets) => sigmoidCrossEntropy(targets, logits),
  correct: (logits, targets) => tf.tidy(() => tf.mul(binaryAccuracy(targets, logits), targets.shape[0]!) as tf.Scalar),
  auc: (scores, labels) => rocAuc(scores, labels),
};

export function taskFor(kind: TaskKind): Task {
  switch (kind) {
    case 'multiclass': return MULTICLASS_TASK;
    case 'binary': return BINARY_TASK;
    default: throw new Error(`Unknown task "${String(kind)}". Valid: multiclass, binary.`);
  }
}
