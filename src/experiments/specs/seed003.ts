// Seed 003 (paper "Bridging the Gap"): nine optimizers at lr 0.01 on MNIST with a 784-500-10
// linear network (Figures 1, 2) and on Karate Club link prediction with a GNN (Figures 3, 4).
import type { ModelName } from '../../models';
import type { ExperimentSpec, SeriesSpec } from '../types';
import { FULL_MNIST_DATA, KARATE_SPLIT_ASSUMPTION, SEEDS_3, SEEDS_5, karateBySeed, mnist, smokeMnist } from './common';

const LR = 0.01;

/** The paper's nine methods; `miniBatch` is the batch size of every mini-batch method. */
function nineOptimizers(model: ModelName, miniBatch: number, extra: Partial<SeriesSpec> = {}): SeriesSpec[] {
  const s = (id: string, label: string, optimizer: SeriesSpec['optimizer'], batchSize: SeriesSpec['batchSize'], hp: SeriesSpec['hyperparams'] = {}): SeriesSpec => ({
    id, label, model, optimizer, implementation: 'ours', hyperparams: { learningRate: LR, ...hp }, batchSize, ...extra,
  });
  return [
    s('gd', 'GD (full batch)', 'sgd', 'full'),
    s('sgd', 'SGD (batch 1)', 'sgd', 1),
    s('mini-batch', `Mini-batch GD (batch ${miniBatch})`, 'sgd', miniBatch),
    s('momentum', 'Momentum', 'momentum', miniBatch, { momentum: 0.9 }),
    s('nag', 'NAG', 'nesterov', miniBatch, { momentum: 0.9 }),
    s('adagrad', 'AdaGrad', 'adagrad', miniBatch),
    s('adam', 'Adam', 'adam', miniBatch),
    s('amsgrad', 'AMSGrad', 'amsgrad', miniBatch),
    s('rmsprop', 'RMSprop', 'rmsprop', miniBatch),
  ];
}

const COMMON_ASSUMPTIONS = [
  'lr 0.01 for every method, as stated; other hyperparameters at torch\'s defaults (momentum and NAG γ = 0.9, "usually set to 0.9" in the paper).',
  'GD is one full-batch step per epoch (exact, computed over micro-batches); SGD is one example per step.',
];

export const seed003Mnist: ExperimentSpec = {
  id: 'seed003-mnist',
  title: 'Nine optimizers on MNIST, linear 784-500-10 network',
  seed: '003',
  reproduces: 'Seed 003, Fig. 1 (training loss in MNIST) and Fig. 2 (test accuracies in MNIST).',
  description: 'GD, SGD, mini-batch GD, Momentum, NAG, AdaGrad, Adam, AMSGrad and RMSprop at lr 0.01, batch 64, 10 epochs, on a 784 → 500 (linear) → 10 network.',
  series: nineOptimizers('mlp-500-linear', 64, { tracePoints: 200 }),
  profiles: {
    smoke: smokeMnist(),
    default: {
      data: mnist(10000, 10000), epochs: 10, seeds: [0],
      note: '10k training images (SGD at batch 1 then takes 100k steps, the longest run of the profile), the full test set, all 10 epochs, 1 seed.',
    },
    full: { data: FULL_MNIST_DATA, epochs: 10, seeds: SEEDS_3 },
  },
  reference: {
    kind: 'qualitative',
    claims: [
      'Adagrad, AMSGrad and Adam perform better than Momentum, NAG and RMSprop.',
      'GD is slow: one update per pass over the 60k examples.',
      'SGD is noisy (one example per update); mini-batch GD is more stable.',
    ],
  },
  assumptions: [
    ...COMMON_ASSUMPTIONS,
    'Batch 64 for every mini-batch method (the paper gives 64 "for Mini Batch GD").',
    'The hidden layer is linear as the paper says, so the whole network is a linear classifier.',
  ],
};

const KARATE_MINI_BATCH = 32;

const karateProfiles = (defaultSeeds: number[]): ExperimentSpec['profiles'] => ({
  smoke: karateBySeed(2, [0], 'CI check only.'),
  default: karateBySeed(200, defaultSeeds, `The whole task (124 training pairs), 200 epochs, ${defaultSeeds.length} seeds, each with its own split (mean and 95% band).`),
  full: karateBySeed(200, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
});

const KARATE_ASSUMPTIONS = [
  ...COMMON_ASSUMPTIONS,
  `Mini-batch methods use batch ${KARATE_MINI_BATCH} (about a quarter of the 124 training pairs); the paper gives no batch size or epoch count for Karate: 200 epochs.`,
  '20% of the 78 friendships are held out for testing, with as many sampled non-edges on each side; message passing uses training edges only.',
  KARATE_SPLIT_ASSUMPTION,
];

export const seed003Karate: ExperimentSpec = {
  id: 'seed003-karate',
  title: 'Nine optimizers on Karate Club link prediction (GCN)',
  seed: '003',
  reproduces: 'Seed 003, Fig. 3 (training loss in link prediction) and Fig. 4 (test accuracies), with a real graph network.',
  description: 'A 2-layer GCN encoder over the training graph and a dot-product decoder, binary cross-entropy; accuracy and ROC-AUC on training and test pairs.',
  series: nineOptimizers('gcn', KARATE_MINI_BATCH, { evaluateTrain: true }),
  profiles: karateProfiles(SEEDS_5),
  reference: {
    kind: 'qualitative',
    claims: [
      'Adam, AdaGrad, AMSGrad, RMSprop, SGD and mini-batch training are preferred over Nesterov, Momentum and vanilla GD.',
      'Adam is particularly well suited to link prediction.',
    ],
  },
  assumptions: [...KARATE_ASSUMPTIONS, 'The paper\'s own model (embedding + 1-D convolutions) is run separately as seed003-karate-conv1d; it never looks at the graph.'],
};

export const seed003KarateConv1d: ExperimentSpec = {
  id: 'seed003-karate-conv1d',
  title: 'Nine optimizers on Karate Club link prediction (the paper\'s embedding + Conv1D model)',
  seed: '003',
  reproduces: 'Seed 003, Figs. 3 and 4, with the architecture the paper describes.',
  description: 'Node embedding → two 1-D convolutions → global pooling → dense, as in the paper: a graph-blind baseline for the GCN.',
  series: nineOptimizers('karate-conv1d', KARATE_MINI_BATCH, { evaluateTrain: true }),
  profiles: karateProfiles(SEEDS_3),
  reference: seed003Karate.reference,
  assumptions: KARATE_ASSUMPTIONS,
};
