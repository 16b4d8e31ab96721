// The registry: every optimizer's rule and metadata, by name (one source of truth for code, notebooks, report).
import { optimizerClass, type RuleOptimizerClass } from './adapter';
import { adadeltaInfo, adadeltaRule } from './adadelta';
import { adagradInfo, adagradRule } from './adagrad';
import { adamInfo, adamRule } from './adam';
import { adamaxInfo, adamaxRule } from './adamax';
import { adamwInfo, adamwRule } from './adamw';
import { amsgradInfo, amsgradRule } from './amsgrad';
import { lionInfo, lionRule } from './lion';
import { momentumInfo, momentumRule } from './momentum';
import { nadamInfo, nadamRule } from './nadam';
import { nesterovInfo, nesterovRule } from './nesterov';
import { rmspropInfo, rmspropRule } from './rmsprop';
import { sgdInfo, sgdRule } from './sgd';
import { OPTIMIZER_NAMES, type OptimizerDefinition, type OptimizerInfo, type OptimizerName } from './types';

const DEFINITIONS: Readonly<Record<OptimizerName, OptimizerDefinition>> = {
  sgd: { info: sgdInfo, rule: sgdRule },
  momentum: { info: momentumInfo, rule: momentumRule },
  nesterov: { info: nesterovInfo, rule: nesterovRule },
  adagrad: { info: adagradInfo, rule: adagradRule },
  rmsprop: { info: rmspropInfo, rule: rmspropRule },
  adadelta: { info: adadeltaInfo, rule: adadeltaRule },
  adam: { info: adamInfo, rule: adamRule },
  amsgrad: { info: amsgradInfo, rule: amsgradRule },
  adamw: { info: adamwInfo, rule: adamwRule },
  adamax: { info: adamaxInfo, rule: adamaxRule },
  nadam: { info: nadamInfo, rule: nadamRule },
  lion: { info: lionInfo, rule: lionRule },
};

/** Metadata of every optimizer, in OPTIMIZER_NAMES order. */
export const OPTIMIZER_REGISTRY: Readonly<Record<OptimizerName, OptimizerInfo>> = Object.freeze(
  Object.fromEntries(OPTIMIZER_NAMES.map((name) => [name, DEFINITIONS[name].info])) as Record<OptimizerName, OptimizerInfo>,
);

/** One registered tf.Optimizer subclass per optimizer (serialization needs a class per className). */
export const OPTIMIZER_CLASSES: Readonly<Record<OptimizerName, RuleOptimizerClass>> = Object.freeze(
  Object.fromEntries(OPTIMIZER_NAMES.map((name) => [name, optimizerClass(DEFINITIONS[name])])) as Record<OptimizerName, RuleOptimizerClass>,
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
  return OPTIMIZER_REGISTRY[name];
}

export function getOptimizerClass(name: OptimizerName): RuleOptimizerClass {
  assertOptimizerName(name);
  return OPTIMIZER_CLASSES[name];
}
