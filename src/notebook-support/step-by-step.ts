// A few steps of one optimizer on a tiny two-parameter problem, with every intermediate value, so a
// reader can follow the update rule by hand. The steps are taken by the real optimizer
// (createOptimizer → the rule shown in the notebook); its state is read back after each step.
import * as tf from '@tensorflow/tfjs';
import { table, type Table } from '../display/table';
import { createOptimizer, getOptimizerInfo, type Hyperparams, type OptimizerName } from '../optimizers';

/** The default problem: f(θ) = ½(θ₁² + 10 θ₂²) from θ₀ = (1, 1), one flat and one steep direction. */
export const STEP_BY_STEP_CURVATURE: readonly number[] = [1, 10];
export const STEP_BY_STEP_START: readonly number[] = [1, 1];

export interface StepByStepOptions {
  /** Hyperparameters (default: the optimizer's defaults, learning rate 0.1, then its registry entry's `stepByStep.hp`). */
  hp?: Hyperparams;
  /** θ₀ (default STEP_BY_STEP_START, or ones when `curvature` is given). */
  start?: number[];
  /** f(θ) = ½ Σ aᵢ θᵢ²: one curvature aᵢ per coordinate (default STEP_BY_STEP_CURVATURE). */
  curvature?: number[];
  /** Number of steps (default 4). */
  steps?: number;
}

export interface StepRecord {
  t: number;
  /** θ before the step. */
  theta: number[];
  /** g_t = ∇f(θ_{t−1}). */
  grad: number[];
  /** The optimizer's state after the step, by the rule's own state names (m, v, b, …). */
  state: Record<string, number[]>;
  /** θ after the step. */
  next: number[];
}

export interface StepByStepResult {
  optimizer: OptimizerName;
  hp: Hyperparams;
  curvature: number[];
  /** The objective in LaTeX, with the curvatures filled in. */
  objectiveLatex: string;
  steps: StepRecord[];
}

let counter = 0;

export async function stepByStep(name: OptimizerName, opts: StepByStepOptions = {}): Promise<StepByStepResult> {
  const info = getOptimizerInfo(name);
  const curvature = opts.curvature ?? [...STEP_BY_STEP_CURVATURE];
  const start = opts.start ?? (opts.curvature ? curvature.map(() => 1) : [...STEP_BY_STEP_START]);
  const steps = opts.steps ?? 4;
  if (start.length !== curvature.length || start.length === 0) {
    throw new Error(`stepByStep: start (${start.length} values) and curvature (${curvature.length}) must have the same non-zero length.`);
  }
  if (![...start, ...curvature].every(Number.isFinite)) throw new Error('stepByStep: start and curvature must be finite numbers.');
  if (!Number.isInteger(steps) || steps < 1 || steps > 50) throw new Error(`stepByStep: steps must be an integer from 1 to 50 (got ${steps}).`);
  const hp: Hyperparams = { learningRate: 0.1, ...info.stepByStep.hp, ...opts.hp };
  const optimizer = createOptimizer(info.name, hp);
  const varName = `stepByStep_${name}_${++counter}`;
  const initial = tf.tensor1d(start);
  const theta = tf.variable(initial, true, varName);
  initial.dispose(); // the variable holds its own reference to the data
  const a = tf.tensor1d(curvature);
  const records: StepRecord[] = [];
  try {
    for (let t = 1; t <= steps; t++) {
      const before = Array.from(theta.dataSync());
      const grad = before.map((x, i) => curvature[i] * x); // ∇ ½ Σ aᵢθᵢ² = a ⊙ θ
      optimizer.minimize(() => tf.mul(0.5, tf.sum(tf.mul(a, tf.square(theta)))) as tf.Scalar, false, [theta]);
      const state: Record<string, number[]> = {};
      const weights = await optimizer.getWeights();
      for (const w of weights) {
        if (w.name.startsWith(`${varName}/`)) state[w.name.slice(varName.length + 1)] = Array.from(w.tensor.dataSync());
        else w.tensor.dispose(); // the iteration counter getWeights creates; slot variables are the optimizer's own
      }
      records.push({ t, theta: before, grad, state, next: Array.from(theta.dataSync()) });
    }
  } finally {
    optimizer.dispose();
    theta.dispose();
    a.dispose();
  }
  return { optimizer: name, hp, curvature, objectiveLatex: objectiveLatex(curvature), steps: records };
}

const scaled = (c: number, symbol: string) => (c === 1 ? symbol : `${c}\\,${symbol}`);

/** f(θ) = ½ Σ aᵢ θᵢ² in LaTeX, with the curvatures filled in. */
export function objectiveLatex(curvature: readonly number[]): string {
  return `f(\\theta) = \\tfrac12(${curvature.map((c, i) => scaled(c, `\\theta_${i + 1}^2`)).join(' + ')})`;
}

/**
 * The paragraph above an optimizer's step-by-step table: the default problem (from the constants the
 * table uses) and the registry's note on what the table shows (`info.stepByStep.note`, checked by a test).
 */
export function stepByStepMarkdown(name: OptimizerName): string {
  const info = getOptimizerInfo(name);
  const a = STEP_BY_STEP_CURVATURE;
  const gradient = a.map((c, i) => scaled(c, `\\theta_${i + 1}`)).join(', ');
  const shape = a.length === 2 && a[0] !== a[1] ? ', one flat and one steep direction' : '';
  return `**Step by step.** A few steps on $${objectiveLatex(a)}$ from $\\theta_0 = (${STEP_BY_STEP_START.join(', ')})$: ` +
    `the gradient is $(${gradient})$${shape}. The steps are taken by the real optimizer; the state columns are read back from it after each step. ` +
    info.stepByStep.note;
}

function vec(xs: number[]): string {
  return `(${xs.map((x) => (x === 0 ? '0' : Math.abs(x) < 1e-3 || Math.abs(x) >= 1e4 ? x.toExponential(3) : x.toFixed(4))).join(', ')})`;
}

/** The steps as a table: t, θ before, gradient, every state buffer, θ after. */
export function stepByStepTable(result: StepByStepResult): Table {
  const info = getOptimizerInfo(result.optimizer);
  const stateKeys = [...new Set(result.steps.flatMap((s) => Object.keys(s.state)))];
  const hp = Object.entries(result.hp).map(([k, v]) => `${k} = ${v}`).join(', ');
  return table({
    caption: `${info.displayName}, step by step on f(θ) = ½ Σ aᵢ θᵢ² with a = (${result.curvature.join(', ')})`,
    columns: ['t', 'θ before', 'gradient g', ...stateKeys.map((k) => `state ${k}`), 'θ after'],
    rows: result.steps.map((s) => [s.t, vec(s.theta), vec(s.grad), ...stateKeys.map((k) => (s.state[k] ? vec(s.state[k]) : '—')), vec(s.next)]),
    notes: [`Hyperparameters: ${hp} (others at the optimizer's defaults). State names are the ones in the rule's code.`],
  });
}
