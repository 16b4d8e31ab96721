// Time to target (issue 11.2): every optimizer, at its best learning rate from the sensitivity sweep,
// trained over several seeds until a fixed test target, as AlgoPerf ranks training algorithms.
// The targets live here, next to the assumptions that justify them, and the notebooks read them.
import { OPTIMIZER_NAMES, type OptimizerName } from '../../optimizers/types';
import type { ExperimentSpec, ProfileName, SeriesSpec } from '../types';
import { FULL_MNIST_DATA, KARATE_SPLIT_ASSUMPTION, SEEDS_3, SEEDS_5, karateBySeed, mnist, num, smokeMnist } from './common';

/**
 * What "reached" means per task and profile: a test metric (higher is better) and its value. Smoke's
 * targets are low on purpose: they only exercise the code path (its numbers mean nothing).
 */
export const TIME_TO_TARGET_GOALS = {
  'time-to-target-mlp': {
    smoke: { metric: 'testAccuracy', value: 0.3, label: '30% test accuracy (smoke: code path only)' },
    default: { metric: 'testAccuracy', value: 0.94, label: '94% test accuracy' },
    full: { metric: 'testAccuracy', value: 0.97, label: '97% test accuracy' },
  },
  'time-to-target-karate': {
    smoke: { metric: 'testLoss', value: 0.69, lowerIsBetter: true, label: 'test loss 0.69 (smoke: code path only)' },
    default: { metric: 'testLoss', value: 0.65, lowerIsBetter: true, label: 'test loss ≤ 0.65 nats' },
    full: { metric: 'testLoss', value: 0.65, lowerIsBetter: true, label: 'test loss ≤ 0.65 nats' },
  },
} as const satisfies Record<string, Record<ProfileName, { metric: 'testAccuracy' | 'testLoss'; value: number; lowerIsBetter?: boolean; label: string }>>;

/**
 * Each optimizer's learning rate, read from the default profile's sweeps (seed 0) when these specs
 * were written: on the MLP, the grid rate with the best final test accuracy (lr-sensitivity-mlp); on
 * Karate, the grid rate that first reached the target (lr-sensitivity-karate, split 0; AdaDelta never
 * did and keeps the grid's largest rate) — its best *final* AUC comes from rates too small to train
 * at all, because the GCN overfits within tens of steps. Notebook 08 says where the sweep in the
 * records at hand prefers another rate.
 */
export const TUNED_LR: Record<'mlp' | 'karate', Record<OptimizerName, number>> = {
  mlp: {
    sgd: 0.03, momentum: 0.1, nesterov: 0.1, adagrad: 0.01, rmsprop: 3e-4, adadelta: 1,
    adam: 3e-3, amsgrad: 3e-3, adamw: 3e-3, adamax: 0.01, nadam: 0.01, lion: 1e-3,
  },
  karate: {
    sgd: 1, momentum: 0.3, nesterov: 0.3, adagrad: 0.01, rmsprop: 1e-3, adadelta: 1,
    adam: 0.01, amsgrad: 0.01, adamw: 0.01, adamax: 0.03, nadam: 0.01, lion: 0.03,
  },
};

function tuned(task: 'mlp' | 'karate', model: SeriesSpec['model'], batchSize: SeriesSpec['batchSize'], extra: Partial<SeriesSpec> = {}): SeriesSpec[] {
  return OPTIMIZER_NAMES.map((optimizer): SeriesSpec => {
    const lr = TUNED_LR[task][optimizer];
    return {
      id: `${optimizer}-lr${num(lr)}`, label: `${optimizer} (lr ${lr})`,
      model, optimizer, implementation: 'ours', hyperparams: { learningRate: lr }, batchSize,
      group: optimizer, params: { optimizer, learningRate: lr }, ...extra,
    };
  });
}

const COMMON = [
  'Each optimizer at its tuned rate from the default learning-rate sweep (TUNED_LR in this file: best final score on the MLP, first to the target on Karate), other hyperparameters at their defaults: time to target is a property of a tuned optimizer, as in AlgoPerf, where every submission brings its own tuning.',
  'The target is checked after every epoch (the loop evaluates at epoch ends), so steps and seconds are those of the first epoch that met it; a miss (never reached, or diverged first) counts as infinite, and the median over seeds is taken with that rule.',
  'Seconds are the sum of the epochs\' training time (evaluation excluded, as AlgoPerf excludes it), on the machine and backend each record names; a shared machine adds noise that steps do not have.',
];

export const timeToTargetMlp: ExperimentSpec = {
  id: 'time-to-target-mlp',
  title: 'Time to target: every optimizer, tuned, on the MNIST MLP',
  seed: null,
  reproduces: 'Beyond the seeds: AlgoPerf\'s time-to-target measure on the seed-000 MLP.',
  description: `Steps and training seconds until ${TIME_TO_TARGET_GOALS['time-to-target-mlp'].default.label} (default profile; 97% at full), MLP 784-128-64-10, batch 64.`,
  series: tuned('mlp', 'mlp-128-64', 64),
  profiles: {
    smoke: smokeMnist(128, 100),
    default: { data: mnist(10000, 5000), epochs: 6, seeds: SEEDS_3, note: '10k/5k images (the sweep\'s data), 6 epochs of 157 steps, 3 seeds: 36 runs.' },
    full: { data: FULL_MNIST_DATA, epochs: 5, seeds: SEEDS_5 },
  },
  assumptions: [
    ...COMMON,
    'Target 94% test accuracy: at the default profile the best optimizers of the sweep end its 3 epochs near 94%, so tuned optimizers reach it within the 6 epochs here and the slower ones show how much later (or never); on the full 60k images (full profile) the target is 97%, which seed 000\'s Momentum and Adam end above (97.6% after 10 epochs).',
  ],
};

export const timeToTargetKarate: ExperimentSpec = {
  id: 'time-to-target-karate',
  title: 'Time to target: every optimizer, tuned, on Karate Club link prediction (GCN)',
  seed: null,
  reproduces: 'Beyond the seeds: AlgoPerf\'s time-to-target measure on the seed-003 graph task.',
  description: `Steps and training seconds until the ${TIME_TO_TARGET_GOALS['time-to-target-karate'].default.label}, GCN, full-batch steps (one per epoch, so the resolution is one step).`,
  series: tuned('karate', 'gcn', 'full'),
  profiles: {
    smoke: karateBySeed(2, [0], 'CI check only.'),
    default: karateBySeed(100, SEEDS_5, '100 full-batch steps, 5 seeds each with its own split: 60 runs.'),
    full: karateBySeed(200, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
  },
  assumptions: [
    ...COMMON,
    'Target test loss ≤ 0.65 nats (chance, and the untrained model, sit at ln 2 ≈ 0.69): test AUC is a poor target here, because an untrained GCN already ranks pairs well from the graph alone — 0.76 to 0.89 AUC at step 1 depending on the split — so an AUC target is met before any learning on some splits and never on others. The loss must fall, so reaching 0.65 means the model learned; in the default sweep (split 0) tuned adaptive methods reach it in 12–30 steps, plain and momentum SGD in 45–85, and it is below what several runs ever reach before they overfit.',
    '100 full-batch steps at the default profile, as in the sweep the rates were tuned on (one step per epoch, so the resolution is one step); the runs use other splits than the sweep\'s (one per seed), so the tuned rates meet data they were not chosen on.',
    KARATE_SPLIT_ASSUMPTION,
  ],
};
