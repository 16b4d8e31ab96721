// 2-D test functions for optimizer trajectories. Each function is written ONCE, elementwise in tfjs
// ops: the same code evaluates one point (a trajectory step, differentiated by tf's autodiff, so any
// tf.Optimizer can run on it) and a whole grid (a contour plot) by broadcasting.
import * as tf from '@tensorflow/tfjs';

export interface Point2 {
  x: number;
  y: number;
}

export interface Minimum extends Point2 {
  value: number;
}

export interface PlotWindow {
  x: readonly [number, number];
  y: readonly [number, number];
}

export type LandscapeId = 'bowl' | 'ravine' | 'saddle' | 'rosenbrock' | 'beale';

export interface Landscape {
  id: LandscapeId;
  title: string;
  /** f(x, y) in LaTeX (KaTeX-compatible). */
  latex: string;
  /** What the landscape teaches, one sentence. */
  lesson: string;
  /** f evaluated elementwise on tensors of equal (or broadcastable) shape. */
  fn(x: tf.Tensor, y: tf.Tensor): tf.Tensor;
  /** Global minima (empty when f is unbounded below, as for the saddle). */
  minima: Minimum[];
  /** The plotting window; a trajectory that leaves it by ×100 counts as diverged. */
  window: PlotWindow;
  /** Where trajectories start unless the caller says otherwise. */
  start: Point2;
  /** 'log' for functions whose values span many decades (contours on log10(1 + f − f*)). */
  contourScale: 'linear' | 'log';
}

const sq = (t: tf.Tensor) => tf.square(t);

/** f = x² + y²: round, every direction equally curved; every optimizer should get there. */
const bowl: Landscape = {
  id: 'bowl',
  title: 'Bowl',
  latex: 'f(x, y) = x^2 + y^2',
  lesson: 'A round bowl: the gradient points straight at the minimum, so plain gradient descent is already ideal.',
  fn: (x, y) => tf.add(sq(x), sq(y)),
  minima: [{ x: 0, y: 0, value: 0 }],
  window: { x: [-2, 2], y: [-2, 2] },
  start: { x: -1.6, y: 1.2 },
  contourScale: 'linear',
};

/**
 * f = 0.05x² + 2.5y²: Hessian diag(0.1, 5), condition number 50. The stable learning rate is set by
 * the steep direction (lr < 2/5), which leaves the shallow one crawling: the textbook case for momentum
 * and for per-coordinate step sizes.
 */
const RAVINE_A = 0.05;
const RAVINE_B = 2.5;
const ravine: Landscape = {
  id: 'ravine',
  title: 'Ill-conditioned ravine',
  latex: 'f(x, y) = 0.05\\,x^2 + 2.5\\,y^2 \\quad (\\kappa = 50)',
  lesson: 'Curvature differs 50× between directions: gradient descent zig-zags across the ravine and crawls along it.',
  fn: (x, y) => tf.add(tf.mul(RAVINE_A, sq(x)), tf.mul(RAVINE_B, sq(y))),
  minima: [{ x: 0, y: 0, value: 0 }],
  window: { x: [-10, 10], y: [-4, 4] },
  start: { x: -9, y: 2.5 },
  contourScale: 'linear',
};

/** f = x² − y²: a saddle point at the origin; starting almost on the ridge shows who escapes it and how fast. */
const saddle: Landscape = {
  id: 'saddle',
  title: 'Saddle',
  latex: 'f(x, y) = x^2 - y^2',
  lesson: 'The origin is a stationary point but not a minimum: the gradient along y is tiny near it, so escaping takes a while.',
  fn: (x, y) => tf.sub(sq(x), sq(y)),
  minima: [],
  window: { x: [-2, 2], y: [-2, 2] },
  start: { x: -1.8, y: 0.01 },
  contourScale: 'linear',
};

/** Rosenbrock's banana: a flat, curved valley; reaching (1, 1) needs to follow the bend. */
const rosenbrock: Landscape = {
  id: 'rosenbrock',
  title: 'Rosenbrock',
  latex: 'f(x, y) = (1 - x)^2 + 100\\,(y - x^2)^2',
  lesson: 'Finding the curved valley is easy; following its flat floor to (1, 1) is the hard part.',
  fn: (x, y) => tf.add(sq(tf.sub(1, x)), tf.mul(100, sq(tf.sub(y, sq(x))))),
  minima: [{ x: 1, y: 1, value: 0 }],
  window: { x: [-2, 2], y: [-1, 3] },
  start: { x: -1.2, y: 1 },
  contourScale: 'log',
};

