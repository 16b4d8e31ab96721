// The loop's view of the project's datasets: typed arrays in, TrainingData out (no copies).
import type { KarateLinkSplit } from '../data/karate';
import { MNIST_PIXELS, type MnistData, type MnistSplit } from '../data/mnist';
import type { Split, TrainingData } from './types';

const mnistSplit = (s: MnistSplit): Split => ({ x: s.images, y: s.labels, exampleShape: [MNIST_PIXELS], count: s.count });

/** MNIST (from loadMnist) as a 10-class task on flattened 784-pixel rows. */
export function mnistTrainingData(m: MnistData): TrainingData {
  return { task: 'multiclass', train: mnistSplit(m.train), test: mnistSplit(m.test) };
}

/** Karate link prediction (from loadKarateLinkSplit) as a binary task on [u, v] node pairs. */
export function karateTrainingData(k: KarateLinkSplit): TrainingData {
  const split = (s: KarateLinkSplit['train']): Split => ({ x: s.pairs, y: s.labels, exampleShape: [2], count: s.count });
  return { task: 'binary', train: split(k.train), test: split(k.test) };
}
