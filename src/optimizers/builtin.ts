// The tfjs built-in optimizer matching one of ours, configured with the same (validated) hyperparameters,
// so the two can be compared step for step. Each optimizer's registry entry says whether tfjs has a
// built-in (`info.tfjs`), how to create it, and how it differs (`info.tfjs.differences`, tested in
// test/optimizers.tfjs.test.ts).
import type * as tf from '@tensorflow/tfjs';
import { resolveHyperparams, type ResolvedHyperparams } from './hyperparams';
import { OPTIMIZER_REGISTRY, assertOptimizerName, getOptimizerInfo } from './registry';
import { isSchedule, learningRateAt } from './schedules';
import { OPTIMIZER_NAMES, type HyperparameterKey, type Hyperparams, type OptimizerName, type StepHyperparams } from './types';

/** The optimizers tfjs has a built-in for (registry order): those whose entry has `tfjs` notes. */
export const BUILTIN_OPTIMIZER_NAMES: readonly OptimizerName[] = OPTIMIZER_NAMES.filter((name) => OPTIMIZER_REGISTRY[name].tfjs !== null);

/** The resolved hyperparameters each built-in was created with (tfjs's objects cannot hold a schedule). */
const builtinHyperparams = new WeakMap<tf.Optimizer, Readonly<ResolvedHyperparams>>();

/**
 * tf.train.* for `name`, with our defaults (torch's) unless overridden: ε is always passed explicitly, so
 * tfjs's backend-dependent default never applies. A schedule is accepted: the built-in starts at its
 * first rate and the training loop sets the rate before each update (training/learning-rate.ts
 * prepareUpdate). Hyperparameters the built-in cannot honour (weight decay) are an error rather than
 * silently dropped.
 */
export function createBuiltinOptimizer(name: OptimizerName, hp?: Hyperparams): tf.Optimizer {
  assertOptimizerName(name);
  const info = getOptimizerInfo(name);
  if (!info.tfjs) {
    throw new Error(`tfjs has no built-in "${name}" optimizer. Built-ins exist for: ${BUILTIN_OPTIMIZER_NAMES.join(', ')}; use createOptimizer("${name}") instead.`);
  }
  const r = resolveHyperparams(`Built-in optimizer "${name}"`, info.defaults, hp);
  if ((r.weightDecay ?? 0) !== 0) {
    throw new Error(`Built-in optimizer "${name}": tfjs built-ins have no weightDecay; set it to 0 or use createOptimizer("${name}").`);
  }
  // Only this optimizer's keys are present, all numbers once a schedule is replaced by its first rate.
  const first = isSchedule(r.learningRate) ? learningRateAt(r.learningRate, 0) : r.learningRate;
  const optimizer = info.tfjs.create({ ...r, learningRate: first } as StepHyperparams<HyperparameterKey>);
  builtinHyperparams.set(optimizer, Object.freeze(r));
  return optimizer;
}

/**
 * The validated hyperparameters (defaults filled in, learningRate a number or a schedule) of one of our
 * optimizers or of a built-in made by createBuiltinOptimizer; undefined for any other tf.Optimizer.
 */
export function hyperparamsOf(optimizer: tf.Optimizer): Readonly<ResolvedHyperparams> | undefined {
  const ours = (optimizer as Partial<{ hyperparams: Readonly<ResolvedHyperparams> }>).hyperparams;
  return builtinHyperparams.get(optimizer) ?? (ours && typeof ours === 'object' ? ours : undefined);
}
