// Time to target, performance profiles, tuning budget and the Karate split per seed, on synthetic
// records (no training): each number below is worked out by hand in the comments.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planRuns } from '../src/experiments/plan';
import { getExperiment } from '../src/experiments/specs';
import type { ExperimentSpec, RunRecord } from '../src/experiments/types';
import {
  budgetChart, budgetCurves, chooseOptimizer, seed002Table, budgetTable, expectedBestOfK, performanceProfileChart, performanceProfiles, runTimeToTarget,
  timeToTarget, timeToTargetTable, trialPools, winnersByBudget,
} from '../src/notebook-support';

const rec = (o: { series: string; optimizer?: string; seed?: number; acc: number[]; seconds?: number[]; status?: RunRecord['status']; divergedAt?: number; hp?: Record<string, number>; steps?: number }): RunRecord => ({
  schema: 1, hash: `${o.series}${o.seed ?? 0}`, experiment: 'x', series: o.series, label: o.series, profile: 'smoke',
  config: {
    experiment: 'x', series: o.series, model: 'mlp-128-64', optimizer: (o.optimizer ?? 'sgd') as RunRecord['config']['optimizer'], implementation: 'ours',
    hyperparams: o.hp ?? { learningRate: 0.1 }, batchSize: 64, epochs: o.acc.length, seed: o.seed ?? 0, data: { dataset: 'mnist', train: 640, test: 100, subsetSeed: 0 },
  },
  resolvedHyperparams: { momentum: 0.9, ...(o.hp ?? { learningRate: 0.1 }) }, status: o.status ?? 'ok',
  ...(o.divergedAt ? { divergence: { epoch: o.divergedAt, step: 10 * o.divergedAt, loss: NaN, reason: 'non-finite loss' as const } } : {}),
  epochs: o.acc.map((a, i) => ({ epoch: i + 1, trainLoss: 1, trainAccuracy: a, testLoss: 1, testAccuracy: a, learningRate: 0.1, trainSeconds: o.seconds?.[i] ?? 2, evalSeconds: 5 })),
  totalSteps: o.steps ?? 10 * o.acc.length, wallSeconds: 1,
  backend: { name: 'wasm', machine: { cpus: 2, cpuModel: 'Test CPU ', platform: 'linux', node: 'v22' } } as RunRecord['backend'], fingerprint: {}, createdAt: '',
});

const TARGET = { metric: 'testAccuracy' as const, value: 0.9, label: '90% test accuracy' };

