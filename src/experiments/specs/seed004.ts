// Seed 004 (slides "Optimizers"): hyperparameter sweeps on MNIST with torch's optimizers: learning
// rate for SGD, Adam and RMSprop, AdaDelta's ρ, Adam's β's, momentum, Nesterov. Its per-epoch
// validation logs are kept as reference curves.
import type { ExperimentSpec, ProfileSettings, Reference, SeriesSpec } from '../types';
import { FULL_MNIST_DATA, SEEDS_3, TORCH_DEFAULTS, mnist, num, smokeMnist } from './common';

const BATCH = 64; // the PyTorch MNIST example's default; the slides do not show one.

const cnn = (id: string, label: string, optimizer: SeriesSpec['optimizer'], hyperparams: SeriesSpec['hyperparams'], group: string, params: SeriesSpec['params']): SeriesSpec => ({
  id, label, model: 'cnn', optimizer, implementation: 'ours', hyperparams, batchSize: BATCH, group, params,
});

const PROFILES: Record<'smoke' | 'default' | 'full', ProfileSettings> = {
  smoke: smokeMnist(128, 100),
  default: {
    data: mnist(3000, 2000), epochs: 10, seeds: [0],
    note: 'Many CNN runs: 3k training and 2k test images (stratified), all 10 epochs, 1 seed; the shapes of the curves, not the seed\'s 99%.',
  },
  full: { data: FULL_MNIST_DATA, epochs: 10, seeds: SEEDS_3 },
};

const ASSUMPTIONS = [
  'The slides do not show their network; their ~99% validation accuracy implies a convnet: we use seed 001\'s CNN.',
  'Batch size 64 (the PyTorch MNIST example\'s default). Hyperparameters not shown are torch\'s defaults, as the printed configs are.',
];

/** Validation accuracies in the logs are counts out of 10000 (one slide prints "/1000", a typo: 9911/1000 > 1). */
const acc = (counts: number[]) => counts.map((c) => c / 10000);

const curve = (series: string, loss: number[], counts: number[], note?: string): Extract<Reference, { kind: 'validation-curves' }>['curves'][number] =>
  ({ series, loss, accuracy: acc(counts), ...(note ? { note } : {}) });

const SGD_LRS = [0.04, 0.01, 0.005, 0.001, 0.0005];

export const seed004SgdLr: ExperimentSpec = {
  id: 'seed004-sgd-lr',
  title: 'SGD learning-rate sweep',
  seed: '004',
  reproduces: 'Seed 004, "Stochastic Gradient Descent — Learning Rate" (lr 0.04, 0.01, 0.005) and the validation logs at lr 0.001 and 0.0005 (both with momentum 0.5).',
  description: 'Plain SGD at each learning rate of the slides, plus the two logged configurations, which used momentum 0.5.',
  series: [
    ...SGD_LRS.map((lr) => cnn(`sgd-lr${num(lr)}`, `SGD lr ${lr}`, 'sgd', { learningRate: lr }, 'SGD', { learningRate: lr, momentum: 0 })),
    ...[0.001, 0.0005].map((lr) => cnn(`sgd-m0.5-lr${num(lr)}`, `SGD lr ${lr}, momentum 0.5`, 'momentum', { learningRate: lr, momentum: 0.5 }, 'SGD + momentum 0.5 (logged)', { learningRate: lr, momentum: 0.5 })),
  ],
  profiles: PROFILES,
  reference: {
    kind: 'validation-curves',
    curves: [
      curve('sgd-m0.5-lr5e-4', [2.1605, 1.7345, 0.8599, 0.5235, 0.4134, 0.3605, 0.3239, 0.2977, 0.2765, 0.2582],
        [5517, 7321, 8362, 8700, 8892, 8977, 9069, 9154, 9188, 9240]),
      curve('sgd-m0.5-lr0.001', [1.4816, 0.4470, 0.3211, 0.2686, 0.2310, 0.2034, 0.1857, 0.1670, 0.1527, 0.1426],
        [7719, 8855, 9098, 9231, 9320, 9430, 9481, 9524, 9562, 9613]),
    ],
  },
  assumptions: ASSUMPTIONS,
};

