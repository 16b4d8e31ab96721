// Public API of the optimizer library.
import type * as tf from '@tensorflow/tfjs';
import type { RuleOptimizer } from './adapter';
import { getOptimizerClass } from './registry';
import type { Hyperparams, OptimizerName } from './types';

/**
 * A tf.Optimizer implementing `name` with torch.optim's conventions. Works with optimizer.minimize,
 * optimizer.applyGradients({[variableName]: gradient}) and tf.layers model.compile({optimizer}).
 * Unknown names, unknown or inapplicable keys and out-of-range values throw an error naming the valid choices.
 */
export function createOptimizer(name: OptimizerName, hp?: Hyperparams): RuleOptimizer & tf.Optimizer {
  const cls = getOptimizerClass(name);
  return new cls(hp);
}

export { RuleOptimizer, optimizerClass, type RuleOptimizerClass } from './adapter';
export { createBuiltinOptimizer, hyperparamsOf, BUILTIN_OPTIMIZER_NAMES } from './builtin';
export { HYPERPARAMETER_RANGES, resolveHyperparams, serializeHyperparams, type ResolvedHyperparams, type SerializedHyperparams } from './hyperparams';
export { OPTIMIZER_REGISTRY, OPTIMIZER_CLASSES, getOptimizerInfo, getOptimizerClass, isOptimizerName, assertOptimizerName } from './registry';
export * from './schedules';
export * from './types';