describe('time to target', () => {
  it('counts steps and training seconds (not evaluation) to the first epoch at the target', () => {
    const t = runTimeToTarget(rec({ series: 'a', acc: [0.5, 0.91, 0.85, 0.95], seconds: [1, 3, 5, 7] }), TARGET, 10);
    assert.deepEqual(t, { seed: 0, status: 'ok', epoch: 2, steps: 20, seconds: 4 });
  });
  it('is a miss when never reached, or when reached only at or after the epoch the run diverged', () => {
    assert.equal(runTimeToTarget(rec({ series: 'a', acc: [0.5, 0.6] }), TARGET, 10).seconds, Infinity);
    // The loop keeps the diverged epoch's metrics; an argmax over NaN logits is not a result.
    const d = runTimeToTarget(rec({ series: 'a', acc: [0.5, 0.95], status: 'diverged', divergedAt: 2, steps: 15 }), TARGET, 10);
    assert.equal(d.epoch, null);
    assert.equal(d.steps, Infinity);
  });
  it('takes the median over seeds with a miss as infinite, and reads steps per epoch from a finished run', () => {
    const records = [
      rec({ series: 'fast', seed: 0, acc: [0.92, 0.95], seconds: [1, 1] }),
      rec({ series: 'fast', seed: 1, acc: [0.5, 0.95], seconds: [1, 1] }),
      rec({ series: 'fast', seed: 2, acc: [0.5, 0.95], status: 'diverged', divergedAt: 2, steps: 13 }),
      rec({ series: 'slow', seed: 0, acc: [0.5, 0.6] }),
      rec({ series: 'slow', seed: 1, acc: [0.5, 0.6] }),
      rec({ series: 'slow', seed: 2, acc: [0.5, 0.91] }),
    ];
    const [fast, slow] = timeToTarget(records, TARGET);
    assert.equal(fast.stepsPerEpoch, 10);
    assert.equal(fast.hits, 2);
    // seeds: 10 steps (1 s), 20 steps (2 s), miss → median 20 steps, 2 s.
    assert.equal(fast.medianSteps, 20);
    assert.equal(fast.medianSeconds, 2);
    assert.equal(slow.hits, 1);
    assert.equal(slow.medianSeconds, Infinity);
    const t = timeToTargetTable([slow, fast], { caption: 'c', target: TARGET });
    assert.deepEqual(t.cells.map((r) => r.slice(0, 5)), [['SGD', '0.1', '2/3', '20', '2'], ['SGD', '0.1', '1/3', 'miss', 'miss']]);
    assert.match(t.cells[0][5], /10, 20, miss \(diverged\)/);
    assert.ok(t.notes.some((n) => n.includes('wasm on 2× Test CPU')), 'the machine and backend are stated');
  });
  it('ranks by steps, not by seconds (which follow the machine\'s load), misses last', () => {
    const times = timeToTarget([
      rec({ series: 'quick-clock', acc: [0.5, 0.95], seconds: [0.1, 0.1] }),
      rec({ series: 'few-steps', acc: [0.95, 0.95], seconds: [5, 5] }),
      rec({ series: 'never', acc: [0.5, 0.5], seconds: [0.01, 0.01] }),
    ], TARGET);
    assert.deepEqual(timeToTargetTable(times, { caption: 'c', target: TARGET }).cells.map((r) => r[3]), ['10', '20', 'miss']);
  });
  it('meets a loss target at or below its value', () => {
    const r = rec({ series: 'a', acc: [0.5, 0.6, 0.7] });
    r.epochs.forEach((e, i) => { e.testLoss = [0.69, 0.66, 0.64][i]; });
    const loss = { metric: 'testLoss' as const, value: 0.65, lowerIsBetter: true, label: 'loss' };
    assert.equal(runTimeToTarget(r, loss, 10).epoch, 3);
    assert.equal(runTimeToTarget(r, { ...loss, lowerIsBetter: false }, 10).epoch, 1, 'without the flag, higher is better');
  });
  it('rejects empty input and a non-finite target', () => {
    assert.throws(() => timeToTarget([], TARGET), /no records/);
    assert.throws(() => timeToTarget([rec({ series: 'a', acc: [1] })], { ...TARGET, value: NaN }), /finite/);
  });
});

describe('performance profiles', () => {
  const tasks = [
    { task: 'mnist', times: { adam: 10, sgd: 20, lion: Infinity } },
    { task: 'karate', times: { adam: 6, sgd: 3, lion: 12 } },
    { task: 'nobody', times: { adam: Infinity, sgd: Infinity, lion: Infinity } },
  ];
  it('gives the fraction of solved tasks within τ × the best time, leaving out tasks nobody solved', () => {
    const { profiles, unsolved } = performanceProfiles(tasks);
    assert.deepEqual(unsolved, ['nobody']);
    const by = Object.fromEntries(profiles.map((p) => [p.optimizer, p]));
    assert.deepEqual(by.adam.ratios, { mnist: 1, karate: 2 });
    assert.deepEqual(by.adam.steps, [{ tau: 1, fraction: 0.5 }, { tau: 2, fraction: 1 }]);
    assert.deepEqual(by.sgd.steps, [{ tau: 1, fraction: 0.5 }, { tau: 2, fraction: 1 }]);
    assert.deepEqual(by.lion.steps, [{ tau: 4, fraction: 0.5 }]);
  });
  it('merges ties into one step and rejects non-positive times', () => {
    const { profiles } = performanceProfiles([{ task: 'a', times: { x: 1 } }, { task: 'b', times: { x: 2 } }]);
    assert.deepEqual(profiles[0].steps, [{ tau: 1, fraction: 1 }]);
    assert.throws(() => performanceProfiles([{ task: 'a', times: { x: 0 } }]), /> 0/);
  });
  it('draws a staircase per optimizer on a log τ axis', () => {
    const fig = performanceProfileChart(performanceProfiles(tasks), { title: 'p', tauMax: 8 });
    assert.equal((fig.layout.xaxis as Record<string, unknown>).type, 'log');
    const lion = fig.data.find((d) => d.name === 'Lion') as { x: number[]; y: number[] };
    assert.deepEqual(lion.x, [1, 4, 4, 8]);
    assert.deepEqual(lion.y, [0, 0, 0.5, 0.5]);
  });
});

