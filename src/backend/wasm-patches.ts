// Speed patches for the tfjs wasm backend, installed on top of the stock kernels and gradients.
// Each patch is reversible (the benchmark interleaves stock and patched runs in one process) and
// tested to give the stock results (test/backend.*.test.ts). ATLAS_WASM_PATCHES=0 disables them.
import * as tf from '@tensorflow/tfjs';
import { installTransposedMatMul } from './patches/matmul';

export interface WasmPatch {
  name: string;
  /** Why the patch exists (what the stock path does badly). */
  description: string;
  /** Install the patch; returns a function that restores the stock behaviour. */
  install(): () => void;
}

const PATCHES: WasmPatch[] = [
  {
    name: 'matmul-transpose-xnnpack',
    description: 'BatchMatMul/_FusedMatMul with a transposed operand: explicit transposes + XNNPACK instead of the naive loop (dense backward pass)',
    install: installTransposedMatMul,
  },
];

const installed: Array<{ name: string; uninstall: () => void }> = [];

/** True unless ATLAS_WASM_PATCHES is 0/false/off/no (for A/B benchmarking against stock tfjs). */
export function wasmPatchesEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.ATLAS_WASM_PATCHES?.trim().toLowerCase();
  return !(v === '0' || v === 'false' || v === 'off' || v === 'no');
}

/** Every patch this module knows, applied or not. */
export function listWasmPatches(): ReadonlyArray<Pick<WasmPatch, 'name' | 'description'>> {
  return PATCHES.map(({ name, description }) => ({ name, description }));
}

/** Names of the patches currently installed. */
export function appliedWasmPatches(): string[] {
  return installed.map((p) => p.name);
}

/**
 * Install all patches on the active wasm backend (idempotent) and return their names.
 * Returns [] when ATLAS_WASM_PATCHES disables them; `force` installs them anyway (A/B benchmarks).
 */
export function applyWasmPatches(opts: { force?: boolean } = {}): string[] {
  if (!opts.force && !wasmPatchesEnabled()) return [];
  if (tf.getBackend() !== 'wasm') {
    throw new Error(`applyWasmPatches: the active tfjs backend is "${tf.getBackend()}", expected "wasm" (call initBackend('wasm') first).`);
  }
  for (const patch of PATCHES) {
    if (installed.some((p) => p.name === patch.name)) continue;
    installed.push({ name: patch.name, uninstall: patch.install() });
  }
  return appliedWasmPatches();
}

/** Restore the stock kernels and gradients (reverse order of installation). */
export function removeWasmPatches(): void {
  while (installed.length) installed.pop()!.uninstall();
}
