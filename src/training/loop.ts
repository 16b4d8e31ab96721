// THE training loop: every model, optimizer and batch setting goes through `train`. Full-batch GD
// and single-example SGD are batch sizes; a learning-rate schedule (in the optimizer's learningRate) is
// applied per step, to built-ins too (./learning-rate); a non-finite or exploding loss, or a non-finite
// parameter, ends the run as a 'diverged' result, not an exception.
//
// Hot path, per step: two tensor uploads from subarrays of the epoch's pre-shuffled buffers, one
// `minimize`, one on-device add of [loss·b, correct] into an accumulator. The accumulator is read
// back (one sync) every `lossReadEvery` steps, which is also when divergence is checked. The loss
// alone is not enough: a forward pass can hide NaN weights (XNNPACK's fused ReLU, which wasm still
// runs for products of more than 4 rows and fewer than 8 columns, clamps NaN to 0), leaving a finite
// loss at chance level. So the same read also carries one reduction
// over every parameter (finite or not), at most every `parameterCheckEvery` steps and at each
// epoch's end.
import * as tf from '@tensorflow/tfjs';
import { EpochBatches, checkSplit, type Batch } from './batches';
import { DEFAULT_EVAL_BATCH_SIZE, evaluate } from './evaluate';
import { prepareUpdate } from './learning-rate';
import { consoleProgress } from './progress';
import { taskFor } from './tasks';
import type {
  Divergence, EpochMetrics, LossTracePoint, ProgressSink, Task, TrainResult, TrainableModel, TrainingData,
} from './types';

/** Cross-entropy of 1000 nats puts probability e^-1000 on the truth: far past anything worth continuing. */
export const DEFAULT_DIVERGENCE_LOSS = 1e3;

export interface TrainOptions {
  model: TrainableModel;
  optimizer: tf.Optimizer;
  data: TrainingData;
  epochs: number;
  /** Examples per step; 'full' = the whole training split (gradient descent); 1 = per-example SGD. */
  batchSize: number | 'full';
  /** Seeds the per-epoch shuffles (the model's initialisation is the model's business). */
  seed: number;
  /** Loss and metrics; default: the standard one for `data.task` (see ./tasks). */
  task?: Task;
  /** Read the accumulated loss back every k steps (divergence is detected within k steps). Default 1. */
  lossReadEvery?: number;
  /** Record the mean training loss every k steps (rounded up to a read point); 0 = no trace. Default 0. */
  traceEvery?: number;
  /**
   * Check that every parameter is finite at the first read point at least k steps after the last
   * check, and always at an epoch's end. Default DEFAULT_PARAMETER_CHECK_EVERY.
   */
  parameterCheckEvery?: number;
  /** A read-window mean loss above this is divergence. Default DEFAULT_DIVERGENCE_LOSS. */
  divergenceLoss?: number;
  /** Also evaluate the training split in eval mode after each epoch (and AUC for binary tasks). */
  evaluateTrain?: boolean;
  evalBatchSize?: number;
  /**
   * Largest batch pushed through the model at once. A bigger batch (e.g. full-batch GD on 60k
   * images) is split into micro-batches whose gradients are summed before one optimizer step, so
   * the update is exactly the full-batch one without holding every activation at once.
   */
  maxMicroBatch?: number;
  /** 'console': bar on a TTY, plain lines otherwise (stderr); a function receives raw events. Default none. */
  progress?: 'console' | 'none' | ProgressSink;
  label?: string;
}

export const DEFAULT_MAX_MICRO_BATCH = 4096;

/**
 * The check (a multiply and a sum per variable, read in the same sync as the loss) costs ~1 ms on the
 * MLP 784-128-64-10 on wasm, 2–7% of a batch-64 step measured here: every 20 steps it is ≤ 0.35%. A
 * divergence found by it names the range of steps since the last good check.
 */
export const DEFAULT_PARAMETER_CHECK_EVERY = 20;

/**
 * 0 when every parameter is finite, NaN otherwise: 0·NaN = 0·±∞ = NaN, and a NaN survives the sums
 * (a plain sum of the weights could overflow on large but finite values).
 */
