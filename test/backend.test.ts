import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, backendInfo, parseBackendName, tf } from '../src/backend';

/** Run `fn` with ATLAS_BACKEND set to `value` (or unset), restoring it afterwards. */
async function withAtlasBackend<T>(value: string | undefined, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.ATLAS_BACKEND;
  if (value === undefined) delete process.env.ATLAS_BACKEND; else process.env.ATLAS_BACKEND = value;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.ATLAS_BACKEND; else process.env.ATLAS_BACKEND = saved;
  }
}

function tfjsNodeLoads(): boolean {
  try {
    require('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

test('unforced, initBackend follows the documented order: tensorflow when tfjs-node loads, else wasm (wasm is a dependency)', async () => {
  const info = await withAtlasBackend(undefined, () => initBackend());
  const nodeLoads = tfjsNodeLoads();
  assert.equal(info.name, nodeLoads ? 'tensorflow' : 'wasm');
  assert.equal(info.reason, nodeLoads ? 'best available' : 'best available (tensorflow unavailable)');
  assert.equal(tf.getBackend(), info.name);
  assert.equal(backendInfo(), info);
  assert.deepEqual(info.patches.length > 0, info.name === 'wasm', 'speed patches on wasm only');
  assert.ok(info.machine.cpus >= 1);
});

test('ATLAS_BACKEND overrides the order, a caller\'s choice overrides ATLAS_BACKEND, and a forced backend that cannot load is an error', async () => {
  const forced = await withAtlasBackend('CPU', () => initBackend());
  assert.equal(forced.name, 'cpu');
  assert.equal(forced.reason, 'forced by ATLAS_BACKEND');
  assert.equal(tf.getBackend(), 'cpu');
  const caller = await withAtlasBackend('cpu', () => initBackend('wasm'));
  assert.equal(caller.name, 'wasm');
  assert.equal(caller.reason, 'forced by caller');
  await assert.rejects(withAtlasBackend('gpu', () => initBackend()), /Unknown backend "gpu"/);
  if (!tfjsNodeLoads()) {
    await assert.rejects(withAtlasBackend('tensorflow', () => initBackend()), /could not be initialised\. @tensorflow\/tfjs-node is not installed/);
  }
});

test('an unknown backend name is an error naming the valid choices', () => {
  assert.throws(() => parseBackendName('gpu'), /Valid choices: tensorflow, wasm, cpu/);
  assert.equal(parseBackendName(' WASM '), 'wasm');
  assert.equal(parseBackendName('tfjs-node'), 'tensorflow');
});

test('starting the wasm backend leaves no process listener that rethrows (tfjs-backend-wasm adds two and cannot remove them)', async () => {
  const mine = () => undefined;
  process.on('uncaughtException', mine);
  try {
    await withAtlasBackend('wasm', () => initBackend());
    for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
      const rethrowers = process.listeners(event as 'uncaughtException').filter((l) => /\bthrow\s+(ex|reason)\b/.test(String(l)));
      assert.deepEqual(rethrowers.map(String), [], `${event}: Emscripten's rethrowing listener is removed`);
    }
    assert.ok(process.listeners('uncaughtException').includes(mine), 'listeners that were there before are kept');
  } finally {
    process.removeListener('uncaughtException', mine);
  }
});
