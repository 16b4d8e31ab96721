// Training processes for a queue worker: the runner's own worker (../worker.ts, the same code path
// as a local sweep), one per concurrent job. Training is synchronous CPU work; keeping it out of the
// process that holds BullMQ's job locks lets that process renew them, so a long run is never
// mistaken for a stalled one.
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BackendInfo } from '../../backend';
import type { ProgressEvent } from '../../training/types';
import type { RunOutcome } from '../execute';
import type { ParentMessage, WorkerMessage } from '../protocol';
import type { RunConfig } from '../types';

interface Trainer {
  child: ChildProcess;
  ready: Promise<BackendInfo>;
  current?: { id: number; onProgress: (e: ProgressEvent) => void; resolve: (o: RunOutcome) => void; reject: (e: Error) => void };
}

const ignoreClosedChannel = (_err: Error | null): void => {};

function entry(): { file: string; execArgv: string[] } {
  const ts = __filename.endsWith('.ts');
  const file = path.join(__dirname, '..', ts ? 'worker.ts' : 'worker.js');
  if (!fs.existsSync(file)) throw new Error(`Experiment worker not found at ${file}.`);
  return { file, execArgv: ts ? ['--import', 'tsx'] : [] };
}

export class TrainerPool {
  private idle: Trainer[] = [];
  private all = new Set<Trainer>();
  private nextId = 1;

  /** `backendName`: ATLAS_BACKEND for the training processes (undefined: their own choice, fixed by probe()). */
  constructor(private backendName?: string) {}

  private spawn(): Trainer {
    const { file, execArgv } = entry();
    const child = fork(file, [], {
      execArgv,
      env: { ...process.env, ...(this.backendName ? { ATLAS_BACKEND: this.backendName } : {}) },
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let readyResolve!: (b: BackendInfo) => void;
    let readyReject!: (e: Error) => void;
    const t: Trainer = { child, ready: new Promise((res, rej) => { readyResolve = res; readyReject = rej; }) };
    t.ready.catch(() => {});
    child.on('message', (msg: WorkerMessage) => {
      if (msg.type === 'ready') readyResolve(msg.backend);
      else if (msg.type === 'fatal') readyReject(new Error(`training process failed to start: ${msg.message}`));
      else if (msg.type === 'progress' && t.current?.id === msg.id) t.current.onProgress(msg.event);
      else if (msg.type === 'done' && t.current?.id === msg.id) {
        const c = t.current;
        t.current = undefined;
        c.resolve(msg.outcome);
      }
    });
    child.on('error', () => {}); // 'exit' accounts for it
    child.on('exit', (code, signal) => {
      this.all.delete(t);
      this.idle = this.idle.filter((x) => x !== t);
      const why = `training process exited (${signal ?? `code ${code}`})`;
      readyReject(new Error(why));
      t.current?.reject(new Error(`${why} during the run (out of memory?)`));
      t.current = undefined;
    });
    this.all.add(t);
    return t;
  }

  /** Train one config in a free training process (a new one if none is free). */
  async run(config: RunConfig, onProgress: (e: ProgressEvent) => void): Promise<RunOutcome> {
    const t = this.idle.pop() ?? this.spawn();
    await t.ready;
    const id = this.nextId++;
    const outcome = await new Promise<RunOutcome>((resolve, reject) => {
      t.current = { id, onProgress, resolve, reject };
      t.child.send({ type: 'run', id, config } satisfies ParentMessage, ignoreClosedChannel);
    });
    if (this.all.has(t)) this.idle.push(t);
    return outcome;
  }

  /** Start one training process and return its backend (the worker checks it before taking jobs). */
  async probe(): Promise<BackendInfo> {
    const t = this.spawn();
    const backend = await t.ready;
    this.backendName = backend.name; // every later training process runs the same backend
    this.idle.push(t);
    return backend;
  }

  close(): void {
    for (const t of this.all) if (t.child.connected) t.child.send({ type: 'exit' } satisfies ParentMessage, ignoreClosedChannel);
  }
}
