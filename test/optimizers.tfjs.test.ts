// Ours against tfjs's built-ins on the same gradient sequence. Where the conventions coincide (or are made
// to, by the hyperparameters) the trajectories are identical to float32 rounding; where tfjs differs, the
// test shows the difference and that a closed form of tfjs's convention (./optimizers.reference.ts TFJS)
// reproduces the built-in exactly. Each difference is listed in the optimizer's metadata (info.tfjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { BUILTIN_OPTIMIZER_NAMES, createBuiltinOptimizer, createOptimizer, getOptimizerInfo, type Hyperparams, type OptimizerName } from '../src/optimizers';
import { TFJS, TORCH, assertClose, maxAbsDiff, runOptimizer, runReference, type H } from './optimizers.reference';

const P0 = [0.5, -1.5, 2.0, 0.25, 1.0];
const GRADS = [
  [0.1, -0.2, 0.3, 1e-4, 0.05],
  [0, 0, 0, 0, 0.05],
  [1e6, -1e6, 0.5, 1e-4, 0.05],
  [0.2, 0.1, -0.4, -1e-4, 0.05],
  [-0.3, 0.05, 0.1, 2, 0.05],
];
const TIGHT = { rtol: 1e-6, atol: 1e-7 };

function compare(name: OptimizerName, hp: Hyperparams) {
  const ours = runOptimizer(createOptimizer(name, hp), P0, GRADS);
  const builtin = runOptimizer(createBuiltinOptimizer(name, hp), P0, GRADS);
  const h = { ...getOptimizerInfo(name).defaults, ...hp } as H;
  return { ours, builtin, h };
}

test('setup: cpu backend', async () => {
  await initBackend('cpu');
});

// The registry decides which built-ins coincide with ours: those with no difference that acts 'always'.
const COINCIDING = BUILTIN_OPTIMIZER_NAMES.filter((name) => !getOptimizerInfo(name).tfjs!.differences.some((d) => d.acts === 'always'));

test('the built-ins without an always-acting difference are sgd, momentum and nesterov', () => {
  assert.deepEqual(COINCIDING, ['sgd', 'momentum', 'nesterov']);
});

for (const name of COINCIDING) {
  test(`${name}: identical to the tfjs built-in (the registry documents no difference that acts here)`, () => {
    const { ours, builtin } = compare(name, { learningRate: 0.05 });
    assertClose(ours, builtin, TIGHT.rtol, TIGHT.atol, name);
  });
}

test('adam: identical with β exact in float32; with β₂ = 0.999 tfjs’s float32 bias correction explains the gap', () => {
  const exact = compare('adam', { learningRate: 0.05, beta1: 0.5, beta2: 0.75, epsilon: 1e-3 });
  assertClose(exact.ours, exact.builtin, TIGHT.rtol, TIGHT.atol, 'adam, exact betas');

  const { ours, builtin, h } = compare('adam', { learningRate: 0.05, epsilon: 1e-3 });
  assertClose(ours, runReference(TORCH.adam, h, P0, GRADS), TIGHT.rtol, TIGHT.atol, 'ours vs float64 bias correction');
  assertClose(builtin, runReference(TFJS.adam!, h, P0, GRADS), TIGHT.rtol, TIGHT.atol, 'built-in vs float32 bias correction');
  // 1 − fround(0.999) = 9.99987e-4, not 1e-3: a 1.3e-5 relative error in v̂, ≈ 6e-6 in the step.
  const gap = maxAbsDiff(ours, builtin);
  assert.ok(gap > 1e-7 && gap < 1e-5, `gap ${gap}`);
});

test('adagrad: tfjs puts its fixed ε = 1e-7 inside the root; initialAccumulatorValue defaults to 0.1 there', () => {
  // Large accumulator → ε irrelevant → identical; our ε = 0 removes the other half of the difference.
  const big = compare('adagrad', { learningRate: 0.05, initialAccumulatorValue: 1, epsilon: 0 });
  assertClose(big.ours, big.builtin, TIGHT.rtol, TIGHT.atol, 'adagrad, G₀ = 1');

  const { ours, builtin, h } = compare('adagrad', { learningRate: 0.05 });
  assertClose(ours, runReference(TORCH.adagrad, h, P0, GRADS), TIGHT.rtol, TIGHT.atol, 'ours vs ε outside');
  assertClose(builtin, runReference(TFJS.adagrad!, h, P0, GRADS), TIGHT.rtol, TIGHT.atol, 'built-in vs ε = 1e-7 inside');
  // Weight 3 (|g| = 1e-4): torch steps η·g/(|g| + 1e-10) ≈ η; tfjs η·g/√(1e-8 + 1e-7) ≈ 0.3η.
  assert.ok(Math.abs(P0[3] - ours[0][3]) > 3 * Math.abs(P0[3] - builtin[0][3]));

  const tfjsDefault = runOptimizer(tf.train.adagrad(0.05), P0, GRADS);
  assertClose(tfjsDefault, runReference(TFJS.adagrad!, { ...h, initialAccumulatorValue: 0.1 }, P0, GRADS), TIGHT.rtol, TIGHT.atol, 'tf.train.adagrad default G₀ = 0.1');
});

