// Plain-JS (float64) arithmetic of every optimizer, one weight at a time, written from the formulas and
// independent of src/optimizers: the tests compare the tfjs rules against these numbers. Also the tfjs
// built-ins' own conventions, read from node_modules/@tensorflow/tfjs-core/dist/optimizers/*.js, so the
// tests can show that a closed form explains each difference. (Helper for test/optimizers.*.test.ts.)
import * as tf from '@tensorflow/tfjs';
import type { OptimizerName } from '../src/optimizers';

export type H = Record<string, number>;
/** One weight: mutable per-weight state, current value p, gradient g, 1-based step t → new value. */
export type ElementStep = (s: H, p: number, g: number, t: number, h: H) => number;

const l2 = (g: number, p: number, h: H): number => g + (h.weightDecay ?? 0) * p;
const nadamMu = (beta1: number, t: number): number => beta1 * (1 - 0.5 * 0.96 ** (t * 0.004));

/** torch.optim's arithmetic (Lion: the paper's Program 1). */
export const TORCH: Record<OptimizerName, ElementStep> = {
  sgd: (s, p, g, t, h) => p - h.learningRate * l2(g, p, h),
  momentum: (s, p, g, t, h) => {
    g = l2(g, p, h);
    s.b = h.momentum * (s.b ?? 0) + g;
    return p - h.learningRate * s.b;
  },
  nesterov: (s, p, g, t, h) => {
    g = l2(g, p, h);
    s.b = h.momentum * (s.b ?? 0) + g;
    return p - h.learningRate * (g + h.momentum * s.b);
  },
  adagrad: (s, p, g, t, h) => {
    g = l2(g, p, h);
    s.G = (s.G ?? h.initialAccumulatorValue) + g * g;
    return p - (h.learningRate * g) / (Math.sqrt(s.G) + h.epsilon);
  },
  rmsprop: (s, p, g, t, h) => {
    g = l2(g, p, h);
    s.v = h.rho * (s.v ?? 0) + (1 - h.rho) * g * g;
    const step = g / (Math.sqrt(s.v) + h.epsilon);
    if (h.momentum === 0) return p - h.learningRate * step;
    s.b = h.momentum * (s.b ?? 0) + step;
    return p - h.learningRate * s.b;
  },
  adadelta: (s, p, g, t, h) => {
    g = l2(g, p, h);
    s.v = h.rho * (s.v ?? 0) + (1 - h.rho) * g * g;
    const delta = (Math.sqrt((s.u ?? 0) + h.epsilon) / Math.sqrt(s.v + h.epsilon)) * g;
    s.u = h.rho * (s.u ?? 0) + (1 - h.rho) * delta * delta;
    return p - h.learningRate * delta;
  },
  adam: (s, p, g, t, h) => {
    g = l2(g, p, h);
    s.m = h.beta1 * (s.m ?? 0) + (1 - h.beta1) * g;
    s.v = h.beta2 * (s.v ?? 0) + (1 - h.beta2) * g * g;
    const mHat = s.m / (1 - h.beta1 ** t);
    const vHat = s.v / (1 - h.beta2 ** t);
    return p - (h.learningRate * mHat) / (Math.sqrt(vHat) + h.epsilon);
  },
  amsgrad: (s, p, g, t, h) => {
    g = l2(g, p, h);
    s.m = h.beta1 * (s.m ?? 0) + (1 - h.beta1) * g;
    s.v = h.beta2 * (s.v ?? 0) + (1 - h.beta2) * g * g;
    s.vMax = Math.max(s.vMax ?? 0, s.v);
    const mHat = s.m / (1 - h.beta1 ** t);
    const vHat = s.vMax / (1 - h.beta2 ** t);
    return p - (h.learningRate * mHat) / (Math.sqrt(vHat) + h.epsilon);
  },
  adamw: (s, p, g, t, h) => {
    p = p * (1 - h.learningRate * h.weightDecay);
    s.m = h.beta1 * (s.m ?? 0) + (1 - h.beta1) * g;
    s.v = h.beta2 * (s.v ?? 0) + (1 - h.beta2) * g * g;
    const mHat = s.m / (1 - h.beta1 ** t);
    const vHat = s.v / (1 - h.beta2 ** t);
    return p - (h.learningRate * mHat) / (Math.sqrt(vHat) + h.epsilon);
  },
  adamax: (s, p, g, t, h) => {
    g = l2(g, p, h);
    s.m = h.beta1 * (s.m ?? 0) + (1 - h.beta1) * g;
    s.u = Math.max(h.beta2 * (s.u ?? 0), Math.abs(g) + h.epsilon);
    return p - (h.learningRate / (1 - h.beta1 ** t)) * (s.m / s.u);
  },
  nadam: (s, p, g, t, h) => {
    g = l2(g, p, h);
    const mu = nadamMu(h.beta1, t);
    const muNext = nadamMu(h.beta1, t + 1);
    s.muProduct = (s.muProduct ?? 1) * mu;
    s.m = h.beta1 * (s.m ?? 0) + (1 - h.beta1) * g;
    s.v = h.beta2 * (s.v ?? 0) + (1 - h.beta2) * g * g;
    const denom = Math.sqrt(s.v / (1 - h.beta2 ** t)) + h.epsilon;
    return p
      - (h.learningRate * (1 - mu) / (1 - s.muProduct)) * (g / denom)
      - (h.learningRate * muNext / (1 - s.muProduct * muNext)) * (s.m / denom);
  },
  lion: (s, p, g, t, h) => {
    const c = Math.sign(h.beta1 * (s.m ?? 0) + (1 - h.beta1) * g);
    const next = p * (1 - h.learningRate * h.weightDecay) - h.learningRate * c;
    s.m = h.beta2 * (s.m ?? 0) + (1 - h.beta2) * g;
    return next;
  },
};

