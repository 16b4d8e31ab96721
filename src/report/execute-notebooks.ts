// Executes notebooks through the real Jupyter kernel protocol: nbclient (Python) drives this
// project's tslab kernel, exactly as JupyterLab would. The kernelspec is a private copy written to
// a temporary JUPYTER_PATH, so the build neither needs `npm run kernel:install` nor picks up
// another tslab the user may have registered.
//
// An executed notebook replaces the previous one only when every cell ran (atomically, by rename):
// a failure, a timeout or Ctrl-C leaves the last good copy and writes the stopped one beside it as
// NAME.partial.ipynb. Each executed notebook records what it was executed from (./provenance).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { projectRoot } from '../project-root';
import { KERNEL_NAME, findPythonWithNbclient, writeKernelSpec } from './jupyter';
import { cleanTraceback, joinText, readNotebook, stripAnsi } from './notebook-format';
import { codeFingerprint, sourceFingerprint, type ExecutionProvenance } from './provenance';

/** Seconds one cell may run by default (a cell that trains missing runs at the default profile can take long). */
export const DEFAULT_CELL_TIMEOUT_SEC = 1800;

export interface ExecuteOptions {
  /** Folder for the executed notebooks (created if missing). */
  outDir: string;
  /** Seconds one cell may run before the build stops (default DEFAULT_CELL_TIMEOUT_SEC). */
  cellTimeoutSec?: number;
  /** Keep going after a failing cell; the cell keeps its error output and the report marks it. */
  allowErrors?: boolean;
  /** Kernel working directory; default: the notebook's own folder, as in Jupyter. */
  cwd?: string;
  /** Extra environment for the kernel (e.g. ATLAS_PROFILE); the rest of process.env passes through. */
  env?: Record<string, string | undefined>;
  /** The project code's fingerprint recorded in each executed notebook (default: computed once per call). */
  code?: string;
  onProgress?: (line: string) => void;
}

export interface ExecutedNotebook {
  name: string;
  source: string;
  output: string;
  seconds: number;
  cellCount: number;
  /** 0-based indexes of cells that ended in an error (only with allowErrors). */
  errorCells: number[];
}

/** A cell failed: everything a reader needs to find and fix it. */
export class NotebookExecutionError extends Error {
  constructor(
    readonly notebook: string,
    /** 1-based, counting every cell (markdown too), as Jupyter's UI shows them. */
    readonly cellNumber: number | null,
    readonly cellCount: number,
    readonly kind: string,
    readonly ename: string,
    readonly evalue: string,
    readonly traceback: string,
    readonly sourceExcerpt: string,
    readonly executedCopy: string,
  ) {
    const where = cellNumber === null ? 'before its first cell ran' : `at cell ${cellNumber} of ${cellCount}`;
    const lines = [`Notebook ${notebook} failed ${where} (${kind}).`];
    if (sourceExcerpt) lines.push('Cell source:', ...sourceExcerpt.split('\n').map((l) => `  | ${l}`));
    lines.push(`${ename}: ${evalue}`);
    if (traceback && traceback.trim() !== `${ename}: ${evalue}`.trim()) lines.push(excerpt(traceback, 30).replace(/^/gm, '  '));
    if (kind !== 'write') lines.push(`The partly executed notebook is in ${executedCopy} (the last complete one, if any, is kept).`);
    if (kind === 'error') lines.push('Fix the cell, or build with --allow-errors to keep going and mark the cell in the report.');
    if (kind === 'timeout') lines.push('Raise the limit with --cell-timeout <seconds>, or make the cell faster (e.g. a smaller profile).');
    if (kind === 'interrupted') lines.push('Run the report again to finish it.');
    if (kind === 'write') lines.push('Make the output folder writable, or choose another with --out <dir>.');
    super(lines.join('\n'));
    this.name = 'NotebookExecutionError';
  }
}

/** Where a notebook that stopped before its last cell is written (the complete copy is left alone). */
export function partialCopyPath(outDir: string, name: string): string {
  return path.join(outDir, name.replace(/\.ipynb$/, '') + '.partial.ipynb');
}

/** The notebooks in a folder, in reading order (their names start with a number). */
export function listNotebooks(dir: string): string[] {
  if (!fs.existsSync(dir)) throw new Error(`Notebook folder ${dir} does not exist.`);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ipynb') && !f.startsWith('.'))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((f) => path.join(dir, f));
}

function excerpt(source: string, maxLines: number): string {
  const lines = source.replace(/\s+$/, '').split('\n');
  return lines.length <= maxLines ? lines.join('\n') : [...lines.slice(0, maxLines), `… (${lines.length - maxLines} more lines)`].join('\n');
}

