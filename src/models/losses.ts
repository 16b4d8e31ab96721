// Losses and metrics on logits, in one place for the training loop, the benchmark and notebooks.
import * as tf from '@tensorflow/tfjs';
import { COUNT_CORRECT_KERNEL, SOFTMAX_CE_KERNEL, hasFusedClassificationKernels } from '../backend/patches/softmax-cross-entropy';

function expectClassRows(fn: string, labels: tf.Tensor, logits: tf.Tensor): void {
  if (logits.rank !== 2 || labels.rank !== 1 || labels.shape[0] !== logits.shape[0]) {
    throw new Error(`${fn}: expected labels [b] and logits [b, k], got [${labels.shape}] and [${logits.shape}].`);
  }
}

/** Run a one-kernel form (wasm speed patch) when the backend has it; `composed` is the definition. */
function viaKernel(kernel: string, labels: tf.Tensor, logits: tf.Tensor, composed: () => tf.Scalar): tf.Scalar {
  if (logits.dtype !== 'float32' || !hasFusedClassificationKernels()) return composed();
  return tf.tidy(() => tf.engine().runKernel(kernel, { logits, labels: labels.dtype === 'int32' ? labels : tf.cast(labels, 'int32') }) as tf.Scalar);
}

/**
 * Mean sparse softmax cross-entropy: labels int32 [b] (class indices), logits [b, k].
 * Uses logSoftmax (stable for large logits; its gradient is softmax − one-hot exactly).
 * On wasm the same loss and gradient run as one kernel each (softmax-cross-entropy patch).
 */
export function sparseSoftmaxCrossEntropy(labels: tf.Tensor, logits: tf.Tensor): tf.Scalar {
  expectClassRows('sparseSoftmaxCrossEntropy', labels, logits);
  return viaKernel(SOFTMAX_CE_KERNEL, labels, logits, () => tf.tidy(() => {
    const oneHot = tf.oneHot(labels.dtype === 'int32' ? labels : tf.cast(labels, 'int32'), logits.shape[1]!);
    return tf.mul(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits))), -1 / logits.shape[0]!) as tf.Scalar;
  }));
}

/** Number of rows whose arg-max logit (the first maximum) equals the label, as a float32 scalar. */
export function correctCount(labels: tf.Tensor, logits: tf.Tensor): tf.Scalar {
  expectClassRows('correctCount', labels, logits);
  return viaKernel(COUNT_CORRECT_KERNEL, labels, logits, () => tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.cast(labels, 'int32')), 'float32')) as tf.Scalar));
}

/**
 * Mean binary cross-entropy from logits: labels 0/1 [p], logits [p].
 * Value max(x,0) − x·z + log(1 + e^−|x|) (never overflows); gradient written out as
 * (σ(x) − z)/p, exact also at x = 0 where the value's relu/abs pieces have kinks.
 */
export function sigmoidCrossEntropy(labels: tf.Tensor, logits: tf.Tensor): tf.Scalar {
  if (labels.shape.join() !== logits.shape.join()) {
    throw new Error(`sigmoidCrossEntropy: labels [${labels.shape}] and logits [${logits.shape}] must have the same shape.`);
  }
  const z = labels.dtype === 'float32' ? labels : tf.cast(labels, 'float32');
  const loss = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, y, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([x, y]);
    const value = tf.mean(tf.add(tf.sub(tf.relu(x), tf.mul(x, y)), tf.log1p(tf.exp(tf.neg(tf.abs(x)))))) as tf.Scalar;
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ys] = saved;
      return [tf.mul(dy, tf.div(tf.sub(tf.sigmoid(xs), ys), xs.size)), tf.zerosLike(ys)];
    };
    return { value, gradFunc };
  });
  const out = loss(logits, z) as tf.Scalar;
  if (z !== labels) z.dispose();
  return out;
}

/** Fraction of rows whose arg-max logit equals the label (labels int32 [b], logits [b, k]). */
export function accuracy(labels: tf.Tensor, logits: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.div(correctCount(labels, logits), labels.shape[0]!) as tf.Scalar);
}

/** Fraction of pairs classified right at threshold σ(x) = 0.5, i.e. x = 0 (labels 0/1 [p], logits [p]). */
export function binaryAccuracy(labels: tf.Tensor, logits: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.cast(tf.greater(logits, 0), 'float32'), tf.cast(labels, 'float32')), 'float32')) as tf.Scalar);
}

/**
 * Area under the ROC curve = probability that a random positive scores above a random negative
 * (ties count half): the Mann–Whitney U statistic from average ranks. Plain JS, O(n log n).
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  if (labels.length !== n) throw new Error(`rocAuc: ${n} scores but ${labels.length} labels.`);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSumPositives = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const averageRank = (i + j) / 2 + 1; // 1-based ranks i+1..j+1 share their mean
    for (let k = i; k <= j; k++) {
      const y = labels[order[k]];
      if (y !== 0 && y !== 1) throw new Error(`rocAuc: labels must be 0 or 1, got ${y}.`);
      if (y === 1) {
        positives++;
        rankSumPositives += averageRank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) {
    throw new Error(`rocAuc needs at least one positive and one negative label (got ${positives} positives, ${negatives} negatives).`);
  }
  for (let i = 0; i < n; i++) if (Number.isNaN(scores[i])) throw new Error('rocAuc: a score is NaN.');
  return (rankSumPositives - (positives * (positives + 1)) / 2) / (positives * negatives);
}
