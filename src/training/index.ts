// The training loop and what it needs: see ./loop for `train`.
export * from './types';
export { train, DEFAULT_DIVERGENCE_LOSS, DEFAULT_MAX_MICRO_BATCH, type TrainOptions } from './loop';
export { evaluate, DEFAULT_EVAL_BATCH_SIZE } from './evaluate';
export { EpochBatches, evalBatches, resolveBatchSize } from './batches';
export { taskFor, MULTICLASS_TASK, BINARY_TASK } from './tasks';
export { mnistTrainingData, karateTrainingData } from './datasets';
export { prepareUpdate, currentLearningRate } from './learning-rate';
export { consoleProgress, formatEpoch, isInteractive, progressBar } from './progress';