export const seed004AdamLr: ExperimentSpec = {
  id: 'seed004-adam-lr',
  title: 'Adam learning-rate sweep',
  seed: '004',
  reproduces: 'Seed 004, Adam at lr 0.035, 0.001, 0.0005 and 0.00025 (validation logs for the last three).',
  description: 'Adam (β 0.9/0.999, ε 1e-8) at each learning rate of the slides.',
  series: [0.035, 0.001, 0.0005, 0.00025].map((lr) => cnn(`adam-lr${num(lr)}`, `Adam lr ${lr}`, 'adam', { learningRate: lr, ...TORCH_DEFAULTS.adam }, 'Adam', { learningRate: lr })),
  profiles: PROFILES,
  reference: {
    kind: 'validation-curves',
    curves: [
      curve('adam-lr0.001', [0.0478, 0.0376, 0.0357, 0.0309, 0.0275, 0.0328, 0.0289, 0.0290, 0.0325, 0.0286],
        [9854, 9863, 9886, 9898, 9917, 9897, 9914, 9901, 9900, 9927]),
      curve('adam-lr5e-4', [0.0604, 0.0331, 0.0460, 0.0340, 0.0308, 0.0292, 0.0303, 0.0310, 0.0396, 0.0393],
        [9809, 9891, 9850, 9880, 9897, 9907, 9908, 9914, 9889, 9900]),
      curve('adam-lr2.5e-4', [0.0639, 0.0472, 0.0383, 0.0323, 0.0333, 0.0420, 0.0313, 0.0285, 0.0325, 0.0293],
        [9807, 9851, 9875, 9898, 9895, 9863, 9898, 9916, 9908, 9905]),
    ],
  },
  assumptions: ASSUMPTIONS,
};

export const seed004RmspropLr: ExperimentSpec = {
  id: 'seed004-rmsprop-lr',
  title: 'RMSprop learning-rate sweep',
  seed: '004',
  reproduces: 'Seed 004, RMSprop at lr 0.01 (collapses to 11% accuracy), 0.001, 0.00025 and 1e-5, with their validation logs.',
  description: 'RMSprop (ρ = torch\'s α = 0.99, ε 1e-8) at each learning rate of the slides; lr 0.01 is the seed\'s divergent run.',
  series: [0.01, 0.001, 0.00025, 1e-5].map((lr) => cnn(`rmsprop-lr${num(lr)}`, `RMSprop lr ${lr}`, 'rmsprop', { learningRate: lr, ...TORCH_DEFAULTS.rmsprop }, 'RMSprop', { learningRate: lr })),
  profiles: PROFILES,
  reference: {
    kind: 'validation-curves',
    curves: [
      curve('rmsprop-lr0.01', [2.3016, 2.3026, 2.3016, 2.3011, 2.3015, 2.3017, 2.3015, 2.3016, 2.3015, 2.3015],
        Array(10).fill(1135), 'Stuck at chance: loss ln 10 ≈ 2.30, every image predicted as the most frequent class.'),
      curve('rmsprop-lr0.001', [0.0520, 0.0571, 0.0424, 0.0583, 0.0291, 0.0414, 0.0324, 0.0315, 0.0304, 0.0411],
        [9831, 9809, 9864, 9821, 9907, 9864, 9903, 9909, 9920, 9901], 'first log'),
      curve('rmsprop-lr0.001', [0.0538, 0.0702, 0.0437, 0.0293, 0.0354, 0.0454, 0.0294, 0.0357, 0.0589, 0.0461],
        [9868, 9832, 9915, 9934, 9924, 9906, 9937, 9938, 9893, 9923], 'second log of the same configuration'),
      curve('rmsprop-lr2.5e-4', [0.0295, 0.0285, 0.0312, 0.0316, 0.0311, 0.0415, 0.0414, 0.0409, 0.0379, 0.0344],
        [9911, 9917, 9911, 9914, 9917, 9898, 9890, 9900, 9917, 9928]),
      curve('rmsprop-lr1e-5', [0.8277, 0.4112, 0.2947, 0.2382, 0.2062, 0.1802, 0.1598, 0.1438, 0.1296, 0.1217],
        [8580, 9013, 9203, 9335, 9424, 9475, 9535, 9593, 9632, 9665]),
    ],
  },
  assumptions: ASSUMPTIONS,
};

export const seed004AdadeltaRho: ExperimentSpec = {
  id: 'seed004-adadelta-rho',
  title: 'AdaDelta ρ = 0.01 vs 0.9',
  seed: '004',
  reproduces: 'Seed 004, "We tested Adadelta changing rho between 0.01 and 0.9".',
  description: 'AdaDelta at torch\'s defaults (lr 1.0, ε 1e-6) with ρ 0.01 and 0.9.',
  series: [0.01, 0.9].map((rho) => cnn(`adadelta-rho${rho}`, `AdaDelta ρ ${rho}`, 'adadelta', { ...TORCH_DEFAULTS.adadelta, rho }, 'AdaDelta', { rho })),
  profiles: PROFILES,
  reference: { kind: 'qualitative', claims: ['Not much difference: more loss with ρ = 0.01, but about 99% accuracy in both cases.'] },
  assumptions: ASSUMPTIONS,
};

