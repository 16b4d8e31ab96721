import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { KARATE_EDGES, degrees, loadKarateLinkSplit } from '../src/data/karate';
import { createModel, normalizedAdjacency, sigmoidCrossEntropy, type Model } from '../src/models';

before(async () => { await initBackend('cpu'); });

const split = loadKarateLinkSplit({ seed: 0 });
const pairsOf = (s = split.train) => tf.tensor2d(s.pairs, [s.count, 2], 'int32');
const read = (t: tf.Tensor) => { const v = Array.from(t.dataSync()); t.dispose(); return v; };

test('normalized adjacency is D^-1/2 (A + I) D^-1/2 of the given edges', () => {
  const n = 34, a = normalizedAdjacency({ numNodes: n, edges: KARATE_EDGES });
  const deg = degrees(n, KARATE_EDGES).map((d) => d + 1); // + self-loop
  assert.ok(Math.abs(a[0] - 1 / deg[0]) < 1e-7);
  const [u, v] = KARATE_EDGES[5];
  assert.ok(Math.abs(a[u * n + v] - 1 / Math.sqrt(deg[u] * deg[v])) < 1e-7);
  assert.equal(a[u * n + v], a[v * n + u]);
  let nonZero = 0;
  for (const x of a) if (x !== 0) nonZero++;
  assert.equal(nonZero, 2 * 78 + 34);
  // A node without training edges keeps only its self-loop.
  const iso = normalizedAdjacency({ numNodes: 3, edges: [[0, 1]] });
  assert.deepEqual(Array.from(iso.subarray(6, 9)), [0, 0, 1]);
  assert.throws(() => normalizedAdjacency({ numNodes: 3, edges: [[0, 3]] }), /edge \[0, 3\] is invalid/);
  assert.throws(() => normalizedAdjacency({ numNodes: 3, edges: [[1, 1]] }), /invalid/);
});

test('gcn: logits [p], symmetric in (u, v), 1648 parameters, deterministic by seed', () => {
  const a = createModel('gcn', { seed: 1, graph: split }), b = createModel('gcn', { seed: 1, graph: split });
  const c = createModel('gcn', { seed: 2, graph: split });
  assert.equal(a.task, 'link-prediction');
  assert.equal(a.numParams, 34 * 32 + 32 + 32 * 16 + 16);
  const x = pairsOf();
  const ya = read(a.predict(x, true));
  assert.equal(ya.length, split.train.count);
  assert.deepEqual(read(b.predict(x, true)), ya);
  assert.notDeepEqual(read(c.predict(x, true)), ya);
  const swapped = tf.reverse(x, 1);
  read(a.predict(swapped, false)).forEach((y, i) => assert.ok(Math.abs(y - ya[i]) < 1e-5));
  tf.dispose([x, swapped]);
  [a, b, c].forEach((m) => m.dispose());
});

test('gcn sees the message-passing (training) edges only: no test edge leaks into the encoder', () => {
  const fromSplit = createModel('gcn', { seed: 3, graph: split });
  const trainOnly = createModel('gcn', { seed: 3, graph: { numNodes: 34, edges: split.messagePassingEdges } });
  const withTest = createModel('gcn', { seed: 3, graph: { numNodes: 34, edges: [...split.messagePassingEdges, ...split.testPositive] } });
  const x = pairsOf(split.test);
  const y = read(fromSplit.predict(x, false));
  assert.deepEqual(read(trainOnly.predict(x, false)), y);
  // The graph matters: adding the held-out edges would change the test predictions.
  assert.notDeepEqual(read(withTest.predict(x, false)), y);
  x.dispose();
  [fromSplit, trainOnly, withTest].forEach((m) => m.dispose());
  assert.throws(() => createModel('gcn', { seed: 0 }), /needs opts.graph: pass the split from loadKarateLinkSplit/);
});

test('link models: gradient reaches every variable, input checked, no leaks; a few Adam steps fit the training pairs', () => {
  for (const name of ['gcn', 'karate-conv1d'] as const) {
    const start = tf.memory().numTensors;
    const m: Model = createModel(name, { seed: 4, graph: split });
    const x = pairsOf(), y = tf.tensor1d(split.train.labels);
    const { value, grads } = tf.variableGrads(() => sigmoidCrossEntropy(y, m.predict(x, true)), m.variables);
    for (const v of m.variables) assert.ok(tf.tidy(() => tf.norm(grads[v.name]).dataSync()[0]) > 0, `${name}: no gradient for ${v.name}`);
    const initial = value.dataSync()[0];
    tf.dispose([value, ...Object.values(grads)]);
    assert.throws(() => tf.tidy(() => m.predict(tf.zeros([3, 2]), false)), new RegExp(`${name}\\.predict: expected a int32 tensor \\[batch, 2\\]`));
    assert.throws(() => tf.tidy(() => m.predict(tf.tensor2d([[0, 1], [2, 34]], [2, 2], 'int32'), false)), /node index 34 \(pair 1\) is outside 0\.\.33/);
    const opt = tf.train.adam(0.01);
    let last = initial;
    for (let i = 0; i < 30; i++) {
      const cost = opt.minimize(() => sigmoidCrossEntropy(y, m.predict(x, true)), true, m.variables)!;
      last = cost.dataSync()[0];
      cost.dispose();
    }
    assert.ok(last < initial * 0.9, `${name}: loss ${initial} → ${last}`);
    opt.dispose();
    tf.dispose([x, y]);
    m.dispose();
    assert.equal(tf.memory().numTensors, start, `${name} leaked tensors`);
  }
});

test('karate-conv1d (seed 003 variant): shapes and parameter count', () => {
  const m = createModel('karate-conv1d', { seed: 0, graph: split });
  // Embedding 34×16, Conv1D(16→32, k2), Conv1D(32→32, k2), Dense(32→1).
  assert.equal(m.numParams, 34 * 16 + (2 * 16 * 32 + 32) + (2 * 32 * 32 + 32) + 33);
  const x = pairsOf(split.test);
  assert.equal(read(m.predict(x, false)).length, split.test.count);
  x.dispose();
  m.dispose();
});

test('gcn dropout (optional): seeded, active only in training', () => {
  const a = createModel('gcn', { seed: 9, graph: split, dropout: 0.5 }), b = createModel('gcn', { seed: 9, graph: split, dropout: 0.5 });
  const x = pairsOf();
  const evalA = read(a.predict(x, false));
  assert.deepEqual(read(a.predict(x, false)), evalA);
  const trainA = read(a.predict(x, true));
  assert.notDeepEqual(trainA, evalA);
  assert.deepEqual(read(b.predict(x, true)), trainA);
  x.dispose();
  a.dispose(); b.dispose();
  assert.throws(() => createModel('gcn', { seed: 0, graph: split, dropout: 1 }), /dropout must be in \[0, 1\)/);
});
