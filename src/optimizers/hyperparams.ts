// Validation of user hyperparameters: one range table, errors that name the valid choices.
import {
  canonicalSchedule, isSchedule, scheduleFromConfig, type LearningRateSchedule, type ScheduleConfig, type ScheduleInput,
} from './schedules';
import { HYPERPARAMETER_KEYS, type HyperparameterKey, type Hyperparams } from './types';

interface Range {
  test: (v: number) => boolean;
  text: string;
}

export const HYPERPARAMETER_RANGES: Readonly<Record<HyperparameterKey, Range>> = {
  learningRate: { test: (v) => v >= 0, text: '≥ 0 (or a schedule, or a schedule config, from ./schedules)' },
  momentum: { test: (v) => v >= 0 && v < 1, text: 'in [0, 1)' },
  rho: { test: (v) => v >= 0 && v <= 1, text: 'in [0, 1]' },
  beta1: { test: (v) => v >= 0 && v < 1, text: 'in [0, 1)' },
  beta2: { test: (v) => v >= 0 && v < 1, text: 'in [0, 1)' },
  epsilon: { test: (v) => v >= 0, text: '≥ 0' },
  weightDecay: { test: (v) => v >= 0, text: '≥ 0' },
  initialAccumulatorValue: { test: (v) => v >= 0, text: '≥ 0' },
};

/** Hyperparameters after defaults are filled in; learningRate is a number or a schedule (in memory). */
export type ResolvedHyperparams = Partial<Record<Exclude<HyperparameterKey, 'learningRate'>, number>> & {
  learningRate: number | LearningRateSchedule;
};

/**
 * Merge `hp` over `defaults` (whose keys are the ones this optimizer accepts) and validate.
 * `label` names the optimizer in error messages.
 */
export function resolveHyperparams(
  label: string,
  defaults: Readonly<Partial<Record<HyperparameterKey, number>>>,
  hp: Hyperparams | undefined,
): ResolvedHyperparams {
  const accepted = Object.keys(defaults) as HyperparameterKey[];
  if (hp !== undefined && (hp === null || typeof hp !== 'object' || Array.isArray(hp))) {
    throw new Error(`${label}: hyperparameters must be an object such as { learningRate: 0.01 }; got ${String(hp)}.`);
  }
  for (const [key, value] of Object.entries(hp ?? {})) {
    if (value === undefined) continue; // { beta1: undefined } means "use the default"
    if (!(accepted as string[]).includes(key)) {
      const known = (HYPERPARAMETER_KEYS as readonly string[]).includes(key);
      throw new Error(
        `${label}: ${known ? `hyperparameter "${key}" does not apply to this optimizer` : `unknown hyperparameter "${key}"`}. ` +
        `Valid keys: ${accepted.join(', ')}.`);
    }
  }
  const out: Record<string, number | LearningRateSchedule> = { ...defaults };
  for (const [key, value] of Object.entries(hp ?? {}) as [HyperparameterKey, unknown][]) {
    if (value === undefined) continue;
    if (key === 'learningRate' && typeof value !== 'number') {
      out[key] = scheduleOf(label, value);
      continue;
    }
    const range = HYPERPARAMETER_RANGES[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || !range.test(value)) {
      throw new Error(`${label}: ${key} must be a finite number ${range.text}; got ${String(value)}.`);
    }
    out[key] = value;
  }
  return out as ResolvedHyperparams;
}

/**
 * A schedule given as learningRate: a schedule function (ours, or a hand-made one with a valid `config`;
 * the outputs of either are checked when used, see learningRateAt) or a config object, which is built
 * here. A config `{ kind: 'constant' }` is the plain number it stands for.
 */
function scheduleOf(label: string, value: unknown): LearningRateSchedule | number {
  const where = `${label}: learningRate`;
  try {
    if (isSchedule(value)) {
      canonicalSchedule(value.config as ScheduleInput); // a hand-made function must still say what it is
      return value;
    }
    if (typeof value === 'function') {
      throw new Error('a function without a `config` cannot be recorded or serialised; build one with scheduleFromConfig or cosineDecay etc.');
    }
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const schedule = scheduleFromConfig(value as ScheduleInput);
      return schedule.config.kind === 'constant' ? schedule.config.learningRate : schedule;
    }
  } catch (err) {
    throw new Error(`${where}: ${(err as Error).message}`);
  }
  throw new Error(`${where} must be a finite number ${HYPERPARAMETER_RANGES.learningRate.text}; got ${String(value)}.`);
}

/** Hyperparameters as plain JSON: what a run config holds, what a record and getConfig show. */
export type SerializedHyperparams = Partial<Record<Exclude<HyperparameterKey, 'learningRate'>, number>> & {
  learningRate?: number | ScheduleConfig;
};

/** Resolved hyperparameters as JSON: a schedule becomes its (canonical) config. */
export function serializeHyperparams(hp: Readonly<ResolvedHyperparams>): SerializedHyperparams & { learningRate: number | ScheduleConfig } {
  const lr = hp.learningRate;
  return { ...(hp as SerializedHyperparams), learningRate: isSchedule(lr) ? canonicalSchedule(lr.config as ScheduleInput) : lr };
}
