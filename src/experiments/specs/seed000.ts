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
    'Checked against PyTorch 1.13 (scripts/torch-crosscheck/): from the same weights and batch our loss, gradients and updates equal torch\'s to float32 precision (loss 2.4430966 vs 2.4430969, gradients within 1e-7 relative; test/models.torch-crosscheck.test.ts), and given our initial weights and epoch orders torch retraces our SGD run (seed 0: the same test accuracy, ±1 image, at every epoch checked). Data, loss and batching are the same: pixels/255, mean cross-entropy on log-softmax, 1875 full batches of 32 (no partial batch), a fresh uniform permutation every epoch, Glorot-uniform kernels and zero biases (our draws pass uniformity checks). What differs is only which random numbers are drawn: with torch\'s own generator, seeds 0–2 end SGD at 96.21/96.29/96.25 % (mean 96.25), ours at 96.40/96.73/96.46 % (mean 96.53). Since the same draws give the same run, we read the 0.28-point gap as the luck of three draws, not a difference of method; but three against three is weak evidence either way (ours all above torch\'s has a 1-in-20 chance under equal distributions), the seed spreads differ both ways (SGD: ours 0.33 points, torch 0.08; Momentum in issue 9.8: ours 0.02, torch 0.12), and one seed\'s weights and orders serve every optimizer, so SGD and Momentum move together. More seeds would settle it.',
  ],
};
