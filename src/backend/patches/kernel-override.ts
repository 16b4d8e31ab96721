// Shared plumbing for wasm kernel patches: swap a registered kernel for a new one and get the
// stock kernel back on uninstall, and small helpers to call other wasm kernels from inside one.
import * as tf from '@tensorflow/tfjs';

export type KernelArgs = Parameters<tf.KernelFunc>[0];
export type WasmKernelFunc = (args: KernelArgs) => tf.TensorInfo;

/** The stock kernel for `name` on wasm; a clear error if the backend has none. */
export function stockKernel(name: string): WasmKernelFunc {
  const config = tf.getKernel(name, 'wasm');
  if (!config) throw new Error(`wasm patch: no stock "${name}" kernel is registered for the wasm backend.`);
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

/** Minimal view of the wasm backend used by the patches. */
export interface WasmBackendLike {
  disposeData(dataId: object, force?: boolean): boolean;
}

/** A TensorInfo that reads the same memory with another (same-size) shape, as Reshape does. */
export function view(t: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return { dataId: t.dataId, shape, dtype: t.dtype };
}
