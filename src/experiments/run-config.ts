// A run's identity: the part of its config that determines the result, in one canonical form. Two
// configs that mean the same run (one spelling out a default hyperparameter, one leaving it out; keys
// in another order; a different experiment or series name) normalise to the same value, so they hash
// to the same record and are trained once.
import { getOptimizerInfo } from '../optimizers/registry';
import { canonicalLearningRate, type ScheduleInput } from '../optimizers/schedules';
import type { RunConfig } from './types';

/** What a run computes, without the names an experiment gives it. */
export type RunIdentity = Omit<RunConfig, 'experiment' | 'series'>;

/**
 * Optimizer defaults filled in (ours and the tfjs built-ins are configured from the same registry
 * defaults), keys left unset or at their "off" value dropped. Validation is not done here: the plan
 * and the training code report a bad key or value with its context.
 */
export function normalizeRunConfig(config: RunConfig): RunIdentity {
  const { experiment: _e, series: _s, tracePoints, evaluateTrain, hyperparams, ...rest } = config;
  const given = Object.fromEntries(Object.entries(hyperparams ?? {}).filter(([, v]) => v !== undefined));
  if (given.learningRate !== undefined && typeof given.learningRate === 'object') {
    // A schedule's config in its one spelling (defaults filled, fixed field order; a constant is its
    // number). An invalid one is left as written: executing it reports the error.
    try {
      given.learningRate = canonicalLearningRate(given.learningRate as ScheduleInput);
    } catch { /* see above */ }
  }
  const identity: RunIdentity = { ...rest, hyperparams: { ...getOptimizerInfo(config.optimizer).defaults, ...given } };
  if (tracePoints) identity.tracePoints = tracePoints;
  if (evaluateTrain) identity.evaluateTrain = true;
  return identity;
}
