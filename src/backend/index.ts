// Chooses the fastest tfjs backend available at start-up: the native TensorFlow binding
// (@tensorflow/tfjs-node, optional because its install downloads libtensorflow), else
// WebAssembly, else the pure-JS cpu backend. ATLAS_BACKEND forces one.
import * as tf from '@tensorflow/tfjs';
import * as os from 'node:os';

export const BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface BackendInfo {
  /** tfjs backend name as `tf.getBackend()` reports it. */
  name: BackendName;
  tfjsVersion: string;
  /** Why this backend was chosen, and what was tried before it. */
  reason: string;
  /** Speed patches applied on top of the stock backend (see ./wasm-patches). */
  patches: string[];
  machine: { cpus: number; cpuModel: string; platform: string; node: string };
}

let active: BackendInfo | undefined;

/** Parse ATLAS_BACKEND (or an explicit choice); an unknown name is an error naming the valid ones. */
export function parseBackendName(value: string): BackendName {
  const name = value.trim().toLowerCase();
  const alias: Record<string, BackendName> = { node: 'tensorflow', 'tfjs-node': 'tensorflow' };
  const resolved = alias[name] ?? name;
  if (!(BACKENDS as readonly string[]).includes(resolved)) {
    throw new Error(`Unknown backend "${value}". Valid choices: ${BACKENDS.join(', ')} (or unset ATLAS_BACKEND to pick the best available).`);
  }
  return resolved as BackendName;
}

async function tryTensorflow(): Promise<boolean> {
  try {
    // Optional dependency: absent on machines where libtensorflow could not be downloaded.
    require('@tensorflow/tfjs-node');
  } catch {
    return false;
  }
  return tf.setBackend('tensorflow');
}

async function tryWasm(): Promise<boolean> {
  try {
    require('@tensorflow/tfjs-backend-wasm');
  } catch {
    return false;
  }
  try {
    return await tf.setBackend('wasm');
  } catch {
    return false;
  }
}

async function tryCpu(): Promise<boolean> {
  return tf.setBackend('cpu');
}

const attempts: Record<BackendName, () => Promise<boolean>> = { tensorflow: tryTensorflow, wasm: tryWasm, cpu: tryCpu };

/**
 * Initialise the backend once per process and return what was chosen.
 * Order: `prefer` argument, else ATLAS_BACKEND, else tensorflow → wasm → cpu.
 * A forced backend that cannot load is an error (silently falling back would mislabel results).
 */
export async function initBackend(prefer?: BackendName): Promise<BackendInfo> {
  const forcedRaw = prefer ?? process.env.ATLAS_BACKEND;
  const forced = forcedRaw ? parseBackendName(forcedRaw) : undefined;
  if (active && (!forced || forced === active.name)) return active;

  const order: BackendName[] = forced ? [forced] : [...BACKENDS];
  const tried: string[] = [];
  for (const name of order) {
    if (await attempts[name]()) {
      await tf.ready();
      const { applyWasmPatches } = await import('./wasm-patches');
      const patches = name === 'wasm' ? applyWasmPatches() : [];
      const reason = forced
        ? `forced by ${prefer ? 'caller' : 'ATLAS_BACKEND'}`
        : tried.length ? `best available (${tried.join(', ')} unavailable)` : 'best available';
      active = { name, tfjsVersion: tf.version.tfjs, reason, patches, machine: machineInfo() };
      return active;
    }
    tried.push(name);
  }
  const hint = forced === 'tensorflow'
    ? ' @tensorflow/tfjs-node is not installed (its install downloads libtensorflow; see README, Troubleshooting).'
    : '';
  throw new Error(`Backend "${order.join(', ')}" could not be initialised.${hint}`);
}

/** The active backend; throws if initBackend() has not run. */
export function backendInfo(): BackendInfo {
  if (!active) throw new Error('No backend initialised yet: call `await initBackend()` first.');
  return active;
}

export function machineInfo(): BackendInfo['machine'] {
  const cpus = os.cpus();
  return { cpus: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown', platform: `${os.platform()}-${os.arch()}`, node: process.version };
}

export { tf };
