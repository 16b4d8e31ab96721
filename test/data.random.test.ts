import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, deriveSeed, permutation, shuffleInPlace } from '../src/data/random';

test('same seed, same stream; different seeds differ', () => {
  const a = createRng(42), b = createRng(42), c = createRng(43);
  const xa = Array.from({ length: 5 }, () => a.next());
  assert.deepEqual(xa, Array.from({ length: 5 }, () => b.next()));
  assert.notDeepEqual(xa, Array.from({ length: 5 }, () => c.next()));
  for (const x of xa) assert.ok(x >= 0 && x < 1);
});

test('uniform enough: mean and bucket counts of 100k draws', () => {
  const rng = createRng(7);
  const buckets = new Array(10).fill(0);
  let sum = 0;
  for (let i = 0; i < 100_000; i++) { const x = rng.next(); sum += x; buckets[Math.floor(x * 10)]++; }
  assert.ok(Math.abs(sum / 100_000 - 0.5) < 0.01);
  for (const b of buckets) assert.ok(Math.abs(b - 10_000) < 500, `bucket ${b}`);
});

test('permutation is a seeded permutation', () => {
  const p = permutation(1000, createRng(1));
  assert.deepEqual([...p].sort((x, y) => x - y), Array.from({ length: 1000 }, (_, i) => i));
  assert.deepEqual(p, permutation(1000, createRng(1)));
  assert.notDeepEqual(p, permutation(1000, createRng(2)));
  assert.deepEqual(shuffleInPlace(['a', 'b', 'c', 'd'], createRng(5)), shuffleInPlace(['a', 'b', 'c', 'd'], createRng(5)));
});

test('derived seeds are stable and label-dependent; bad seeds and bounds are errors', () => {
  assert.equal(deriveSeed(3, 'x'), deriveSeed(3, 'x'));
  assert.notEqual(deriveSeed(3, 'x'), deriveSeed(3, 'y'));
  assert.notEqual(deriveSeed(3, 'x'), deriveSeed(4, 'x'));
  assert.throws(() => createRng(1.5), /finite integer/);
  assert.throws(() => createRng(0).int(0), /positive integer/);
});
