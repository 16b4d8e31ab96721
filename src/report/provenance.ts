// What an executed notebook was executed from, recorded in its metadata ("atlas_execution") so that
// `--render-only` can refuse a copy that is incomplete (a build stopped mid-notebook) or stale (its
// source notebook or the project code changed since), instead of rendering it without a word.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readNotebook } from './notebook-format';

export const PROVENANCE_KEY = 'atlas_execution';

export interface ExecutionProvenance {
  /** sha256 of the source .ipynb file as executed. */
  source: string;
  /** sha256 over the project code the notebook runs (see codeFingerprint). */
  code: string;
  profile: string;
  executedAt: string;
  /** Written by scripts/execute-notebook.py: true only when every cell ran. */
  complete?: boolean;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

export function sourceFingerprint(notebookFile: string): string {
  return sha256(fs.readFileSync(notebookFile));
}

function listFiles(dir: string, skip: (rel: string) => boolean, root: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, entry.name);
    const rel = path.relative(root, p).split(path.sep).join('/');
    if (skip(rel)) continue;
    if (entry.isDirectory()) listFiles(p, skip, root, out);
    else if (entry.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/**
 * The code behind a notebook's outputs: every src/ file except src/report/ (which renders executed
 * notebooks but does not run inside them, so template and renderer work keeps --render-only usable).
 */
export function codeFingerprint(root: string): string {
  const hash = createHash('sha256');
  for (const file of listFiles(path.join(root, 'src'), (rel) => rel === 'src/report', root)) {
    hash.update(path.relative(root, file).split(path.sep).join('/')).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

export type ExecutedState =
  | { state: 'ok'; provenance: ExecutionProvenance }
  | { state: 'missing' | 'incomplete' | 'stale'; reason: string };

/** Can `executedFile` stand for `sourceFile` with the current code? */
export function checkExecuted(sourceFile: string, executedFile: string, code: string): ExecutedState {
  if (!fs.existsSync(executedFile)) return { state: 'missing', reason: 'not executed yet' };
  let recorded: Partial<ExecutionProvenance> | undefined;
  try {
    recorded = readNotebook(executedFile).metadata[PROVENANCE_KEY] as Partial<ExecutionProvenance> | undefined;
  } catch (err) {
    return { state: 'incomplete', reason: `unreadable (${(err as Error).message.split('\n')[0]})` };
  }
  if (!recorded) return { state: 'stale', reason: 'it records nothing of what it was executed from (written by an older build)' };
  if (recorded.complete !== true) return { state: 'incomplete', reason: 'its execution stopped before the last cell' };
  if (recorded.source !== sourceFingerprint(sourceFile)) return { state: 'stale', reason: `its source ${path.basename(sourceFile)} changed since it was executed (${recorded.executedAt})` };
  if (recorded.code !== code) return { state: 'stale', reason: `the project code in src/ changed since it was executed (${recorded.executedAt})` };
  return { state: 'ok', provenance: recorded as ExecutionProvenance };
}
