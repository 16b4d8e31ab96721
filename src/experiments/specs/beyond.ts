// Beyond the seeds: learning-rate sensitivity of every optimizer (MLP and Karate), and ours vs the
// tfjs built-in for every optimizer tfjs has, over several seeds.
import { BUILTIN_OPTIMIZER_NAMES } from '../../optimizers/builtin';
import { OPTIMIZER_NAMES, type OptimizerName } from '../../optimizers/types';
import type { ExperimentSpec, SeriesSpec } from '../types';
import { FULL_MNIST_DATA, KARATE_SPLIT_ASSUMPTION, SEEDS_3, SEEDS_5, karateBySeed, mnist, num, smokeMnist } from './common';

/** Half-decades from 1e-4 to 1: wide enough to find every optimizer's good range and its failures. */
export const LR_GRID = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1];

function sweep(model: SeriesSpec['model'], batchSize: SeriesSpec['batchSize'], extra: Partial<SeriesSpec> = {}): SeriesSpec[] {
  return OPTIMIZER_NAMES.flatMap((optimizer) => LR_GRID.map((lr): SeriesSpec => ({
    id: `${optimizer}-lr${num(lr)}`,
    label: `${optimizer} lr ${lr}`,
    model, optimizer, implementation: 'ours', hyperparams: { learningRate: lr }, batchSize,
    group: optimizer, params: { optimizer, learningRate: lr },
    ...extra,
  })));
}

const SWEEP_ASSUMPTIONS = [
  'Every hyperparameter but the learning rate at its torch default; one grid for all optimizers (AdaDelta\'s lr multiplies an already-scaled step, so its useful range sits near 1).',
  'A run whose loss turns non-finite or explodes stops and is shown as diverged.',
];

export const lrSensitivityMlp: ExperimentSpec = {
  id: 'lr-sensitivity-mlp',
  title: 'Learning-rate sensitivity of every optimizer (MLP 784-128-64-10)',
  seed: null,
  reproduces: 'Beyond the seeds: seed 004 sweeps three optimizers; here all twelve, on one grid.',
  description: `Final test accuracy and loss against the learning rate (${LR_GRID.join(', ')}), batch 64.`,
  series: sweep('mlp-128-64', 64),
  profiles: {
    smoke: smokeMnist(128, 100),
    default: { data: mnist(10000, 5000), epochs: 3, seeds: [0], note: '10k/5k images, 3 epochs, 1 seed: 108 runs.' },
    full: { data: FULL_MNIST_DATA, epochs: 5, seeds: SEEDS_3 },
  },
  assumptions: SWEEP_ASSUMPTIONS,
};

export const lrSensitivityKarate: ExperimentSpec = {
  id: 'lr-sensitivity-karate',
  title: 'Learning-rate sensitivity of every optimizer (Karate Club, GCN)',
  seed: null,
  reproduces: 'Beyond the seeds: the sweep on the graph task.',
  description: `Final test AUC and accuracy against the learning rate (${LR_GRID.join(', ')}), full-batch steps.`,
  series: sweep('gcn', 'full', { evaluateTrain: true }),
  profiles: {
    smoke: karateBySeed(2, [0], 'CI check only.'),
    default: karateBySeed(100, [0], '100 full-batch epochs, 1 seed: 108 runs.'),
    full: karateBySeed(200, SEEDS_3),
  },
  assumptions: [...SWEEP_ASSUMPTIONS, KARATE_SPLIT_ASSUMPTION],
};

/** A sensible learning rate per optimizer for the MLP (torch's defaults where torch has one). */
const COMPARE_LR: Partial<Record<OptimizerName, number>> = {
  sgd: 0.01, momentum: 0.01, nesterov: 0.01, adagrad: 0.01, rmsprop: 0.001, adadelta: 1.0, adam: 0.001, adamax: 0.002,
};

function compareLearningRate(optimizer: OptimizerName): number {
  const lr = COMPARE_LR[optimizer];
  if (lr === undefined) throw new Error(`ours-vs-tfjs: no learning rate for the built-in "${optimizer}"; add it to COMPARE_LR in src/experiments/specs/beyond.ts.`);
  return lr;
}

export const oursVsTfjs: ExperimentSpec = {
  id: 'ours-vs-tfjs',
  title: 'Our optimizers vs tfjs built-ins',
  seed: null,
  reproduces: 'Beyond the seeds: seed 000\'s custom-vs-built-in comparison for every optimizer tfjs has, over several seeds.',
  description: 'Same model, data, seeds and hyperparameters; differences of convention (listed with each optimizer) are the only differences.',
  series: BUILTIN_OPTIMIZER_NAMES.flatMap((optimizer) => (['ours', 'tfjs'] as const).map((implementation): SeriesSpec => ({
    id: `${optimizer}-${implementation}`,
    label: `${optimizer} (${implementation === 'ours' ? 'ours' : 'tfjs built-in'})`,
    model: 'mlp-128-64', optimizer, implementation,
    hyperparams: { learningRate: compareLearningRate(optimizer) },
    batchSize: 64, group: optimizer, params: { optimizer, implementation },
  }))),
  profiles: {
    smoke: smokeMnist(128, 100),
    default: { data: mnist(6000, 5000), epochs: 5, seeds: SEEDS_3, note: '6k/5k images, 5 epochs, 3 seeds (mean and 95% band).' },
    full: { data: FULL_MNIST_DATA, epochs: 10, seeds: SEEDS_5 },
  },
  assumptions: ['Each optimizer at a usual learning rate for this MLP, other hyperparameters at torch\'s defaults (passed explicitly to the built-ins).'],
};
