// From specs to runs: a spec × a profile → run configs (series × seeds), validated, with a time
// estimate from measured throughput on this machine.
import { MODEL_NAMES } from '../models';
import { isOptimizerName } from '../optimizers/registry';
import { planHyperparams } from './spec-hyperparams';
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
    if (settings.splitPerSeed && settings.data.dataset !== 'karate') throw new Error(`Experiment "${spec.id}": profile "${p}" sets splitPerSeed, which only Karate data has.`);
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
    hyperparams: planHyperparams(s.hyperparams, { data: p.data, batchSize: s.batchSize, epochs: p.epochs }),
    batchSize: s.batchSize,
    epochs: p.epochs,
    seed,
    // The record names the split it trained on, so a per-seed split is as explicit as a fixed one.
    data: p.splitPerSeed && p.data.dataset === 'karate' ? { ...p.data, splitSeed: seed } : { ...p.data },
  };
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
 * Cost model of a run on this machine (2 cores, wasm backend with the project's patches), fitted to
 * CPU-time measurements of real runs (executeRun) at batch 1, 64 and full batch, times 1.15 for two
 * workers sharing the memory system. Used for `list` estimates and ETAs only, never for results.
 */
const CONTENTION = 1.15;
export const THROUGHPUT = {
  // Re-fitted on 2 December 2026 from the cold default run on the final issue-12 kernels (590 runs, 2
  // workers): each model's constants scaled by its median recorded/estimated wall time
  // (`node --import tsx scripts/cost-model-check.ts`: cnn 0.52, mlp-128-64 0.38, mlp-500-linear 0.41,
  // gcn 0.48, karate-conv1d 0.76 of the previous constants). Then the CNN's training constants × 0.8
  // for the round after (im2col convolution, one-kernel dropout, one-pass pool backward): its step ran
  // 0.77× as long as before on one machine, side by side, and a cold run on that (1.5× slower) machine
  // recorded 1.20× the old estimate, i.e. 0.8× once the machine is accounted for.
  /** Seconds per training example (forward + backward), beyond the per-step cost. */
  trainPerExample: { 'mlp-128-64': 13.7e-6, 'mlp-500-linear': 53e-6, cnn: 0.29e-3, gcn: 0, 'karate-conv1d': 15e-6 },
  /** Fixed seconds per optimizer step, averaged over optimizers (dominates at batch 1). */
  perStep: { 'mlp-128-64': 0.42e-3, 'mlp-500-linear': 0.43e-3, cnn: 1.25e-3, gcn: 0.29e-3, 'karate-conv1d': 0.84e-3 },
  /** Seconds per evaluated example (eval mode, batches of 1000). */
  evalPerExample: { 'mlp-128-64': 3.4e-6, 'mlp-500-linear': 11e-6, cnn: 99e-6, gcn: 1.9e-6, 'karate-conv1d': 4.9e-6 },
  /** Per run: model creation, optimizer, record writing (data loading is cached per worker). */
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
  return THROUGHPUT.perRun + CONTENTION * config.epochs * epoch;
}
