// Messages between the runner and its worker processes.
import type { BackendInfo } from '../backend';
import type { ProgressEvent } from '../training/types';
import type { RunOutcome } from './execute';
import type { RunConfig } from './types';

export type ParentMessage =
  | { type: 'run'; id: number; config: RunConfig }
  | { type: 'exit' };

export type WorkerMessage =
  | { type: 'ready'; backend: BackendInfo }
  | { type: 'progress'; id: number; event: ProgressEvent }
  | { type: 'done'; id: number; outcome: RunOutcome }
  | { type: 'fatal'; message: string };