describe('tuning budget', () => {
  it('computes the exact expected best of k draws with replacement, and its 5–95% interval', () => {
    // Pool {0, 1}: best of k is 1 unless every draw is 0 → E = 1 − 0.5^k.
    for (const k of [1, 2, 4]) assert.ok(Math.abs(expectedBestOfK([0, 1], k).expected - (1 - 0.5 ** k)) < 1e-12);
    // Pool {1, 2, 3}, k = 2: P(max=1) = 1/9, P(max=2) = 3/9, P(max=3) = 5/9 → E = (1 + 6 + 15)/9.
    const b = expectedBestOfK([3, 1, 2], 2);
    assert.ok(Math.abs(b.expected - 22 / 9) < 1e-12);
    assert.deepEqual([b.lower, b.upper], [1, 3]);
    // Ties count with their multiplicity: pool {0, 1, 1, 1}, k = 1 → 0.75; the 5% quantile is 0 only while P(max = 0) ≥ 5%.
    assert.equal(expectedBestOfK([1, 0, 1, 1], 1).expected, 0.75);
    assert.equal(expectedBestOfK([1, 0, 1, 1], 4).lower, 1); // P(all four draws 0) = 1/256 < 5%
    assert.throws(() => expectedBestOfK([], 1), /empty/);
    assert.throws(() => expectedBestOfK([1], 0), /positive integer/);
    assert.throws(() => expectedBestOfK([NaN], 1), /finite/);
  });
  it('pools grid runs per optimizer, scores failed runs explicitly and names the varied hyperparameters', () => {
    const records = [
      rec({ series: 'm1', optimizer: 'momentum', acc: [0.9], hp: { learningRate: 0.1 } }),
      rec({ series: 'm2', optimizer: 'momentum', acc: [0.5], hp: { learningRate: 1 }, status: 'diverged', divergedAt: 1 }),
      rec({ series: 'm3', optimizer: 'momentum', acc: [0.7], hp: { learningRate: 0.1, momentum: 0.5 } }),
      rec({ series: 'a1', optimizer: 'adam', acc: [0.8], hp: { learningRate: 0.001 } }),
      rec({ series: 'a2', optimizer: 'adam', acc: [0.8], hp: { learningRate: 0.01 } }),
    ];
    const pools = trialPools(records, { metric: 'testAccuracy', failedScore: 0.1 });
    const m = pools.find((p) => p.optimizer === 'momentum')!;
    assert.deepEqual(m.scores, [0.9, 0.1, 0.7]);
    assert.equal(m.diverged, 1);
    assert.equal(m.settings, 3);
    assert.deepEqual(m.varied, ['momentum', 'learningRate']);
    // Momentum is better with luck (max 0.9), Adam reliably 0.8: Adam wins at k = 1, Momentum from k = 4.
    const curves = budgetCurves(pools, [1, 2, 4]);
    const { winners, changes } = winnersByBudget(curves);
    // Momentum: E1 = 1.7/3 ≈ 0.567; E2 = (0.1·1 + 0.7·3 + 0.9·5)/9 ≈ 0.744; E4 = (0.1 + 0.7·15 + 0.9·65)/81 ≈ 0.852.
    assert.deepEqual(winners.map((w) => w.winner), ['adam', 'adam', 'momentum']);
    assert.deepEqual(changes, [{ k: 4, from: 'adam', to: 'momentum' }]);
    assert.equal(winners[2].withinLuck, true); // Adam's 0.8 lies inside Momentum's 5–95% range at k = 4
    const t = budgetTable(curves, { caption: 'c', scale: 100, decimals: 1 });
    assert.deepEqual(t.cells[0].slice(0, 4), ['SGD with momentum', '3 settings (momentum × learningRate)', '3', '1']);
    assert.equal(t.cells[1][4], '80.0 (80.0–80.0)');
    const fig = budgetChart(curves, { title: 'b', yTitle: 'acc', scale: 100 });
    assert.deepEqual((fig.layout.xaxis as Record<string, unknown>).tickvals, [1, 2, 4]);
    assert.throws(() => trialPools(records, { metric: 'testAccuracy', failedScore: NaN }), /failedScore/);
  });
});

