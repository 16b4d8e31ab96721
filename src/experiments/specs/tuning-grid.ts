// Tuning budget (issue 11.3): a second hyperparameter where it matters, beside the learning-rate
// sweeps — SGD's momentum coefficient and Adam's β₁ — so that random search over (lr, second
// hyperparameter) can be compared with random search over the lr alone. The grid's third value
// (momentum 0.9, β₁ 0.9: the defaults) is the learning-rate sweep itself; the budget analysis
// pools both experiments' records.
import type { ExperimentSpec, SeriesSpec } from '../types';
import { LR_GRID } from './beyond';
import { FULL_MNIST_DATA, KARATE_SPLIT_ASSUMPTION, SEEDS_3, karateBySeed, mnist, num, smokeMnist } from './common';

/** The second hyperparameter's other values (the default 0.9 comes from the learning-rate sweep). */
export const SECOND_HYPERPARAMETER = {
  momentum: { param: 'momentum', values: [0.5, 0.99] },
  adam: { param: 'beta1', values: [0, 0.5] },
} as const;

function grid(model: SeriesSpec['model'], batchSize: SeriesSpec['batchSize'], extra: Partial<SeriesSpec> = {}): SeriesSpec[] {
  return Object.entries(SECOND_HYPERPARAMETER).flatMap(([optimizer, { param, values }]) => values.flatMap((v) => LR_GRID.map((lr): SeriesSpec => ({
    id: `${optimizer}-${param}${num(v)}-lr${num(lr)}`,
    label: `${optimizer} ${param} ${v} lr ${lr}`,
    model, optimizer: optimizer as SeriesSpec['optimizer'], implementation: 'ours', hyperparams: { learningRate: lr, [param]: v }, batchSize,
    group: `${optimizer} ${param} ${v}`, params: { optimizer, learningRate: lr, [param]: v },
    ...extra,
  }))));
}

const ASSUMPTIONS = [
  'Momentum ∈ {0.5, 0.9, 0.99} for SGD with momentum and β₁ ∈ {0, 0.5, 0.9} for Adam, each crossed with the learning-rate grid; 0.9 is the learning-rate sweep (same data, epochs and seeds, so its records complete the grid). β₁ = 0 is Adam without momentum (RMSprop with bias correction).',
  'Same data, epochs and seeds as the learning-rate sweep of the same task; other hyperparameters at their defaults. A diverged run is a trial that produced nothing.',
];

export const tuningGridMlp: ExperimentSpec = {
  id: 'tuning-grid-mlp',
  title: 'Second hyperparameter: momentum and Adam β₁ × learning rate (MLP 784-128-64-10)',
  seed: null,
  reproduces: 'Beyond the seeds: the 2-D grids behind the tuning-budget curves ("Descending through a Crowded Valley").',
  description: 'Final test accuracy over learning rate × momentum (SGD with momentum) and learning rate × β₁ (Adam), batch 64.',
  series: grid('mlp-128-64', 64),
  profiles: {
    smoke: smokeMnist(128, 100),
    default: { data: mnist(10000, 5000), epochs: 3, seeds: [0], note: '10k/5k images, 3 epochs, 1 seed (as lr-sensitivity-mlp): 36 runs.' },
    full: { data: FULL_MNIST_DATA, epochs: 5, seeds: SEEDS_3 },
  },
  assumptions: ASSUMPTIONS,
};

export const tuningGridKarate: ExperimentSpec = {
  id: 'tuning-grid-karate',
  title: 'Second hyperparameter: momentum and Adam β₁ × learning rate (Karate Club, GCN)',
  seed: null,
  reproduces: 'Beyond the seeds: the 2-D grids behind the tuning-budget curves on the graph task.',
  description: 'Final test AUC over learning rate × momentum (SGD with momentum) and learning rate × β₁ (Adam), full-batch steps.',
  series: grid('gcn', 'full', { evaluateTrain: true }),
  profiles: {
    smoke: karateBySeed(2, [0], 'CI check only.'),
    default: karateBySeed(100, [0], '100 full-batch epochs, 1 seed (as lr-sensitivity-karate): 36 runs.'),
    full: karateBySeed(200, SEEDS_3),
  },
  assumptions: [...ASSUMPTIONS, KARATE_SPLIT_ASSUMPTION],
};
