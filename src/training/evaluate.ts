// Evaluation passes: the model in eval mode (no dropout) over a whole split, in large batches,
// each under tf.tidy, with one read from the backend per batch.
import * as tf from '@tensorflow/tfjs';
import { evalBatches } from './batches';
import type { EvalMetrics, Split, Task, TrainableModel } from './types';

export const DEFAULT_EVAL_BATCH_SIZE = 1000;

export function evaluate(model: TrainableModel, split: Split, task: Task, batchSize = DEFAULT_EVAL_BATCH_SIZE): EvalMetrics {
  let lossSum = 0;
  let correct = 0;
  const scores = task.kind === 'binary' ? new Float32Array(split.count) : undefined;
  let offset = 0;
  for (const batch of evalBatches(split, task.kind, batchSize)) {
    const { sums, logits } = tf.tidy(() => {
      const out = model.predict(batch.x, false);
      const stats = tf.stack([tf.mul(task.loss(out, batch.y), batch.size), task.correct(out, batch.y)]);
      return { sums: stats, logits: scores ? out : undefined };
    });
    const [l, c] = sums.dataSync();
    lossSum += l;
    correct += c;
    if (scores && logits) scores.set(logits.dataSync() as Float32Array, offset);
    offset += batch.size;
    tf.dispose([sums, logits, batch.x, batch.y]);
  }
  const metrics: EvalMetrics = { loss: lossSum / split.count, accuracy: correct / split.count };
  if (scores) {
    if (!task.auc) throw new Error(`Task '${task.kind}' produces scores but has no auc(): binary tasks must implement it.`);
    // Logits rank examples exactly as sigmoid probabilities do, so the AUC is the same. NaN scores
    // (weights broken by a diverging update) have no ranking: the AUC is NaN and the loop, seeing a
    // non-finite loss, records the run as diverged instead of failing it.
    metrics.auc = scores.some(Number.isNaN) ? NaN : task.auc(scores, split.y);
  }
  return metrics;
}
