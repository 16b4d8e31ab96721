// Unit tests of src/notebook-support: the helpers the notebooks call (no kernel; a few seconds).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/backend';
import { KARATE_EDGES, KARATE_NUM_NODES, loadKarateLinkSplit } from '../src/data/karate';
import { OPTIMIZER_NAMES, getOptimizerInfo, type OptimizerName } from '../src/optimizers';
import type { RunConfig, RunRecord, SeriesSpec } from '../src/experiments/types';
import { getExperiment } from '../src/experiments/specs';
import { OPTIMIZER_COLORS, lineChart } from '../src/display';
import {
  FAMILY_LANDSCAPES, TRAJECTORY_LEARNING_RATES, familyTrajectories, forceLayout, karateGraphFigure, lossTraceSeries,
  chooseOptimizer, chooseHighlights, highlightsMarkdown, formatInterval, meanWithBand, sweepFinalTable, metricSeries, sweepCurveSeries, activeTfjsDifferences, implementationRows, implementationTable, implementationDifferenceFigure, seed000Comparison, sweepSeries, optimizerMathMarkdown, prosConsMarkdown, ruleSource, ruleSourceMarkdown, seedNotesMarkdown,
  stepByStep, stepByStepTable, trajectorySummaryTable,
} from '../src/notebook-support';

before(async () => {
  await initBackend();
});

