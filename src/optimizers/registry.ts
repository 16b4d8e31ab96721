// The registry: every optimizer's rule and metadata, by name (one source of truth for code, notebooks, report).
import { optimizerClass, type RuleOptimizerClass } from './adapter';
import { adamInfo, adamRule } from './adam';
import { momentumInfo, momentumRule } from './momentum';
import { sgdInfo, sgdRule } from './sgd';
import { OPTIMIZER_NAMES, type OptimizerDefinition, type OptimizerInfo, type OptimizerName } from './types';

const DEFINITIONS: Partial<Record<OptimizerName, OptimizerDefinition>> = {
  sgd: { info: sgdInfo, rule: sgdRule },
  momentum: { info: momentumInfo, rule: momentumRule },
  adam: { info: adamInfo, rule: adamRule },
};

/** Metadata of every optimizer, in OPTIMIZER_NAMES order. */
export const OPTIMIZER_REGISTRY: Readonly<Partial<Record<OptimizerName, OptimizerInfo>>> = Object.freeze(
  Object.fromEntries(Object.entries(DEFINITIONS).map(([name, d]) => [name, d.info])),
);

/** One registered tf.Optimizer subclass per optimizer (serialization needs a class per className). */
export const OPTIMIZER_CLASSES: Readonly<Partial<Record<OptimizerName, RuleOptimizerClass>>> = Object.freeze(
  Object.fromEntries(Object.entries(DEFINITIONS).map(([name, d]) => [name, optimizerClass(d)])),
);

export function isOptimizerName(name: unknown): name is OptimizerName {
  return typeof name === 'string' && (OPTIMIZER_NAMES as readonly string[]).includes(name);
}

/** Throws an error naming the valid choices unless `name` is an optimizer name. */
export function assertOptimizerName(name: unknown): asserts name is OptimizerName {
  if (!isOptimizerName(name)) {
    throw new Error(`Unknown optimizer "${String(name)}". Valid choices: ${OPTIMIZER_NAMES.join(', ')}.`);
  }
}

export function getOptimizerInfo(name: OptimizerName): OptimizerInfo {
  assertOptimizerName(name);
  const info = OPTIMIZER_REGISTRY[name];
  if (info === undefined) throw new Error(`Optimizer "${name}" is not implemented yet.`);
  return info;
}

export function getOptimizerClass(name: OptimizerName): RuleOptimizerClass {
  assertOptimizerName(name);
  const cls = OPTIMIZER_CLASSES[name];
  if (cls === undefined) throw new Error(`Optimizer "${name}" is not implemented yet.`);
  return cls;
}
