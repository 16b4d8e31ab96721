import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getOptimizerInfo, resolveHyperparams } from '../src/optimizers';
import { EXPERIMENTS, EXPERIMENT_IDS, getExperiment, planRuns, PROFILE_NAMES, estimateSeconds } from '../src/experiments';

test('every spec is valid under every profile, and its hyperparameters are accepted by the optimizer', () => {
  assert.equal(new Set(EXPERIMENT_IDS).size, EXPERIMENT_IDS.length);
  for (const spec of EXPERIMENTS) {
    for (const profile of PROFILE_NAMES) {
      const runs = planRuns(spec, profile);
      assert.equal(runs.length, spec.series.length * spec.profiles[profile].seeds.length);
      for (const r of runs) {
        assert.doesNotThrow(() => resolveHyperparams(`${spec.id}/${r.series}`, getOptimizerInfo(r.optimizer).defaults, r.hyperparams));
      }
    }
  }
});

test('reference numbers name real series', () => {
  for (const spec of EXPERIMENTS) {
    const ids = new Set(spec.series.map((s) => s.id));
    const ref = spec.reference;
    if (!ref) continue;
    const named = ref.kind === 'final-test-accuracy' ? Object.keys(ref.values)
      : ref.kind === 'validation-at-epochs' ? Object.keys(ref.rows)
        : ref.kind === 'validation-curves' ? ref.curves.map((c) => c.series) : [];
    for (const id of named) assert.ok(ids.has(id), `${spec.id}: reference names unknown series "${id}"`);
    if (ref.kind === 'validation-curves') for (const c of ref.curves) assert.equal(c.loss.length, c.accuracy.length);
  }
});

test('the seeds\' numbers and settings are recorded exactly', () => {
  const s0 = getExperiment('seed000').reference;
  assert.deepEqual(s0, { kind: 'final-test-accuracy', values: { 'sgd-ours': 0.9468, 'sgd-tfjs': 0.9524, 'momentum-ours': 0.9758, 'momentum-tfjs': 0.9791, 'adam-ours': 0.9756, 'adam-tfjs': 0.9796 } });
  const s1 = getExperiment('seed001');
  assert.ok(s1.reference?.kind === 'validation-at-epochs');
  assert.deepEqual(s1.reference.rows.adam.accuracy, [0.9772, 0.9884, 0.9908]);
  assert.equal(s1.reference.rows.rmsprop.totalSeconds, 601);
  assert.deepEqual(s1.series.find((s) => s.id === 'adagrad')!.hyperparams, { learningRate: 0.001, initialAccumulatorValue: 0.1, epsilon: 1e-7 });
  assert.ok(s1.series.every((s) => s.model === 'cnn' && s.batchSize === 64));
  const s3 = getExperiment('seed003-mnist');
  assert.deepEqual(s3.series.map((s) => s.batchSize), ['full', 1, 64, 64, 64, 64, 64, 64, 64]);
  assert.ok(s3.series.every((s) => s.hyperparams.learningRate === 0.01 && s.model === 'mlp-500-linear'));
  const lrs = (id: string) => getExperiment(id).series.filter((s) => s.group !== 'SGD + momentum 0.5 (logged)').map((s) => s.hyperparams.learningRate);
  assert.deepEqual(lrs('seed004-sgd-lr'), [0.04, 0.01, 0.005, 0.001, 0.0005]);
  assert.deepEqual(lrs('seed004-adam-lr'), [0.035, 0.001, 0.0005, 0.00025]);
  assert.deepEqual(lrs('seed004-rmsprop-lr'), [0.01, 0.001, 0.00025, 1e-5]);
  assert.deepEqual(getExperiment('seed004-adadelta-rho').series.map((s) => s.hyperparams.rho), [0.01, 0.9]);
  const betas = getExperiment('seed004-adam-betas').series.map((s) => [s.hyperparams.beta1, s.hyperparams.beta2]);
  assert.ok(betas.some(([b1, b2]) => b1! > b2!), 'a β1 > β2 variant');
  assert.ok(betas.some(([b1, b2]) => b1 === 0.01 && b2 === 0.01));
  const rms = getExperiment('seed004-rmsprop-lr').reference;
  assert.ok(rms?.kind === 'validation-curves');
  assert.deepEqual(rms.curves.find((c) => c.series === 'rmsprop-lr0.01')!.accuracy, Array(10).fill(0.1135));
});

test('profiles: smoke is tiny with one seed; full is the seeds\' exact setting with ≥ 3 seeds', () => {
  for (const spec of EXPERIMENTS) {
    const smoke = spec.profiles.smoke;
    assert.deepEqual(smoke.seeds, [0], spec.id);
    assert.ok(smoke.epochs <= 2, spec.id);
    if (smoke.data.dataset === 'mnist') assert.ok(smoke.data.train <= 1000, spec.id);
    const full = spec.profiles.full;
    assert.ok(full.seeds.length >= 3, spec.id);
    if (spec.seed && full.data.dataset === 'mnist') {
      assert.deepEqual([full.data.train, full.data.test, full.epochs], [60000, 10000, 10], spec.id);
    }
  }
  // Smoke runs everything in a few minutes even on one core.
  const smokeSeconds = EXPERIMENTS.flatMap((s) => planRuns(s, 'smoke')).reduce((a, c) => a + estimateSeconds(c), 0);
  assert.ok(smokeSeconds < 300, `smoke estimate ${smokeSeconds}s`);
});
