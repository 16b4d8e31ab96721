// Patches for the tfjs wasm backend, installed on top of the stock kernels. Two kinds:
//  - fixes: kernels the stock backend lacks (training the CNN and GCN fails without them); always on;
//  - speed: faster replacements of stock kernels; ATLAS_WASM_PATCHES=0 turns these off (A/B runs).
// Each patch is reversible (the benchmark interleaves stock and patched runs in one process) and
// tested to give the stock (or cpu-backend) values (test/backend.*.test.ts).
import * as tf from '@tensorflow/tfjs';
import { installTransposedMatMul } from './patches/matmul';
import { installMissingKernels } from './patches/missing-kernels';
import { installMaxPoolGrad, installMaxPoolReluGrad } from './patches/max-pool-grad';
import { installMaxPool } from './patches/max-pool';
import { installSharedCopies } from './patches/share-copies';
import { installFusedUpdate } from './patches/fused-update';
import { installColumnSum } from './patches/column-sum';
import { installSoftmaxCrossEntropy } from './patches/softmax-cross-entropy';
import { installReluGrad } from './patches/relu-grad';
import { installDenseKernel } from './patches/dense-kernel';
import { installConv2D } from './patches/conv2d';
import { installDropoutKernel } from './patches/dropout';

export interface WasmPatch {
  name: string;
  kind: 'fix' | 'speed';
  /** Why the patch exists (what the stock path does badly). */
  description: string;
  /** Install the patch; returns a function that restores the stock behaviour. */
  install(): () => void;
}

// Fixes first: the conv filter gradient captures the BatchMatMul kernel registered at install time.
const PATCHES: WasmPatch[] = [
  {
    name: 'missing-kernels',
    kind: 'fix',
    description: 'UnsortedSegmentSum (gather gradient) and Conv2DBackpropFilter (conv2d filter gradient), absent from stock wasm',
    install: installMissingKernels,
  },
  {
    name: 'matmul-transpose-xnnpack',
    kind: 'speed',
    description: 'BatchMatMul/_FusedMatMul: products of ≥ 4×8 in a tiled SIMD kernel that reads the weights of a forward pass in place (XNNPACK re-packs them after every update) and packs the right operand only from 64 rows on, transposed operands without the naive loop, few-row products without packing',
    install: installTransposedMatMul,
  },
  {
    name: 'max-pool-grad',
    kind: 'speed',
    description: 'MaxPoolGrad in one SIMD pass for windows that tile the input, else one JS pass (stock: ~10x slower, and drops/misroutes the gradient of all-zero windows)',
    install: installMaxPoolGrad,
  },
  {
    name: 'max-pool-2x2',
    kind: 'speed',
    description: 'MaxPool over 2×2 windows that tile the input in one SIMD pass (~2x faster than XNNPACK; NaN never wins, as on cpu)',
    install: installMaxPool,
  },
  {
    name: 'leading-axes-sum',
    kind: 'speed',
    description: 'Sum over leading axes (bias gradients) in one SIMD pass in place; stock transposes the input first',
    install: installColumnSum,
  },
  {
    name: 'identity-cast-share-memory',
    kind: 'speed',
    description: 'Identity and same-dtype Cast share the input memory (refcount) instead of copying it',
    install: installSharedCopies,
  },
  {
    name: 'fused-optimizer-update',
    kind: 'speed',
    description: "One kernel per parameter tensor for an optimizer step (the rule's element-wise transcription) instead of 5–15 tfjs ops, written over the parameter and its state in place where no other tensor shares their memory",
    install: installFusedUpdate,
  },
  {
    name: 'one-kernel-classification-loss',
    kind: 'speed',
    description: 'Softmax cross-entropy, its gradient and the arg-max hit count as one kernel each (in float64) instead of ~40 tfjs ops per step',
    install: installSoftmaxCrossEntropy,
  },
  {
    name: 'relu-backward',
    kind: 'speed',
    description: "A ReLU's gradient dy · step(y) in one SIMD pass instead of Step and Multiply",
    install: installReluGrad,
  },
  {
    name: 'dense-kernel',
    kind: 'speed',
    description: 'A dense layer as one kernel with a registered gradient (no reshapes, no custom-gradient scope, no input gradient for a first layer)',
    install: installDenseKernel,
  },
  {
    name: 'conv2d-im2col',
    kind: 'speed',
    description: 'Conv2D/FusedConv2D as im2col and the tiled SIMD product, bias and ReLU fused (XNNPACK ran the CNN\'s one-channel 3×3 convolution at ~10 GFLOP/s)',
    install: installConv2D,
  },
  {
    name: 'dropout-kernel',
    kind: 'speed',
    description: "Dropout as one kernel that draws the seeded mask in SIMD lanes (the same draws as the JS path) and is its own gradient; tf.dropout drew it in JS and ran four more kernels",
    install: installDropoutKernel,
  },
  {
    name: 'pool-relu-backward',
    kind: 'speed',
    description: "The gradient of ReLU → 2×2 max pool in one SIMD pass (the pool's gradient times step(y)) instead of MaxPoolGrad and then the ReLU's gradient over the whole activation",
    install: installMaxPoolReluGrad,
  },
];

const installed: Array<{ name: string; uninstall: () => void }> = [];

/** True unless ATLAS_WASM_PATCHES is 0/false/off/no (for A/B benchmarking against stock tfjs). */
export function wasmPatchesEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.ATLAS_WASM_PATCHES?.trim().toLowerCase();
  return !(v === '0' || v === 'false' || v === 'off' || v === 'no');
}

/** Every patch this module knows, applied or not. */
export function listWasmPatches(): ReadonlyArray<Pick<WasmPatch, 'name' | 'kind' | 'description'>> {
  return PATCHES.map(({ name, kind, description }) => ({ name, kind, description }));
}

/** Names of the patches currently installed. */
export function appliedWasmPatches(): string[] {
  return installed.map((p) => p.name);
}

/**
 * Install the patches on the active wasm backend (idempotent) and return the names installed.
 * Speed patches are skipped when ATLAS_WASM_PATCHES disables them, unless `force` (A/B benchmarks).
 */
export function applyWasmPatches(opts: { force?: boolean } = {}): string[] {
  if (tf.getBackend() !== 'wasm') {
    throw new Error(`applyWasmPatches: the active tfjs backend is "${tf.getBackend()}", expected "wasm" (call initBackend('wasm') first).`);
  }
  const speed = opts.force || wasmPatchesEnabled();
  for (const patch of PATCHES) {
    if (patch.kind === 'speed' && !speed) continue;
    if (installed.some((p) => p.name === patch.name)) continue;
    installed.push({ name: patch.name, uninstall: patch.install() });
  }
  return appliedWasmPatches();
}

/** Restore the stock kernels (reverse order of installation); `keepFixes` leaves the missing kernels in. */
export function removeWasmPatches(opts: { keepFixes?: boolean } = {}): void {
  for (let i = installed.length - 1; i >= 0; i--) {
    const kind = PATCHES.find((p) => p.name === installed[i].name)?.kind;
    if (opts.keepFixes && kind === 'fix') continue;
    installed[i].uninstall();
    installed.splice(i, 1);
  }
}