describe('Karate split per seed', () => {
  it('draws a split per seed in the Karate experiments, and says so in the spec', () => {
    for (const id of ['seed003-karate', 'seed003-karate-conv1d', 'lr-sensitivity-karate', 'time-to-target-karate', 'tuning-grid-karate']) {
      const runs = planRuns(getExperiment(id), 'default');
      for (const r of runs) assert.equal(r.data.dataset === 'karate' && r.data.splitSeed, r.seed, `${id}: split seed = run seed`);
      assert.ok(getExperiment(id).assumptions.some((a) => a.includes('own train/test split')), `${id} states what its band covers`);
    }
    const seeds = new Set(planRuns(getExperiment('seed003-karate'), 'default').map((r) => r.data.dataset === 'karate' && r.data.splitSeed));
    assert.ok(seeds.size >= 5);
  });
  it('refuses a per-seed split on data that has none', () => {
    const spec = getExperiment('time-to-target-mlp');
    const bad: ExperimentSpec = { ...spec, profiles: { ...spec.profiles, smoke: { ...spec.profiles.smoke, splitPerSeed: true } } };
    assert.throws(() => planRuns(bad, 'smoke'), /splitPerSeed/);
  });
});

describe('choose table', () => {
  it('puts sensitivity, time to target and budget beside the folklore, and tags each claim with its measurement', () => {
    const sweep = [
      rec({ series: 'sgd-0.1', optimizer: 'sgd', acc: [0.6, 0.9], hp: { learningRate: 0.1 } }),
      rec({ series: 'sgd-1', optimizer: 'sgd', acc: [0.1, 0.1], hp: { learningRate: 1 }, status: 'diverged', divergedAt: 1 }),
      rec({ series: 'adam-0.001', optimizer: 'adam', acc: [0.85, 0.88], hp: { learningRate: 0.001 } }),
      rec({ series: 'adam-0.01', optimizer: 'adam', acc: [0.85, 0.88], hp: { learningRate: 0.01 } }),
    ];
    const choice = chooseOptimizer(sweep);
    const times = timeToTarget([
      rec({ series: 'sgd', optimizer: 'sgd', acc: [0.6, 0.7] }),
      rec({ series: 'adam', optimizer: 'adam', acc: [0.92, 0.95], seconds: [3, 3] }),
    ], TARGET);
    const curves = budgetCurves(trialPools(sweep, { metric: 'testAccuracy', failedScore: 0.1 }), [1, 16]);
    const t = seed002Table([{
      task: 'MNIST', scale: 100, sensitivity: { verdicts: choice.verdicts, source: 'lr-sensitivity-mlp' },
      timeToTarget: { times, target: TARGET, source: 'time-to-target-mlp' }, budget: { curves, source: 'lr-sensitivity-mlp' },
    }], ['sgd', 'adam']);
    const [sgd, adam] = t.cells;
    assert.equal(sgd[0], 'SGD');
    assert.match(sgd[4], /MNIST: good over 0\.0 decades \(#2\/2 widest\), best 90\.0 at lr 0\.1; 1\/2 diverged/);
    assert.match(sgd[5], /missed 90% test accuracy \(0\/1 seeds/);
    assert.match(sgd[7], /misses 90% test accuracy on MNIST \[T\]/);
    assert.match(sgd[7], /best final score on MNIST at its best rate \[S\]/);
    assert.match(adam[5], /in 10 steps, 3\.0 s \(#1\/2/);
    assert.match(adam[7], /most forgiving learning rate on MNIST \[S\]/);
    assert.match(adam[7], /fastest to 90% test accuracy on MNIST \[T\]/);
    // Adam: 0.88 for sure; SGD: 0.9 or 0.1 → E1 = 0.5, E16 ≈ 0.9: Adam wins one trial, SGD sixteen.
    assert.match(adam[7], /best bet with a single untuned trial on MNIST \[B\]/);
    assert.match(sgd[7], /best with 16 trials on MNIST \[B\]/);
    assert.ok(t.notes.some((n) => n.startsWith('[T]') && n.includes('time-to-target-mlp')));
    assert.throws(() => seed002Table([], ['sgd']), /no measurements/);
  });
});
