import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { LANDSCAPES, LANDSCAPE_IDS, getLandscape, landscapeGradient, landscapeGrid, landscapeValue, type LandscapeId } from '../src/landscapes';

// Independent float64 reference formulas: the tf implementations must agree with them, and their
// finite differences must agree with tf's autodiff gradient.
const REFERENCE: Record<LandscapeId, (x: number, y: number) => number> = {
  bowl: (x, y) => x * x + y * y,
  ravine: (x, y) => 0.05 * x * x + 2.5 * y * y,
  saddle: (x, y) => x * x - y * y,
  rosenbrock: (x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2,
  beale: (x, y) => (1.5 - x + x * y) ** 2 + (2.25 - x + x * y * y) ** 2 + (2.625 - x + x * y ** 3) ** 2,
};

const PROBES: [number, number][] = [[-1.3, 0.7], [0.4, -1.1], [1.7, 1.9], [-0.2, 0.05], [2.2, 0.3]];

function close(actual: number, expected: number, rel: number, what: string): void {
  const tol = rel * Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: got ${actual}, expected ${expected} (±${tol})`);
}

test('every landscape: tf value matches the reference formula, autodiff gradient matches central differences', () => {
  for (const id of LANDSCAPE_IDS) {
    const l = LANDSCAPES[id];
    const f = REFERENCE[id];
    for (const [x, y] of PROBES) {
      close(landscapeValue(l, x, y), f(x, y), 1e-5, `${id} f(${x}, ${y})`);
      const h = 1e-6;
      const fdx = (f(x + h, y) - f(x - h, y)) / (2 * h);
      const fdy = (f(x, y + h) - f(x, y - h)) / (2 * h);
      const [gx, gy] = landscapeGradient(l, x, y);
      close(gx, fdx, 1e-4, `${id} ∂f/∂x at (${x}, ${y})`);
      close(gy, fdy, 1e-4, `${id} ∂f/∂y at (${x}, ${y})`);
    }
  }
});

test('known minima have value 0, zero gradient, and every neighbour is higher', () => {
  for (const id of LANDSCAPE_IDS) {
    const l = LANDSCAPES[id];
    for (const m of l.minima) {
      close(landscapeValue(l, m.x, m.y), m.value, 1e-6, `${id} value at its minimum`);
      const [gx, gy] = landscapeGradient(l, m.x, m.y);
      close(gx, 0, 1e-4, `${id} ∂f/∂x at its minimum`);
      close(gy, 0, 1e-4, `${id} ∂f/∂y at its minimum`);
      for (const [dx, dy] of [[0.01, 0], [-0.01, 0], [0, 0.01], [0, -0.01], [0.01, 0.01]]) {
        assert.ok(REFERENCE[id](m.x + dx, m.y + dy) > m.value, `${id}: neighbour (${dx}, ${dy}) of the minimum is not higher`);
      }
      const { x, y } = l.window;
      assert.ok(m.x > x[0] && m.x < x[1] && m.y > y[0] && m.y < y[1], `${id}: minimum lies outside the plotting window`);
    }
  }
  // The saddle: a stationary point that is a minimum along x and a maximum along y.
  const s = LANDSCAPES.saddle;
  assert.equal(s.minima.length, 0);
  assert.deepEqual(landscapeGradient(s, 0, 0).map(Math.abs), [0, 0]);
  assert.ok(landscapeValue(s, 0.1, 0) > 0 && landscapeValue(s, 0, 0.1) < 0);
});

test('the ravine has condition number 50', () => {
  const l = LANDSCAPES.ravine;
  const h = 1e-2;
  const hxx = (landscapeGradient(l, h, 0)[0] - landscapeGradient(l, -h, 0)[0]) / (2 * h);
  const hyy = (landscapeGradient(l, 0, h)[1] - landscapeGradient(l, 0, -h)[1]) / (2 * h);
  close(hyy / hxx, 50, 1e-3, 'curvature ratio');
});

test('landscapeGrid evaluates the window row by row (z[j][i] = f(x[i], y[j])) without leaking tensors', () => {
  const before = tf.memory().numTensors;
  const l = LANDSCAPES.rosenbrock;
  const g = landscapeGrid(l, { nx: 7, ny: 5 });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(g.x.length, 7);
  assert.equal(g.y.length, 5);
  assert.equal(g.z.length, 5);
  assert.deepEqual([g.x[0], g.x[6], g.y[0], g.y[4]], [l.window.x[0], l.window.x[1], l.window.y[0], l.window.y[1]]);
  for (const [i, j] of [[0, 0], [3, 2], [6, 4], [2, 1]]) close(g.z[j][i], REFERENCE.rosenbrock(g.x[i], g.y[j]), 1e-5, `grid (${i}, ${j})`);
  assert.throws(() => landscapeGrid(l, { nx: 1 }), /nx and ny must be integers >= 2/);
});

test('an unknown landscape id names the valid ones', () => {
  assert.throws(() => getLandscape('himmelblau'), /Unknown landscape "himmelblau". Valid ids: bowl, ravine, saddle, rosenbrock, beale/);
  assert.equal(getLandscape('beale').id, 'beale');
});
