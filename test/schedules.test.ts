// Learning-rate schedules: every kind step by step against an independent float64 computation (another
// route to the same number, not the same formula) and against PyTorch 1.13's lr_scheduler values; their
// configs canonical (hashable) and validated; their outputs checked when used; and the one road a
// schedule takes: hyperparams.learningRate → optimizer (ours or built-in) → the record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import katex from 'katex';
import {
  SCHEDULE_KINDS, SCHEDULE_REGISTRY, canonicalLearningRate, cosineDecay, createBuiltinOptimizer, createOptimizer,
  exponentialDecay, learningRateAt, linearWarmup, oneCycle, resolveHyperparams, scheduleFromConfig, stepDecay,
  getOptimizerInfo, type ScheduleInput,
} from '../src/optimizers';
import { planHyperparams, runUpdates } from '../src/experiments/spec-hyperparams';
import { planRuns } from '../src/experiments/plan';
import { getExperiment } from '../src/experiments/specs';

const ROOT = path.join(__dirname, '..');
const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** PyTorch 1.13 (Debian python3-torch), torch.optim.SGD(lr=…) + scheduler, lr read before each step. */
const TORCH = {
  // StepLR(step_size=3, gamma=0.5), lr 0.1
  step: [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125],
  // CosineAnnealingLR(T_max=10, eta_min=0.001), lr 0.1
  cosine: [0.1, 0.09757729755661011, 0.0905463412215599, 0.07959536998847742, 0.0657963412215599, 0.0505,
    0.03520365877844011, 0.02140463001152259, 0.010453658778440109, 0.0034227024433899004, 0.001],
  // SequentialLR([LinearLR(start_factor=0.25, total_iters=4), CosineAnnealingLR(T_max=8)], milestones=[4]), lr 0.1
  warmupCosine: [0.025, 0.043750000000000004, 0.06250000000000001, 0.08125000000000002, 0.1, 0.09619397662556434,
    0.08535533905932738, 0.0691341716182545, 0.05, 0.030865828381745515, 0.014644660940672627, 0.0038060233744356634],
  // OneCycleLR(max_lr=0.1, total_steps=20, pct_start=0.3, div_factor=25, final_div_factor=1e4, cycle_momentum=False)
  oneCycle: [0.0040000000000000036, 0.013167184270002533, 0.037167184270002526, 0.06683281572999747, 0.09083281572999748, 0.1,
    0.09874640062350874, 0.09504846320134738, 0.089091617757105, 0.0811745653949763, 0.07169430017913009, 0.06112620219362893,
    0.0500002, 0.03887419780637107, 0.028306099820869922, 0.0188258346050237, 0.010908782242895003, 0.004951936798652629,
    0.0012539993764912555, 4e-07],
};

test('step decay: by repeated multiplication at each drop, and torch\'s StepLR', () => {
  const s = stepDecay({ initialLearningRate: 0.1, factor: 0.5, dropEvery: 3 });
  let lr = 0.1;
  for (const t of range(10)) {
    if (t > 0 && t % 3 === 0) lr *= 0.5;
    close(s(t), lr, `t=${t}`);
    close(s(t), TORCH.step[t], `torch t=${t}`);
  }
});

test('exponential and inverse-time decay: by repeated multiplication / explicit sums', () => {
  const e = exponentialDecay({ initialLearningRate: 0.2, decayRate: 0.5, decaySteps: 4 });
  const perStep = Math.pow(0.5, 1 / 4);
  let lr = 0.2;
  for (const t of range(12)) {
    close(e(t), lr, `exponential t=${t}`);
    lr *= perStep;
  }
  const stair = exponentialDecay({ initialLearningRate: 0.2, decayRate: 0.5, decaySteps: 4, staircase: true });
  assert.deepEqual(range(9).map(stair), [0.2, 0.2, 0.2, 0.2, 0.1, 0.1, 0.1, 0.1, 0.05]);
  const i = scheduleFromConfig({ kind: 'inverseTime', initialLearningRate: 1, decayRate: 0.5, decaySteps: 2 });
  for (const t of range(8)) close(i(t), 1 / (1 + t / 4), `inverse time t=${t}`);
});

