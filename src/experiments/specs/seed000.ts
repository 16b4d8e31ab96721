// Seed 000 (student report, Dec 2024): custom SGD, Momentum and Adam against TensorFlow's built-ins
// on MNIST with a 784-128-64-10 MLP; its table of final test accuracies and accuracy curves per epoch.
import type { ExperimentSpec, SeriesSpec } from '../types';
import { FULL_MNIST_DATA, KERAS_DEFAULTS, SEEDS_3, smokeMnist } from './common';

const BATCH = 32; // Keras fit()'s default; the seed does not state one.

const pair = (id: string, optimizer: SeriesSpec['optimizer'], name: string, hyperparams: SeriesSpec['hyperparams']): SeriesSpec[] => [
  { id: `${id}-ours`, label: `Custom ${name}`, model: 'mlp-128-64', optimizer, implementation: 'ours', hyperparams, batchSize: BATCH, group: name, params: { implementation: 'ours' } },
  { id: `${id}-tfjs`, label: `TensorFlow ${name}`, model: 'mlp-128-64', optimizer, implementation: 'tfjs', hyperparams, batchSize: BATCH, group: name, params: { implementation: 'tfjs' } },
];

export const seed000: ExperimentSpec = {
  id: 'seed000',
  title: 'Custom vs built-in SGD, Momentum and Adam (MLP 784-128-64-10)',
  seed: '000',
  reproduces: 'Seed 000, "Comparison table of all the results" (final test accuracy) and Figure 3 (train/test accuracy per epoch).',
  description: 'Our SGD, SGD with momentum and Adam against the tfjs built-ins (standing in for TensorFlow\'s), same model, data and hyperparameters.',
  series: [
    ...pair('sgd', 'sgd', 'SGD', { learningRate: 0.01 }),
    ...pair('momentum', 'momentum', 'SGD with Momentum', { learningRate: 0.01, momentum: 0.9 }),
    ...pair('adam', 'adam', 'Adam', { ...KERAS_DEFAULTS.adam }),
  ],
  profiles: {
    smoke: smokeMnist(),
    default: { data: FULL_MNIST_DATA, epochs: 10, seeds: SEEDS_3, note: 'The seed\'s full setting (60k/10k images, 10 epochs), 3 seeds: the MLP is fast enough.' },
    full: { data: FULL_MNIST_DATA, epochs: 10, seeds: SEEDS_3 },
  },
  reference: {
    kind: 'final-test-accuracy',
    values: {
      'sgd-ours': 0.9468, 'sgd-tfjs': 0.9524,
      'momentum-ours': 0.9758, 'momentum-tfjs': 0.9791,
      'adam-ours': 0.9756, 'adam-tfjs': 0.9796,
    },
  },
  assumptions: [
    'Learning rates from the seed\'s code: SGD 0.01; Momentum 0.01 with γ = 0.9. Its Adam code is illegible: Keras\'s defaults (lr 0.001, β 0.9/0.999, ε 1e-7).',
    'Epochs and batch size are not stated: 10 epochs and Keras\'s default batch size 32.',
    'The seed mentions decaying the learning rate but its code does not: constant rates here.',
    'TensorFlow\'s built-ins are represented by tfjs\'s tf.train.* optimizers (the seed used Python TensorFlow).',
  ],
};
