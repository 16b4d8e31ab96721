// The classification loss and its metric on wasm, each as one kernel. Written as tfjs ops
// (src/models/losses.ts: THE definition, which every other backend runs) the loss, its gradient and
// the hit count cost ~40 kernels per training step at ~5 µs each, a third of the MLP's step outside
// its two big products. Here each is one pass over the logits in JS over the wasm heap (b·k is
// small: 640 values at batch 64), in float64, rounded to float32 once at the end:
//  - loss   = −(1/b) Σᵢ log softmax(xᵢ)[yᵢ], with log softmax(x) = x − max − log Σ exp(x − max);
//  - dlogits = dy · (softmax(x) − onehot(y)) / b (registered as the loss kernel's gradient);
//  - hits   = #{i : the first maximum of xᵢ is at yᵢ} (tf.argMax's tie rule).
// A label outside [0, k) has an all-zero one-hot row, as tf.oneHot gives it: no loss term, a zero
// gradient row, no hit. NaN anywhere in the logits makes the loss NaN (as 0 · NaN does in the ops).
import * as tf from '@tensorflow/tfjs';
import { addMissingWasmKernel, asWasm, type KernelArgs, type WasmKernelFunc } from './kernel-override';

export const SOFTMAX_CE_KERNEL = 'AtlasSparseSoftmaxCrossEntropy';
export const SOFTMAX_CE_GRAD_KERNEL = 'AtlasSparseSoftmaxCrossEntropyGrad';
export const COUNT_CORRECT_KERNEL = 'AtlasCountCorrect';

/**
 * Logits [b, k] float32 and labels [b] int32, checked, and a fresh output of `outShape`; the heap
 * views are taken after that allocation (which may grow, and so move, the heap).
 */
function onHeap({ inputs, backend }: KernelArgs, kernel: string, outShape: (b: number, k: number) => number[]) {
  const { logits, labels } = inputs as { logits: tf.TensorInfo; labels: tf.TensorInfo };
  if (logits.dtype !== 'float32' || logits.shape.length !== 2) throw new Error(`${kernel}: logits must be float32 [b, k], got ${logits.dtype} [${logits.shape}].`);
  if (labels.dtype !== 'int32' || labels.shape.length !== 1 || labels.shape[0] !== logits.shape[0]) {
    throw new Error(`${kernel}: labels must be int32 [${logits.shape[0]}], got ${labels.dtype} [${labels.shape}].`);
  }
  const [b, k] = logits.shape;
  const wasm = asWasm(backend);
  const out = wasm.makeOutput(outShape(b, k), 'float32');
  const view = (t: tf.TensorInfo) => wasm.typedArrayFromHeap(t);
  return { b, k, out, x: view(logits) as Float32Array, y: view(labels) as Int32Array, o: view(out) as Float32Array, view };
}

/** max and log Σ exp(x − max) of row i (NaN anywhere in the row makes the sum NaN). */
function logSumExp(x: Float32Array, i: number, k: number): { max: number; lse: number } {
  let max = -Infinity;
  for (let j = 0; j < k; j++) if (x[i * k + j] > max) max = x[i * k + j];
  let sum = 0;
  for (let j = 0; j < k; j++) sum += Math.exp(x[i * k + j] - max);
  return { max, lse: Math.log(sum) };
}

export const softmaxCrossEntropy: WasmKernelFunc = (args) => {
  const { b, k, out, x, y, o } = onHeap(args, SOFTMAX_CE_KERNEL, () => []);
  let total = 0;
  for (let i = 0; i < b; i++) {
    const { max, lse } = logSumExp(x, i, k);
    // lse is finite (Σ ≥ 1: the maximum's own term) unless the row holds NaN
    total += y[i] >= 0 && y[i] < k ? x[i * k + y[i]] - max - lse : 0 * lse;
  }
  o[0] = b === 0 ? NaN : -total / b;
  return out;
};

export const softmaxCrossEntropyGrad: WasmKernelFunc = (args) => {
  const { b, k, out, x, y, o: g, view } = onHeap(args, SOFTMAX_CE_GRAD_KERNEL, (rows, classes) => [rows, classes]);
  const scale = (view(args.inputs.dy as tf.TensorInfo) as Float32Array)[0] / b;
  for (let i = 0; i < b; i++) {
    const { max, lse } = logSumExp(x, i, k);
    const labelled = y[i] >= 0 && y[i] < k;
    for (let j = 0; j < k; j++) g[i * k + j] = labelled ? scale * (Math.exp(x[i * k + j] - max - lse) - (j === y[i] ? 1 : 0)) : 0 * lse;
  }
  return out;
};

export const countCorrect: WasmKernelFunc = (args) => {
  const { b, k, out, x, y, o } = onHeap(args, COUNT_CORRECT_KERNEL, () => []);
  let hits = 0;
  for (let i = 0; i < b; i++) {
    let best = 0; // tf.argMax: the first index whose value no later one exceeds
    for (let j = 1; j < k; j++) if (x[i * k + j] > x[i * k + best]) best = j;
    if (k > 0 && best === y[i]) hits++;
  }
  o[0] = hits;
  return out;
};

let gradientRegistered = false;

/** Install the three kernels (and, once per process, the loss kernel's gradient); returns the uninstall function. */
export function installSoftmaxCrossEntropy(): () => void {
  if (!gradientRegistered) {
    tf.registerGradient({
      kernelName: SOFTMAX_CE_KERNEL,
      inputsToSave: ['logits', 'labels'],
      gradFunc: (dy, saved) => {
        const [logits, labels] = saved;
        return { logits: () => tf.engine().runKernel(SOFTMAX_CE_GRAD_KERNEL, { logits, labels, dy: dy as tf.Tensor }) as tf.Tensor };
      },
    });
    gradientRegistered = true;
  }
  const undo = [
    addMissingWasmKernel(SOFTMAX_CE_KERNEL, softmaxCrossEntropy),
    addMissingWasmKernel(SOFTMAX_CE_GRAD_KERNEL, softmaxCrossEntropyGrad),
    addMissingWasmKernel(COUNT_CORRECT_KERNEL, countCorrect),
  ];
  return () => undo.reverse().forEach((u) => u());
}

/** True when the active backend has the one-kernel loss and hit count. */
export const hasFusedClassificationKernels = (): boolean =>
  tf.getKernel(SOFTMAX_CE_KERNEL, tf.getBackend()) !== undefined && tf.getKernel(COUNT_CORRECT_KERNEL, tf.getBackend()) !== undefined;
