// PyTorch (one thread) as the yardstick: src/bench/torch_steps.py runs the same training steps in a
// Python process that answers one JSON line per request, so the benchmark interleaves its repeats
// with ours. Optional: without a python3 that imports torch, the benchmark prints ours alone.
// Reference only: nothing in the project depends on torch.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { Measured, TimedStepper } from './stats';

export const TORCH_CASES = ['mlp-b64-adam', 'cnn-b64-adam', 'sgd-b1-784-500-10'] as const;
export type TorchCase = (typeof TORCH_CASES)[number];

const SCRIPT = path.join(__dirname, 'torch_steps.py');

/**
 * The first python that imports torch: ATLAS_TORCH_PYTHON if set, else `python3`, else Debian's
 * /usr/bin/python3 (python3-torch lives there even when another python3 comes first on PATH).
 */
export function findTorchPython(env: NodeJS.ProcessEnv = process.env): { python: string; version: string } | { reason: string } {
  const candidates = env.ATLAS_TORCH_PYTHON ? [env.ATLAS_TORCH_PYTHON] : ['python3', '/usr/bin/python3'];
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0) return { python, version: r.stdout.trim() };
  }
  return { reason: `no python with torch (tried ${candidates.join(', ')}; set ATLAS_TORCH_PYTHON)` };
}

/** One Python process serving every torch case; requests are answered in order. */
export class TorchSteps {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly pending: Array<(line: string) => void> = [];
  private stderr = '';
  /** The BLAS library the torch process loaded (its speed depends on it), once a case is set up. */
  blas = 'unknown';

  constructor(python: string) {
    this.proc = spawn(python, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' } });
    this.proc.stderr.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-2000)));
    readline.createInterface({ input: this.proc.stdout }).on('line', (line) => this.pending.shift()?.(line));
    this.proc.on('exit', (code) => {
      for (const reject of this.pending.splice(0)) reject(JSON.stringify({ ok: false, error: `torch process exited (${code}): ${this.stderr.trim()}` }));
    });
  }

  private async request(msg: object): Promise<Record<string, unknown>> {
    const line = await new Promise<string>((resolve) => {
      this.pending.push(resolve);
      this.proc.stdin.write(JSON.stringify(msg) + '\n');
    });
    const reply = JSON.parse(line) as Record<string, unknown>;
    if (!reply.ok) throw new Error(`PyTorch reference: ${String(reply.error)}`);
    return reply;
  }

  async stepper(name: TorchCase): Promise<TimedStepper> {
    const setup = await this.request({ cmd: 'setup', case: name });
    this.blas = String(setup.blas ?? 'unknown');
    return {
      samplesPerStep: Number(setup.samplesPerStep),
      run: async (steps: number): Promise<Measured> => {
        const r = await this.request({ cmd: 'run', case: name, steps });
        return { wallMs: Number(r.wallMs) * steps, cpuMs: Number(r.cpuMs) * steps };
      },
      dispose: () => {},
    };
  }

  close(): void {
    this.proc.stdin.end();
    this.proc.kill();
  }
}
