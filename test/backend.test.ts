import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, backendInfo, parseBackendName, tf } from '../src/backend';

test('initBackend picks an available backend and reports it', async () => {
  const info = await initBackend();
  assert.ok(['tensorflow', 'wasm', 'cpu'].includes(info.name));
  assert.equal(tf.getBackend(), info.name);
  assert.equal(backendInfo().name, info.name);
  assert.ok(info.machine.cpus >= 1);
});

test('an unknown backend name is an error naming the valid choices', () => {
  assert.throws(() => parseBackendName('gpu'), /Valid choices: tensorflow, wasm, cpu/);
  assert.equal(parseBackendName(' WASM '), 'wasm');
  assert.equal(parseBackendName('tfjs-node'), 'tensorflow');
});
