// Seed 001 (Analytics Vidhya guide): a Keras CNN on MNIST, batch 64, 10 epochs, each optimizer at
// Keras's defaults; its table of validation accuracy/loss at epochs 1, 5 and 10 and total time.
import type { ExperimentSpec, SeriesSpec } from '../types';
import { FULL_MNIST_DATA, KERAS_DEFAULTS, SEEDS_3, mnist, smokeMnist } from './common';

const cnn = (id: string, label: string, optimizer: SeriesSpec['optimizer'], hyperparams: SeriesSpec['hyperparams']): SeriesSpec => ({
  id, label, model: 'cnn', optimizer, implementation: 'ours', hyperparams, batchSize: 64,
});

export const seed001: ExperimentSpec = {
  id: 'seed001',
  title: 'Six optimizers at Keras defaults on a CNN',
  seed: '001',
  reproduces: 'Seed 001, "Hands-on Optimizers" table: validation accuracy and loss at epochs 1, 5, 10 and total time.',
  description: 'Conv2D 32 → MaxPool → Dropout 0.25 → Dense 256 → Dropout 0.5 → Dense 10, batch 64, 10 epochs; Adadelta, Adagrad, Adam, RMSprop, SGD with momentum and SGD, each with Keras\'s default hyperparameters.',
  series: [
    cnn('adadelta', 'Adadelta', 'adadelta', { ...KERAS_DEFAULTS.adadelta }),
    cnn('adagrad', 'Adagrad', 'adagrad', { ...KERAS_DEFAULTS.adagrad }),
    cnn('adam', 'Adam', 'adam', { ...KERAS_DEFAULTS.adam }),
    cnn('rmsprop', 'RMSprop', 'rmsprop', { ...KERAS_DEFAULTS.rmsprop }),
    cnn('sgd-momentum', 'SGD with momentum', 'momentum', { ...KERAS_DEFAULTS.sgd, momentum: 0.9 }),
    cnn('sgd', 'SGD', 'sgd', { ...KERAS_DEFAULTS.sgd }),
  ],
  profiles: {
    smoke: smokeMnist(128, 100),
    default: {
      data: mnist(10000, 10000), epochs: 10, seeds: [0],
      note: 'The CNN is the slowest model here (about 1.1–2.4k training images/s per core, by optimizer and machine, in the December 2026 default runs): 10k of the 60k training images (stratified), the full test set, all 10 epochs, 1 seed.',
    },
    full: { data: FULL_MNIST_DATA, epochs: 10, seeds: SEEDS_3 },
  },
  reference: {
    kind: 'validation-at-epochs',
    epochs: [1, 5, 10],
    rows: {
      adadelta: { accuracy: [0.4612, 0.7776, 0.8375], loss: [2.2474, 1.6943, 0.9026], totalTime: '8:02 min', totalSeconds: 482 },
      adagrad: { accuracy: [0.8411, 0.9133, 0.9286], loss: [0.7804, 0.3194, 0.2519], totalTime: '7:33 min', totalSeconds: 453 },
      adam: { accuracy: [0.9772, 0.9884, 0.9908], loss: [0.0701, 0.0344, 0.0297], totalTime: '7:20 min', totalSeconds: 440 },
      rmsprop: { accuracy: [0.9783, 0.9846, 0.9857], loss: [0.0712, 0.0484, 0.0501], totalTime: '10:01 min', totalSeconds: 601 },
      'sgd-momentum': { accuracy: [0.9168, 0.9585, 0.9697], loss: [0.2929, 0.1421, 0.1008], totalTime: '7:04 min', totalSeconds: 424 },
      // The seed prints the epoch-5 loss as "1451"; read as .1451 (between .3157 and .1040).
      sgd: { accuracy: [0.9124, 0.9569, 0.9693], loss: [0.3157, 0.1451, 0.1040], totalTime: '6:42 min', totalSeconds: 402 },
    },
  },
  assumptions: [
    'Keras (TF 2.x) defaults, as the seed passed only optimizer names: Adadelta lr 0.001, ρ 0.95, ε 1e-7; Adagrad lr 0.001, initial accumulator 0.1, ε 1e-7; Adam lr 0.001, β 0.9/0.999, ε 1e-7; RMSprop lr 0.001, ρ 0.9, ε 1e-7; SGD lr 0.01.',
    'The table has an "SGD with momentum" row that the seed\'s code does not create and whose momentum it does not give: γ = 0.9 (the usual value; seed 003 calls it the usual setting).',
    'Update rules are ours (torch conventions, e.g. ε outside the square root); Keras\'s differ in details listed with each optimizer.',
    'The seed\'s times were measured on unknown hardware for 60k images per epoch; ours are for the profile\'s subset on this machine.',
  ],
};
