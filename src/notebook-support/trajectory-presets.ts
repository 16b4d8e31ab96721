// The settings the family notebooks draw trajectories with: for each landscape, how many steps and
// which learning rate each optimizer gets. A fair picture gives every optimizer its own good rate,
// so the rates below are each optimizer's best on a half-decade grid (lowest final loss without
// diverging), found with `tuneLearningRate` (re-run it to check them). The saddle is the exception:
// there the question is who escapes, so everyone gets the same rate.
import { table, type Table } from '../display/table';
import { getLandscape, type LandscapeId } from '../landscapes/functions';
import { trajectory, type Trajectory } from '../landscapes/trajectory';
import { OPTIMIZER_NAMES, getOptimizerInfo, type Hyperparams, type OptimizerName } from '../optimizers';

/** The grid `tuneLearningRate` searches by default. */
export const TUNING_GRID = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1, 3];

export type TrajectoryLandscape = Exclude<LandscapeId, 'bowl'>;
export const FAMILY_LANDSCAPES: readonly TrajectoryLandscape[] = ['rosenbrock', 'ravine', 'saddle', 'beale'];

export const TRAJECTORY_STEPS: Readonly<Record<TrajectoryLandscape, number>> = { ravine: 150, rosenbrock: 400, beale: 300, saddle: 100 };

type Rates = Readonly<Record<OptimizerName, number>>;
const SADDLE_RATE = 0.01;

/** Best learning rate on TUNING_GRID per landscape and optimizer (steps as in TRAJECTORY_STEPS, start = the landscape's). */
export const TRAJECTORY_LEARNING_RATES: Readonly<Record<TrajectoryLandscape, Rates>> = {
  ravine: { sgd: 0.3, momentum: 0.1, nesterov: 0.1, adagrad: 3, rmsprop: 0.3, adadelta: 3, adam: 0.3, amsgrad: 0.3, adamw: 3, adamax: 1, nadam: 1, lion: 0.3 },
  rosenbrock: { sgd: 0.003, momentum: 0.003, nesterov: 0.001, adagrad: 1, rmsprop: 0.1, adadelta: 3, adam: 1, amsgrad: 1, adamw: 0.3, adamax: 1, nadam: 0.1, lion: 0.01 },
  beale: { sgd: 0.03, momentum: 0.003, nesterov: 0.003, adagrad: 1, rmsprop: 0.1, adadelta: 3, adam: 0.3, amsgrad: 0.3, adamw: 0.3, adamax: 1, nadam: 0.3, lion: 0.1 },
  saddle: Object.fromEntries(OPTIMIZER_NAMES.map((n) => [n, n === 'adadelta' ? 1 : SADDLE_RATE])) as Record<OptimizerName, number>,
};

export interface FamilyTrajectoryOptions {
  steps?: number;
  /** Extra hyperparameters for every optimizer (the preset learning rate still applies unless given here). */
  hp?: Hyperparams;
}

/** One trajectory per optimizer on `landscapeId`, each at its preset rate; labels carry the rate ("adam (lr 0.3)"). */
export function familyTrajectories(landscapeId: TrajectoryLandscape, names: readonly OptimizerName[], opts: FamilyTrajectoryOptions = {}): Trajectory[] {
  if (!(FAMILY_LANDSCAPES as readonly string[]).includes(landscapeId)) {
    throw new Error(`familyTrajectories: landscape must be one of ${FAMILY_LANDSCAPES.join(', ')} (got "${landscapeId}").`);
  }
  const landscape = getLandscape(landscapeId);
  const steps = opts.steps ?? TRAJECTORY_STEPS[landscapeId];
  return names.map((name) => {
    const hp: Hyperparams = { learningRate: TRAJECTORY_LEARNING_RATES[landscapeId][name], ...opts.hp };
    const tr = trajectory(landscape, name, hp, { steps });
    return { ...tr, optimizer: `${name} (lr ${hp.learningRate})` };
  });
}

