// The benchmark measures the project's own models and optimizers when those modules are present.
// They are loaded by path at run time, typed by their published contracts (see the common brief),
// so the benchmark also runs, on its reference MLP and tfjs's optimizers, where they are absent.
import type * as tf from '@tensorflow/tfjs';
import * as path from 'node:path';
import type { BenchModel } from './reference-mlp';
import type { BenchTask } from './train-steps';

export interface ModelsModule {
  createModel(name: string, opts?: Record<string, unknown>): BenchModel;
}
export interface OptimizersModule {
  createOptimizer(name: string, hp?: Record<string, number>): tf.Optimizer;
  createBuiltinOptimizer(name: string, hp?: Record<string, number>): tf.Optimizer;
}
export interface DataModule {
  loadKarateLinkSplit(opts: { seed: number }): { train: { pairs: Int32Array; labels: Float32Array } };
}
export interface TrainingModule {
  MULTICLASS_TASK: BenchTask;
  BINARY_TASK: BenchTask;
}

/** require() a project module; undefined only when that module itself does not exist yet. */
function loadOptional<T>(relative: string): T | undefined {
  const target = path.join(__dirname, '..', relative);
  try {
    return require(target) as T;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'MODULE_NOT_FOUND' && err.message.includes(target)) return undefined;
    throw e;
  }
}

export const loadModels = () => loadOptional<ModelsModule>('models');
export const loadOptimizers = () => loadOptional<OptimizersModule>('optimizers');
export const loadData = () => loadOptional<DataModule>('data');
export const loadTraining = () => loadOptional<TrainingModule>('training');
