// Shared plumbing for wasm kernel patches: swap a registered kernel for a new one (or add a missing
// one) and restore the stock state on uninstall; helpers to work on tensors in the wasm heap.
import * as tf from '@tensorflow/tfjs';

export type KernelArgs = Parameters<tf.KernelFunc>[0];
export type WasmKernelFunc = (args: KernelArgs) => tf.TensorInfo;

/** The subset of tfjs-backend-wasm's BackendWasm that the patches use. */
export interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  /** A view of a tensor's data in the wasm heap. Invalidated when the heap grows (any makeOutput). */
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: object, force?: boolean): boolean;
  incRef(dataId: object): void;
}

export const asWasm = (backend: KernelArgs['backend']) => backend as unknown as WasmBackend;

/** The currently registered wasm kernel `name`; a clear error if the backend has none. */
export function stockKernel(name: string): WasmKernelFunc {
  const config = tf.getKernel(name, 'wasm');
  if (!config) throw new Error(`wasm patch: no "${name}" kernel is registered for the wasm backend.`);
  return config.kernelFunc as WasmKernelFunc;
}

/**
 * Replace the wasm kernel `name` by `make(stock)`; returns the uninstall function. The stock
 * config (with its setupFunc, already run at backend init) is re-registered on uninstall.
 */
export function overrideWasmKernel(name: string, make: (stock: WasmKernelFunc) => WasmKernelFunc): () => void {
  const stockConfig = tf.getKernel(name, 'wasm');
  if (!stockConfig) throw new Error(`wasm patch: no stock "${name}" kernel is registered for the wasm backend.`);
  const patched = make(stockConfig.kernelFunc as WasmKernelFunc);
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: patched as unknown as tf.KernelFunc });
  return () => {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(stockConfig);
  };
}

/** Register a kernel the stock wasm backend lacks; a no-op (and no-op uninstall) if one exists. */
export function addMissingWasmKernel(name: string, kernelFunc: WasmKernelFunc): () => void {
  if (tf.getKernel(name, 'wasm')) return () => {};
  tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  return () => tf.unregisterKernel(name, 'wasm');
}

/** A TensorInfo that reads the same memory with another (same-size) shape, as Reshape does. */
export function view(t: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return { dataId: t.dataId, shape, dtype: t.dtype };
}