const BETAS: Array<{ b1: number; b2: number; lr: number; why: string }> = [
  { b1: 0.9, b2: 0.999, lr: 0.001, why: 'torch default (baseline)' },
  { b1: 0.9, b2: 0.99, lr: 0.0005, why: 'slide: β2 0.99, lr < 0.001' },
  { b1: 0.9, b2: 0.99, lr: 0.001, why: 'slide: β2 0.99, lr 0.001' },
  { b1: 0.99, b2: 0.9, lr: 0.001, why: 'slide: β1 > β2' },
  { b1: 0.01, b2: 0.01, lr: 0.001, why: 'slide: β1 = β2 = 0.01' },
];

export const seed004AdamBetas: ExperimentSpec = {
  id: 'seed004-adam-betas',
  title: 'Adam (β1, β2) variants',
  seed: '004',
  reproduces: 'Seed 004, "Effect on the betas" (four panels).',
  description: 'Adam with β2 0.99 at lr 0.0005 and 0.001, β1 > β2, and β1 = β2 = 0.01, beside torch\'s default (0.9, 0.999).',
  series: BETAS.map(({ b1, b2, lr, why }) => cnn(`adam-b${b1}-${b2}-lr${num(lr)}`, `Adam β=(${b1}, ${b2}) lr ${lr}`, 'adam',
    { ...TORCH_DEFAULTS.adam, learningRate: lr, beta1: b1, beta2: b2 }, 'Adam betas', { beta1: b1, beta2: b2, learningRate: lr, why })),
  profiles: PROFILES,
  reference: { kind: 'qualitative', claims: ['The slides show curves only (no numbers) for the four settings.'] },
  assumptions: [...ASSUMPTIONS, 'The slides do not give the values for "β1 > β2": (0.99, 0.9); nor the rate for "lr < 0.001": 0.0005.'],
};

export const seed004Momentum: ExperimentSpec = {
  id: 'seed004-momentum',
  title: 'SGD lr 0.005: momentum 0 vs 0.5',
  seed: '004',
  reproduces: 'Seed 004, "Stochastic Gradient Descent — Momentum" (SGD lr 0.005 without and with m = 0.5).',
  description: 'The same learning rate without and with momentum 0.5.',
  series: [
    cnn('momentum-0', 'SGD lr 0.005', 'sgd', { learningRate: 0.005 }, 'Momentum', { momentum: 0 }),
    cnn('momentum-0.5', 'SGD lr 0.005, momentum 0.5', 'momentum', { learningRate: 0.005, momentum: 0.5 }, 'Momentum', { momentum: 0.5 }),
  ],
  profiles: PROFILES,
  reference: { kind: 'qualitative', claims: ['Momentum speeds up convergence at the same learning rate.'] },
  assumptions: ASSUMPTIONS,
};

export const seed004Nesterov: ExperimentSpec = {
  id: 'seed004-nesterov',
  title: 'SGD lr 0.001, momentum 0.5: Nesterov off vs on',
  seed: '004',
  reproduces: 'Seed 004, "Stochastic Gradient Descent — Nesterov momentum".',
  description: 'Classical momentum against Nesterov momentum, same learning rate and momentum.',
  series: [
    cnn('nesterov-off', 'SGD lr 0.001, m 0.5', 'momentum', { learningRate: 0.001, momentum: 0.5 }, 'Nesterov', { nesterov: false }),
    cnn('nesterov-on', 'SGD lr 0.001, m 0.5, Nesterov', 'nesterov', { learningRate: 0.001, momentum: 0.5 }, 'Nesterov', { nesterov: true }),
  ],
  profiles: PROFILES,
  reference: {
    kind: 'validation-curves',
    curves: [curve('nesterov-off', [1.4816, 0.4470, 0.3211, 0.2686, 0.2310, 0.2034, 0.1857, 0.1670, 0.1527, 0.1426],
      [7719, 8855, 9098, 9231, 9320, 9430, 9481, 9524, 9562, 9613], 'the "SGD lr = 0.001" log, which printed momentum 0.5, nesterov False')],
  },
  assumptions: ASSUMPTIONS,
};
