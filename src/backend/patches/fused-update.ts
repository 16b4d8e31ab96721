// One kernel per optimizer step and parameter tensor on wasm. Written as tfjs ops, a rule costs
// 2–15 kernels per parameter tensor, each one a pass over memory plus the engine's bookkeeping
// (~5 µs per kernel here); Adam's step on the MLP was 72 kernels. This kernel runs the same update
// as one SIMD loop (./simd-kernels.wat) over tfjs's own heap.
// A loop in JS was tried first: 3–4× slower than the stock ops (float64 math, no SIMD).
//
// The rule in src/optimizers/<name>.ts stays THE definition (notebooks show it, every backend runs
// it); each wasm function is its element-wise transcription in float32, operation for operation,
// and is tested to follow the rule step by step (test/backend.fused-update.test.ts). Optimizers
// without a transcription here run their rule's ops.
import * as tf from '@tensorflow/tfjs';
import { addMissingWasmKernel, type KernelArgs, type WasmKernelFunc } from './kernel-override';
import { heapOffset, simdKernels, type SimdKernels } from './simd-kernels';

export const FUSED_UPDATE_KERNEL = 'AtlasFusedUpdate';

/** The parts of tfjs-backend-wasm's backend this kernel reads. */
interface WasmInternals {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  refCount(dataId: tf.DataId): number;
  dataIdNextNumber: number;
  dataIdMap: { get(dataId: tf.DataId): { id: number; memoryOffset: number } | undefined };
  wasm: { tfjs: { registerTensor(id: number, size: number, memoryOffset: number): void; disposeData(id: number): void } };
}

type Exports = SimdKernels;

/** ptr(x) is the byte offset of tensor x in the heap; c the rule's coefficients (rule.coefficients(hp, t)). */
type Call = (k: Exports, ptr: (name: string) => number, n: number, c: Record<string, number>) => void;

interface FusedUpdate {
  /** State keys in the order the rule's init returns them (rmsprop's b only with momentum). */
  stateKeys(hp: Record<string, number>): string[];
  call: Call;
}

const adamCall = (decoupled: 0 | 1, amsgrad: 0 | 1): Call => (k, ptr, n, c) =>
  k.adam(ptr('p'), ptr('g'), ptr('m'), ptr('v'), amsgrad ? ptr('vMax') : 0, ptr('p\''), ptr('m\''), ptr('v\''), amsgrad ? ptr('vMax\'') : 0, n,
    c.lr, c.beta1, c.oneMinusBeta1, c.beta2, c.oneMinusBeta2, c.invBc1, c.invBc2, c.eps, decoupled ? c.decay : c.wd, decoupled, amsgrad);

const momentumCall = (nesterov: 0 | 1): Call => (k, ptr, n, c) =>
  k.momentum(ptr('p'), ptr('g'), ptr('b'), ptr('p\''), ptr('b\''), n, c.lr, c.mu, c.wd, nesterov);

/** Optimizers whose rule has a fused transcription in simd-kernels.wat. */
export const FUSED_UPDATES: Readonly<Record<string, FusedUpdate>> = {
  sgd: { stateKeys: () => [], call: (k, ptr, n, c) => k.sgd(ptr('p'), ptr('g'), ptr('p\''), n, c.lr, c.wd) },
  momentum: { stateKeys: () => ['b'], call: momentumCall(0) },
  nesterov: { stateKeys: () => ['b'], call: momentumCall(1) },
  rmsprop: {
    stateKeys: (hp) => (hp.momentum > 0 ? ['v', 'b'] : ['v']),
    call: (k, ptr, n, c) => {
      const hasB = c.mu > 0 ? 1 : 0;
      k.rmsprop(ptr('p'), ptr('g'), ptr('v'), hasB ? ptr('b') : 0, ptr('p\''), ptr('v\''), hasB ? ptr('b\'') : 0, n,
        c.lr, c.rho, c.oneMinusRho, c.mu, c.eps, c.wd, hasB);
    },
  },
  adam: { stateKeys: () => ['m', 'v'], call: adamCall(0, 0) },
  amsgrad: { stateKeys: () => ['m', 'v', 'vMax'], call: adamCall(0, 1) },
  adamw: { stateKeys: () => ['m', 'v'], call: adamCall(1, 0) },
};

export interface FusedUpdateAttrs {
  optimizer: string;
  /** State keys in the order of the inputs s0, s1, … and of the outputs after θ'. */
  stateKeys: string[];
  coefficients: Record<string, number>;
}

/** Why the inputs {p, g, state…} cannot go to a fused update (missing, not float32 of θ's shape), else undefined. */
function inputProblem(named: Record<string, tf.TensorInfo | undefined>, shape: number[]): string | undefined {
  for (const [key, t] of Object.entries(named)) {
    if (t === undefined) return `missing input "${key}".`;
    if (t.dtype !== 'float32' || !tf.util.arraysEqual(t.shape, shape)) return `"${key}" must be float32 of θ's shape [${shape}], got ${t.dtype} [${t.shape}].`;
  }
  return undefined;
}

