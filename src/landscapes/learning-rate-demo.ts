// Seed 002's picture, live: gradient descent on the 1-D quadratic f(w) = w² with several learning rates.
// The update is w ← (1 − 2·lr)·w, so lr < 0.5 creeps monotonically (slowly when lr is small),
// 0.5 < lr < 1 overshoots and oscillates in to the minimum, and lr > 1 overshoots further every step.
import * as tf from '@tensorflow/tfjs';
import { descend, instantiateOptimizer, type OptimizerSpec } from './trajectory';

export type LearningRateVerdict = 'too small' | 'good' | 'oscillating' | 'diverging';

export interface LearningRateRun {
  learningRate: number;
  /** Iterates w₀ … w_T (finite ones only). */
  w: Float64Array;
  /** f(w) at each iterate. */
  loss: Float64Array;
  diverged: boolean;
  /** Read off the path itself, not from the formula, so it stays honest for any optimizer. */
  verdict: LearningRateVerdict;
}

export interface LearningRateDemoOptions {
  learningRates?: number[];
  /** Starting point w₀ (default 4). */
  start?: number;
  steps?: number;
  /** Which optimizer takes the steps (default plain 'sgd', i.e. gradient descent). */
  optimizer?: OptimizerSpec;
}

export const LR_DEMO_DEFAULT_RATES = [0.05, 0.3, 0.9, 1.05];

/** f(w) = w², the function the demo descends (exported so a chart can draw the curve). */
export const lrDemoObjective = (w: tf.Tensor): tf.Tensor => tf.square(w);

/** Run the 1-D demo for each learning rate. A run diverges when |w| exceeds 100·|w₀| or stops being finite. */
export function learningRateDemo(opts: LearningRateDemoOptions = {}): LearningRateRun[] {
  const rates = opts.learningRates ?? LR_DEMO_DEFAULT_RATES;
  const w0 = opts.start ?? 4;
  const steps = opts.steps ?? 12;
  if (!(w0 !== 0 && Number.isFinite(w0))) throw new Error(`learningRateDemo: start must be a finite non-zero number (got ${w0}).`);
  if (rates.length === 0 || !rates.every((r) => Number.isFinite(r) && r > 0)) {
    throw new Error(`learningRateDemo: learningRates must be positive numbers (got ${JSON.stringify(rates)}).`);
  }
  return rates.map((learningRate) => {
    const path = descend(
      (v) => tf.tidy(() => tf.sum(lrDemoObjective(v)) as tf.Scalar),
      [w0],
      instantiateOptimizer(opts.optimizer ?? 'sgd', { learningRate }),
      steps,
      (p) => Math.abs(p[0]) > 100 * Math.abs(w0),
    );
    const w = path.points[0];
    return { learningRate, w, loss: path.loss, diverged: path.diverged, verdict: judge(w, path.diverged) };
  });
}

function judge(w: Float64Array, diverged: boolean): LearningRateVerdict {
  const first = Math.abs(w[0]);
  const last = Math.abs(w[w.length - 1]);
  if (diverged || last > first) return 'diverging';
  let signChanges = 0;
  for (let i = 1; i < w.length; i++) if (Math.sign(w[i]) !== Math.sign(w[i - 1]) && w[i] !== 0) signChanges++;
  if (signChanges >= w.length / 2 && last > 1e-3 * first) return 'oscillating';
  return last > 0.1 * first ? 'too small' : 'good';
}