test('rmsprop: identical with ε = 0; otherwise tfjs’s ε inside the root explains the difference', () => {
  // Weight 4's gradient is never 0, so ε = 0 never divides by zero.
  const noEps = compare('rmsprop', { learningRate: 0.01, rho: 0.9, momentum: 0.5, epsilon: 0 });
  assertClose(noEps.ours.map((r) => r.slice(4)), noEps.builtin.map((r) => r.slice(4)), TIGHT.rtol, TIGHT.atol, 'rmsprop, ε = 0');

  for (const momentum of [0, 0.5]) {
    const { ours, builtin, h } = compare('rmsprop', { learningRate: 0.01, momentum, epsilon: 1e-3 });
    assertClose(ours, runReference(TORCH.rmsprop, h, P0, GRADS), TIGHT.rtol, TIGHT.atol, 'ours vs ε outside');
    assertClose(builtin, runReference(TFJS.rmsprop!, h, P0, GRADS), TIGHT.rtol, TIGHT.atol, 'built-in vs ε inside');
    assert.ok(maxAbsDiff(ours, builtin) > 1e-3, 'ε placement matters at ε = 1e-3');
  }
});

test('adadelta: tfjs divides by the previous step’s accumulator, so its first step is exactly η·g', () => {
  const { ours, builtin, h } = compare('adadelta', { learningRate: 0.5 });
  assertClose(ours, runReference(TORCH.adadelta, h, P0, GRADS), TIGHT.rtol, TIGHT.atol, 'ours vs v_t');
  assertClose(builtin, runReference(TFJS.adadelta!, h, P0, GRADS), TIGHT.rtol, 1e-6, 'built-in vs v_{t−1}');
  builtin[0].forEach((p, j) => assert.ok(Math.abs(p - (P0[j] - 0.5 * GRADS[0][j])) < 1e-6));
  // Ours (torch) starts tiny: √ε/√((1−ρ)g² + ε)·g.
  assert.ok(Math.abs(P0[0] - ours[0][0]) < 0.1 * Math.abs(P0[0] - builtin[0][0]));
});

test('adamax: identical with ε = 0; otherwise tfjs adds ε after the max instead of inside it', () => {
  const noEps = compare('adamax', { learningRate: 0.05, beta1: 0.5, beta2: 0.75, epsilon: 0 });
  assertClose(noEps.ours.map((r) => r.slice(4)), noEps.builtin.map((r) => r.slice(4)), TIGHT.rtol, TIGHT.atol, 'adamax, ε = 0');

  // The two differ once the decayed history β₂u wins the max: ours then carries ε inside u (decaying with it),
  // tfjs adds a fresh ε. A large ε and a short memory make that visible.
  const { ours, builtin, h } = compare('adamax', { learningRate: 0.05, beta2: 0.5, epsilon: 0.1 });
  assertClose(ours, runReference(TORCH.adamax, h, P0, GRADS), TIGHT.rtol, TIGHT.atol, 'ours vs ε inside max');
  assertClose(builtin, runReference(TFJS.adamax!, h, P0, GRADS), TIGHT.rtol, TIGHT.atol, 'built-in vs ε after max');
  assert.ok(maxAbsDiff(ours, builtin) > 1e-3, `gap ${maxAbsDiff(ours, builtin)}`);
});

test('every gap shown above is documented as an always-acting difference; non-built-ins are refused clearly', () => {
  assert.deepEqual(BUILTIN_OPTIMIZER_NAMES, ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adadelta', 'adam', 'adamax']);
  for (const name of BUILTIN_OPTIMIZER_NAMES) {
    const notes = getOptimizerInfo(name).tfjs;
    assert.ok(notes && notes.builtin.startsWith('tf.train.'), name);
    assert.ok(notes.differences.every((d) => d.text.trim().length > 0), name);
  }
  // What each test above shows the built-in doing differently, as the registry must state it.
  const shown = { adagrad: 'epsilon', rmsprop: 'epsilon', adadelta: 'accumulator', adamax: 'epsilon', adam: 'bias-correction' } as const;
  for (const [name, subject] of Object.entries(shown)) {
    const always = getOptimizerInfo(name as OptimizerName).tfjs!.differences.filter((d) => d.acts === 'always');
    assert.deepEqual(always.map((d) => d.subject), [subject], name);
  }
  for (const name of ['amsgrad', 'adamw', 'nadam', 'lion'] as const) {
    assert.equal(getOptimizerInfo(name).tfjs, null);
    assert.throws(() => createBuiltinOptimizer(name), /tfjs has no built-in "\w+" optimizer\. Built-ins exist for: sgd, momentum/);
  }
  assert.throws(() => createBuiltinOptimizer('adam', { weightDecay: 0.1 }), /no weightDecay/);
});
