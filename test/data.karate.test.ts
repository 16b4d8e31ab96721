import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KARATE_EDGES, KARATE_NUM_NODES, degrees, loadKarateLinkSplit, type Edge } from '../src/data/karate';

// Degrees of members 1..34 as published (Zachary 1977; e.g. networkx.karate_club_graph()).
const PUBLISHED_DEGREES = [16, 9, 10, 6, 3, 4, 4, 4, 5, 2, 3, 1, 2, 5, 2, 2, 2, 2, 2, 3, 2, 2, 2, 5, 3, 3, 2, 4, 3, 4, 4, 6, 12, 17];
const key = ([u, v]: Edge): string => (u < v ? `${u}-${v}` : `${v}-${u}`);

test('Zachary graph: 34 nodes, 78 distinct edges, published degree sequence', () => {
  assert.equal(KARATE_NUM_NODES, 34);
  assert.equal(KARATE_EDGES.length, 78);
  assert.equal(new Set(KARATE_EDGES.map(key)).size, 78);
  for (const [u, v] of KARATE_EDGES) assert.ok(u >= 0 && v < 34 && u !== v);
  const deg = degrees(34, KARATE_EDGES);
  assert.deepEqual(deg, PUBLISHED_DEGREES);
  assert.equal(deg[33], 17);
  assert.equal(deg[0], 16);
});

test('link split: sizes, labels, no duplicates, no self-loops, negatives are non-edges, sides disjoint', () => {
  const s = loadKarateLinkSplit({ seed: 1 });
  assert.equal(s.numNodes, 34);
  assert.equal(s.testPositive.length, 16);
  assert.equal(s.trainPositive.length, 62);
  assert.equal(s.testNegative.length, 16);
  assert.equal(s.trainNegative.length, 62);
  const edgeSet = new Set(KARATE_EDGES.map(key));
  const pos = [...s.trainPositive, ...s.testPositive].map(key);
  assert.deepEqual([...pos].sort(), [...edgeSet].sort());
  const neg = [...s.trainNegative, ...s.testNegative];
  assert.equal(new Set(neg.map(key)).size, neg.length, 'negatives are distinct (train and test disjoint)');
  for (const e of neg) {
    assert.notEqual(e[0], e[1]);
    assert.ok(!edgeSet.has(key(e)), `negative ${key(e)} is an edge`);
  }
  for (const side of [s.train, s.test]) {
    assert.equal(side.pairs.length, side.count * 2);
    assert.equal(side.labels.reduce((a, b) => a + b, 0), side.count / 2);
  }
  // The example arrays hold exactly the split's pairs with the right labels.
  const labelled = new Map<string, number>();
  for (let i = 0; i < s.test.count; i++) labelled.set(key([s.test.pairs[2 * i], s.test.pairs[2 * i + 1]]), s.test.labels[i]);
  for (const e of s.testPositive) assert.equal(labelled.get(key(e)), 1);
  for (const e of s.testNegative) assert.equal(labelled.get(key(e)), 0);
});

test('no test edge leaks into the message-passing graph', () => {
  for (const seed of [0, 1, 2, 3, 4]) {
    const s = loadKarateLinkSplit({ seed });
    const mp = new Set(s.messagePassingEdges.map(key));
    assert.equal(mp.size, s.trainPositive.length);
    for (const e of s.testPositive) assert.ok(!mp.has(key(e)), `test edge ${key(e)} in message passing (seed ${seed})`);
    for (const e of s.trainPositive) assert.ok(mp.has(key(e)));
  }
});

test('split is deterministic by seed and changes with it; testFraction is honoured and checked', () => {
  const a = loadKarateLinkSplit({ seed: 5 }), b = loadKarateLinkSplit({ seed: 5 }), c = loadKarateLinkSplit({ seed: 6 });
  assert.deepEqual(a.train.pairs, b.train.pairs);
  assert.deepEqual(a.testNegative, b.testNegative);
  assert.notDeepEqual(a.testPositive.map(key).sort(), c.testPositive.map(key).sort());
  assert.equal(loadKarateLinkSplit({ seed: 0, testFraction: 0.1 }).testPositive.length, 8);
  assert.throws(() => loadKarateLinkSplit({ seed: 0, testFraction: 1 }), /testFraction must be in \(0, 1\)/);
});
