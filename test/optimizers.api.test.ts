// createOptimizer's validation, the registry's metadata, and the learning-rate schedules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import katex from 'katex';
import {
  HYPERPARAMETER_KEYS, OPTIMIZER_NAMES, OPTIMIZER_REGISTRY, createOptimizer, exponentialDecay, getOptimizerInfo,
  inverseTimeDecay, scheduleFromConfig, stepDecay, type Hyperparams, type OptimizerName,
} from '../src/optimizers';

const ROOT = path.resolve(__dirname, '..');
const make = (name: string, hp?: unknown) => () => createOptimizer(name as OptimizerName, hp as Hyperparams);

test('an unknown optimizer name names the valid choices', () => {
  assert.throws(make('adamm'), /Unknown optimizer "adamm"\. Valid choices: sgd, momentum, nesterov, adagrad, rmsprop, adadelta, adam, amsgrad, adamw, adamax, nadam, lion\./);
  assert.throws(() => getOptimizerInfo('SGD' as OptimizerName), /Valid choices: sgd/);
});

test('unknown and inapplicable hyperparameter keys name the valid keys', () => {
  assert.throws(make('adam', { lr: 0.1 }), /Optimizer "adam": unknown hyperparameter "lr"\. Valid keys: learningRate, beta1, beta2, epsilon, weightDecay\./);
  assert.throws(make('sgd', { beta1: 0.9 }), /hyperparameter "beta1" does not apply to this optimizer\. Valid keys: learningRate, weightDecay\./);
  assert.throws(make('lion', { epsilon: 1e-8 }), /"epsilon" does not apply/);
  assert.throws(make('adam', 0.1), /hyperparameters must be an object/);
  assert.doesNotThrow(make('sgd', { beta1: undefined })); // undefined means "default"
});

test('out-of-range values name the valid range', () => {
  const cases: [OptimizerName, Hyperparams, RegExp][] = [
    ['sgd', { learningRate: -0.1 }, /learningRate must be a finite number ≥ 0 .*got -0\.1/],
    ['adam', { beta1: 1 }, /beta1 must be a finite number in \[0, 1\); got 1/],
    ['adam', { beta2: -0.1 }, /beta2 must be a finite number in \[0, 1\)/],
    ['rmsprop', { rho: 1.5 }, /rho must be a finite number in \[0, 1\]; got 1\.5/],
    ['adadelta', { rho: -0.5 }, /rho must be .*in \[0, 1\]/],
    ['adam', { epsilon: -1e-8 }, /epsilon must be a finite number ≥ 0/],
    ['adamw', { weightDecay: -0.01 }, /weightDecay must be a finite number ≥ 0/],
    ['momentum', { momentum: -0.9 }, /momentum must be a finite number in \[0, 1\)/],
    ['momentum', { momentum: 1 }, /momentum must be a finite number in \[0, 1\)/],
    ['adagrad', { initialAccumulatorValue: -1 }, /initialAccumulatorValue must be a finite number ≥ 0/],
    ['sgd', { learningRate: Number.NaN }, /learningRate must be a finite number/],
    ['sgd', { learningRate: '0.1' as unknown as number }, /learningRate must be a finite number/],
  ];
  for (const [name, hp, message] of cases) assert.throws(make(name, hp), message, `${name} ${JSON.stringify(hp)}`);
  assert.doesNotThrow(make('rmsprop', { rho: 1 })); // rho = 1 is allowed (torch allows it)
});

test('defaults are torch’s and are what the optimizer uses', () => {
  const expected: Record<OptimizerName, Hyperparams> = {
    sgd: { learningRate: 1e-3, weightDecay: 0 },
    momentum: { learningRate: 1e-3, momentum: 0.9, weightDecay: 0 },
    nesterov: { learningRate: 1e-3, momentum: 0.9, weightDecay: 0 },
    adagrad: { learningRate: 1e-2, epsilon: 1e-10, weightDecay: 0, initialAccumulatorValue: 0 },
    rmsprop: { learningRate: 1e-2, rho: 0.99, momentum: 0, epsilon: 1e-8, weightDecay: 0 },
    adadelta: { learningRate: 1.0, rho: 0.9, epsilon: 1e-6, weightDecay: 0 },
    adam: { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 },
    amsgrad: { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 },
    adamw: { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 1e-2 },
    adamax: { learningRate: 2e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 },
    nadam: { learningRate: 2e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 },
    lion: { learningRate: 1e-4, beta1: 0.9, beta2: 0.99, weightDecay: 0 },
  };
  for (const name of OPTIMIZER_NAMES) {
    assert.deepEqual(getOptimizerInfo(name).defaults, expected[name], name);
    assert.deepEqual(createOptimizer(name).getConfig(), expected[name], name);
  }
});

