// One run, in this process: data → model → optimizer → the training loop. A failure becomes a
// result with status 'error' (and its message), so one bad run never takes a sweep down.
import * as tf from '@tensorflow/tfjs';
import { loadKarateLinkSplit, type KarateLinkSplit } from '../data/karate';
import { loadMnist } from '../data/mnist';
import { createModel } from '../models';
import { createBuiltinOptimizer, createOptimizer, hyperparamsOf, serializeHyperparams } from '../optimizers';
import { resolveBatchSize } from '../training/batches';
import { karateTrainingData, mnistTrainingData } from '../training/datasets';
import { train } from '../training/loop';
import type { ProgressSink, TrainingData } from '../training/types';
import type { DataConfig, RunConfig, RunRecord } from './types';

export const FULL_MNIST = { train: 60000, test: 10000 } as const;

export type RunOutcome = Pick<RunRecord, 'status' | 'error' | 'divergence' | 'epochs' | 'lossTrace' | 'totalSteps' | 'wallSeconds' | 'resolvedHyperparams'>;

interface LoadedData {
  data: TrainingData;
  karate?: KarateLinkSplit;
}

// Workers run many configs over the same few subsets: keep them (typed arrays, no tensors).
const dataCache = new Map<string, Promise<LoadedData>>();

async function load(config: DataConfig): Promise<LoadedData> {
  if (config.dataset === 'mnist') {
    const full = config.train === FULL_MNIST.train && config.test === FULL_MNIST.test;
    const m = await loadMnist(full ? {} : { subset: { train: config.train, test: config.test }, seed: config.subsetSeed });
    return { data: mnistTrainingData(m) };
  }
  const k = loadKarateLinkSplit({ seed: config.splitSeed, testFraction: config.testFraction });
  return { data: karateTrainingData(k), karate: k };
}

export function loadRunData(config: DataConfig): Promise<LoadedData> {
  const key = JSON.stringify(config);
  let entry = dataCache.get(key);
  if (!entry) {
    entry = load(config);
    dataCache.set(key, entry);
    entry.catch(() => dataCache.delete(key)); // do not cache a failure
  }
  return entry;
}

/**
 * The run's optimizer, ours or the tfjs built-in, from `config.hyperparams` as they are (a schedule's
 * config included): the optimizer validates them and fills in defaults, once. A schedule is applied
 * the same way to both: ours evaluate it themselves, the loop sets a built-in's rate before each update.
 */
function buildOptimizer(config: RunConfig): tf.Optimizer {
  return config.implementation === 'ours'
    ? createOptimizer(config.optimizer, config.hyperparams)
    : createBuiltinOptimizer(config.optimizer, config.hyperparams);
}

/** Run one config to completion. Never throws for a failing run: the outcome says 'error'. */
export async function executeRun(config: RunConfig, progress?: ProgressSink): Promise<RunOutcome> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  let model: ReturnType<typeof createModel> | undefined;
  let optimizer: tf.Optimizer | undefined;
  try {
    optimizer = buildOptimizer(config); // first: a bad hyperparameter fails before any data is loaded
    // What the optimizer really uses, as JSON: defaults filled in, a schedule as its full config.
    const hp = serializeHyperparams(hyperparamsOf(optimizer)!);
    const { data, karate } = await loadRunData(config.data);
    model = createModel(config.model, { seed: config.seed, graph: karate });
    const expectedTask = model.task === 'classification' ? 'multiclass' : 'binary';
    if (expectedTask !== data.task) {
      throw new Error(`Model "${config.model}" does ${model.task} but dataset "${config.data.dataset}" is a ${data.task} task.`);
    }
    const stepsPerEpoch = Math.ceil(data.train.count / resolveBatchSize(config.batchSize, data.train.count));
    const traceEvery = config.tracePoints ? Math.max(1, Math.ceil((stepsPerEpoch * config.epochs) / config.tracePoints)) : 0;
    const result = train({
      model, optimizer, data,
      epochs: config.epochs,
      batchSize: config.batchSize,
      seed: config.seed,
      traceEvery,
      evaluateTrain: config.evaluateTrain,
      progress,
      label: `${config.experiment}/${config.series}`,
    });
    return {
      status: result.status,
      divergence: result.divergence,
      epochs: result.epochs,
      lossTrace: result.lossTrace,
      totalSteps: result.totalSteps,
      wallSeconds: seconds(),
      resolvedHyperparams: hp,
    };
  } catch (err) {
    const e = err as Error;
    return {
      status: 'error',
      error: `${e?.message ?? String(err)}${e?.stack ? `\n${e.stack.split('\n').slice(1, 6).join('\n')}` : ''}`,
      epochs: [],
      totalSteps: 0,
      wallSeconds: seconds(),
      resolvedHyperparams: {},
    };
  } finally {
    model?.dispose();
    optimizer?.dispose();
  }
}
