// Shared vocabulary of the optimizer library: names, hyperparameters, the rule contract and the
// metadata every optimizer file exports next to its rule.
import type * as tf from '@tensorflow/tfjs';
import type { LearningRateSchedule, ScheduleInput } from './schedules';

export const OPTIMIZER_NAMES = [
  'sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adadelta',
  'adam', 'amsgrad', 'adamw', 'adamax', 'nadam', 'lion',
] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

export const HYPERPARAMETER_KEYS = [
  'learningRate', 'momentum', 'rho', 'beta1', 'beta2', 'epsilon', 'weightDecay', 'initialAccumulatorValue',
] as const;
export type HyperparameterKey = (typeof HYPERPARAMETER_KEYS)[number];

/**
 * What a caller may pass: any subset of the optimizer's keys. learningRate may be a schedule: in memory
 * (`cosineDecay({...})`) or as its JSON config (`{ kind: 'cosine', ... }`, what run configs carry).
 */
export interface Hyperparams {
  learningRate?: number | LearningRateSchedule | ScheduleInput;
  momentum?: number;
  rho?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  weightDecay?: number;
  initialAccumulatorValue?: number;
}

/** Hyperparameters as a rule sees them at one step: plain numbers, learning rate already scheduled. */
export type StepHyperparams<H extends HyperparameterKey> = Readonly<Record<H, number>>;

/** Per-parameter optimizer state (m, v, accumulators…); an absent entry is state this configuration does not need. */
export type StateTensors = { [key: string]: tf.Tensor | undefined };

/**
 * An optimizer's math, optax-style. The adapter (./adapter) owns everything else.
 * - `init`: the state for one parameter (torch's initial values).
 * - `coefficients`: the scalars the update needs at step t (1-based), as JS numbers: hyperparameters and
 *   step-dependent factors such as bias corrections. The adapter turns each into a cached tf.Scalar, so
 *   `update` never allocates a scalar and a constant is uploaded once, not once per variable per step.
 * - `update`: ONE pure function (state, g, θ, coefficients, hyperparameters) → (θ', state'), in tfjs ops,
 *   written to read like the LaTeX in the optimizer's metadata.
 * Declared with method syntax on purpose: methods are bivariant in their parameters, so every concrete
 * rule is assignable to `AnyRule` for the registry without casts.
 */
export interface Rule<S extends StateTensors, K extends string, H extends HyperparameterKey> {
  init(param: tf.Tensor, hp: StepHyperparams<H>): S;
  coefficients(hp: StepHyperparams<H>, t: number): Record<K, number>;
  update(state: S, g: tf.Tensor, p: tf.Tensor, c: Readonly<Record<K, tf.Scalar>>, hp: StepHyperparams<H>): RuleResult<S>;
}
export interface RuleResult<S extends StateTensors> {
  param: tf.Tensor;
  state: S;
}
export type AnyRule = Rule<StateTensors, string, HyperparameterKey>;

export type OptimizerFamily = 'plain' | 'momentum' | 'adaptive' | 'adam' | 'sign';

export type SeedId = '000' | '001' | '002' | '003' | '004';

/** Where a source document writes the rule differently from torch (and so from our code). */
export interface SeedNote {
  seed: SeedId;
  /** The seed's formula, as it writes it (KaTeX-compatible LaTeX). */
  writes: string;
  /** What differs from our rule. */
  difference: string;
  /** Why we follow torch here. */
  whyTorch: string;
}

export interface Paper {
  authors: string;
  year: number;
  title: string;
  venue?: string;
  url?: string;
}

/**
 * When a difference from the tfjs built-in can change a trajectory. createBuiltinOptimizer passes every
 * hyperparameter explicitly and refuses what the built-in cannot honour, so in a comparison of ours with
 * the built-in at equal hyperparameters only 'always' can act.
 */
export type TfjsDifferenceActs =
  /** At any hyperparameters: the built-in computes something else (its rule or its arithmetic). */
  | 'always'
  /** Only when the built-in's own default is used (createBuiltinOptimizer passes ours instead). */
  | 'builtin-default'
  /** Only with an option the built-in lacks, e.g. weight decay (createBuiltinOptimizer refuses it). */
  | 'missing-option'
  /** Only while the learning rate changes (built-ins take a constant rate). */
  | 'schedule';

/** What a difference is about. */
export type TfjsDifferenceSubject =
  | 'epsilon' | 'bias-correction' | 'accumulator' | 'momentum-buffer' | 'defaults' | 'weight-decay' | 'lr-decay';

/** One way the built-in differs from our (torch) rule: what differs, when it acts, and the sentence a reader sees. */
export interface TfjsDifference {
  subject: TfjsDifferenceSubject;
  acts: TfjsDifferenceActs;
  text: string;
}

export interface TfjsNotes {
  /** The tfjs built-in, e.g. `tf.train.adam(learningRate, beta1, beta2, epsilon)`. */
  builtin: string;
  /**
   * The built-in configured with resolved hyperparameters (this optimizer's keys, defaults filled in,
   * a constant learning rate); `builtin` above is its signature in words.
   */
  create(hp: StepHyperparams<HyperparameterKey>): tf.Optimizer;
  /** Every way the built-in differs from our (torch) rule; empty when it coincides. */
  differences: TfjsDifference[];
}

export interface OptimizerInfo {
  name: OptimizerName;
  displayName: string;
  family: OptimizerFamily;
  /** Defaults (torch's, unless `defaultsNote` says otherwise); the keys are the accepted hyperparameters. */
  defaults: Readonly<Partial<Record<HyperparameterKey, number>>>;
  defaultsNote?: string;
  /** The equivalent torch call. */
  torch: string;
  /** The update rule (KaTeX-compatible, an `aligned` block), symbol for symbol the `update` function. */
  latex: string;
  /** LaTeX symbol → name in the code, so a notebook can show the correspondence. */
  symbols: Readonly<Record<string, string>>;
  paper: Paper;
  pros: string[];
  cons: string[];
  whenToUse: string[];
  seedNotes: SeedNote[];
  /** null when tfjs has no built-in for this optimizer. */
  tfjs: TfjsNotes | null;
  /**
   * What a reader should see in the step-by-step table (notebook-support/step-by-step.ts) on its default
   * problem, and the hyperparameters it is shown with (the learning rate defaults to 0.1). The notebooks
   * print `note`; test/optimizers.step-claims.test.ts checks it against the steps the rule takes.
   */
  stepByStep: { hp?: Hyperparams; note: string };
  /** The rule's source file, relative to the repository root (notebooks show it). */
  sourceFile: string;
  /** Anything else a reader should know (e.g. SGD covers GD and mini-batch GD). */
  notes?: string[];
}

/** What each optimizer file exports: its rule and its metadata, side by side. */
export interface OptimizerDefinition {
  info: OptimizerInfo;
  rule: AnyRule;
}