export function nonFiniteParameterProbe(variables: readonly tf.Variable[]): tf.Tensor1D {
  return tf.tidy(() => tf.reshape(tf.addN(variables.map((v) => tf.sum(tf.mul(v, 0)))), [1]) as tf.Tensor1D);
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}.`);
  return value;
}

/** One step's [loss × batch size, number correct] as a tensor of shape [2]; the optimizer has stepped. */
function stepOnBatch(model: TrainableModel, optimizer: tf.Optimizer, task: Task, batch: Batch): tf.Tensor1D {
  return tf.tidy(() => {
    let correct: tf.Scalar | undefined;
    const cost = optimizer.minimize(() => {
      const logits = model.predict(batch.x, true);
      // Not on the loss's path, so it costs no gradient work; kept past variableGrads' inner tidy.
      correct = tf.keep(task.correct(logits, batch.y));
      return task.loss(logits, batch.y);
    }, true, model.variables) as tf.Scalar;
    const stats = tf.stack([tf.mul(cost, batch.size), correct!]) as tf.Tensor1D;
    correct!.dispose();
    return stats;
  });
}

/** Like stepOnBatch, but the gradient is accumulated over micro-batches before one update. */
function stepOnMicroBatches(model: TrainableModel, optimizer: tf.Optimizer, task: Task, batch: Batch, micro: number): tf.Tensor1D {
  let grads: tf.NamedTensorMap | undefined;
  let stats: tf.Tensor1D | undefined;
  for (let start = 0; start < batch.size; start += micro) {
    const size = Math.min(micro, batch.size - start);
    const part = tf.tidy(() => {
      const x = tf.slice(batch.x, start, size);
      const y = tf.slice(batch.y, start, size);
      let correct: tf.Scalar | undefined;
      // The micro-batch mean weighted by its share: the sum over parts is the full-batch mean.
      const { value, grads: g } = tf.variableGrads(() => {
        const logits = model.predict(x, true);
        correct = tf.keep(task.correct(logits, y));
        return tf.mul(task.loss(logits, y), size / batch.size) as tf.Scalar;
      }, model.variables);
      const s = tf.stack([tf.mul(value, batch.size), correct!]);
      correct!.dispose();
      return { g, s };
    });
    if (grads === undefined || stats === undefined) {
      grads = part.g;
      stats = part.s as tf.Tensor1D;
    } else {
      const prevGrads: tf.NamedTensorMap = grads;
      const prevStats: tf.Tensor1D = stats;
      grads = tf.tidy(() => Object.fromEntries(Object.keys(prevGrads).map((k) => [k, tf.add(prevGrads[k], part.g[k])])));
      stats = tf.add(prevStats, part.s) as tf.Tensor1D;
      tf.dispose([prevGrads, prevStats, part.g, part.s]);
    }
  }
  optimizer.applyGradients(model.variables.map((v) => ({ name: v.name, tensor: grads![v.name] })));
  tf.dispose(grads!);
  return stats!;
}

/** Train `model` with `optimizer` on `data`; returns per-epoch metrics and the run's status. */
export function train(opts: TrainOptions): TrainResult {
  const started = performance.now();
  const epochs = positiveInt('epochs', opts.epochs);
  const readEvery = positiveInt('lossReadEvery', opts.lossReadEvery ?? 1);
  const paramCheckEvery = positiveInt('parameterCheckEvery', opts.parameterCheckEvery ?? DEFAULT_PARAMETER_CHECK_EVERY);
  const traceEvery = opts.traceEvery ?? 0;
  const micro = positiveInt('maxMicroBatch', opts.maxMicroBatch ?? DEFAULT_MAX_MICRO_BATCH);
  const divergenceLoss = opts.divergenceLoss ?? DEFAULT_DIVERGENCE_LOSS;
  const evalBatch = positiveInt('evalBatchSize', opts.evalBatchSize ?? DEFAULT_EVAL_BATCH_SIZE);
  const task = opts.task ?? taskFor(opts.data.task);
  if (task.kind !== opts.data.task) throw new Error(`Task '${task.kind}' does not match the data's task '${opts.data.task}'.`);
  checkSplit(opts.data.test, 'test split');
  const { model, optimizer } = opts;
  const sink: ProgressSink | undefined = typeof opts.progress === 'function'
    ? opts.progress
    : opts.progress === 'console' ? consoleProgress({ label: opts.label }) : undefined;

  const batches = new EpochBatches(opts.data.train, task.kind, opts.batchSize, opts.seed);
  const stepsPerEpoch = batches.numBatches;
  const result: TrainResult = { status: 'ok', epochs: [], totalSteps: 0, seconds: 0 };
  const trace: LossTracePoint[] | undefined = traceEvery > 0 ? [] : undefined;
  let step = 0;
  let lastTraceStep = 0;
  let pending: tf.Tensor1D | undefined; // on-device [Σ loss·b, Σ correct] since the last read
  let lastLearningRate = Number.NaN;
  let lastParamCheckStep = 0; // parameters were finite after this step
  sink?.({ kind: 'start', epochs, stepsPerEpoch, label: opts.label });

  try {
    for (let epoch = 1; epoch <= epochs && !result.divergence; epoch++) {
      const t0 = performance.now();
      batches.shuffle();
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let pendingExamples = 0;
      let pendingSteps = 0;
      for (let i = 0; i < stepsPerEpoch; i++) {
        step++;
        lastLearningRate = prepareUpdate(optimizer); // the rate this step uses (set now for a scheduled built-in)
        const batch = batches.batch(i);
        const stats = batch.size > micro
          ? stepOnMicroBatches(model, optimizer, task, batch, micro)
          : stepOnBatch(model, optimizer, task, batch);
        if (batches.batchesAreOwnedByCaller) tf.dispose([batch.x, batch.y]);
        if (pending) {
          const sum = tf.add(pending, stats) as tf.Tensor1D;
          tf.dispose([pending, stats]);
          pending = sum;
        } else pending = stats;
        pendingExamples += batch.size;
        pendingSteps++;
        if (pendingSteps < readEvery && i < stepsPerEpoch - 1) continue;

        const windowStart = step - pendingSteps + 1;
        const checkParams = i === stepsPerEpoch - 1 || step - lastParamCheckStep >= paramCheckEvery;
        let read: tf.Tensor1D = pending;
        if (checkParams) {
          const probe = nonFiniteParameterProbe(model.variables);
          read = tf.concat([pending, probe]);
          probe.dispose();
        }
        const [l, c, p] = read.dataSync();
        if (read !== pending) read.dispose();
        pending.dispose();
        pending = undefined;
        const windowLoss = l / pendingExamples;
        lossSum += l;
        correct += c;
        seen += pendingExamples;
        pendingExamples = 0;
        pendingSteps = 0;
        if (!Number.isFinite(windowLoss) || windowLoss > divergenceLoss) {
          result.divergence = {
            epoch, step, fromStep: windowStart, loss: windowLoss,
            reason: Number.isFinite(windowLoss) ? 'loss above threshold' : 'non-finite loss',
          } satisfies Divergence;
          result.status = 'diverged';
          break;
        }
        if (checkParams) {
          if (!Number.isFinite(p)) {
            // Broken by one of the updates since the last check (the loss read may not show it).
            result.divergence = { epoch, step, fromStep: lastParamCheckStep + 1, loss: windowLoss, reason: 'non-finite parameters' };
            result.status = 'diverged';
            break;
          }
          lastParamCheckStep = step;
        }
        if (trace && step - lastTraceStep >= traceEvery) {
          trace.push({ step, epoch, loss: windowLoss });
          lastTraceStep = step;
        }
        sink?.({ kind: 'step', epoch, step: i + 1, stepsPerEpoch, loss: windowLoss });
      }
      if (result.divergence) break;
      const t1 = performance.now();
      const test = evaluate(model, opts.data.test, task, evalBatch);
      const metrics: EpochMetrics = {
        epoch,
        trainLoss: lossSum / seen,
        trainAccuracy: correct / seen,
        testLoss: test.loss,
        testAccuracy: test.accuracy,
        learningRate: lastLearningRate,
        trainSeconds: (t1 - t0) / 1000,
        evalSeconds: 0,
      };
      if (test.auc !== undefined) metrics.testAuc = test.auc;
      if (opts.evaluateTrain) metrics.trainEval = evaluate(model, opts.data.train, task, evalBatch);
      metrics.evalSeconds = (performance.now() - t1) / 1000;
      result.epochs.push(metrics);
      sink?.({ kind: 'epoch', metrics, epochs });
      if (!Number.isFinite(test.loss)) {
        // The last update of the epoch broke the weights after its (finite) loss was read.
        result.divergence = { epoch, step, fromStep: step, loss: test.loss, reason: 'non-finite loss' };
        result.status = 'diverged';
      }
    }
  } finally {
    pending?.dispose();
    batches.dispose();
  }
  result.totalSteps = step;
  if (trace) result.lossTrace = trace;
  result.seconds = (performance.now() - started) / 1000;
  sink?.({ kind: 'end', status: result.status, seconds: result.seconds });
  return result;
}