/** A grid value in LaTeX: powers of ten as 10^{k}, others as written. */
function latexRate(x: number): string {
  const k = Math.log10(x);
  return Number.isInteger(k) && k !== 0 ? `10^{${k}}` : String(x);
}

/**
 * The paragraph that explains how the family notebooks choose learning rates for `family`, from the
 * presets above: each optimizer's tuned rate, the grid it was tuned on, and the saddle's shared rate
 * (with any optimizer of `family` that gets another, e.g. AdaDelta, whose rate multiplies a unit-free step).
 */
export function trajectoryRatesMarkdown(family: readonly OptimizerName[]): string {
  const saddle = TRAJECTORY_LEARNING_RATES.saddle;
  const exceptions = family.filter((n) => saddle[n] !== SADDLE_RATE).map((n) => `${getOptimizerInfo(n).displayName} at ${saddle[n]}`);
  const grid = `a half-decade grid from $${latexRate(Math.min(...TUNING_GRID))}$ to $${latexRate(Math.max(...TUNING_GRID))}$`;
  return `Each optimizer runs at **its own best learning rate** on each landscape (the lowest final loss on ${grid}, ` +
    'found by `tuneLearningRate` in `src/notebook-support/trajectory-presets.ts`), so the comparison is between the methods, ' +
    `not between a good and a bad learning rate. On the saddle ${family.length > 1 ? 'everyone gets the same rate' : 'the rate is fixed'}, ${SADDLE_RATE}` +
    `${exceptions.length ? ` (except ${exceptions.join(', ')})` : ''}: there the question is who escapes, and how fast.`;
}

export interface TuningResult {
  learningRate: number;
  finalLoss: number;
  /** Every grid point: final loss, or null when the run diverged. */
  grid: { learningRate: number; finalLoss: number | null }[];
}

/** The grid rate with the lowest final loss that did not diverge (how the presets above were chosen). */
export function tuneLearningRate(landscapeId: TrajectoryLandscape, name: OptimizerName, grid: readonly number[] = TUNING_GRID, steps = TRAJECTORY_STEPS[landscapeId]): TuningResult {
  const landscape = getLandscape(landscapeId);
  const results = grid.map((learningRate) => {
    const tr = trajectory(landscape, name, { learningRate }, { steps });
    return { learningRate, finalLoss: tr.diverged ? null : tr.loss[tr.loss.length - 1] };
  });
  let best: { learningRate: number; finalLoss: number } | undefined;
  for (const r of results) if (r.finalLoss !== null && (!best || r.finalLoss < best.finalLoss)) best = { learningRate: r.learningRate, finalLoss: r.finalLoss };
  if (!best) throw new Error(`tuneLearningRate: every rate in [${grid.join(', ')}] diverged for ${name} on ${landscapeId}.`);
  return { ...best, grid: results };
}

/** How each path ended: final loss, distance to the nearest minimum, or the step where it diverged/escaped. */
export function trajectorySummaryTable(landscapeId: TrajectoryLandscape, paths: readonly Trajectory[]): Table {
  const landscape = getLandscape(landscapeId);
  const unbounded = landscape.minima.length === 0;
  return table({
    caption: `${landscape.title}: where each path ended`,
    columns: ['optimizer', 'steps', unbounded ? 'final f (lower = further escaped)' : 'final loss', unbounded ? 'final |y| (escape distance)' : 'distance to the minimum', 'outcome'],
    rows: paths.map((p) => {
      const n = p.x.length - 1;
      const x = p.x[n];
      const y = p.y[n];
      const dist = unbounded ? Math.abs(y) : Math.min(...landscape.minima.map((m) => Math.hypot(x - m.x, y - m.y)));
      const outcome = p.diverged ? `${unbounded ? 'escaped' : 'diverged'} at step ${p.divergedAt}` : unbounded ? (Math.abs(y) > 1 ? 'escaped the saddle' : 'still near the saddle') : dist < 1e-2 ? 'reached the minimum' : 'not there yet';
      return [p.optimizer, n, p.loss[p.loss.length - 1], dist, outcome];
    }),
  });
}