/** One JSON line of scripts/execute-notebook.py's progress. */
interface ExecutorEvent {
  event: 'start' | 'cell' | 'done' | 'failed';
  cells?: number;
  index?: number | null;
  seconds?: number;
  error?: boolean;
  kind?: string;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

let kernelHome: string | undefined;

/** A temporary Jupyter data dir holding this project's kernelspec (removed at exit). */
function privateJupyterPath(): string {
  if (!kernelHome) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-jupyter-'));
    writeKernelSpec(dir, projectRoot());
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    kernelHome = dir;
  }
  return kernelHome;
}

export async function executeNotebook(file: string, opts: ExecuteOptions): Promise<ExecutedNotebook> {
  const name = path.basename(file);
  const source = readNotebook(file); // validates before a kernel starts
  fs.mkdirSync(opts.outDir, { recursive: true });
  const output = path.join(opts.outDir, name);
  const partial = partialCopyPath(opts.outDir, name);
  const python = findPythonWithNbclient();
  const script = path.join(projectRoot(), 'scripts', 'execute-notebook.py');
  const provenance: ExecutionProvenance = {
    source: sourceFingerprint(file),
    code: opts.code ?? codeFingerprint(projectRoot()),
    profile: opts.env?.ATLAS_PROFILE ?? process.env.ATLAS_PROFILE ?? 'default',
    executedAt: new Date().toISOString(),
  };
  const args = [
    script, file, output, '--partial', partial, '--provenance', JSON.stringify(provenance),
    '--cwd', opts.cwd ?? path.dirname(path.resolve(file)), '--timeout', String(Math.max(1, Math.round(opts.cellTimeoutSec ?? DEFAULT_CELL_TIMEOUT_SEC))), '--kernel', KERNEL_NAME,
  ];
  if (opts.allowErrors) args.push('--allow-errors');
  const env = {
    ...process.env,
    ...opts.env,
    JUPYTER_PATH: [privateJupyterPath(), process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter),
    PYDEVD_DISABLE_FILE_VALIDATION: '1',
    PYTHONUNBUFFERED: '1',
  };
  const started = Date.now();
  const errorCells: number[] = [];
  let failure: ExecutorEvent | undefined;
  let stderr = '';
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(python, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    // Ctrl-C or a kill: let the executor stop the kernel and set the partial copy aside before this
    // process exits (the caller sees the 'interrupted' failure). It ignores a repeated signal; a
    // second Ctrl-C here quits at once (the executor still finishes its clean-up).
    let signals = 0;
    const stop = () => {
      if (++signals > 1) process.exit(130);
      child.kill('SIGINT');
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    child.on('close', () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    });
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        const ev = JSON.parse(line) as ExecutorEvent;
        if (ev.event === 'cell') {
          if (ev.error) errorCells.push(ev.index!);
          opts.onProgress?.(`${name}: cell ${ev.index! + 1}/${source.cells.length} ${ev.error ? 'ERROR ' : ''}(${ev.seconds!.toFixed(1)} s)`);
        } else if (ev.event === 'failed') failure = ev;
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-8000);
    });
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? 1));
  });
  const seconds = (Date.now() - started) / 1000;
  if (failure) {
    const idx = failure.index ?? null;
    const cell = idx !== null ? source.cells[idx] : undefined;
    const startupHint =
      failure.kind === 'startup' ? `\nKernel output:\n${stripAnsi(stderr).split('\n').slice(-15).join('\n')}` : '';
    throw new NotebookExecutionError(
      name,
      idx === null ? null : idx + 1,
      source.cells.length,
      failure.kind ?? 'error',
      failure.ename ?? 'Error',
      stripAnsi((failure.evalue ?? '') + startupHint),
      cleanTraceback((failure.traceback ?? []).join('\n')),
      cell ? excerpt(joinText(cell.source), 12) : '',
      partial,
    );
  }
  if (code !== 0) throw new Error(`Executing ${name} failed (exit code ${code}):\n${stripAnsi(stderr).split('\n').slice(-20).join('\n')}`);
  return { name, source: file, output, seconds, cellCount: source.cells.length, errorCells };
}

/** Execute notebooks one after another (each gets a fresh kernel); stops at the first failure unless allowErrors. */
export async function executeNotebooks(files: string[], opts: ExecuteOptions): Promise<ExecutedNotebook[]> {
  const done: ExecutedNotebook[] = [];
  const code = opts.code ?? codeFingerprint(projectRoot());
  for (const file of files) done.push(await executeNotebook(file, { ...opts, code }));
  return done;
}
