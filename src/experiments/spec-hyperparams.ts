// From a series' hyperparameters to a run's: a spec is written once for all profiles, but a schedule
// counts updates, and a run's number of updates depends on the profile (data size, epochs). So in a
// spec a schedule's step counts may be fractions of the run (`decaySteps: { ofRun: 1 }`); planning
// turns them into updates and the schedule into its canonical config, which the run config carries
// (and its hash covers) — the record then says exactly which schedule ran.
import { loadKarateLinkSplit } from '../data/karate';
import { canonicalLearningRate, STEP_FIELDS, type ScheduleInput } from '../optimizers/schedules';
import { resolveBatchSize } from '../training/batches';
import type { DataConfig, RunHyperparams } from './types';

/** A number of updates as a fraction of the run's (rounded to the nearest update, at least 1). */
export interface RunFraction {
  ofRun: number;
}

type StepField = (typeof STEP_FIELDS)[number];
type Templated<T> = {
  [P in keyof T]: P extends StepField ? T[P] | RunFraction : P extends 'then' ? ScheduleTemplate | number : T[P];
};
/** A schedule config whose step counts may be run fractions. */
export type ScheduleTemplate = ScheduleInput extends infer U ? (U extends unknown ? Templated<U> : never) : never;

export type SpecHyperparams = Omit<RunHyperparams, 'learningRate'> & { learningRate?: number | ScheduleTemplate };

/** Optimizer updates in a run: steps per epoch (the last batch may be partial) × epochs. */
export function runUpdates(run: { data: DataConfig; batchSize: number | 'full'; epochs: number }): number {
  const examples = run.data.dataset === 'mnist'
    ? run.data.train
    : loadKarateLinkSplit({ seed: run.data.splitSeed, testFraction: run.data.testFraction }).train.count;
  return Math.ceil(examples / resolveBatchSize(run.batchSize, examples)) * run.epochs;
}

function resolveFractions(template: ScheduleTemplate | number, updates: number): ScheduleInput | number {
  if (typeof template !== 'object' || template === null) return template;
  const out: Record<string, unknown> = { ...template };
  for (const [key, value] of Object.entries(template)) {
    if (key === 'then') out[key] = resolveFractions(value as ScheduleTemplate, updates);
    else if ((STEP_FIELDS as readonly string[]).includes(key) && typeof value === 'object' && value !== null) {
      const f = (value as RunFraction).ofRun;
      if (typeof f !== 'number' || !(f > 0)) throw new Error(`${key}: { ofRun } must be a fraction > 0 of the run's updates; got ${JSON.stringify(value)}.`);
      out[key] = Math.max(1, Math.round(f * updates));
    }
  }
  return out as unknown as ScheduleInput;
}

/**
 * The run's hyperparameters: a schedule's run fractions turned into updates for this run, and the
 * schedule put in canonical form (validated; `{ kind: 'constant' }` becomes its number).
 */
export function planHyperparams(hp: SpecHyperparams, run: { data: DataConfig; batchSize: number | 'full'; epochs: number }): RunHyperparams {
  const { learningRate, ...rest } = hp;
  if (learningRate === undefined || typeof learningRate === 'number') return { ...hp } as RunHyperparams;
  return { ...rest, learningRate: canonicalLearningRate(resolveFractions(learningRate, runUpdates(run))) };
}
