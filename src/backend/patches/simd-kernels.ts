// The hand-written SIMD kernels (simd-kernels.wat, assembled into simd-kernels-binary.ts), instantiated
// on tfjs-backend-wasm's own memory so they read and write tensors where they lie in its heap.
import * as tf from '@tensorflow/tfjs';
import { SIMD_KERNELS_WASM_BASE64 } from './simd-kernels-binary';

type Fn = (...args: number[]) => void;
export interface SimdKernels {
  sgd: Fn;
  momentum: Fn;
  rmsprop: Fn;
  adam: Fn;
  gemm_small: Fn;
  gemm: Fn;
  pack_b8: Fn;
  col_sum: Fn;
  max_pool_grad: Fn;
  relu_grad: Fn;
  max_pool_grad_2x2: Fn;
  max_pool_2x2: Fn;
  im2col_row: Fn;
  dropout: Fn;
}

/** The parts of tfjs-backend-wasm's backend these kernels need. */
interface WasmInternals {
  wasm: { asm: { memory: WebAssembly.Memory } };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
}

// Not named `module`: compiled to CommonJS that would redeclare the wrapper's `module` (a SyntaxError in dist/).
let compiled: WebAssembly.Module | undefined;
const instances = new WeakMap<WebAssembly.Memory, SimdKernels>();

/** The kernels bound to this backend's memory (one instance per wasm memory). */
export function simdKernels(backend: unknown): SimdKernels {
  const memory = (backend as WasmInternals).wasm.asm.memory;
  let k = instances.get(memory);
  if (!k) {
    compiled ??= new WebAssembly.Module(Buffer.from(SIMD_KERNELS_WASM_BASE64, 'base64'));
    k = new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as SimdKernels;
    instances.set(memory, k);
  }
  return k;
}

/** Byte offset of a tensor's data in the wasm heap. */
export function heapOffset(backend: unknown, t: tf.TensorInfo): number {
  const data = (backend as WasmInternals).dataIdMap.get(t.dataId);
  if (!data) throw new Error('simd kernels: tensor data is not on the wasm backend.');
  return data.memoryOffset;
}