/** Beale: flat plateaus and sharp ridges; the minimum (3, 0.5) sits in a narrow arm. */
const beale: Landscape = {
  id: 'beale',
  title: 'Beale',
  latex: 'f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2',
  lesson: 'Plateaus with tiny gradients next to steep walls: step sizes that ignore gradient scale do well.',
  fn: (x, y) => {
    const term = (c: number, yPower: tf.Tensor) => sq(tf.add(tf.sub(c, x), tf.mul(x, yPower)));
    return tf.addN([term(1.5, y), term(2.25, sq(y)), term(2.625, tf.pow(y, 3))]);
  },
  minima: [{ x: 3, y: 0.5, value: 0 }],
  window: { x: [-4.5, 4.5], y: [-4.5, 4.5] },
  start: { x: 1, y: 1.5 },
  contourScale: 'log',
};

export const LANDSCAPES: Readonly<Record<LandscapeId, Landscape>> = { bowl, ravine, saddle, rosenbrock, beale };
export const LANDSCAPE_IDS = Object.keys(LANDSCAPES) as LandscapeId[];

/** Look a landscape up by id; an unknown id is an error naming the valid ones. */
export function getLandscape(id: LandscapeId | string): Landscape {
  const found = (LANDSCAPES as Record<string, Landscape | undefined>)[id];
  if (!found) throw new Error(`Unknown landscape "${id}". Valid ids: ${LANDSCAPE_IDS.join(', ')}.`);
  return found;
}

/** f at one point, as a JS number (float32 precision, like every tfjs computation here). */
export function landscapeValue(landscape: Landscape, x: number, y: number): number {
  return tf.tidy(() => landscape.fn(tf.scalar(x), tf.scalar(y)).dataSync()[0]);
}

/** ∇f at one point by tf's autodiff — the very gradient an optimizer sees. */
export function landscapeGradient(landscape: Landscape, x: number, y: number): [number, number] {
  return tf.tidy(() => {
    const [gx, gy] = tf.grads((a: tf.Tensor, b: tf.Tensor) => landscape.fn(a, b))([tf.scalar(x), tf.scalar(y)]);
    return [gx.dataSync()[0], gy.dataSync()[0]];
  });
}

export interface LandscapeGrid {
  /** nx grid abscissae. */
  x: Float64Array;
  /** ny grid ordinates. */
  y: Float64Array;
  /** z[j][i] = f(x[i], y[j]) — Plotly's row-major convention for contour z. */
  z: Float64Array[];
}

/** f on a regular grid over the landscape's window (or a given one), evaluated in one broadcast op. */
export function landscapeGrid(landscape: Landscape, opts: { nx?: number; ny?: number; window?: PlotWindow } = {}): LandscapeGrid {
  const nx = opts.nx ?? 121;
  const ny = opts.ny ?? 121;
  if (!Number.isInteger(nx) || !Number.isInteger(ny) || nx < 2 || ny < 2) {
    throw new Error(`landscapeGrid: nx and ny must be integers >= 2 (got nx=${nx}, ny=${ny}).`);
  }
  const win = opts.window ?? landscape.window;
  const xs = linspace(win.x[0], win.x[1], nx);
  const ys = linspace(win.y[0], win.y[1], ny);
  const flat = tf.tidy(() => {
    const gx = tf.tensor2d(Float32Array.from(xs), [1, nx]);
    const gy = tf.tensor2d(Float32Array.from(ys), [ny, 1]);
    return landscape.fn(gx, gy).dataSync() as Float32Array;
  });
  const z: Float64Array[] = [];
  for (let j = 0; j < ny; j++) z.push(Float64Array.from(flat.subarray(j * nx, (j + 1) * nx)));
  return { x: xs, y: ys, z };
}

export function linspace(a: number, b: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = n === 1 ? a : a + ((b - a) * i) / (n - 1);
  return out;
}
