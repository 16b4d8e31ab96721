// The tfjs built-in optimizer matching one of ours, configured with the same (validated) hyperparameters,
// so the two can be compared step for step. Each optimizer's registry entry says whether tfjs has a
// built-in (`info.tfjs`), how to create it, and how it differs (`info.tfjs.differences`, tested in
// test/optimizers.tfjs.test.ts).
import type * as tf from '@tensorflow/tfjs';
import { resolveHyperparams } from './hyperparams';
import { OPTIMIZER_REGISTRY, assertOptimizerName, getOptimizerInfo } from './registry';
import { isSchedule } from './schedules';
import { OPTIMIZER_NAMES, type HyperparameterKey, type Hyperparams, type OptimizerName, type StepHyperparams } from './types';

/** The optimizers tfjs has a built-in for (registry order): those whose entry has `tfjs` notes. */
export const BUILTIN_OPTIMIZER_NAMES: readonly OptimizerName[] = OPTIMIZER_NAMES.filter((name) => OPTIMIZER_REGISTRY[name].tfjs !== null);

/**
 * tf.train.* for `name`, with our defaults (torch's) unless overridden: ε is always passed explicitly, so
 * tfjs's backend-dependent default never applies. Hyperparameters the built-in cannot honour (weight decay,
 * a schedule) are an error rather than silently dropped.
 */
export function createBuiltinOptimizer(name: OptimizerName, hp?: Hyperparams): tf.Optimizer {
  assertOptimizerName(name);
  const info = getOptimizerInfo(name);
  if (!info.tfjs) {
    throw new Error(`tfjs has no built-in "${name}" optimizer. Built-ins exist for: ${BUILTIN_OPTIMIZER_NAMES.join(', ')}; use createOptimizer("${name}") instead.`);
  }
  const r = resolveHyperparams(`Built-in optimizer "${name}"`, info.defaults, hp);
  if (isSchedule(r.learningRate)) {
    throw new Error(`Built-in optimizer "${name}": tfjs built-ins take a constant learningRate, not a schedule; use createOptimizer("${name}") for schedules.`);
  }
  if ((r.weightDecay ?? 0) !== 0) {
    throw new Error(`Built-in optimizer "${name}": tfjs built-ins have no weightDecay; set it to 0 or use createOptimizer("${name}").`);
  }
  // Only this optimizer's keys are present, all numbers: the learning rate was checked just above.
  return info.tfjs.create(r as StepHyperparams<HyperparameterKey>);
}