test('cosine decay: η_min + (η₀ − η_min)·cos²(πt/2T) (half-angle identity), then η_min; torch\'s CosineAnnealingLR', () => {
  const s = cosineDecay({ initialLearningRate: 0.1, decaySteps: 10, finalLearningRate: 0.001 });
  for (const t of range(14)) {
    const p = Math.min(t, 10) / 10;
    close(s(t), 0.001 + 0.099 * Math.cos((Math.PI * p) / 2) ** 2, `t=${t}`);
    if (t <= 10) close(s(t), TORCH.cosine[t], `torch t=${t}`);
  }
  assert.equal(s(10), 0.001);
  assert.equal(s(1000), 0.001, 'stays at η_min after T updates');
  close(cosineDecay({ initialLearningRate: 0.3, decaySteps: 4 })(2), 0.15, 'halfway is half (η_min defaults to 0)');
});

test('linear warm-up: a ramp by equal increments up to the next schedule\'s first rate, which then starts its own count', () => {
  const then = cosineDecay({ initialLearningRate: 0.1, decaySteps: 8 });
  const s = linearWarmup({ warmupSteps: 4, startFactor: 0.25, then });
  let lr = 0.025;
  const increment = (0.1 - 0.025) / 4;
  for (const t of range(4)) {
    close(s(t), lr, `ramp t=${t}`);
    lr += increment;
  }
  for (const t of range(8)) close(s(4 + t), then(t), `after the ramp, t=${4 + t}`);
  range(12).forEach((t) => close(s(t), TORCH.warmupCosine[t], `torch t=${t}`));
  // Composable with any schedule, a constant included; startFactor defaults to 0 (first update at rate 0).
  const w = linearWarmup({ warmupSteps: 5, then: 0.5 });
  [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.5].forEach((v, t) => close(w(t), v, `warm-up to a constant, t=${t}`));
  const ws = linearWarmup({ warmupSteps: 2, then: { kind: 'step', initialLearningRate: 1, factor: 0.1, dropEvery: 1 } });
  assert.deepEqual(range(5).map(ws).map((x) => Number(x.toPrecision(12))), [0, 0.5, 1, 0.1, 0.01]);
  assert.deepEqual(s.config, {
    kind: 'warmup', warmupSteps: 4, startFactor: 0.25,
    then: { kind: 'cosine', initialLearningRate: 0.1, decaySteps: 8, finalLearningRate: 0 },
  });
});

test('one-cycle: cos² form of both phases by hand, and torch\'s OneCycleLR (learning rate only)', () => {
  const s = oneCycle({ maxLearningRate: 0.1, totalSteps: 20 });
  const start = 0.1 / 25;
  const end = start / 1e4;
  const peak = 0.3 * 20 - 1; // 5
  for (const t of range(20)) {
    // a + (b − a)·sin²(πq/2) is the same cosine annealing from a to b.
    const [a, b, q] = t <= peak ? [start, 0.1, t / peak] : [0.1, end, (t - peak) / (19 - peak)];
    close(s(t), a + (b - a) * Math.sin((Math.PI * q) / 2) ** 2, `t=${t}`);
    close(s(t), TORCH.oneCycle[t], `torch t=${t}`);
  }
  assert.equal(s(5), 0.1, 'the peak');
  close(s(100), end, 'stays at η_end past T');
});

test('configs are canonical: every field present, fixed order, the same for every spelling of one schedule', () => {
  const partial: ScheduleInput = { kind: 'oneCycle', totalSteps: 100, maxLearningRate: 0.5 };
  const full = { kind: 'oneCycle', maxLearningRate: 0.5, totalSteps: 100, pctStart: 0.3, divFactor: 25, finalDivFactor: 1e4 } as const;
  assert.deepEqual(scheduleFromConfig(partial).config, full);
  assert.equal(JSON.stringify(scheduleFromConfig(partial).config), JSON.stringify(full), 'keys in a fixed order');
  assert.equal(JSON.stringify(scheduleFromConfig({ ...full }).config), JSON.stringify(scheduleFromConfig(partial).config));
  assert.ok(Object.isFrozen(scheduleFromConfig(partial).config));
  // A constant rate has one spelling, the number.
  assert.equal(canonicalLearningRate({ kind: 'constant', learningRate: 0.1 }), 0.1);
  assert.equal(canonicalLearningRate(0.1), 0.1);
  for (const kind of SCHEDULE_KINDS) assert.ok(SCHEDULE_REGISTRY[kind], kind);
});

