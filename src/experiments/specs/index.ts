// Every experiment, by id, in report order.
import type { ExperimentSpec } from '../types';
import { lrSensitivityKarate, lrSensitivityMlp, oursVsTfjs } from './beyond';
import { seed000 } from './seed000';
import { lrSchedulesMlp, seed000Decay } from './schedules';
import { seed001 } from './seed001';
import { seed003Karate, seed003KarateConv1d, seed003Mnist } from './seed003';
import {
  seed004AdadeltaRho, seed004AdamBetas, seed004AdamLr, seed004Momentum, seed004Nesterov, seed004RmspropLr, seed004SgdLr,
} from './seed004';
import { timeToTargetKarate, timeToTargetMlp } from './time-to-target';
import { tuningGridKarate, tuningGridMlp } from './tuning-grid';

export const EXPERIMENTS: readonly ExperimentSpec[] = [
  seed000,
  seed001,
  seed003Mnist,
  seed003Karate,
  seed003KarateConv1d,
  seed004SgdLr,
  seed004AdamLr,
  seed004RmspropLr,
  seed004AdadeltaRho,
  seed004AdamBetas,
  seed004Momentum,
  seed004Nesterov,
  lrSensitivityMlp,
  lrSensitivityKarate,
  oursVsTfjs,
  lrSchedulesMlp,
  seed000Decay,
  timeToTargetMlp, timeToTargetKarate,
  tuningGridMlp, tuningGridKarate,
];

export const EXPERIMENT_IDS: readonly string[] = EXPERIMENTS.map((e) => e.id);

export function getExperiment(id: string): ExperimentSpec {
  const spec = EXPERIMENTS.find((e) => e.id === id);
  if (!spec) throw new Error(`Unknown experiment "${id}". Valid ids: ${EXPERIMENT_IDS.join(', ')} (or run \`npm run experiments -- list\`).`);
  return spec;
}

export { KERAS_DEFAULTS, TORCH_DEFAULTS } from './common';
export { LR_GRID } from './beyond';
