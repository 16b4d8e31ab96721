// Mini-batches for the hot path. Each epoch the split is copied once, in a seeded random order,
// into two preallocated buffers; a batch is then a tensor over a contiguous subarray of them
// (no per-batch gather, no per-batch allocation in JS).
import * as tf from '@tensorflow/tfjs';
import { createRng, deriveSeed, shuffleInPlace, type Rng } from '../data/random';
import type { Split, TaskKind } from './types';

export interface Batch {
  x: tf.Tensor;
  y: tf.Tensor;
  size: number;
}

/** The batch size a caller asked for, resolved against the split: 'full' = the whole split (GD). */
export function resolveBatchSize(batchSize: number | 'full', count: number): number {
  if (batchSize === 'full') return count;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`batchSize must be a positive integer or 'full', got ${String(batchSize)}.`);
  }
  return Math.min(batchSize, count);
}

export function rowSize(split: Split): number {
  return split.exampleShape.reduce((a, b) => a * b, 1);
}

/** Check that a split's arrays agree with its count and shape; a clear error otherwise. */
export function checkSplit(split: Split, name: string): void {
  const d = rowSize(split);
  if (!Number.isInteger(split.count) || split.count < 1) throw new Error(`${name}: count must be a positive integer, got ${split.count}.`);
  if (split.x.length !== split.count * d) {
    throw new Error(`${name}: x has ${split.x.length} values, expected count × ${split.exampleShape.join('×')} = ${split.count * d}.`);
  }
  if (split.y.length !== split.count) throw new Error(`${name}: y has ${split.y.length} targets, expected ${split.count}.`);
}

/** Targets as the task's loss wants them: class indices as int32, binary labels as float32. */
function targetBuffer(task: TaskKind, n: number): Int32Array | Float32Array {
  return task === 'multiclass' ? new Int32Array(n) : new Float32Array(n);
}

/** `y` in the task's target type, without a copy when it already is. */
function asTargets(task: TaskKind, y: Split['y']): Int32Array | Float32Array {
  if (task === 'multiclass') return y instanceof Int32Array ? y : Int32Array.from(y);
  return y instanceof Float32Array ? y : Float32Array.from(y);
}

export class EpochBatches {
  readonly batchSize: number;
  readonly numBatches: number;
  private readonly d: number;
  private readonly x: Float32Array | Int32Array;
  private readonly y: Int32Array | Float32Array;
  private readonly order: Int32Array;
  private readonly rng: Rng;
  /** With a single batch the order cannot matter: upload it once for the whole run. */
  private fixed?: Batch;

  constructor(private readonly split: Split, private readonly task: TaskKind, batchSize: number | 'full', seed: number) {
    checkSplit(split, 'training split');
    this.batchSize = resolveBatchSize(batchSize, split.count);
    this.numBatches = Math.ceil(split.count / this.batchSize);
    this.d = rowSize(split);
    this.rng = createRng(deriveSeed(seed, 'epoch-shuffle'));
    this.order = new Int32Array(split.count);
    for (let i = 0; i < split.count; i++) this.order[i] = i;
    if (this.numBatches === 1) {
      // No copy: the order is irrelevant for a full batch.
      this.x = split.x;
      this.y = asTargets(task, split.y);
    } else {
      this.x = split.x instanceof Int32Array ? new Int32Array(split.x.length) : new Float32Array(split.x.length);
      this.y = targetBuffer(task, split.count);
    }
  }

  /** Lay the split out in a fresh seeded order (call once per epoch, before `batch`). */
  shuffle(): void {
    if (this.numBatches === 1) return;
    shuffleInPlace(this.order, this.rng);
    const { d, order, x, y } = this;
    const sx = this.split.x;
    const sy = this.split.y;
    for (let i = 0; i < order.length; i++) {
      const src = order[i];
      x.set(sx.subarray(src * d, src * d + d), i * d);
      y[i] = sy[src];
    }
  }

  /** Batch i of the current epoch. The caller disposes it (except the fixed full batch: see `dispose`). */
  batch(i: number): Batch {
    if (this.fixed) return this.fixed;
    const start = i * this.batchSize;
    const size = Math.min(this.batchSize, this.split.count - start);
    const xDtype = this.x instanceof Int32Array ? 'int32' : 'float32';
    const yDtype = this.y instanceof Int32Array ? 'int32' : 'float32';
    const batch: Batch = {
      x: tf.tensor(this.x.subarray(start * this.d, (start + size) * this.d), [size, ...this.split.exampleShape], xDtype),
      y: tf.tensor(this.y.subarray(start, start + size), [size], yDtype),
      size,
    };
    if (this.numBatches === 1) this.fixed = batch;
    return batch;
  }

  /** Whether the caller owns (and must dispose) the tensors `batch` returns. */
  get batchesAreOwnedByCaller(): boolean {
    return this.numBatches !== 1;
  }

  dispose(): void {
    if (this.fixed) {
      this.fixed.x.dispose();
      this.fixed.y.dispose();
      this.fixed = undefined;
    }
  }
}

/** Slices of a split for evaluation, in order, each as tensors the caller disposes. */
export function* evalBatches(split: Split, task: TaskKind, batchSize: number): Generator<Batch> {
  const d = rowSize(split);
  const xDtype = split.x instanceof Int32Array ? 'int32' : 'float32';
  for (let start = 0; start < split.count; start += batchSize) {
    const size = Math.min(batchSize, split.count - start);
    const y = tf.tensor(asTargets(task, split.y.subarray(start, start + size)), [size], task === 'multiclass' ? 'int32' : 'float32');
    yield { x: tf.tensor(split.x.subarray(start * d, (start + size) * d), [size, ...split.exampleShape], xDtype), y, size };
  }
}