describe('optimizer docs', () => {
  it('reads every rule from its source file, and the code is the rule the registry names', () => {
    for (const name of OPTIMIZER_NAMES) {
      const src = ruleSource(name);
      assert.equal(src.file, getOptimizerInfo(name).sourceFile);
      assert.match(src.code, /export const \w+Rule/);
      assert.match(src.code, /update\(/, `${name}: the excerpt must contain the update function`);
      assert.doesNotMatch(src.code, /Info: OptimizerInfo/, `${name}: the metadata is not part of the excerpt`);
      assert.match(ruleSourceMarkdown(name), /```ts\n[\s\S]+\n```/);
    }
  });
  it('renders the registry LaTeX verbatim, every seed note and the pros and cons', () => {
    for (const name of OPTIMIZER_NAMES) {
      const info = getOptimizerInfo(name);
      assert.ok(optimizerMathMarkdown(name).includes(`$$\n${info.latex.trim()}\n$$`));
      const notes = seedNotesMarkdown(name);
      for (const n of info.seedNotes) assert.ok(notes.includes(n.writes.trim()) && notes.includes(`Seed ${n.seed}`));
      for (const p of [...info.pros, ...info.cons]) assert.ok(prosConsMarkdown(name).includes(p));
    }
  });
});

describe('stepByStep', () => {
  it('SGD: θ ← θ − η a⊙θ, by hand', async () => {
    const r = await stepByStep('sgd', { steps: 2, hp: { learningRate: 0.1 } });
    assert.deepEqual(r.steps[0].grad, [1, 10]);
    assert.ok(Math.abs(r.steps[0].next[0] - 0.9) < 1e-6 && Math.abs(r.steps[0].next[1]) < 1e-6);
    assert.ok(Math.abs(r.steps[1].next[0] - 0.81) < 1e-6);
  });
  it('Adam: the first step is ±η whatever the gradient scale; m and v are read back from the optimizer', async () => {
    const r = await stepByStep('adam', { steps: 2 });
    assert.ok(Math.abs(r.steps[0].next[0] - 0.9) < 1e-5 && Math.abs(r.steps[0].next[1] - 0.9) < 1e-5);
    assert.ok(Math.abs(r.steps[0].state.m[1] - 1.0) < 1e-6); // (1 − 0.9)·10
    assert.ok(Math.abs(r.steps[0].state.v[1] - 0.1) < 1e-6); // (1 − 0.999)·100
    const t = stepByStepTable(r);
    assert.deepEqual(t.columns.map((c) => c.label), ['t', 'θ before', 'gradient g', 'state m', 'state v', 'θ after']);
  });
  it('leaks no tensors and rejects bad input clearly', async () => {
    await stepByStep('rmsprop', { steps: 1 });
    const n = tf.memory().numTensors;
    await stepByStep('rmsprop', { steps: 3 });
    assert.equal(tf.memory().numTensors, n);
    await assert.rejects(stepByStep('sgd', { start: [1], curvature: [1, 2] }), /same non-zero length/);
    await assert.rejects(stepByStep('sgd', { steps: 0 }), /steps must be an integer/);
  });
});

describe('trajectory presets', () => {
  it('has a rate for every optimizer on every landscape', () => {
    for (const id of FAMILY_LANDSCAPES) for (const name of OPTIMIZER_NAMES) assert.ok(TRAJECTORY_LEARNING_RATES[id][name] > 0);
  });
  it('runs each optimizer at its preset rate and summarises where it ended', () => {
    const paths = familyTrajectories('ravine', ['momentum', 'adam'], { steps: 60 });
    assert.deepEqual(paths.map((p) => p.optimizer), ['momentum (lr 0.1)', 'adam (lr 0.3)']);
    const t = trajectorySummaryTable('ravine', paths);
    assert.equal(t.cells.length, 2);
    assert.throws(() => familyTrajectories('bowl' as never, ['sgd']), /landscape must be one of/);
  });
});

describe('karate graph', () => {
  it('lays the graph out deterministically inside [-1, 1]²', () => {
    const a = forceLayout(KARATE_NUM_NODES, KARATE_EDGES);
    const b = forceLayout(KARATE_NUM_NODES, KARATE_EDGES);
    assert.deepEqual(a, b);
    for (const v of [...a.x, ...a.y]) assert.ok(v >= -1 - 1e-9 && v <= 1 + 1e-9);
    assert.throws(() => forceLayout(3, [[0, 5]]), /outside 0\.\.2/);
  });
  it('draws every edge of the split once', () => {
    const split = loadKarateLinkSplit({ seed: 0 });
    const fig = karateGraphFigure(split);
    const segments = fig.data.filter((t) => t.mode === 'lines').reduce((s, t) => s + (t.x as unknown[]).length / 3, 0);
    assert.equal(segments, split.messagePassingEdges.length + split.testPositive.length + split.trainNegative.length + split.testNegative.length);
  });
});

describe('experiment views', () => {
  const rec = (series: string, seed: number, acc: number[], trace?: number[]): RunRecord => ({
    schema: 1, hash: `${series}${seed}`, experiment: 'x', series, label: series.toUpperCase(), profile: 'smoke',
    config: { experiment: 'x', series, model: 'mlp-128-64', optimizer: 'sgd', implementation: 'ours', hyperparams: {}, batchSize: 64, epochs: acc.length, seed, data: { dataset: 'mnist', train: 100, test: 100, subsetSeed: 0 } },
    resolvedHyperparams: {}, status: 'ok',
    epochs: acc.map((a, i) => ({ epoch: i + 1, trainLoss: 1, trainAccuracy: a, testLoss: 1, testAccuracy: a, learningRate: 0.1, trainSeconds: 1, evalSeconds: 0 })),
    lossTrace: trace?.map((loss, i) => ({ step: (i + 1) * 2, epoch: 1, loss })),
    totalSteps: 4 * acc.length, wallSeconds: 1, backend: { name: 'cpu' } as RunRecord['backend'], fingerprint: {}, createdAt: '',
  });
  it('bands only series with several seeds', () => {
    const s = metricSeries([rec('a', 0, [0.5, 0.6]), rec('a', 1, [0.7, 0.8]), rec('b', 0, [0.1, 0.2])], 'testAccuracy', { scale: 100 });
    assert.deepEqual(s[0].mean, [60, 70]);
    assert.ok(s[0].lo && s[0].hi && s[0].lo[0] < 60);
    assert.equal(s[1].lo, undefined);
  });
  it('puts loss traces on an epoch axis', () => {
    const [s] = lossTraceSeries([rec('a', 0, [0.5], [2, 1])]);
    assert.deepEqual(s.x, [0.5, 1]);
    assert.deepEqual(s.mean, [2, 1]);
  });
  it('chooses from a learning-rate sweep: best rate, speed, good range, divergences', () => {
    const sweep = (optimizer: 'sgd' | 'adam', lr: number, acc: number[], status: RunRecord['status'] = 'ok') => {
      const r = rec(`${optimizer}-${lr}`, 0, acc);
      r.config = { ...r.config, optimizer, hyperparams: { learningRate: lr } };
      r.status = status;
      return r;
    };
    const { verdicts, threshold } = chooseOptimizer([
      sweep('sgd', 0.01, [0.5, 0.8]), sweep('sgd', 0.1, [0.7, 0.9]), sweep('sgd', 1, [0.1], 'diverged'),
      sweep('adam', 0.001, [0.85, 0.89]), sweep('adam', 0.01, [0.88, 0.895]),
    ]);
    assert.ok(Math.abs(threshold - 0.95 * 0.9) < 1e-12);
    const [sgd, adam] = verdicts;
    assert.equal(sgd.optimizer, 'sgd');
    assert.equal(sgd.bestLearningRate, 0.1);
    assert.equal(sgd.epochsToThreshold, 2);
    assert.deepEqual(sgd.divergedRates, [1]);
    assert.equal(sgd.diverged, 1);
    assert.equal(adam.epochsToThreshold, 1);
    assert.deepEqual(adam.goodRates, [0.001, 0.01]);
    assert.equal(adam.goodRangeDecades, 1);
  });
  it('highlights a sweep: best, widest good range, fastest, most divergences (ties to the better score)', () => {
    const v = (optimizer: OptimizerName, best: number, goodRangeDecades: number, epochsToThreshold: number | null, diverged: number) =>
      ({ optimizer, best, bestLearningRate: 0.1, epochsToThreshold, goodRates: [0.1], goodRangeDecades, runs: 4, diverged, divergedRates: diverged ? [1] : [] });
    const result = { threshold: 0.9, verdicts: [v('adam', 0.97, 1, 3, 0), v('sgd', 0.95, 2, 2, 1), v('lion', 0.93, 2, 2, 3), v('adagrad', 0.5, 0, null, 0)] };
    const h = chooseHighlights(result);
    assert.deepEqual([h.best.optimizer, h.widest.optimizer, h.fastest?.optimizer, h.fragile.optimizer], ['adam', 'sgd', 'sgd', 'lion']);
    assert.equal(chooseHighlights({ threshold: 1, verdicts: [v('adam', 0.5, 0, null, 0)] }).fastest, null);
    const md = highlightsMarkdown(result, result, 'smoke');
    assert.match(md, /Best on MNIST: \*\*Adam\*\* \(97\.00% at lr 0\.1\)/);
    assert.match(md, /Most forgiving learning rate on MNIST: \*\*SGD\*\*, good over 2\.0 decades/);
    assert.match(md, /Most divergences on MNIST: \*\*Lion\*\* \(3 of 4 runs/);
    assert.match(md, /meaningless at this size/);
  });
  it('formats an interval as mean ± half-width and gives a series its band only with several seeds', () => {
    assert.equal(formatInterval({ mean: 0.912, lower: 0.9085, upper: 0.9155, n: 3 }, 100), '91.20 ± 0.35');
    assert.equal(formatInterval({ mean: 0.5, lower: 0.5, upper: 0.5, n: 1 }, 1, 3), '0.500');
    assert.equal(formatInterval(undefined), '—');
    assert.equal(formatInterval({ mean: NaN, lower: NaN, upper: NaN, n: 0 }), '—');
    assert.deepEqual(meanWithBand([{ mean: 1, lower: 0, upper: 2, n: 2 }, { mean: 3, lower: 3, upper: 3, n: 1 }], 10), { mean: [10, 30], lo: [0, 30], hi: [20, 30] });
    assert.deepEqual(meanWithBand([{ mean: 1, lower: 1, upper: 1, n: 1 }]), { mean: [1] });
  });
  it('puts the seed\'s numbers beside ours and computes the gaps', () => {
    const spec = {
      id: 'seed000', title: 't', seed: '000', reproduces: '', description: '', assumptions: [], profiles: {} as never,
      series: [
        { id: 'sgd-ours', label: 'Custom SGD', model: 'mlp-128-64', optimizer: 'sgd', implementation: 'ours', hyperparams: {}, batchSize: 32, group: 'SGD', params: { learningRate: 0.01 } },
        { id: 'sgd-tfjs', label: 'TensorFlow SGD', model: 'mlp-128-64', optimizer: 'sgd', implementation: 'tfjs', hyperparams: {}, batchSize: 32, group: 'SGD' },
      ],
      reference: { kind: 'final-test-accuracy', values: { 'sgd-ours': 0.9, 'sgd-tfjs': 0.95 } },
    } as unknown as Parameters<typeof seed000Comparison>[0]['spec'];
    const data = { spec, profile: 'smoke' as const, records: [rec('sgd-ours', 0, [0.8, 0.92]), rec('sgd-tfjs', 0, [0.8, 0.93])] };
    const { table: t, gaps } = seed000Comparison(data);
    assert.deepEqual(t.cells[0].slice(0, 3), ['SGD', '92.00', '93.00']);
    assert.equal(gaps.length, 2);
    assert.ok(Math.abs(gaps[0].difference - 2) < 1e-9 && Math.abs(gaps[1].difference + 2) < 1e-9);
    const [line] = sweepSeries(data, 'learningRate', 'testAccuracy', 100);
    assert.deepEqual(line.x, [0.01]);
  });
  /** A record of each spec series, as the runner would write it (config copied from the spec). */
  const specRecords = (id: string, acc = [0.5, 0.6]): RunRecord[] => getExperiment(id).series.map((s: SeriesSpec) => {
    const r = rec(s.id, 0, acc, [2, 1]);
    r.experiment = id;
    r.label = s.label;
    r.config = { ...r.config, experiment: id, model: s.model, optimizer: s.optimizer, implementation: s.implementation ?? 'ours', hyperparams: { ...s.hyperparams } as RunConfig['hyperparams'], batchSize: s.batchSize };
    return r;
  });
  const lineStyles = (fig: ReturnType<typeof lineChart>) => (fig.data as Record<string, any>[]).filter((t) => t.fill !== 'toself').map((t) => ({ name: t.name as string, color: t.line.color as string, dash: t.line.dash as string }));
  it('styles series by the run\'s optimizer, not its label: seed 003\'s nine curves all look different, momentum is momentum\'s green', () => {
    const records = specRecords('seed003-mnist');
    for (const series of [metricSeries(records, 'testAccuracy'), lossTraceSeries(records)]) {
      const styles = lineStyles(lineChart({ title: 't', xTitle: 'x', yTitle: 'y', series }));
      assert.equal(styles.length, 9);
      assert.equal(new Set(styles.map((s) => `${s.color} ${s.dash}`)).size, 9, JSON.stringify(styles));
      assert.equal(styles.find((s) => s.name === 'Momentum')!.color, OPTIMIZER_COLORS.momentum);
      assert.equal(styles.find((s) => s.name === 'NAG')!.color, OPTIMIZER_COLORS.nesterov);
      assert.equal(styles.find((s) => s.name === 'Adam')!.color, OPTIMIZER_COLORS.adam);
    }
    const seed001 = lineStyles(lineChart({ title: 't', xTitle: 'x', yTitle: 'y', series: metricSeries(specRecords('seed001'), 'testAccuracy') }));
    assert.equal(seed001.find((s) => s.name === 'SGD with momentum')!.color, OPTIMIZER_COLORS.momentum);
    assert.equal(seed001.find((s) => s.name === 'SGD')!.color, OPTIMIZER_COLORS.sgd);
    // Ours and the tfjs built-in of one row: one colour, solid vs dashed.
    const s000 = lineStyles(lineChart({ title: 't', xTitle: 'x', yTitle: 'y', series: metricSeries(specRecords('seed000'), 'testAccuracy') }));
    const adam = s000.filter((s) => /adam/i.test(s.name));
    assert.deepEqual(adam.map((s) => [s.color, s.dash]), [[OPTIMIZER_COLORS.adam, 'solid'], [OPTIMIZER_COLORS.adam, 'dash']]);
  });
  it('draws a sweep\'s settings in distinct shades and each seed log dotted in its setting\'s colour', () => {
    const id = 'seed004-rmsprop-lr';
    const spec = getExperiment(id);
    const styles = lineStyles(lineChart({ title: 't', xTitle: 'x', yTitle: 'y', series: sweepCurveSeries({ spec, profile: 'smoke', records: specRecords(id) }, 'accuracy') }));
    assert.equal(new Set(styles.map((s) => `${s.color} ${s.dash}`)).size, styles.length, JSON.stringify(styles));
    const logs = styles.filter((s) => s.name.startsWith('seed 004 log: '));
    assert.ok(logs.length > 0);
    for (const log of logs) {
      assert.equal(log.dash, 'dot');
      const ours = styles.find((s) => s.name === log.name.slice('seed 004 log: '.length).replace(/ \(log \d+\)$/, ''))!;
      if (!/\(log \d+\)$/.test(log.name)) assert.equal(log.color, ours.color, `${log.name} is drawn in its run's colour`);
    }
  });
  it('sweeps: any metric (test AUC too) on a log x axis; the final table takes each setting\'s own seed log', () => {
    const id = 'seed004-rmsprop-lr';
    const spec = getExperiment(id);
    const records = specRecords(id, [0.5, 0.6]).map((r, i) => {
      r.epochs = r.epochs.map((e) => ({ ...e, testAuc: 0.1 * (i + 1) }));
      return r;
    });
    const data = { spec, profile: 'smoke' as const, records };
    const [line] = sweepSeries(data, 'learningRate', 'testAuc');
    const aucAt = new Map(spec.series.map((s, i) => [s.params!.learningRate, 0.1 * (i + 1)]));
    assert.deepEqual(line.mean, Array.from(line.x).map((lr) => aucAt.get(lr)));
    assert.deepEqual(Array.from(line.x), [...aucAt.keys()].sort((a, b) => (a as number) - (b as number)));
    const fig = lineChart({ title: 't', xTitle: 'lr', yTitle: 'auc', series: [line], logX: true });
    assert.equal((fig.layout.xaxis as Record<string, unknown>).type, 'log');
    assert.notEqual((lineChart({ title: 't', xTitle: 'lr', yTitle: 'auc', series: [line] }).layout.xaxis as Record<string, unknown>).type, 'log');
    const t = sweepFinalTable(data, 'caption');
    const ref = spec.reference?.kind === 'validation-curves' ? spec.reference.curves : [];
    assert.equal(t.cells.length, spec.series.length);
    spec.series.forEach((s, i) => {
      const log = ref.find((c) => c.series === s.id);
      assert.equal(t.cells[i][0], s.label);
      assert.equal(t.cells[i][3], log ? (log.accuracy.at(-1)! * 100).toFixed(2) : '—', s.id);
    });
    assert.ok(ref.length > 0);
  });
  it('ours vs tfjs: only the documented differences that act at equal hyperparameters count, decided by data', () => {
    const subjects = (name: OptimizerName) => activeTfjsDifferences(name).map((d) => d.subject);
    for (const name of ['sgd', 'momentum', 'nesterov'] as const) assert.deepEqual(subjects(name), [], name);
    assert.deepEqual(subjects('adadelta'), ['accumulator']);
    for (const name of ['adagrad', 'rmsprop', 'adamax'] as const) assert.deepEqual(subjects(name), ['epsilon'], name);
    assert.deepEqual(subjects('adam'), ['bias-correction']);
    assert.throws(() => activeTfjsDifferences('lion'), /tfjs has no built-in "lion"/);
    // The verdict reads `acts`, not the sentence: rewording a difference changes nothing, re-classifying it does.
    const adam = getOptimizerInfo('adam').tfjs!;
    const saved = adam.differences;
    try {
      adam.differences = saved.map((d) => ({ ...d, text: 'reworded' }));
      assert.deepEqual(subjects('adam'), ['bias-correction']);
      adam.differences = saved.map((d) => ({ ...d, acts: d.subject === 'bias-correction' ? 'builtin-default' : d.acts }));
      assert.deepEqual(subjects('adam'), []);
    } finally {
      adam.differences = saved;
    }
  });
  it('ours vs tfjs: paired differences by seed, noise vs gap, explained or not', () => {
    const id = 'ours-vs-tfjs';
    const spec = getExperiment(id);
    // Final accuracy per seed: ours, then the built-in; differences in pp.
    const finals: Record<string, [number[], number[]]> = {
      sgd: [[0.90, 0.91, 0.92], [0.901, 0.908, 0.92]], // −0.1, +0.2, 0: noise
      momentum: [[0.95, 0.96, 0.97], [0.94, 0.948, 0.959]], // +1, +1.2, +1.1: a gap nothing documents
      adadelta: [[0.93, 0.94, 0.95], [0.91, 0.915, 0.92]], // +2, +2.5, +3: a gap with a documented cause
    };
    const records = spec.series.filter((s) => s.optimizer in finals).flatMap((s) => [0, 1, 2].map((seed) => {
      const acc = finals[s.optimizer][s.implementation === 'tfjs' ? 1 : 0][seed];
      const r = rec(s.id, seed, [0.5, acc]);
      r.label = s.label;
      r.config = { ...r.config, optimizer: s.optimizer, implementation: s.implementation ?? 'ours', hyperparams: { ...s.hyperparams } as RunConfig['hyperparams'] };
      return r;
    }));
    const data = { spec, profile: 'default' as const, records };
    const rows = implementationRows(data);
    assert.deepEqual(rows.map((r) => [r.optimizer, r.beyondNoise]), [['sgd', false], ['momentum', true], ['adadelta', true]]);
    assert.ok(Math.abs(rows[1].difference.mean - 1.1) < 1e-9);
    assert.match(rows[0].verdict, /no gap beyond seed noise/);
    assert.match(rows[1].verdict, /not explained/);
    assert.match(rows[2].verdict, /candidate explanation: 1 documented/);
    const t = implementationTable(data, rows);
    assert.equal(t.cells.length, 3);
    assert.match(t.cells[1][3], /^1\.10 ± /);
    assert.ok(t.notes.some((n) => n.startsWith('• AdaDelta')), t.notes.join('\n'));
    const bars = implementationDifferenceFigure(data, rows).data[0] as Record<string, any>;
    assert.deepEqual(bars.marker.color, [OPTIMIZER_COLORS.sgd, OPTIMIZER_COLORS.momentum, OPTIMIZER_COLORS.adadelta]);
    assert.ok(bars.error_y.array.every((h: number) => h > 0));
    // One seed: no interval, no verdict on noise.
    const one = implementationRows({ ...data, records: records.filter((r) => r.config.seed === 0) });
    assert.ok(one.every((r) => r.beyondNoise === null && /one seed/.test(r.verdict)));
  });
});
