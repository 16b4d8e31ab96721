// Runs a real tf.Optimizer (ours or a tfjs built-in) on a landscape and records the path it takes.
import * as tf from '@tensorflow/tfjs';
import { createBuiltinOptimizer, createOptimizer } from '../optimizers';
import { OPTIMIZER_NAMES, type Hyperparams, type OptimizerName } from '../optimizers/types';
import type { Landscape, Point2 } from './functions';

/**
 * Which optimizer to run: one of ours by name, the tfjs built-in as `'tfjs <name>'` (the display
 * draws those dashed in the same colour), or any factory returning a fresh tf.Optimizer.
 */
export type OptimizerSpec = OptimizerName | `tfjs ${OptimizerName}` | { label: string; create: () => tf.Optimizer };

export interface Path {
  /** Finite iterates only: at most steps + 1 of them (the start included). */
  points: Float64Array[];
  /** The objective at each recorded point. */
  loss: Float64Array;
  diverged: boolean;
  /** The step at which the iterate became non-finite or escaped; null if it never did. */
  divergedAt: number | null;
}

export interface Trajectory {
  landscape: Landscape['id'];
  /** The optimizer's label: its name, 'tfjs <name>', or the factory's label. */
  optimizer: string;
  hp: Hyperparams;
  x: Float64Array;
  y: Float64Array;
  loss: Float64Array;
  diverged: boolean;
  divergedAt: number | null;
}

export interface TrajectoryOptions {
  start?: Point2;
  steps?: number;
}

/** How far outside the plotting window (in window widths from its centre) an iterate may go before we call it diverged. */
export const ESCAPE_FACTOR = 100;

export function optimizerLabel(spec: OptimizerSpec): string {
  return typeof spec === 'string' ? spec : spec.label;
}

/** A fresh optimizer for a spec; bad names are errors that list the valid ones. */
export function instantiateOptimizer(spec: OptimizerSpec, hp: Hyperparams): tf.Optimizer {
  if (typeof spec !== 'string') return spec.create();
  const builtin = spec.startsWith('tfjs ');
  const name = builtin ? spec.slice('tfjs '.length) : spec;
  if (!(OPTIMIZER_NAMES as readonly string[]).includes(name)) {
    throw new Error(
      `Unknown optimizer "${spec}". Expected one of ${OPTIMIZER_NAMES.join(', ')}, ` +
        `optionally prefixed with "tfjs " for the tfjs built-in, or { label, create }.`,
    );
  }
  return builtin ? createBuiltinOptimizer(name as OptimizerName, hp) : createOptimizer(name as OptimizerName, hp);
}

function checkSteps(steps: number): void {
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`steps must be a non-negative integer (got ${steps}).`);
}

/**
 * The one descent loop: minimises `objective(v)` from `init` for `steps` steps with `optimizer`,
 * stopping early (diverged) when an iterate is non-finite or `escaped(iterate)` says so.
 * Disposes everything it creates, the optimizer included.
 */
export function descend(
  objective: (v: tf.Tensor1D) => tf.Scalar,
  init: readonly number[],
  optimizer: tf.Optimizer,
  steps: number,
  escaped: (iterate: Float32Array) => boolean,
): Path {
  checkSteps(steps);
  const dims = init.length;
  const coords: number[][] = Array.from({ length: dims }, (_, d) => [init[d]]);
  const losses: number[] = [];
  const initial = tf.tensor1d(Array.from(init));
  const v = tf.variable(initial, true) as tf.Variable<tf.Rank.R1>;
  initial.dispose(); // the variable keeps its own reference to the data
  let diverged = false;
  let divergedAt: number | null = null;
  try {
    for (let step = 1; step <= steps; step++) {
      const cost = optimizer.minimize(() => objective(v), true, [v]);
      losses.push(cost ? cost.dataSync()[0] : NaN);
      cost?.dispose();
      const now = v.dataSync() as Float32Array;
      const finite = now.every(Number.isFinite);
      if (finite) for (let d = 0; d < dims; d++) coords[d].push(now[d]);
      if (!finite || escaped(now)) {
        diverged = true;
        divergedAt = step;
        break;
      }
    }
    // The cost minimize() returns is at the point *before* the step; add the last point's own value.
    const last = coords.map((c) => c[c.length - 1]);
    losses.push(tf.tidy(() => objective(tf.tensor1d(last)).dataSync()[0]));
  } finally {
    v.dispose();
    optimizer.dispose();
  }
  return {
    points: coords.map((c) => Float64Array.from(c)),
    loss: Float64Array.from(losses.slice(0, coords[0].length)),
    diverged,
    divergedAt,
  };
}

/** Run `optimizer` on `landscape` from `start` (default: the landscape's) for `steps` steps (default 150). */
export function trajectory(landscape: Landscape, optimizer: OptimizerSpec, hp: Hyperparams = {}, opts: TrajectoryOptions = {}): Trajectory {
  const start = opts.start ?? landscape.start;
  const steps = opts.steps ?? 150;
  if (!Number.isFinite(start.x) || !Number.isFinite(start.y)) {
    throw new Error(`trajectory: start must be finite numbers {x, y} (got ${JSON.stringify(start)}).`);
  }
  const { x: wx, y: wy } = landscape.window;
  const cx = (wx[0] + wx[1]) / 2;
  const cy = (wy[0] + wy[1]) / 2;
  const hx = ((wx[1] - wx[0]) / 2) * ESCAPE_FACTOR;
  const hy = ((wy[1] - wy[0]) / 2) * ESCAPE_FACTOR;
  const path = descend(
    (v) => tf.tidy(() => {
      const [x, y] = tf.unstack(v);
      return landscape.fn(x, y) as tf.Scalar;
    }),
    [start.x, start.y],
    instantiateOptimizer(optimizer, hp),
    steps,
    (p) => Math.abs(p[0] - cx) > hx || Math.abs(p[1] - cy) > hy,
  );
  return {
    landscape: landscape.id,
    optimizer: optimizerLabel(optimizer),
    hp: { ...hp },
    x: path.points[0],
    y: path.points[1],
    loss: path.loss,
    diverged: path.diverged,
    divergedAt: path.divergedAt,
  };
}

export interface SweepFrame {
  /** The swept hyperparameter's value for this frame. */
  value: number;
  trajectories: Trajectory[];
}

export interface TrajectorySweep {
  landscape: Landscape['id'];
  param: keyof Hyperparams;
  frames: SweepFrame[];
}

/**
 * Trajectories of several optimizers for each value of one hyperparameter (the frames of a slider).
 * `hp` is shared; `hpByOptimizer[label]` overrides it per optimizer; the swept value overrides both.
 */
export function trajectorySweep(
  landscape: Landscape,
  optimizers: OptimizerSpec[],
  sweep: { param: keyof Hyperparams; values: number[] },
  opts: TrajectoryOptions & { hp?: Hyperparams; hpByOptimizer?: Record<string, Hyperparams> } = {},
): TrajectorySweep {
  if (sweep.values.length === 0 || !sweep.values.every(Number.isFinite)) {
    throw new Error(`trajectorySweep: values must be a non-empty list of finite numbers (got ${JSON.stringify(sweep.values)}).`);
  }
  const frames = sweep.values.map((value) => ({
    value,
    trajectories: optimizers.map((spec) => {
      const hp = { ...opts.hp, ...opts.hpByOptimizer?.[optimizerLabel(spec)], [sweep.param]: value };
      return trajectory(landscape, spec, hp, opts);
    }),
  }));
  return { landscape: landscape.id, param: sweep.param, frames };
}
