// Learning-rate schedules: functions step → learning rate, where `step` (t below) counts the updates
// already applied (0 for the first update). A schedule has two forms:
// - its config, plain JSON with every field present (`{ kind: 'cosine', initialLearningRate: 0.1, … }`):
//   what a run config carries in `hyperparams.learningRate`, what a run record shows, what is hashed;
// - in memory, a function carrying that config (`cosineDecay({...})`), which createOptimizer also accepts.
// Each kind is one registry entry below: its formula in LaTeX beside the function that computes it,
// its defaults and its PyTorch equivalent, as the optimizers' metadata does (src/optimizers/adam.ts).

/** Every schedule config, canonical: all fields present, so equal schedules serialise (and hash) equally. */
export type ScheduleConfig =
  | { kind: 'constant'; learningRate: number }
  | { kind: 'step'; initialLearningRate: number; factor: number; dropEvery: number }
  | { kind: 'exponential'; initialLearningRate: number; decayRate: number; decaySteps: number; staircase: boolean }
  | { kind: 'inverseTime'; initialLearningRate: number; decayRate: number; decaySteps: number; staircase: boolean }
  | { kind: 'cosine'; initialLearningRate: number; decaySteps: number; finalLearningRate: number }
  | { kind: 'warmup'; warmupSteps: number; startFactor: number; then: ScheduleConfig }
  | { kind: 'oneCycle'; maxLearningRate: number; totalSteps: number; pctStart: number; divFactor: number; finalDivFactor: number };

export type ScheduleKind = ScheduleConfig['kind'];
type ConfigOf<K extends ScheduleKind> = Extract<ScheduleConfig, { kind: K }>;

/** Fields counted in updates: the ones an experiment spec may give as a fraction of the run (see specs/schedules). */
export const STEP_FIELDS = ['dropEvery', 'decaySteps', 'warmupSteps', 'totalSteps'] as const;

/** A config as a user may write it: fields that have a default (SCHEDULE_DEFAULTS) may be left out. */
export type ScheduleInput =
  | ConfigOf<'constant'>
  | ConfigOf<'step'>
  | Optional<ConfigOf<'exponential'>, 'decaySteps' | 'staircase'>
  | Optional<ConfigOf<'inverseTime'>, 'decaySteps' | 'staircase'>
  | Optional<ConfigOf<'cosine'>, 'finalLearningRate'>
  | { kind: 'warmup'; warmupSteps: number; startFactor?: number; then: ScheduleInput | number }
  | Optional<ConfigOf<'oneCycle'>, 'pctStart' | 'divFactor' | 'finalDivFactor'>;
type Optional<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;

export interface LearningRateSchedule {
  (step: number): number;
  readonly config: Readonly<ScheduleConfig>;
}

/** Registry entry of one schedule kind (the optimizers' OptimizerInfo, for schedules). */
export interface ScheduleInfo {
  kind: ScheduleKind;
  displayName: string;
  /** η_t as a function of t (KaTeX), symbol for symbol the `rate` function below it. */
  latex: string;
  /** LaTeX symbol → field of the config (or variable of the code). */
  symbols: Readonly<Record<string, string>>;
  /** The equivalent in torch.optim.lr_scheduler (t = scheduler steps taken, one per update here). */
  torch: string;
  notes?: string[];
}

export const SCHEDULE_DEFAULTS = {
  constant: {},
  step: {},
  exponential: { decaySteps: 1, staircase: false },
  inverseTime: { decaySteps: 1, staircase: false },
  cosine: { finalLearningRate: 0 },
  warmup: { startFactor: 0 },
  oneCycle: { pctStart: 0.3, divFactor: 25, finalDivFactor: 1e4 },
} as const satisfies { [K in ScheduleKind]: Partial<ConfigOf<K>> };

// ---- The rates: one function per kind, t = updates already applied. -------------------------------

export function constantRate(c: ConfigOf<'constant'>, _t: number): number {
  return c.learningRate;
}

export function stepRate(c: ConfigOf<'step'>, t: number): number {
  return c.initialLearningRate * c.factor ** Math.floor(t / c.dropEvery);
}

export function exponentialRate(c: ConfigOf<'exponential'>, t: number): number {
  const e = t / c.decaySteps;
  return c.initialLearningRate * c.decayRate ** (c.staircase ? Math.floor(e) : e);
}

