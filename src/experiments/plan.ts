// From specs to runs: a spec × a profile → run configs (series × seeds), validated, with a time
// estimate from measured throughput on this machine.
import { MODEL_NAMES } from '../models';
import { isOptimizerName } from '../optimizers/registry';
import { PROFILE_NAMES, type ExperimentSpec, type ProfileName, type RunConfig, type SeriesSpec } from './types';

export function parseProfile(name: string): ProfileName {
  if (!(PROFILE_NAMES as readonly string[]).includes(name)) {
    throw new Error(`Unknown profile "${name}". Valid profiles: ${PROFILE_NAMES.join(', ')}.`);
  }
  return name as ProfileName;
}

/** Structural checks a spec must pass before any run starts (a typo fails fast, naming the series). */
export function validateSpec(spec: ExperimentSpec): void {
  const ids = new Set<string>();
  for (const s of spec.series) {
    const where = `Experiment "${spec.id}", series "${s.id}"`;
    if (ids.has(s.id)) throw new Error(`${where}: duplicate series id.`);
    ids.add(s.id);
    if (!isOptimizerName(s.optimizer)) throw new Error(`${where}: unknown optimizer "${s.optimizer}".`);
    if (!(MODEL_NAMES as readonly string[]).includes(s.model)) throw new Error(`${where}: unknown model "${s.model}". Valid: ${MODEL_NAMES.join(', ')}.`);
  }
  for (const p of PROFILE_NAMES) {
    const settings = spec.profiles[p];
    if (!settings || !settings.seeds.length || !(settings.epochs >= 1)) throw new Error(`Experiment "${spec.id}": profile "${p}" needs ≥ 1 epoch and ≥ 1 seed.`);
  }
}

function runOf(spec: ExperimentSpec, s: SeriesSpec, profile: ProfileName, seed: number): RunConfig {
  const p = spec.profiles[profile];
  const config: RunConfig = {
    experiment: spec.id,
    series: s.id,
    model: s.model,
    optimizer: s.optimizer,
    implementation: s.implementation ?? 'ours',
    hyperparams: { ...s.hyperparams },
    batchSize: s.batchSize,
    epochs: p.epochs,
    seed,
    data: { ...p.data },
  };
  if (s.schedule) config.schedule = { ...s.schedule };
  if (s.tracePoints) config.tracePoints = s.tracePoints;
  if (s.evaluateTrain) config.evaluateTrain = true;
  return config;
}

/** Every run of `spec` under `profile`: series in spec order, seeds inner. */
export function planRuns(spec: ExperimentSpec, profile: ProfileName): RunConfig[] {
  validateSpec(spec);
  return spec.series.flatMap((s) => spec.profiles[profile].seeds.map((seed) => runOf(spec, s, profile, seed)));
}

export function seriesLabel(spec: ExperimentSpec, seriesId: string): string {
  return spec.series.find((s) => s.id === seriesId)?.label ?? seriesId;
}

/**
 * Seconds per training example and per evaluated example for each model, and per optimizer step,
 * measured on this 2-core machine (wasm backend, one process per core, both busy; see the README's
 * budget table). Used only for estimates and ETAs, never for results.
 */
export const THROUGHPUT = {
  trainPerExample: { 'mlp-128-64': 1 / 9000, 'mlp-500-linear': 1 / 3500, cnn: 1 / 300, gcn: 1 / 5000, 'karate-conv1d': 1 / 5000 },
  evalPerExample: { 'mlp-128-64': 1 / 60000, 'mlp-500-linear': 1 / 30000, cnn: 1 / 800, gcn: 1 / 20000, 'karate-conv1d': 1 / 20000 },
  /** Fixed cost of one optimizer step (dominates at batch 1). */
  perStep: { 'mlp-128-64': 0.0015, 'mlp-500-linear': 0.004, cnn: 0.004, gcn: 0.0025, 'karate-conv1d': 0.0025 },
  /** Per run: process-side set-up, model creation, record writing. */
  perRun: 0.3,
} as const;

const KARATE_PAIRS = { train: 124, test: 32 }; // 62 + 62 training, 16 + 16 test pairs at testFraction 0.2

/** Estimated seconds for one run on one core of this machine. */
export function estimateSeconds(config: RunConfig): number {
  const n = config.data.dataset === 'mnist' ? { train: config.data.train, test: config.data.test } : KARATE_PAIRS;
  const batch = config.batchSize === 'full' ? n.train : Math.min(config.batchSize, n.train);
  const steps = Math.ceil(n.train / batch);
  const evalExamples = n.test + (config.evaluateTrain ? n.train : 0);
  const epoch = n.train * THROUGHPUT.trainPerExample[config.model] + steps * THROUGHPUT.perStep[config.model]
    + evalExamples * THROUGHPUT.evalPerExample[config.model];
  return THROUGHPUT.perRun + config.epochs * epoch;
}
