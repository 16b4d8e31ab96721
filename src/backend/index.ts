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

type ProcessListener = (...args: unknown[]) => void;
const RETHROWN_EVENTS = ['uncaughtException', 'unhandledRejection'] as const;

function processListeners(): Record<(typeof RETHROWN_EVENTS)[number], ProcessListener[]> {
  return { uncaughtException: process.listeners('uncaughtException') as ProcessListener[], unhandledRejection: process.listeners('unhandledRejection') as ProcessListener[] };
}

/**
 * tfjs-backend-wasm's Emscripten glue, when the backend starts, adds
 * `process.on('uncaughtException', (ex) => { throw ex })` and `process.on('unhandledRejection',
 * (reason) => { throw reason })`. Its own clean-up means to remove what it added but cannot: the
 * filter `!before.indexOf(listener) > -1` is always true (and it only runs on dispose). So any error
 * that another listener was handling becomes fatal, printed with the minified throw site. In the tslab
 * kernel that is every stray error: tslab's own listeners log them to the cell, then this one kills
 * the kernel — e.g. a write to stdout/stderr after the kernel closed its sockets at shutdown ("Error:
 * Socket is closed", EBADF, tfjs-backend-wasm.node.js `throw ex`, exit code 7 at the end of
 * `jupyter nbconvert --execute`). This removes exactly the listeners the backend added, as it meant
 * to. Nothing else changes: with no other listener Node reports an uncaught error and exits as usual
 * (the CLIs' handler in src/cli-errors.ts still goes first).
 */
function removeWasmRethrowListeners(before: ReturnType<typeof processListeners>): number {
  let removed = 0;
  for (const event of RETHROWN_EVENTS) {
    for (const listener of process.listeners(event as 'uncaughtException') as ProcessListener[]) {
      if (before[event].includes(listener)) continue;
      if (!/\bthrow\s+(ex|reason)\b/.test(String(listener))) continue; // only Emscripten's rethrowers
      process.removeListener(event as 'uncaughtException', listener);
      removed++;
    }
  }
  return removed;
}

async function tryWasm(): Promise<boolean> {
  const before = processListeners();
  try {
    require('@tensorflow/tfjs-backend-wasm');
  } catch {
    return false;
  }
  try {
    const ok = await tf.setBackend('wasm');
    if (ok) await tf.ready();
    return ok;
  } catch {
    return false;
  } finally {
    removeWasmRethrowListeners(before);
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
