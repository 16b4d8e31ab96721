// Reading and setting the learning rate of any tf.Optimizer, so one loop can schedule both our
// optimizers and tfjs's built-ins. Schedules themselves live in src/optimizers/schedules.ts.
import type * as tf from '@tensorflow/tfjs';
import type { LearningRateSchedule } from '../optimizers/schedules';

/** Our optimizers (src/optimizers/adapter RuleOptimizer) expose the rate of their next update. */
interface SelfScheduling {
  readonly currentLearningRate: number;
}
/** tfjs built-ins keep a `learningRate` field; SGD and Momentum also cache it in a scalar, hence setLearningRate. */
interface BuiltinLike {
  learningRate?: unknown;
  setLearningRate?: (lr: number) => void;
}

function isSelfScheduling(opt: tf.Optimizer): opt is tf.Optimizer & SelfScheduling {
  return typeof (opt as Partial<SelfScheduling>).currentLearningRate === 'number';
}

/** The learning rate the optimizer's next update uses; NaN for an optimizer that does not expose one. */
export function currentLearningRate(opt: tf.Optimizer): number {
  if (isSelfScheduling(opt)) return opt.currentLearningRate;
  const lr = (opt as unknown as BuiltinLike).learningRate;
  return typeof lr === 'number' ? lr : Number.NaN;
}

/**
 * Apply `schedule` (evaluated at `updatesApplied`, as our adapter does) to a tfjs built-in optimizer.
 * Our own optimizers take the schedule itself as `learningRate` and apply it internally; giving
 * one to the loop as well would schedule twice, so that is an error.
 */
export function applySchedule(opt: tf.Optimizer, schedule: LearningRateSchedule, updatesApplied: number): void {
  if (isSelfScheduling(opt)) {
    throw new Error(
      'This optimizer schedules its own learning rate: pass the schedule as `learningRate` to createOptimizer ' +
      'instead of as the training loop\'s `schedule` (which is for tfjs built-in optimizers).',
    );
  }
  const lr = schedule(updatesApplied);
  const o = opt as unknown as BuiltinLike;
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else if (typeof o.learningRate === 'number') o.learningRate = lr;
  else throw new Error(`Cannot set the learning rate of optimizer ${opt.getClassName()}: it has neither setLearningRate() nor a learningRate field.`);
}