/** float32 value of a running product β·β·…·β as tfjs keeps it (a float32 variable multiplied each step). */
function float32Power(beta: number, t: number): number {
  let acc = Math.fround(beta);
  for (let i = 1; i < t; i++) acc = Math.fround(acc * Math.fround(beta));
  return acc;
}

/** What tfjs 4.22's built-ins compute, where that differs from torch. */
export const TFJS: Partial<Record<OptimizerName, ElementStep>> = {
  /** ε = backend epsilon (1e-7) inside the root; the accumulator starts at initialAccumulatorValue. */
  adagrad: (s, p, g, t, h) => {
    s.G = (s.G ?? h.initialAccumulatorValue) + g * g;
    return p - (h.learningRate * g) / Math.sqrt(s.G + 1e-7);
  },
  /** ε inside the root; the momentum buffer holds η·g/√(v+ε). */
  rmsprop: (s, p, g, t, h) => {
    s.v = h.rho * (s.v ?? 0) + (1 - h.rho) * g * g;
    s.b = h.momentum * (s.b ?? 0) + (h.learningRate * g) / Math.sqrt(s.v + h.epsilon);
    return p - s.b;
  },
  /** The denominator uses the accumulator from before this step's gradient. */
  adadelta: (s, p, g, t, h) => {
    const vPrevious = s.v ?? 0;
    s.v = h.rho * vPrevious + (1 - h.rho) * g * g;
    const delta = (Math.sqrt((s.u ?? 0) + h.epsilon) / Math.sqrt(vPrevious + h.epsilon)) * g;
    s.u = h.rho * (s.u ?? 0) + (1 - h.rho) * delta * delta;
    return p - h.learningRate * delta;
  },
  /** Bias corrections 1 − β^t from float32 running products. */
  adam: (s, p, g, t, h) => {
    s.m = h.beta1 * (s.m ?? 0) + (1 - h.beta1) * g;
    s.v = h.beta2 * (s.v ?? 0) + (1 - h.beta2) * g * g;
    const mHat = s.m / (1 - float32Power(h.beta1, t));
    const vHat = s.v / (1 - float32Power(h.beta2, t));
    return p - (h.learningRate * mHat) / (Math.sqrt(vHat) + h.epsilon);
  },
  /** ε added after the max, u = max(β₂u, |g|); float32 running product for 1 − β₁^t. */
  adamax: (s, p, g, t, h) => {
    s.m = h.beta1 * (s.m ?? 0) + (1 - h.beta1) * g;
    s.u = Math.max(h.beta2 * (s.u ?? 0), Math.abs(g));
    return p - (h.learningRate / (1 - float32Power(h.beta1, t))) * (s.m / (s.u + h.epsilon));
  },
};

/** Parameters after each step of `step` applied element-wise to `p0` with gradients `grads`. */
export function runReference(step: ElementStep, h: H, p0: number[], grads: number[][]): number[][] {
  const states = p0.map(() => ({} as H));
  let p = [...p0];
  return grads.map((g, i) => (p = p.map((pj, j) => step(states[j], pj, g[j], i + 1, h))));
}

let uid = 0;
/** Parameters after each step of a tf.Optimizer fed the same gradients through applyGradients. */
export function runOptimizer(opt: tf.Optimizer, p0: number[], grads: number[][]): number[][] {
  const v = tf.variable(tf.tensor1d(p0), true, `optimizers_test_param_${uid++}`);
  const out = grads.map((g) => {
    const gt = tf.tensor1d(g);
    opt.applyGradients({ [v.name]: gt });
    gt.dispose();
    return Array.from(v.dataSync());
  });
  v.dispose();
  return out;
}

/** Largest |a − b| / (atol/rtol + |b|)-style excess; ≤ 1 means within tolerance. */
export function assertClose(actual: number[][], expected: number[][], rtol: number, atol: number, label: string): void {
  for (let i = 0; i < expected.length; i++) {
    for (let j = 0; j < expected[i].length; j++) {
      const a = actual[i][j];
      const e = expected[i][j];
      if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
        throw new Error(`${label}: step ${i + 1}, element ${j}: got ${a}, expected ${e} (|diff| ${Math.abs(a - e)}, allowed ${atol + rtol * Math.abs(e)})`);
      }
    }
  }
}

export function maxAbsDiff(a: number[][], b: number[][]): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) for (let j = 0; j < a[i].length; j++) m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
  return m;
}
