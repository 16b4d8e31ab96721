// Learning-rate schedules on the MNIST MLP (issue 11.1), and seed 000's own claim that it "decreases
// the learning rate gradually over time" tested on its own setting. A schedule is written in
// hyperparams.learningRate; its step counts as fractions of the run (`{ ofRun }`), so each profile gets
// the same shape over its own number of updates (see ../spec-hyperparams).
import type { ExperimentSpec, SeriesSpec } from '../types';
import type { ScheduleTemplate } from '../spec-hyperparams';
import { FULL_MNIST_DATA, KERAS_DEFAULTS, SEEDS_3, mnist, smokeMnist } from './common';

/** The schedules compared, each starting at (or, warmed up, rising to) the optimizer's η₀. */
export const SCHEDULE_SHAPES = {
  constant: { label: 'constant', learningRate: (lr: number) => lr },
  step: {
    label: 'step (×0.1 at half the run)',
    learningRate: (lr: number): ScheduleTemplate => ({ kind: 'step', initialLearningRate: lr, factor: 0.1, dropEvery: { ofRun: 0.5 } }),
  },
  cosine: {
    label: 'cosine to 0',
    learningRate: (lr: number): ScheduleTemplate => ({ kind: 'cosine', initialLearningRate: lr, decaySteps: { ofRun: 1 }, finalLearningRate: 0 }),
  },
  'warmup-cosine': {
    label: 'warm-up 5% + cosine',
    learningRate: (lr: number): ScheduleTemplate => ({
      kind: 'warmup', warmupSteps: { ofRun: 0.05 }, startFactor: 0,
      then: { kind: 'cosine', initialLearningRate: lr, decaySteps: { ofRun: 0.95 }, finalLearningRate: 0 },
    }),
  },
} as const;
export type ScheduleShape = keyof typeof SCHEDULE_SHAPES;

const SCHEDULE_BATCH = 64;
const OPTIMIZERS = [
  { id: 'momentum', optimizer: 'momentum', name: 'SGD with momentum', hyperparams: { momentum: 0.9 }, lr: 0.05 },
  { id: 'adam', optimizer: 'adam', name: 'Adam', hyperparams: {}, lr: 0.001 },
] as const;

export const lrSchedulesMlp: ExperimentSpec = {
  id: 'lr-schedules-mlp',
  title: 'Learning-rate schedules: constant, step, cosine, warm-up + cosine (MLP 784-128-64-10)',
  seed: null,
  reproduces: 'Beyond the seeds (Dive into Deep Learning, "Learning Rate Scheduling"): does decaying the rate help SGD with momentum and Adam on the MNIST MLP, and which shape?',
  description: 'SGD with momentum and Adam, each with a constant rate and with three schedules that start from the same η₀: step decay, cosine decay to 0, and a linear warm-up over the first 5% of updates followed by cosine.',
  series: OPTIMIZERS.flatMap((o) => (Object.keys(SCHEDULE_SHAPES) as ScheduleShape[]).map((shape): SeriesSpec => ({
    id: `${o.id}-${shape}`,
    label: `${o.name}, ${SCHEDULE_SHAPES[shape].label}`,
    model: 'mlp-128-64',
    optimizer: o.optimizer,
    hyperparams: { ...o.hyperparams, learningRate: SCHEDULE_SHAPES[shape].learningRate(o.lr) },
    batchSize: SCHEDULE_BATCH,
    group: o.name,
    params: { schedule: shape },
  }))),
  profiles: {
    smoke: smokeMnist(),
    default: { data: mnist(20000, 10000), epochs: 6, seeds: SEEDS_3, note: '20k/10k images, 6 epochs (1,878 updates), 3 seeds: 24 runs, about 3 minutes on 2 cores.' },
    full: { data: FULL_MNIST_DATA, epochs: 10, seeds: SEEDS_3, note: 'All 60k/10k images, 10 epochs (9,380 updates), 3 seeds.' },
  },
  assumptions: [
    'η₀ = 0.05 for SGD with momentum (μ = 0.9) and 0.001 for Adam (its usual default), not tuned per schedule: the question is what the shape does at a given peak rate, not which tuned pair wins.',
    'Step decay divides the rate by 10 at half the run: its mean rate over the run (0.55 η₀) is close to cosine\'s (0.5 η₀), so the comparison is of shapes more than of average rates.',
    'Schedules count optimizer updates (torch\'s scheduler.step() after every batch), and their lengths are fractions of each profile\'s run, so smoke, default and full get the same shapes.',
    'Warm-up starts at rate 0 (startFactor 0, as Hugging Face\'s warm-up; the first update is a no-op) and the cosine after it covers the remaining 95% of the run.',
    'Batch 64; the MLP and its initialisation are seed 000\'s (784-128-64-10, ReLU, Glorot-uniform).',
  ],
};