export function inverseTimeRate(c: ConfigOf<'inverseTime'>, t: number): number {
  const r = t / c.decaySteps;
  return c.initialLearningRate / (1 + c.decayRate * (c.staircase ? Math.floor(r) : r));
}

export function cosineRate(c: ConfigOf<'cosine'>, t: number): number {
  const progress = Math.min(t, c.decaySteps) / c.decaySteps;
  return c.finalLearningRate + 0.5 * (c.initialLearningRate - c.finalLearningRate) * (1 + Math.cos(Math.PI * progress));
}

export function warmupRate(c: ConfigOf<'warmup'>, t: number): number {
  if (t >= c.warmupSteps) return rateAt(c.then, t - c.warmupSteps);
  const target = rateAt(c.then, 0);
  return target * (c.startFactor + (1 - c.startFactor) * (t / c.warmupSteps));
}

export function oneCycleRate(c: ConfigOf<'oneCycle'>, t: number): number {
  const initial = c.maxLearningRate / c.divFactor;
  const final = initial / c.finalDivFactor;
  const peak = c.pctStart * c.totalSteps - 1; // the step at which η reaches its maximum (torch's end of phase 1)
  const last = c.totalSteps - 1;
  const anneal = (from: number, to: number, pct: number) => to + 0.5 * (from - to) * (1 + Math.cos(Math.PI * pct));
  if (t <= peak) return anneal(initial, c.maxLearningRate, t / peak);
  return anneal(c.maxLearningRate, final, Math.min(t - peak, last - peak) / (last - peak));
}

const RATES: { [K in ScheduleKind]: (c: ConfigOf<K>, t: number) => number } = {
  constant: constantRate,
  step: stepRate,
  exponential: exponentialRate,
  inverseTime: inverseTimeRate,
  cosine: cosineRate,
  warmup: warmupRate,
  oneCycle: oneCycleRate,
};

function rateAt(config: ScheduleConfig, t: number): number {
  return (RATES[config.kind] as (c: ScheduleConfig, t: number) => number)(config, t);
}

// ---- The formulas, beside the code. ----------------------------------------------------------------

