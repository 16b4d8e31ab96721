// Learning-rate schedules: functions step → learning rate, where `step` counts the updates already
// applied (0 for the first update). Any optimizer from createOptimizer accepts one in place of a constant
// learningRate; the adapter evaluates it at its own step counter. Each schedule carries its config so an
// optimizer using it still serializes (getConfig/fromConfig).

export type ScheduleConfig =
  | { kind: 'step'; initialLearningRate: number; factor: number; dropEvery: number }
  | { kind: 'exponential'; initialLearningRate: number; decayRate: number; decaySteps: number; staircase: boolean }
  | { kind: 'inverseTime'; initialLearningRate: number; decayRate: number; decaySteps: number; staircase: boolean };

export interface LearningRateSchedule {
  (step: number): number;
  readonly config: Readonly<ScheduleConfig>;
}

export const SCHEDULE_KINDS = ['step', 'exponential', 'inverseTime'] as const;

function check(name: string, value: unknown, ok: (v: number) => boolean, range: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
    throw new Error(`Learning-rate schedule: ${name} must be ${range}; got ${String(value)}.`);
  }
}

function makeSchedule(config: ScheduleConfig, rate: (step: number) => number): LearningRateSchedule {
  const schedule = (step: number): number => {
    if (!Number.isInteger(step) || step < 0) {
      throw new Error(`Learning-rate schedule: step must be an integer ≥ 0 (updates already applied); got ${step}.`);
    }
    return rate(step);
  };
  return Object.assign(schedule, { config: Object.freeze({ ...config }) });
}

/** lr(step) = lr0 · factor^⌊step / dropEvery⌋ (torch's StepLR, counted in updates). */
export function stepDecay(opts: { initialLearningRate: number; factor: number; dropEvery: number }): LearningRateSchedule {
  const { initialLearningRate, factor, dropEvery } = opts;
  check('initialLearningRate', initialLearningRate, (v) => v >= 0, 'a number ≥ 0');
  check('factor', factor, (v) => v > 0 && v <= 1, 'in (0, 1]');
  check('dropEvery', dropEvery, (v) => Number.isInteger(v) && v >= 1, 'an integer ≥ 1 (updates between drops)');
  return makeSchedule({ kind: 'step', initialLearningRate, factor, dropEvery },
    (step) => initialLearningRate * factor ** Math.floor(step / dropEvery));
}

/** lr(step) = lr0 · decayRate^(step / decaySteps), exponent floored when staircase (Keras ExponentialDecay). */
export function exponentialDecay(opts: { initialLearningRate: number; decayRate: number; decaySteps?: number; staircase?: boolean }): LearningRateSchedule {
  const { initialLearningRate, decayRate, decaySteps = 1, staircase = false } = opts;
  check('initialLearningRate', initialLearningRate, (v) => v >= 0, 'a number ≥ 0');
  check('decayRate', decayRate, (v) => v > 0 && v <= 1, 'in (0, 1]');
  check('decaySteps', decaySteps, (v) => v > 0, 'a number > 0');
  return makeSchedule({ kind: 'exponential', initialLearningRate, decayRate, decaySteps, staircase: Boolean(staircase) },
    (step) => {
      const e = step / decaySteps;
      return initialLearningRate * decayRate ** (staircase ? Math.floor(e) : e);
    });
}

/** lr(step) = lr0 / (1 + decayRate · step / decaySteps), ratio floored when staircase (Keras InverseTimeDecay). */
export function inverseTimeDecay(opts: { initialLearningRate: number; decayRate: number; decaySteps?: number; staircase?: boolean }): LearningRateSchedule {
  const { initialLearningRate, decayRate, decaySteps = 1, staircase = false } = opts;
  check('initialLearningRate', initialLearningRate, (v) => v >= 0, 'a number ≥ 0');
  check('decayRate', decayRate, (v) => v >= 0, 'a number ≥ 0');
  check('decaySteps', decaySteps, (v) => v > 0, 'a number > 0');
  return makeSchedule({ kind: 'inverseTime', initialLearningRate, decayRate, decaySteps, staircase: Boolean(staircase) },
    (step) => {
      const r = step / decaySteps;
      return initialLearningRate / (1 + decayRate * (staircase ? Math.floor(r) : r));
    });
}

export function isSchedule(value: unknown): value is LearningRateSchedule {
  return typeof value === 'function' && typeof (value as Partial<LearningRateSchedule>).config === 'object';
}

/** Rebuild a schedule from its config (the inverse of `schedule.config`), validating it. */
export function scheduleFromConfig(config: ScheduleConfig): LearningRateSchedule {
  switch (config?.kind) {
    case 'step': return stepDecay(config);
    case 'exponential': return exponentialDecay(config);
    case 'inverseTime': return inverseTimeDecay(config);
    default:
      throw new Error(`Unknown learning-rate schedule kind "${String((config as { kind?: unknown })?.kind)}". Valid kinds: ${SCHEDULE_KINDS.join(', ')}.`);
  }
}