/** Inputs {p, g, s0, s1, …} (float32, same shape, ≥ 4 elements) → outputs [θ', s0', s1', …]. */
export const fusedUpdate: WasmKernelFunc = ({ inputs, backend, attrs }: KernelArgs) => {
  const a = attrs as unknown as FusedUpdateAttrs;
  const update = FUSED_UPDATES[a.optimizer];
  if (!update) throw new Error(`${FUSED_UPDATE_KERNEL}: no fused update for optimizer "${a.optimizer}".`);
  const p = inputs.p as tf.TensorInfo;
  const named: Record<string, tf.TensorInfo> = { p, g: inputs.g as tf.TensorInfo };
  a.stateKeys.forEach((key, i) => (named[key] = inputs[`s${i}`] as tf.TensorInfo));
  const n = tf.util.sizeFromShape(p.shape);
  if (n < 4) throw new Error(`${FUSED_UPDATE_KERNEL}: needs ≥ 4 elements, got shape [${p.shape}] (use the rule's ops).`);
  const problem = inputProblem(named, p.shape);
  if (problem) throw new Error(`${FUSED_UPDATE_KERNEL}: ${problem}`);
  const wasm = backend as unknown as WasmInternals;
  const outs = ['p', ...a.stateKeys].map((key) => {
    const out = wasm.makeOutput(p.shape, 'float32');
    named[`${key}'`] = out;
    return out;
  });
  update.call(simdKernels(backend), (key) => heapOffset(backend, named[key]), n, a.coefficients);
  return outs as unknown as tf.TensorInfo;
};

export const installFusedUpdate = () => addMissingWasmKernel(FUSED_UPDATE_KERNEL, fusedUpdate);

/** True when the active backend runs the fused update of `optimizer` for a parameter of `size` elements. */
export function canFuseUpdate(optimizer: string, size: number): boolean {
  return size >= 4 && FUSED_UPDATES[optimizer] !== undefined && tf.getKernel(FUSED_UPDATE_KERNEL, tf.getBackend()) !== undefined;
}

/**
 * The fused update written over θ and its state variables in place, where nothing else can see
 * their memory: no tensors to allocate, assign and free per parameter (1–4 of them), and no fresh
 * buffers to write (Adam over the CNN's 1.4 M weights: 1.7 → 1.3 ms; the MLP's whole optimizer step,
 * six parameter tensors: 0.20 → 0.15–0.19 ms). Returns false, having done nothing, where it cannot:
 * another tensor shares one of the buffers (a clone, a reshape: it must keep the old values), a
 * shape or dtype does not match (the kernel reports it), or the size is not a multiple of 4 (the
 * kernels' last vector overlaps the one before it, which in place would be updated twice).
 */
export function fusedUpdateInPlace(optimizer: string, p: tf.Tensor, g: tf.Tensor, state: Record<string, tf.Tensor | undefined>, coefficients: Record<string, number>, hp: Record<string, number>): boolean {
  const update = FUSED_UPDATES[optimizer];
  if (!update || p.size % 4 !== 0) return false;
  const named: Record<string, tf.Tensor | undefined> = { p, g };
  for (const key of update.stateKeys(hp)) named[key] = state[key];
  if (inputProblem(named, p.shape)) return false;
  const backend = tf.backend() as unknown as WasmInternals;
  const written = Object.entries(named).filter(([key]) => key !== 'g').map(([, t]) => t!);
  if (written.some((t) => backend.refCount(t.dataId) !== 1)) return false;
  update.call(simdKernels(backend), (key) => heapOffset(backend, named[key.replace(/'$/, '')]!), p.size, coefficients);
  for (const t of written) forgetCachedCopies(backend, t);
  return true;
}

/**
 * A buffer rewritten in place gets a new id in the wasm module (the same memory, registered anew;
 * the old id disposed), so nothing cached under the old id is used again: XNNPACK keeps the packed
 * copy of a product's right operand, and of a convolution's filter, by tensor id.
 */
function forgetCachedCopies(backend: WasmInternals, t: tf.Tensor): void {
  const entry = backend.dataIdMap.get(t.dataId);
  if (!entry) throw new Error(`${FUSED_UPDATE_KERNEL}: tensor data is not on the wasm backend.`);
  const id = backend.dataIdNextNumber++;
  backend.wasm.tfjs.registerTensor(id, t.size, entry.memoryOffset);
  backend.wasm.tfjs.disposeData(entry.id);
  entry.id = id;
}

/**
 * Run the fused update: returns θ' and the new state by key, as ordinary tensors from one engine
 * kernel (tracked by the caller's tidy).
 */
export function runFusedUpdate(optimizer: string, p: tf.Tensor, g: tf.Tensor, state: Record<string, tf.Tensor | undefined>, coefficients: Record<string, number>, hp: Record<string, number>): { param: tf.Tensor; state: Record<string, tf.Tensor> } {
  const stateKeys = FUSED_UPDATES[optimizer].stateKeys(hp);
  const inputs: Record<string, tf.Tensor> = { p, g };
  stateKeys.forEach((k, i) => {
    const s = state[k];
    if (!s) throw new Error(`${FUSED_UPDATE_KERNEL}: optimizer "${optimizer}" needs state "${k}".`);
    inputs[`s${i}`] = s;
  });
  const attrs: FusedUpdateAttrs = { optimizer, stateKeys, coefficients };
  const outs = tf.engine().runKernel(FUSED_UPDATE_KERNEL, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
  const next: Record<string, tf.Tensor> = {};
  stateKeys.forEach((k, i) => (next[k] = outs[i + 1]));
  return { param: outs[0], state: next };
}
