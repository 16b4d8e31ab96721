// How the command-line tools (experiments, report, worker) report an error: the message, where in
// this project's code it came from, and a hint, instead of a stack or a page of bundled source.
//
// Why a process-level handler: tfjs-backend-wasm's Emscripten module adds
// `process.on('uncaughtException', (e) => { throw e })` (and the same for unhandledRejection) when
// the backend starts; its own clean-up of those listeners never removes them (initBackend in
// src/backend now does, once the backend is up). While they are there, every uncaught error is
// rethrown from inside the minified tfjs-backend-wasm.js, and Node prints the source line of that
// throw site, ~36 KB of it, above the message. A listener placed first in line reports the error and
// exits before any other runs, and in any case prints a short message instead of a stack.
import * as path from 'node:path';
import { projectRoot } from './project-root';

/** ATLAS_DEBUG=1 prints full stacks. */
const debug = () => /^(1|true|yes)$/i.test(process.env.ATLAS_DEBUG ?? '');

/** The first stack frame in this project's own code (not node_modules, not Node's), as "src/x.ts:12". */
export function ownFrame(err: unknown, root: string = projectRoot()): string | undefined {
  const stack = (err as Error | undefined)?.stack;
  if (typeof stack !== 'string') return undefined;
  for (const line of stack.split('\n').slice(1)) {
    const m = /\(?((?:file:\/\/)?[^\s()]+?):(\d+):\d+\)?\s*$/.exec(line.trim());
    if (!m) continue;
    const file = m[1].replace(/^file:\/\//, '');
    if (!path.isAbsolute(file) || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    const rel = path.relative(root, file);
    if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
    return `${rel.split(path.sep).join('/')}:${m[2]}`;
  }
  return undefined;
}

/** What to do about a system error, by its code; undefined when there is nothing specific to say. */
export function hintFor(err: unknown): string | undefined {
  const e = err as NodeJS.ErrnoException | undefined;
  const where = e?.path ? ` ${e.path}` : '';
  switch (e?.code) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return `cannot write${where}: make it writable, or choose another folder (--results DIR for results, --out DIR for the report).`;
    case 'ENOSPC':
      return `the disk is full${where ? ` (writing${where})` : ''}: free some space and run the command again (finished results are kept).`;
    case 'ENOENT':
      return `${where.trim() || 'a file or folder'} does not exist: check the path (relative paths are taken from the folder you ran the command in).`;
    case 'ENOTDIR':
      return `${where.trim() || 'a path'} is a file where a folder is expected: choose another path.`;
    case 'ERR_IPC_CHANNEL_CLOSED':
      return 'the process that started this one has gone (interrupted or killed): nothing to do here.';
    default:
      return undefined;
  }
}

/** Message, our code's file:line, and a hint; the full stack only with ATLAS_DEBUG=1. */
export function describeError(err: unknown): string {
  const e = err as Error | undefined;
  const message = (e instanceof Error ? e.message : String(err)) || String(err);
  const lines = [message];
  if (debug() && e?.stack) lines.push(e.stack);
  else {
    const frame = ownFrame(err);
    if (frame) lines.push(`  at ${frame}`);
  }
  const hint = hintFor(err);
  if (hint) lines.push(`Hint: ${hint}`);
  if (!debug()) lines.push('(ATLAS_DEBUG=1 shows the full stack.)');
  return lines.join('\n');
}

let installed = false;

/**
 * Report uncaught errors and unhandled rejections as `<tool>: <describeError>` and exit with `code`.
 * Placed first among the listeners so that no library's listener runs (and rethrows) before it.
 */
export function installCliErrorHandlers(tool: string, code = 1): void {
  if (installed) return;
  installed = true;
  const report = (err: unknown) => {
    try {
      process.stderr.write(`\n${tool}: ${describeError(err)}\n`);
    } finally {
      process.exit(code);
    }
  };
  process.prependListener('uncaughtException', report);
  process.prependListener('unhandledRejection', report);
}
