// Building blocks shared by the experiment specs.
import type { DataConfig, RunHyperparams, ProfileSettings } from '../types';

/** MNIST, stratified subsets drawn with subset seed 0: every series and seed sees the same examples. */
export function mnist(train: number, test: number): DataConfig {
  return { dataset: 'mnist', train, test, subsetSeed: 0 };
}

/** Karate Club link prediction: 20% of the 78 edges held out, split seed 0 (the same task for every run). */
export function karate(): DataConfig {
  return { dataset: 'karate', testFraction: 0.2, splitSeed: 0 };
}

/**
 * Karate settings where each seed draws its own split as well as its own initialisation: with 32
 * test pairs, the split moves the test AUC as much as the optimizer does, so a band across seeds
 * over one fixed split would pass split luck off as a difference between optimizers.
 */
export function karateBySeed(epochs: number, seeds: number[], note?: string): ProfileSettings {
  return { data: karate(), epochs, seeds, splitPerSeed: true, ...(note ? { note } : {}) };
}

/** What a Karate band covers, for the specs' assumptions. */
export const KARATE_SPLIT_ASSUMPTION = 'Each seed draws its own train/test split of the edges (split seed = run seed) as well as its own initialisation, so the spread across seeds covers both; seed 0 is the split notebook 07 draws.';

/** The seeds' full setting: all 60k training and 10k test images. */
export const FULL_MNIST_DATA = mnist(60000, 10000);

export const SEEDS_3 = [0, 1, 2];
export const SEEDS_5 = [0, 1, 2, 3, 4];

/** Smoke: tiny stratified subsets, one epoch, one seed (CI runs every experiment this way). */
export function smokeMnist(train = 256, test = 200): ProfileSettings {
  return { data: mnist(train, test), epochs: 1, seeds: [0], note: 'CI check that every run works end to end; numbers are meaningless.' };
}

/**
 * Keras (TF 2.x) defaults, which seed 000's and seed 001's code used by writing only the
 * optimizer's name. They differ from torch's (our optimizers' defaults), so the specs pass them
 * explicitly. Source: tf.keras.optimizers.* signatures.
 */
export const KERAS_DEFAULTS = {
  sgd: { learningRate: 0.01 },
  adam: { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  rmsprop: { learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7 },
  adagrad: { learningRate: 0.001, initialAccumulatorValue: 0.1, epsilon: 1e-7 },
  adadelta: { learningRate: 0.001, rho: 0.95, epsilon: 1e-7 },
} as const satisfies Record<string, RunHyperparams>;

/** torch.optim defaults that seed 004's printed configs show (eps 1e-8 for Adam and RMSprop, RMSprop alpha 0.99). */
export const TORCH_DEFAULTS = {
  adam: { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
  rmsprop: { rho: 0.99, momentum: 0, epsilon: 1e-8 },
  adadelta: { learningRate: 1.0, epsilon: 1e-6 },
} as const satisfies Record<string, RunHyperparams>;

/** A short label for a number in a series id: 0.0005 → "5e-4", 0.01 → "0.01". */
export function num(x: number): string {
  return x !== 0 && Math.abs(x) < 1e-3 ? x.toExponential() : String(x);
}
