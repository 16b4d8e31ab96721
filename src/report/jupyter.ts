// Finding Jupyter and describing this project's tslab kernel. Shared by `npm run kernel:install`
// (registers the kernel with the user's Jupyter) and the notebook executor (which uses a private
// copy of the same kernelspec, so a report never depends on what the user has registered).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KERNEL_NAME, KERNELSPEC_PLOTLY_FILE, plotlyScriptPath } from '../browser/assets';
import { projectRoot } from '../project-root';

export { KERNEL_NAME };

export const KERNEL_DISPLAY_NAME = 'TypeScript (Optimizer Atlas)';

const INSTALL_JUPYTER_HELP = [
  'Install Jupyter, then run the command again:',
  '  Debian/Ubuntu: sudo apt-get install jupyter-notebook jupyter-nbconvert python3-nbclient python3-ipykernel',
  '  macOS:         brew install jupyterlab   (or: python3 -m pip install --user jupyterlab)',
  '  Windows:       py -m pip install --user jupyterlab   (then make sure its Scripts folder is on PATH)',
  'Or set ATLAS_JUPYTER to the jupyter executable and ATLAS_PYTHON to a Python that has nbclient.',
].join('\n');

/** The command that starts this project's tslab: node + tslab's script, both absolute (works on Windows too). */
export function tslabCommand(root: string = projectRoot()): string[] {
  const script = path.join(root, 'node_modules', 'tslab', 'bin', 'tslab');
  if (!fs.existsSync(script)) {
    throw new Error(`tslab is not installed (${script} is missing). Run \`npm ci\` in ${root} first.`);
  }
  return [process.execPath, script];
}

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode: 'signal';
  metadata: Record<string, unknown>;
}

export function kernelSpec(root: string = projectRoot()): KernelSpec {
  return {
    argv: [...tslabCommand(root), 'kernel', '--config-path', '{connection_file}'],
    display_name: KERNEL_DISPLAY_NAME,
    language: 'typescript',
    interrupt_mode: 'signal',
    metadata: { project: root },
  };
}

/**
 * Write `<dataDir>/kernels/tslab/kernel.json`, and plotly.js beside it: Jupyter servers serve a
 * kernelspec's files to their pages, which is where notebook charts load plotly.js from (see
 * src/display/bundle.ts). A symlink to node_modules (follows `npm ci` updates), else a copy
 * (Windows without symlink rights). Returns the kernel folder.
 */
export function writeKernelSpec(dataDir: string, root: string = projectRoot()): string {
  const dir = path.join(dataDir, 'kernels', KERNEL_NAME);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'kernel.json'), JSON.stringify(kernelSpec(root), null, 2) + '\n');
  const plotly = path.join(dir, KERNELSPEC_PLOTLY_FILE);
  fs.rmSync(plotly, { force: true });
  try {
    fs.symlinkSync(plotlyScriptPath(), plotly);
  } catch {
    fs.copyFileSync(plotlyScriptPath(), plotly);
  }
  return dir;
}

function run(cmd: string, args: string[]): { ok: boolean; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', shell: process.platform === 'win32' });
  return { ok: !r.error && r.status === 0, stdout: (r.stdout ?? '').trim(), stderr: (r.stderr ?? '').trim() };
}

/** The jupyter executable (ATLAS_JUPYTER, else `jupyter` on PATH), or a clear error saying how to install it. */
export function findJupyter(): string {
  const candidate = process.env.ATLAS_JUPYTER || 'jupyter';
  if (run(candidate, ['--version']).ok) return candidate;
  throw new Error(`Jupyter was not found (tried \`${candidate} --version\`).\n${INSTALL_JUPYTER_HELP}`);
}

/** The user's Jupyter data directory as Jupyter itself reports it (honours JUPYTER_DATA_DIR, per-platform defaults). */
export function jupyterDataDir(jupyter: string = findJupyter()): string {
  const r = run(jupyter, ['--data-dir']);
  if (!r.ok || !r.stdout) throw new Error(`\`${jupyter} --data-dir\` failed: ${r.stderr || 'no output'}`);
  return r.stdout.split(/\r?\n/).pop()!.trim();
}

/** Python interpreters worth trying, best first: the one running `jupyter` (its shebang) is the one with Jupyter's libraries. */
function pythonCandidates(): string[] {
  const out: string[] = [];
  if (process.env.ATLAS_PYTHON) out.push(process.env.ATLAS_PYTHON);
  const which = run(process.platform === 'win32' ? 'where' : 'which', [process.env.ATLAS_JUPYTER || 'jupyter']);
  const jupyterPath = which.ok ? which.stdout.split(/\r?\n/)[0] : '';
  if (jupyterPath && fs.existsSync(jupyterPath)) {
    try {
      const first = fs.readFileSync(jupyterPath, 'utf8').slice(0, 300).split('\n')[0];
      const m = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(first);
      if (m) out.push(m[1].endsWith('/env') && m[2] ? m[2] : m[1]);
    } catch {
      /* a binary launcher (Windows .exe): fall through */
    }
  }
  out.push('python3', 'python', '/usr/bin/python3', 'py');
  return [...new Set(out)];
}

let cachedPython: string | undefined;

/** A Python that can `import nbclient` (the Jupyter client library that drives kernels), or a clear error. */
export function findPythonWithNbclient(): string {
  if (cachedPython) return cachedPython;
  const tried: string[] = [];
  for (const py of pythonCandidates()) {
    tried.push(py);
    if (run(py, ['-c', 'import nbclient, nbformat, jupyter_client']).ok) return (cachedPython = py);
  }
  throw new Error(
    `No Python with the Jupyter client libraries (nbclient, nbformat, jupyter_client) was found (tried: ${tried.join(', ')}).\n` +
      INSTALL_JUPYTER_HELP,
  );
}