export const SCHEDULE_REGISTRY: Readonly<Record<ScheduleKind, ScheduleInfo>> = {
  constant: {
    kind: 'constant',
    displayName: 'Constant',
    latex: String.raw`\eta_t = \eta`,
    symbols: { '\\eta': 'learningRate' },
    torch: 'no scheduler',
    notes: ['Useful as the schedule after a warm-up; a plain number means the same and is how a constant rate is stored.'],
  },
  step: {
    kind: 'step',
    displayName: 'Step decay',
    latex: String.raw`\eta_t = \eta_0\, \gamma^{\lfloor t / s \rfloor}`,
    symbols: { '\\eta_0': 'initialLearningRate', '\\gamma': 'factor', s: 'dropEvery' },
    torch: 'StepLR(optimizer, step_size=dropEvery, gamma=factor)',
  },
  exponential: {
    kind: 'exponential',
    displayName: 'Exponential decay',
    latex: String.raw`\eta_t = \eta_0\, r^{\,t / T} \quad (\text{staircase: } r^{\lfloor t/T \rfloor})`,
    symbols: { '\\eta_0': 'initialLearningRate', r: 'decayRate', T: 'decaySteps' },
    torch: 'ExponentialLR(optimizer, gamma=decayRate ** (1 / decaySteps)); Keras ExponentialDecay',
  },
  inverseTime: {
    kind: 'inverseTime',
    displayName: 'Inverse-time decay',
    latex: String.raw`\eta_t = \frac{\eta_0}{1 + r\, t / T} \quad (\text{staircase: } \lfloor t/T \rfloor)`,
    symbols: { '\\eta_0': 'initialLearningRate', r: 'decayRate', T: 'decaySteps' },
    torch: 'LambdaLR(optimizer, lambda t: 1 / (1 + decayRate * t / decaySteps)); Keras InverseTimeDecay',
  },
  cosine: {
    kind: 'cosine',
    displayName: 'Cosine decay',
    latex: String.raw`\eta_t = \eta_{\min} + \tfrac12 (\eta_0 - \eta_{\min}) \left(1 + \cos\!\left(\pi\, \frac{\min(t, T)}{T}\right)\right)`,
    symbols: { '\\eta_0': 'initialLearningRate', '\\eta_{\\min}': 'finalLearningRate', T: 'decaySteps', '\\min(t, T)/T': 'progress' },
    torch: 'CosineAnnealingLR(optimizer, T_max=decaySteps, eta_min=finalLearningRate)',
    notes: ['Loshchilov & Hutter (2017), SGDR, without restarts. After T updates the rate stays at η_min (Keras CosineDecay); torch\'s closed form would rise again.'],
  },
  warmup: {
    kind: 'warmup',
    displayName: 'Linear warm-up (then any schedule)',
    latex: String.raw`\eta_t = \begin{cases} \eta'_0 \left(f_0 + (1 - f_0)\, \frac{t}{W}\right) & t < W \\ \eta'_{t - W} & t \ge W \end{cases}`,
    symbols: { W: 'warmupSteps', f_0: 'startFactor', "\\eta'": 'then', "\\eta'_0": 'target' },
    torch: 'SequentialLR(optimizer, [LinearLR(optimizer, start_factor=startFactor, total_iters=warmupSteps), <then>], milestones=[warmupSteps])',
    notes: ['Goyal et al. (2017), "Accurate, Large Minibatch SGD". The schedule that follows starts its own count at t = W, as in torch\'s SequentialLR.', 'With f₀ = 0 (the default, as in Hugging Face\'s warm-up) the first update has rate 0.'],
  },
  oneCycle: {
    kind: 'oneCycle',
    displayName: 'One-cycle',
    latex: String.raw`\begin{aligned}
\eta_{\text{start}} &= \eta_{\max} / d, \quad \eta_{\text{end}} = \eta_{\text{start}} / d_f, \quad t_p = pT - 1 \\
a(x, y, q) &= y + \tfrac12 (x - y)\,(1 + \cos \pi q) \\
\eta_t &= \begin{cases} a\left(\eta_{\text{start}}, \eta_{\max}, \frac{t}{t_p}\right) & t \le t_p \\ a\left(\eta_{\max}, \eta_{\text{end}}, \frac{\min(t, T - 1) - t_p}{T - 1 - t_p}\right) & t > t_p \end{cases}
\end{aligned}`,
    symbols: {
      '\\eta_{\\max}': 'maxLearningRate', T: 'totalSteps', p: 'pctStart', d: 'divFactor', d_f: 'finalDivFactor',
      '\\eta_{\\text{start}}': 'initial', '\\eta_{\\text{end}}': 'final', t_p: 'peak', a: 'anneal',
    },
    torch: 'OneCycleLR(optimizer, max_lr=maxLearningRate, total_steps=totalSteps, pct_start=pctStart, div_factor=divFactor, final_div_factor=finalDivFactor, cycle_momentum=False)',
    notes: ['Smith & Topin (2019), "Super-Convergence". Only the learning rate cycles (torch also cycles momentum unless cycle_momentum=False). Past T updates the rate stays at η_end (torch raises an error).'],
  },
};

export const SCHEDULE_KINDS = Object.keys(SCHEDULE_REGISTRY) as ScheduleKind[];

// ---- Validation: every config goes through `canonicalSchedule` (builders, fromConfig, hyperparams). --

/** Fields without a default. */
const REQUIRED: { [K in ScheduleKind]: string[] } = {
  constant: ['learningRate'],
  step: ['initialLearningRate', 'factor', 'dropEvery'],
  exponential: ['initialLearningRate', 'decayRate'],
  inverseTime: ['initialLearningRate', 'decayRate'],
  cosine: ['initialLearningRate', 'decaySteps'],
  warmup: ['warmupSteps', 'then'],
  oneCycle: ['maxLearningRate', 'totalSteps'],
};

function check(kind: string, name: string, value: unknown, ok: (v: number) => boolean, range: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
    throw new Error(`Learning-rate schedule "${kind}": ${name} must be ${range}; got ${String(value)}.`);
  }
  return value;
}