const SEED000_BATCH = 32; // seed000.ts: Keras fit()'s default

/** Seed 000's SGD and Momentum, as in seed000.ts, with and without a gradual decay of the rate. */
const seed000Pair = (id: string, optimizer: 'sgd' | 'momentum', name: string, extra: { momentum?: number }): SeriesSpec[] => [
  {
    id: `${id}-constant`, label: `${name}, constant lr 0.01`, model: 'mlp-128-64', optimizer, batchSize: SEED000_BATCH,
    hyperparams: { ...extra, learningRate: KERAS_DEFAULTS.sgd.learningRate }, group: name, params: { decay: false },
  },
  {
    id: `${id}-decay`, label: `${name}, lr 0.01 decayed to 0.001`, model: 'mlp-128-64', optimizer, batchSize: SEED000_BATCH,
    hyperparams: { ...extra, learningRate: { kind: 'exponential', initialLearningRate: KERAS_DEFAULTS.sgd.learningRate, decayRate: 0.1, decaySteps: { ofRun: 1 }, staircase: false } },
    group: name, params: { decay: true },
  },
];

export const seed000Decay: ExperimentSpec = {
  id: 'seed000-decay',
  title: 'Seed 000\'s claim: decreasing the learning rate gradually (SGD and Momentum, MLP 784-128-64-10)',
  seed: '000',
  reproduces: 'Seed 000 says that, for SGD and for Momentum, "we decrease the learning rate gradually over time" (to stabilise convergence); its code keeps the rate constant. Its SGD and Momentum rows of the comparison table, with and without that decay.',
  description: 'Seed 000\'s SGD (lr 0.01) and SGD with momentum (lr 0.01, γ = 0.9) on its MLP and data, once with the constant rate its code uses and once with the rate decayed smoothly from 0.01 to 0.001 over the run.',
  series: [
    ...seed000Pair('sgd', 'sgd', 'SGD', {}),
    ...seed000Pair('momentum', 'momentum', 'SGD with Momentum', { momentum: 0.9 }),
  ],
  profiles: {
    smoke: smokeMnist(),
    default: { data: FULL_MNIST_DATA, epochs: 10, seeds: SEEDS_3, note: 'Seed 000\'s setting (60k/10k images, 10 epochs, batch 32), 3 seeds; the constant runs are seed000\'s own records.' },
    full: { data: FULL_MNIST_DATA, epochs: 10, seeds: SEEDS_3 },
  },
  reference: { kind: 'final-test-accuracy', values: { 'sgd-constant': 0.9468, 'momentum-constant': 0.9758 } },
  assumptions: [
    'The seed names no schedule: "gradually" is read as a smooth exponential decay per update, η_t = 0.01 · 0.1^(t/T) over the run\'s T updates (Keras ExponentialDecay(0.01, decay_steps=T, decay_rate=0.1)), ending at 0.001.',
    'The constant series are exactly seed000\'s "ours" runs (same config, same records); the seed\'s own numbers are for its custom optimizers, whose code used constant rates.',
    'As in seed000: 10 epochs, batch 32, full MNIST, 3 seeds.',
  ],
};
