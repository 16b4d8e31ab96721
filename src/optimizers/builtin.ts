// The tfjs built-in optimizer matching one of ours, configured with the same (validated) hyperparameters,
// so the two can be compared step for step. Differences of convention are listed in each optimizer's
// metadata (`info.tfjs.differences`) and tested in test/optimizers.tfjs.test.ts.
import * as tf from '@tensorflow/tfjs';
import { resolveHyperparams, type ResolvedHyperparams } from './hyperparams';
import { assertOptimizerName, getOptimizerInfo } from './registry';
import { isSchedule, learningRateAt } from './schedules';
import type { Hyperparams, OptimizerName } from './types';

export const BUILTIN_OPTIMIZER_NAMES = ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adadelta', 'adam', 'adamax'] as const;
export type BuiltinOptimizerName = (typeof BUILTIN_OPTIMIZER_NAMES)[number];

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
  if (!(BUILTIN_OPTIMIZER_NAMES as readonly string[]).includes(name)) {
    throw new Error(`tfjs has no built-in "${name}" optimizer. Built-ins exist for: ${BUILTIN_OPTIMIZER_NAMES.join(', ')}; use createOptimizer("${name}") instead.`);
  }
  const r = resolveHyperparams(`Built-in optimizer "${name}"`, getOptimizerInfo(name).defaults, hp);
  if ((r.weightDecay ?? 0) !== 0) {
    throw new Error(`Built-in optimizer "${name}": tfjs built-ins have no weightDecay; set it to 0 or use createOptimizer("${name}").`);
  }
  const optimizer = builtin(name as BuiltinOptimizerName, r, isSchedule(r.learningRate) ? learningRateAt(r.learningRate, 0) : r.learningRate);
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

function builtin(name: BuiltinOptimizerName, r: ResolvedHyperparams, lr: number): tf.Optimizer {
  const num = (key: keyof typeof r): number => r[key] as number;
  switch (name) {
    case 'sgd': return tf.train.sgd(lr);
    case 'momentum': return tf.train.momentum(lr, num('momentum'), false);
    case 'nesterov': return tf.train.momentum(lr, num('momentum'), true);
    case 'adagrad': return tf.train.adagrad(lr, num('initialAccumulatorValue'));
    case 'rmsprop': return tf.train.rmsprop(lr, num('rho'), num('momentum'), num('epsilon'), false);
    case 'adadelta': return tf.train.adadelta(lr, num('rho'), num('epsilon'));
    case 'adam': return tf.train.adam(lr, num('beta1'), num('beta2'), num('epsilon'));
    case 'adamax': return tf.train.adamax(lr, num('beta1'), num('beta2'), num('epsilon'), 0);
  }
}