const rate = (k: string, n: string, v: unknown) => check(k, n, v, (x) => x >= 0, 'a number ≥ 0');
const positive = (k: string, n: string, v: unknown) => check(k, n, v, (x) => x > 0, 'a number > 0');
const updates = (k: string, n: string, v: unknown) => check(k, n, v, (x) => Number.isInteger(x) && x >= 1, 'an integer ≥ 1 (a number of updates)');
const unit = (k: string, n: string, v: unknown) => check(k, n, v, (x) => x > 0 && x <= 1, 'in (0, 1]');

function bool(kind: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new Error(`Learning-rate schedule "${kind}": ${name} must be true or false; got ${String(value)}.`);
  return value;
}

/**
 * The canonical config of `input` (defaults filled in, fields in a fixed order, nothing else), or an
 * error that names the bad field. A number stands for a constant rate; `{ kind: 'constant' }` at the
 * top level is returned as that number, so a constant rate has one spelling.
 */
export function canonicalLearningRate(input: ScheduleInput | number): ScheduleConfig | number {
  if (typeof input === 'number') return rate('constant', 'learningRate', input);
  const c = canonicalSchedule(input);
  return c.kind === 'constant' ? c.learningRate : c;
}

export function canonicalSchedule(input: ScheduleInput | number): ScheduleConfig {
  if (typeof input === 'number') return { kind: 'constant', learningRate: rate('constant', 'learningRate', input) };
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new Error(`A learning-rate schedule config must be an object such as { kind: 'cosine', initialLearningRate: 0.1, decaySteps: 1000 }; got ${String(input)}.`);
  }
  const kind = (input as { kind?: unknown }).kind;
  if (typeof kind !== 'string' || !(SCHEDULE_KINDS as string[]).includes(kind)) {
    throw new Error(`Unknown learning-rate schedule kind "${String(kind)}". Valid kinds: ${SCHEDULE_KINDS.join(', ')}.`);
  }
  const k = kind as ScheduleKind;
  // An explicit `undefined` means "the default", as for hyperparameters.
  const given = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const c = { ...SCHEDULE_DEFAULTS[k], ...given } as Record<string, unknown>;
  const allowed = new Set(['kind', ...Object.keys(SCHEDULE_DEFAULTS[k]), ...REQUIRED[k]]);
  const extra = Object.keys(c).filter((key) => !allowed.has(key));
  if (extra.length) throw new Error(`Learning-rate schedule "${k}": unknown field${extra.length > 1 ? 's' : ''} ${extra.map((e) => `"${e}"`).join(', ')}. Fields: ${[...allowed].filter((a) => a !== 'kind').join(', ')}.`);
  switch (k) {
    case 'constant':
      return { kind: k, learningRate: rate(k, 'learningRate', c.learningRate) };
    case 'step':
      return { kind: k, initialLearningRate: rate(k, 'initialLearningRate', c.initialLearningRate), factor: unit(k, 'factor', c.factor), dropEvery: updates(k, 'dropEvery', c.dropEvery) };
    case 'exponential':
    case 'inverseTime':
      return {
        kind: k,
        initialLearningRate: rate(k, 'initialLearningRate', c.initialLearningRate),
        decayRate: k === 'exponential' ? unit(k, 'decayRate', c.decayRate) : rate(k, 'decayRate', c.decayRate),
        decaySteps: positive(k, 'decaySteps', c.decaySteps),
        staircase: bool(k, 'staircase', c.staircase),
      };
    case 'cosine': {
      const initialLearningRate = rate(k, 'initialLearningRate', c.initialLearningRate);
      const finalLearningRate = check(k, 'finalLearningRate', c.finalLearningRate, (v) => v >= 0 && v <= initialLearningRate, `a number in [0, initialLearningRate = ${initialLearningRate}]`);
      return { kind: k, initialLearningRate, decaySteps: updates(k, 'decaySteps', c.decaySteps), finalLearningRate };
    }
    case 'warmup': {
      if (c.then === undefined) throw new Error('Learning-rate schedule "warmup": then (the schedule after the warm-up, or a constant rate) is required.');
      return {
        kind: k,
        warmupSteps: updates(k, 'warmupSteps', c.warmupSteps),
        startFactor: check(k, 'startFactor', c.startFactor, (v) => v >= 0 && v <= 1, 'in [0, 1]'),
        then: canonicalSchedule(c.then as ScheduleInput | number),
      };
    }
    case 'oneCycle': {
      const totalSteps = check(k, 'totalSteps', c.totalSteps, (v) => Number.isInteger(v) && v >= 2, 'an integer ≥ 2 (a number of updates)');
      const pctStart = check(k, 'pctStart', c.pctStart, (v) => v > 0 && v < 1 && v * totalSteps > 1 && v * totalSteps < totalSteps, `in (1/totalSteps, 1) so that both phases have updates`);
      return {
        kind: k,
        maxLearningRate: rate(k, 'maxLearningRate', c.maxLearningRate),
        totalSteps,
        pctStart,
        divFactor: check(k, 'divFactor', c.divFactor, (v) => v >= 1, 'a number ≥ 1'),
        finalDivFactor: check(k, 'finalDivFactor', c.finalDivFactor, (v) => v >= 1, 'a number ≥ 1'),
      };
    }
  }
}


