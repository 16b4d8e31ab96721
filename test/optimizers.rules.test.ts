// Every optimizer against float64 arithmetic written out by hand (./optimizers.reference.ts), for several
// steps including a zero gradient and a 1e6 gradient, in two configurations: the defaults with a visible
// learning rate, and non-default values with a large ε (so ε's placement changes the numbers) and weight decay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../src/backend';
import { OPTIMIZER_NAMES, createOptimizer, getOptimizerInfo, type Hyperparams, type OptimizerName } from '../src/optimizers';
import { TORCH, assertClose, runOptimizer, runReference, type H } from './optimizers.reference';

const P0 = [0.5, -1.5, 2.0, 0.25];
const GRADS = [
  [0.1, -0.2, 0.3, 0],
  [0, 0, 0, 0], // zero gradient
  [1e6, -1e6, 0.5, 1e-4], // very large gradient (and a tiny one)
  [0.2, 0.1, -0.4, 0],
  [-0.3, 0.05, 0.1, 2],
];

/** Config A: defaults, with a learning rate large enough to move the weights visibly. */
const VISIBLE_LR: Record<OptimizerName, number> = {
  sgd: 0.1, momentum: 0.1, nesterov: 0.1, adagrad: 0.1, rmsprop: 0.01, adadelta: 1.0,
  adam: 0.1, amsgrad: 0.1, adamw: 0.1, adamax: 0.1, nadam: 0.1, lion: 0.1,
};
/** Config B: every accepted key away from its default. */
const NON_DEFAULT: Required<Omit<Hyperparams, 'learningRate'>> = {
  momentum: 0.5, rho: 0.5, beta1: 0.5, beta2: 0.75, epsilon: 0.1, weightDecay: 0.05, initialAccumulatorValue: 0.1,
};

function configs(name: OptimizerName): { label: string; hp: H }[] {
  const defaults = getOptimizerInfo(name).defaults as H;
  const b: H = { learningRate: VISIBLE_LR[name] };
  for (const key of Object.keys(defaults)) if (key !== 'learningRate') b[key] = NON_DEFAULT[key as keyof typeof NON_DEFAULT];
  return [
    { label: 'defaults', hp: { ...defaults, learningRate: VISIBLE_LR[name] } },
    { label: 'non-default, ε = 0.1, weight decay', hp: b },
  ];
}

test('setup: cpu backend', async () => {
  await initBackend('cpu');
});

for (const name of OPTIMIZER_NAMES) {
  for (const { label, hp } of configs(name)) {
    test(`${name} (${label}) matches the hand arithmetic step by step`, () => {
      const expected = runReference(TORCH[name], hp, P0, GRADS);
      const actual = runOptimizer(createOptimizer(name, hp), P0, GRADS);
      assertClose(actual, expected, 2e-6, 1e-6, name);
      // A zero gradient leaves a weight with no history untouched unless weight decay pulls it.
      if (!hp.weightDecay) assert.equal(actual[0][3], P0[3]);
    });
  }
}

test('rmsprop with momentum matches the hand arithmetic', () => {
  const hp = { learningRate: 0.01, rho: 0.9, momentum: 0.9, epsilon: 1e-3, weightDecay: 0 };
  assertClose(runOptimizer(createOptimizer('rmsprop', hp), P0, GRADS), runReference(TORCH.rmsprop, hp, P0, GRADS), 2e-6, 1e-6, 'rmsprop');
});

test('first steps in closed form', () => {
  const g = GRADS[0];
  const first = (name: OptimizerName, hp: Hyperparams) => runOptimizer(createOptimizer(name, hp), P0, [g])[0];
  // Adam's first step is −η·g/(|g| + ε): a step of η in the direction of −sign(g).
  first('adam', { learningRate: 0.1 }).slice(0, 3).forEach((p, j) => assert.ok(Math.abs(p - (P0[j] - 0.1 * Math.sign(g[j]))) < 1e-6));
  // Lion moves every weight with a non-zero gradient by exactly η.
  first('lion', { learningRate: 0.1 }).forEach((p, j) => assert.ok(Math.abs(p - (P0[j] - 0.1 * Math.sign(g[j]))) < 1e-6));
  // AdaDelta's first step is √ε/√((1−ρ)g² + ε)·g: tiny, about √ε/√(1−ρ) = 0.0032 for |g| ≫ √ε.
  first('adadelta', {}).forEach((p, j) => {
    const expected = P0[j] - (Math.sqrt(1e-6) / Math.sqrt(0.1 * g[j] ** 2 + 1e-6)) * g[j];
    assert.ok(Math.abs(p - expected) < 1e-6);
  });
  // SGD: θ − ηg.
  first('sgd', { learningRate: 0.5 }).forEach((p, j) => assert.ok(Math.abs(p - (P0[j] - 0.5 * g[j])) < 1e-6));
});

test('nadam follows the momentum-decay schedule μ_t = β₁(1 − ½·0.96^{0.004t})', () => {
  // At t = 1: μ₁ = 0.9(1 − ½·0.96^0.004), μ₂ likewise; step = η[(1−μ₁)/(1−μ₁)·g + μ₂/(1−μ₁μ₂)·(1−β₁)g]/(|g|+ε)
  const mu1 = 0.9 * (1 - 0.5 * 0.96 ** 0.004);
  const mu2 = 0.9 * (1 - 0.5 * 0.96 ** 0.008);
  const g = 0.3;
  const expected = 1 - (0.1 * (g + (mu2 / (1 - mu1 * mu2)) * 0.1 * g)) / (Math.abs(g) + 1e-8);
  const [[p]] = runOptimizer(createOptimizer('nadam', { learningRate: 0.1 }), [1], [[g]]);
  assert.ok(Math.abs(p - expected) < 1e-6, `${p} vs ${expected}`);
  assert.ok(Math.abs(mu1 - 0.4500737) < 1e-6); // warm-up: momentum starts near β₁/2
});

test('amsgrad equals adam until v decreases, then keeps the maximum', () => {
  const grads = [[1], [1], [0.01], [0.01]];
  const adam = runOptimizer(createOptimizer('adam', { learningRate: 0.1 }), [0], grads);
  const ams = runOptimizer(createOptimizer('amsgrad', { learningRate: 0.1 }), [0], grads);
  assert.ok(Math.abs(adam[1][0] - ams[1][0]) < 1e-7, 'identical while v grows');
  // After v falls, AMSGrad's denominator stays at the max: its step is smaller than Adam's.
  assert.ok(Math.abs(ams[3][0] - ams[2][0]) < Math.abs(adam[3][0] - adam[2][0]));
});

test('adamw with weightDecay 0 is adam; adamw decay is decoupled from the adaptive scaling', () => {
  const a = runOptimizer(createOptimizer('adam', { learningRate: 0.1 }), P0, GRADS);
  const w = runOptimizer(createOptimizer('adamw', { learningRate: 0.1, weightDecay: 0 }), P0, GRADS);
  assertClose(w, a, 0, 0, 'adamw(λ=0) vs adam');
  // With a zero gradient on a fresh weight, AdamW still shrinks it by exactly (1 − ηλ); Adam+L2 instead moves it by ≈ η.
  const [[pw]] = runOptimizer(createOptimizer('adamw', { learningRate: 0.1, weightDecay: 0.5 }), [2], [[0]]);
  const [[pa]] = runOptimizer(createOptimizer('adam', { learningRate: 0.1, weightDecay: 0.5 }), [2], [[0]]);
  assert.ok(Math.abs(pw - 2 * (1 - 0.05)) < 1e-6);
  assert.ok(Math.abs(pa - (2 - 0.1)) < 1e-5);
});