test('bad configs are rejected with the field and the valid range', () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ kind: 'cosine', initialLearningRate: 0.1, decaySteps: 0 }, /"cosine": decaySteps must be an integer ≥ 1 \(a number of updates\); got 0/],
    [{ kind: 'cosine', initialLearningRate: 0.1, decaySteps: 10, finalLearningRate: 0.2 }, /finalLearningRate must be a number in \[0, initialLearningRate = 0\.1\]; got 0\.2/],
    [{ kind: 'cosine', initialLearningRate: -1, decaySteps: 10 }, /initialLearningRate must be a number ≥ 0; got -1/],
    [{ kind: 'cosine', initialLearningRate: 0.1, decaySteps: 10, alpha: 0 }, /"cosine": unknown field "alpha"\. Fields: finalLearningRate, initialLearningRate, decaySteps/],
    [{ kind: 'warmup', warmupSteps: 5 }, /"warmup": then .* is required/],
    [{ kind: 'warmup', warmupSteps: 5, then: { kind: 'cosine', initialLearningRate: Number.NaN, decaySteps: 3 } }, /"cosine": initialLearningRate must be a number ≥ 0; got NaN/],
    [{ kind: 'warmup', warmupSteps: 5, startFactor: 2, then: 0.1 }, /startFactor must be in \[0, 1\]; got 2/],
    [{ kind: 'oneCycle', maxLearningRate: 0.1, totalSteps: 10, pctStart: 0.05 }, /pctStart must be in \(1\/totalSteps, 1\)/],
    [{ kind: 'oneCycle', maxLearningRate: 0.1, totalSteps: 10, divFactor: 0.5 }, /divFactor must be a number ≥ 1/],
    [{ kind: 'exponential', initialLearningRate: 0.1, decayRate: 0.5, staircase: 'yes' }, /staircase must be true or false; got yes/],
    [{ kind: 'linear' }, /Unknown learning-rate schedule kind "linear"\. Valid kinds: constant, step, exponential, inverseTime, cosine, warmup, oneCycle/],
    ['cosine', /must be an object such as/],
  ];
  for (const [config, message] of cases) assert.throws(() => scheduleFromConfig(config as ScheduleInput), message, JSON.stringify(config));
});

test('a schedule\'s output is checked when used: negative, NaN or infinite rates are an error naming the step', () => {
  for (const bad of [-1e-3, Number.NaN, -Infinity, Infinity]) {
    const handMade = Object.assign((t: number) => (t === 2 ? bad : 0.1), { config: { kind: 'constant' as const, learningRate: 0.1 } });
    assert.equal(learningRateAt(handMade, 1), 0.1);
    assert.throws(() => learningRateAt(handMade, 2), new RegExp(`returned ${String(bad)} at step 2: a learning rate must be a finite number ≥ 0`));
    const ours = createOptimizer('adam', { learningRate: handMade });
    assert.equal(ours.currentLearningRate, 0.1);
    ours.dispose();
  }
  // A built-in is given its first rate at creation: a schedule bad from the start fails there.
  const badAtZero = Object.assign(() => -1, { config: { kind: 'constant' as const, learningRate: 0.1 } });
  assert.throws(() => createBuiltinOptimizer('adam', { learningRate: badAtZero }), /returned -1 at step 0/);
  // A function that cannot say what it is (no config) or says something invalid is refused up front.
  assert.throws(() => createOptimizer('sgd', { learningRate: ((t: number) => 0.1 / (t + 1)) as never }), /learningRate: a function without a `config` cannot be recorded/);
  assert.throws(() => createOptimizer('sgd', { learningRate: Object.assign(() => 0.1, { config: { kind: 'cosine' } }) as never }), /Optimizer "sgd": learningRate: Learning-rate schedule "cosine": initialLearningRate must be/);
  assert.throws(() => createOptimizer('sgd', { learningRate: -0.1 }), /learningRate must be a finite number ≥ 0/);
});

test('hyperparams.learningRate takes a config or a schedule function; either resolves to the same schedule, serialised as its full config', () => {
  const config = { kind: 'cosine', initialLearningRate: 0.05, decaySteps: 100 } as const;
  const fromConfig = createOptimizer('momentum', { learningRate: config, momentum: 0.9 });
  const fromFunction = createOptimizer('momentum', { learningRate: cosineDecay(config), momentum: 0.9 });
  const full = { ...config, finalLearningRate: 0 };
  for (const opt of [fromConfig, fromFunction]) {
    assert.deepEqual((opt.getConfig() as Record<string, unknown>).learningRate, full);
    assert.equal(opt.currentLearningRate, 0.05);
  }
  // fromConfig (tf.serialization) rebuilds the schedule from the JSON.
  const cls = fromConfig.constructor as unknown as { fromConfig: (c: unknown, cfg: unknown) => typeof fromConfig };
  const back = cls.fromConfig(cls, JSON.parse(JSON.stringify(fromConfig.getConfig())));
  assert.deepEqual(back.getConfig(), fromConfig.getConfig());
  [fromConfig, fromFunction, back].forEach((o) => o.dispose());
  // resolveHyperparams is the one place that turns a config into a schedule.
  const r = resolveHyperparams('x', getOptimizerInfo('sgd').defaults, { learningRate: { kind: 'constant', learningRate: 0.3 } });
  assert.equal(r.learningRate, 0.3);
});

