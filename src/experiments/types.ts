// Vocabulary of experiments: a spec (one per seed table or figure) expands, under a profile, into
// runs; a run's config is plain JSON, hashed to name its cached record.
import type { BackendInfo } from '../backend';
import type { ModelName } from '../models';
import type { OptimizerName, ScheduleConfig, SeedId, SerializedHyperparams } from '../optimizers';
import type { SpecHyperparams } from './spec-hyperparams';
import type { Divergence, EpochMetrics, LossTracePoint, RunStatus } from '../training/types';

export const PROFILE_NAMES = ['smoke', 'default', 'full'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** 'ours' = createOptimizer (src/optimizers), 'tfjs' = the tf.train.* built-in. */
export type Implementation = 'ours' | 'tfjs';

/**
 * A run's hyperparameters, plain JSON: numbers, and learningRate either a number or a schedule's
 * canonical config (`{ kind: 'cosine', … }`, every field present), so the hash covers the schedule.
 */
export type RunHyperparams = SerializedHyperparams;

export type DataConfig =
  /** MNIST; train/test are stratified subset sizes (60000/10000 = the full sets, unsubsampled). */
  | { dataset: 'mnist'; train: number; test: number; subsetSeed: number }
  /** Karate Club link prediction; the split (and its negatives) is drawn with splitSeed. */
  | { dataset: 'karate'; testFraction: number; splitSeed: number };

/** Everything that determines one training run's result (with the code and the backend). */
export interface RunConfig {
  experiment: string;
  /** The curve/row this run belongs to, unique within the experiment (e.g. 'adam-ours'). */
  series: string;
  model: ModelName;
  optimizer: OptimizerName;
  implementation: Implementation;
  hyperparams: RunHyperparams;
  batchSize: number | 'full';
  epochs: number;
  /** Seeds the model's initialisation, dropout and the per-epoch shuffles. */
  seed: number;
  data: DataConfig;
  /** About this many points of per-step training loss are recorded (0 or absent: none). */
  tracePoints?: number;
  /** Evaluate the training split in eval mode after each epoch (cheap for Karate). */
  evaluateTrain?: boolean;
}

/** A series of an experiment: a run config without seed, data and epochs (the profile sets those). */
export interface SeriesSpec {
  id: string;
  label: string;
  model: ModelName;
  optimizer: OptimizerName;
  implementation?: Implementation;
  /** As a run's, except that a schedule's step counts may be fractions of the run (`{ ofRun: 0.05 }`). */
  hyperparams: SpecHyperparams;
  batchSize: number | 'full';
  /** Which panel/sweep of the experiment the series belongs to (e.g. 'learning rate'). */
  group?: string;
  /** The swept coordinate(s), for plotting sweeps (e.g. { learningRate: 0.01 }). */
  params?: Record<string, number | string | boolean>;
  tracePoints?: number;
  evaluateTrain?: boolean;
}

export interface ProfileSettings {
  data: DataConfig;
  epochs: number;
  seeds: number[];
  /**
   * Karate only: each seed also draws its own train/test split (the run's splitSeed = its seed), so
   * a band across seeds covers the luck of the split as well as the initialisation.
   */
  splitPerSeed?: boolean;
  /** Why these sizes (shown by `list` and in the report). */
  note?: string;
}

/** The seed's own numbers, as data, so tables can show "theirs vs ours". */
export type Reference =
  /** Seed 000: one final test accuracy per series. */
  | { kind: 'final-test-accuracy'; values: Record<string, number> }
  /** Seed 001: validation accuracy and loss at some epochs, and total training time. */
  | {
    kind: 'validation-at-epochs';
    epochs: number[];
    rows: Record<string, { accuracy: number[]; loss: number[]; totalTime: string; totalSeconds: number }>;
  }
  /** Seed 004: per-epoch validation logs (loss, accuracy) of some series; several logs may exist for one. */
  | { kind: 'validation-curves'; curves: Array<{ series: string; loss: number[]; accuracy: number[]; note?: string }> }
  /** Seed 003: figures without numbers; what they claim, to compare with qualitatively. */
  | { kind: 'qualitative'; claims: string[] };

export interface ExperimentSpec {
  id: string;
  title: string;
  /** The source document ('000'…'004'), or null for experiments beyond the seeds. */
  seed: SeedId | null;
  /** Which table or figure of the seed it reproduces, or what question it answers. */
  reproduces: string;
  description: string;
  series: SeriesSpec[];
  profiles: Record<ProfileName, ProfileSettings>;
  reference?: Reference;
  /** Where the seed is silent or ambiguous, what we chose and why. */
  assumptions: string[];
}

export interface RunRecord {
  schema: 1;
  hash: string;
  experiment: string;
  series: string;
  label: string;
  /** Profile that first produced the record (the result depends on the config, not the profile name). */
  profile: ProfileName;
  config: RunConfig;
  /** Hyperparameters after the optimizer's defaults were filled in (a schedule as its config). */
  resolvedHyperparams: Record<string, number | ScheduleConfig>;
  status: RunStatus;
  error?: string;
  divergence?: Divergence;
  epochs: EpochMetrics[];
  lossTrace?: LossTracePoint[];
  totalSteps: number;
  /** Whole run: data, model, training, evaluation (seconds). */
  wallSeconds: number;
  backend: BackendInfo;
  /** What the hash covered besides the config: source files and their SHA-256. */
  fingerprint: Record<string, string>;
  createdAt: string;
}