// ---- Building and using schedules. ------------------------------------------------------------------

/** Rebuild a schedule from its config (the inverse of `schedule.config`), validating it. */
export function scheduleFromConfig(input: ScheduleInput): LearningRateSchedule {
  const config = Object.freeze(canonicalSchedule(input));
  const schedule = (step: number): number => {
    if (!Number.isInteger(step) || step < 0) {
      throw new Error(`Learning-rate schedule: step must be an integer ≥ 0 (updates already applied); got ${step}.`);
    }
    return rateAt(config, step);
  };
  return Object.assign(schedule, { config });
}

type Opts<K extends ScheduleKind> = Omit<Extract<ScheduleInput, { kind: K }>, 'kind'>;

/** η_t = η₀ · γ^⌊t / s⌋ (torch's StepLR, counted in updates). */
export const stepDecay = (o: Opts<'step'>) => scheduleFromConfig({ kind: 'step', ...o });
/** η_t = η₀ · r^(t / T), exponent floored when staircase (Keras ExponentialDecay). */
export const exponentialDecay = (o: Opts<'exponential'>) => scheduleFromConfig({ kind: 'exponential', ...o });
/** η_t = η₀ / (1 + r · t / T), ratio floored when staircase (Keras InverseTimeDecay). */
export const inverseTimeDecay = (o: Opts<'inverseTime'>) => scheduleFromConfig({ kind: 'inverseTime', ...o });
/** Half a cosine from η₀ down to η_min over T updates, then η_min (torch CosineAnnealingLR). */
export const cosineDecay = (o: Opts<'cosine'>) => scheduleFromConfig({ kind: 'cosine', ...o });
/** One-cycle (torch OneCycleLR with cos annealing; the learning rate only). */
export const oneCycle = (o: Opts<'oneCycle'>) => scheduleFromConfig({ kind: 'oneCycle', ...o });

/** A linear ramp over `warmupSteps` updates up to where `then` starts; then `then`, counted from 0. */
export function linearWarmup(o: { warmupSteps: number; startFactor?: number; then: LearningRateSchedule | ScheduleInput | number }): LearningRateSchedule {
  const then = isSchedule(o.then) ? o.then.config : o.then;
  return scheduleFromConfig({ kind: 'warmup', warmupSteps: o.warmupSteps, startFactor: o.startFactor, then } as ScheduleInput);
}

/** A function with a `config` object: ours, or a hand-made one (whose outputs `learningRateAt` checks). */
export function isSchedule(value: unknown): value is LearningRateSchedule {
  return typeof value === 'function' && typeof (value as Partial<LearningRateSchedule>).config === 'object' && (value as Partial<LearningRateSchedule>).config !== null;
}

/**
 * The schedule's rate for the update after `updatesApplied` updates, checked: a schedule is a function
 * anyone can write, and a negative or non-finite rate would silently train backwards or to NaN.
 */
export function learningRateAt(schedule: LearningRateSchedule, updatesApplied: number): number {
  const lr = schedule(updatesApplied);
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
    throw new Error(
      `Learning-rate schedule "${String(schedule.config?.kind)}" returned ${String(lr)} at step ${updatesApplied}: ` +
      'a learning rate must be a finite number ≥ 0. Check the function (or build the schedule with scheduleFromConfig).');
  }
  return lr;
}