test('registry: every schedule has KaTeX-valid LaTeX, its symbols name fields or variables in schedules.ts, and a torch equivalent', () => {
  const source = fs.readFileSync(path.join(ROOT, 'src/optimizers/schedules.ts'), 'utf8');
  for (const kind of SCHEDULE_KINDS) {
    const info = SCHEDULE_REGISTRY[kind];
    assert.equal(info.kind, kind);
    assert.doesNotThrow(() => katex.renderToString(info.latex, { throwOnError: true, displayMode: true }), `${kind} LaTeX`);
    assert.match(source, new RegExp(`export function ${kind}Rate\\(`), `${kind}: its rate function`);
    for (const [symbol, code] of Object.entries(info.symbols)) {
      assert.ok(source.includes(code), `${kind}: symbol ${symbol} ↦ ${code} not found in schedules.ts`);
    }
    assert.ok(info.torch.length > 0);
  }
});

test('in a spec, step counts may be fractions of the run: planned per profile into updates, canonical', () => {
  const mnist = { data: { dataset: 'mnist', train: 1000, test: 100, subsetSeed: 0 } as const, batchSize: 64, epochs: 3 };
  assert.equal(runUpdates(mnist), 16 * 3);
  assert.equal(runUpdates({ ...mnist, batchSize: 'full' }), 3);
  assert.equal(runUpdates({ data: { dataset: 'karate', testFraction: 0.2, splitSeed: 0 }, batchSize: 'full', epochs: 100 }), 100);
  const hp = planHyperparams({
    momentum: 0.9,
    learningRate: { kind: 'warmup', warmupSteps: { ofRun: 0.05 }, then: { kind: 'cosine', initialLearningRate: 0.1, decaySteps: { ofRun: 0.95 } } },
  }, mnist);
  assert.deepEqual(hp, {
    momentum: 0.9,
    learningRate: { kind: 'warmup', warmupSteps: 2, startFactor: 0, then: { kind: 'cosine', initialLearningRate: 0.1, decaySteps: 46, finalLearningRate: 0 } },
  });
  assert.throws(() => planHyperparams({ learningRate: { kind: 'cosine', initialLearningRate: 0.1, decaySteps: { ofRun: 0 } } }, mnist), /decaySteps: \{ ofRun \} must be a fraction > 0/);
});

test('the schedules experiment plans canonical schedule configs into hyperparams.learningRate (hashed with the run)', () => {
  const spec = getExperiment('lr-schedules-mlp');
  for (const profile of ['smoke', 'default'] as const) {
    const runs = planRuns(spec, profile);
    const cosine = runs.find((r) => r.series.endsWith('-cosine'))!;
    const lr = cosine.hyperparams.learningRate as { kind: string; decaySteps: number };
    assert.equal(lr.kind, 'cosine');
    assert.equal(lr.decaySteps, runUpdates({ data: cosine.data, batchSize: cosine.batchSize, epochs: cosine.epochs }), 'cosine over the whole run');
    for (const r of runs) {
      const l = r.hyperparams.learningRate!;
      assert.deepEqual(l, canonicalLearningRate(JSON.parse(JSON.stringify(l))), `${r.series}: canonical`);
    }
  }
});

test('a run\'s identity (normalizeRunConfig, what is hashed) has one spelling per schedule', async () => {
  const { normalizeRunConfig } = await import('../src/experiments/run-config');
  const base = {
    experiment: 'x', series: 's', model: 'mlp-128-64', optimizer: 'adam', implementation: 'ours', batchSize: 64, epochs: 1, seed: 0,
    data: { dataset: 'mnist', train: 256, test: 100, subsetSeed: 0 },
  } as const;
  const short = normalizeRunConfig({ ...base, hyperparams: { learningRate: { kind: 'cosine', decaySteps: 10, initialLearningRate: 0.1 } as never } });
  const full = normalizeRunConfig({ ...base, hyperparams: { learningRate: { kind: 'cosine', initialLearningRate: 0.1, decaySteps: 10, finalLearningRate: 0 } } });
  assert.equal(JSON.stringify(short), JSON.stringify(full));
  const constant = normalizeRunConfig({ ...base, hyperparams: { learningRate: { kind: 'constant', learningRate: 0.1 } } });
  assert.deepEqual(constant, normalizeRunConfig({ ...base, hyperparams: { learningRate: 0.1 } }));
});