test('registry metadata is complete, its LaTeX renders with KaTeX, and its symbols name code in the source file', () => {
  assert.deepEqual(Object.keys(OPTIMIZER_REGISTRY), [...OPTIMIZER_NAMES]);
  for (const name of OPTIMIZER_NAMES) {
    const info = getOptimizerInfo(name);
    assert.equal(info.name, name);
    assert.ok(['plain', 'momentum', 'adaptive', 'adam', 'sign'].includes(info.family));
    for (const key of Object.keys(info.defaults)) assert.ok((HYPERPARAMETER_KEYS as readonly string[]).includes(key));
    assert.ok(info.pros.length && info.cons.length && info.whenToUse.length, `${name}: pros/cons/whenToUse`);
    assert.ok(info.paper.authors && info.paper.title && info.paper.year > 1950);
    assert.doesNotThrow(() => katex.renderToString(info.latex, { displayMode: true, throwOnError: true }), `${name} LaTeX`);
    for (const note of info.seedNotes) {
      assert.match(note.seed, /^00[0-4]$/);
      assert.ok(note.difference && note.whyTorch);
      assert.doesNotThrow(() => katex.renderToString(note.writes, { throwOnError: true }), `${name} seed ${note.seed} LaTeX`);
    }
    const source = fs.readFileSync(path.join(ROOT, info.sourceFile), 'utf8');
    assert.match(source, new RegExp(`export const ${name}Rule`), `${info.sourceFile} holds the rule`);
    for (const [symbol, code] of Object.entries(info.symbols)) {
      const identifier = code.match(/^[A-Za-z_][A-Za-z0-9_]*/)![0];
      assert.ok(source.includes(identifier), `${name}: symbol ${symbol} ↦ ${identifier} not found in ${info.sourceFile}`);
    }
  }
  assert.ok(getOptimizerInfo('sgd').notes!.some((n) => /mini-batch/.test(n)), 'sgd says GD and mini-batch GD are SGD');
  assert.ok(getOptimizerInfo('amsgrad').seedNotes.some((n) => n.seed === '003' && /bias correction/.test(n.difference)));
});

test('schedules: step, exponential and inverse-time decay', () => {
  const s = stepDecay({ initialLearningRate: 0.1, factor: 0.5, dropEvery: 3 });
  assert.deepEqual([0, 2, 3, 5, 6].map(s), [0.1, 0.1, 0.05, 0.05, 0.025]);
  const e = exponentialDecay({ initialLearningRate: 1, decayRate: 0.5, decaySteps: 2 });
  assert.ok(Math.abs(e(1) - Math.SQRT1_2) < 1e-12);
  assert.equal(exponentialDecay({ initialLearningRate: 1, decayRate: 0.5, decaySteps: 2, staircase: true })(3), 0.5);
  const i = inverseTimeDecay({ initialLearningRate: 1, decayRate: 0.5 });
  assert.deepEqual([0, 2, 4].map(i), [1, 0.5, 1 / 3]);
  assert.equal(scheduleFromConfig(e.config)(5), e(5));
  assert.throws(() => s(-1), /step must be an integer ≥ 0/);
  assert.throws(() => stepDecay({ initialLearningRate: 0.1, factor: 1.5, dropEvery: 3 }), /factor must be in \(0, 1\]; got 1\.5/);
  assert.throws(() => stepDecay({ initialLearningRate: 0.1, factor: 0.5, dropEvery: 0 }), /dropEvery must be an integer ≥ 1/);
  assert.throws(() => exponentialDecay({ initialLearningRate: -1, decayRate: 0.5 }), /initialLearningRate must be a number ≥ 0/);
  assert.throws(() => inverseTimeDecay({ initialLearningRate: 1, decayRate: 0.5, decaySteps: 0 }), /decaySteps must be a number > 0/);
  assert.throws(() => scheduleFromConfig({ kind: 'linear' } as never), /Unknown learning-rate schedule kind "linear"\. Valid kinds: constant, step, exponential, inverseTime, cosine, warmup, oneCycle\./);
  // Any optimizer accepts a schedule in place of learningRate.
  for (const name of OPTIMIZER_NAMES) assert.equal(createOptimizer(name, { learningRate: s }).currentLearningRate, 0.1);
});
