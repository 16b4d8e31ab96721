// The learning rate of the next update, for any optimizer the loop trains with. A schedule travels in
// the optimizer's own hyperparameters (`learningRate`) for both kinds: ours evaluate it themselves at
// their step counter (src/optimizers/adapter.ts); tfjs's built-ins cannot hold one, so before each
// update the loop sets the built-in's rate to the schedule's value at the built-in's step counter.
// Either way the value is checked (learningRateAt): a bad schedule fails at the step it goes bad.
import type * as tf from '@tensorflow/tfjs';
import { hyperparamsOf } from '../optimizers/builtin';
import { isSchedule, learningRateAt } from '../optimizers/schedules';

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

/** The schedule a built-in was created with (createBuiltinOptimizer), if any. */
function builtinSchedule(opt: tf.Optimizer) {
  const lr = hyperparamsOf(opt)?.learningRate;
  return isSchedule(lr) ? lr : undefined;
}

/** The learning rate the optimizer's next update uses; NaN for an optimizer that does not expose one. */
export function currentLearningRate(opt: tf.Optimizer): number {
  if (isSelfScheduling(opt)) return opt.currentLearningRate;
  const schedule = builtinSchedule(opt);
  if (schedule) return learningRateAt(schedule, opt.iterations);
  const lr = (opt as unknown as BuiltinLike).learningRate;
  return typeof lr === 'number' ? lr : Number.NaN;
}

/**
 * Call before each update: a scheduled built-in gets the rate for its next update (our optimizers
 * need nothing). Returns the rate that update uses (NaN if the optimizer does not expose one).
 */
export function prepareUpdate(opt: tf.Optimizer): number {
  if (isSelfScheduling(opt)) return opt.currentLearningRate;
  const schedule = builtinSchedule(opt);
  if (!schedule) return currentLearningRate(opt);
  const lr = learningRateAt(schedule, opt.iterations);
  const o = opt as unknown as BuiltinLike;
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else if (typeof o.learningRate === 'number') o.learningRate = lr;
  else throw new Error(`Cannot set the learning rate of optimizer ${opt.getClassName()}: it has neither setLearningRate() nor a learningRate field.`);
  return lr;
}
