// A worker process of the runner (child_process.fork): initialises the backend once, then runs the
// configs the parent sends, one at a time, forwarding throttled progress over IPC.
import { installCliErrorHandlers } from '../cli-errors';
import { initBackend } from '../backend';
import type { ProgressEvent } from '../training/types';
import { executeRun } from './execute';
import type { ParentMessage, WorkerMessage } from './protocol';

const STEP_EVENT_MS = 250;

/** A message to a runner that has gone (killed, interrupted) is dropped: the 'disconnect' handler exits. */
function send(message: WorkerMessage): void {
  if (process.connected) process.send?.(message, undefined, {}, () => {});
}

async function main(): Promise<void> {
  if (!process.send) throw new Error('src/experiments/worker is started by the experiment runner (child_process.fork), not directly.');
  // The runner died or was interrupted: stop now rather than finish a run nobody will record. The
  // 'disconnect' event waits for the event loop, i.e. for the end of a run (a minute and more), so the
  // progress callback also checks, every STEP_EVENT_MS, that the parent is still this process's parent.
  process.on('disconnect', () => process.exit(0));
  const parent = process.ppid;
  const exitIfOrphaned = () => {
    if (process.ppid !== parent) process.exit(0);
  };
  installCliErrorHandlers('experiment worker');
  const backend = await initBackend();
  if (!process.connected) process.exit(0); // the runner went away while the backend started
  let chain = Promise.resolve();
  process.on('message', (msg: ParentMessage) => {
    if (msg.type === 'exit') {
      process.exit(0);
    }
    chain = chain.then(async () => {
      let lastStep = 0;
      const progress = (event: ProgressEvent) => {
        if (event.kind === 'step') {
          const now = Date.now();
          if (now - lastStep < STEP_EVENT_MS) return;
          lastStep = now;
        }
        exitIfOrphaned();
        send({ type: 'progress', id: msg.id, event });
      };
      const outcome = await executeRun(msg.config, progress);
      send({ type: 'done', id: msg.id, outcome });
    });
  });
  send({ type: 'ready', backend });
}

main().catch((err) => {
  // Startup failed (e.g. the forced backend cannot load): tell the parent, then exit non-zero.
  send({ type: 'fatal', message: (err as Error)?.message ?? String(err) });
  process.exitCode = 1;
  process.disconnect?.();
});
