// Issue 9.5: an error reaches the user as its message, the file and line in our code, and a hint —
// never as ~36 KB of minified tfjs-backend-wasm.js (whose Emscripten module rethrows every uncaught
// error from inside itself, and Node prints the source line of that throw).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { describeError, hintFor, ownFrame } from '../src/cli-errors';

const ROOT = path.resolve(__dirname, '..');

function run(args: string[], opts: { onOutput?: (all: string, child: ReturnType<typeof spawn>) => void; timeoutMs?: number } = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, ATLAS_DEBUG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const on = (chunk: Buffer) => {
      output += chunk.toString();
      opts.onOutput?.(output, child);
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    const guard = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    // 'close': every process holding the pipes (workers too) has exited.
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, output });
    });
  });
}

/** Child process ids of `pid` (Linux). */
function workersOf(pid: number): string[] {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)
      .filter((child) => /experiments\/worker/.test(fs.readFileSync(`/proc/${child}/cmdline`, 'utf8')));
  } catch {
    return [];
  }
}

describe('error output of the command-line tools', () => {
  it('describeError: the message, our file and line, a hint for system errors', () => {
    const err = Object.assign(new Error("EACCES: permission denied, mkdir '/data/results/seed000'"), { code: 'EACCES', path: '/data/results/seed000' });
    assert.match(ownFrame(err)!, /^test\/cli\.errors\.test\.ts:\d+$/);
    const text = describeError(err);
    assert.match(text, /^EACCES: permission denied, mkdir '\/data\/results\/seed000'\n {2}at test\/cli\.errors\.test\.ts:\d+\nHint: cannot write \/data\/results\/seed000: make it writable, or choose another folder/);
    assert.equal(hintFor(new Error('plain')), undefined);
    // Frames in node_modules are not "our code".
    const foreign = new Error('x');
    foreign.stack = `Error: x\n    at f (${ROOT}/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js:1:2)\n    at g (${ROOT}/src/training/loop.ts:42:7)`;
    assert.equal(ownFrame(foreign), 'src/training/loop.ts:42');
  });

  it('an uncaught error after the wasm backend started: a few lines, not the bundled library source', async () => {
    const { code, output } = await run(['test/fixtures/errors/uncaught-after-wasm.ts', '--handled']);
    assert.equal(code, 1);
    assert.ok(output.length < 1000, `${output.length} characters:\n${output.slice(0, 600)}`);
    assert.ok(!output.includes('WasmBackendModule'), 'no minified tfjs source');
    assert.match(output, /fixture: ENOENT: no such file or directory, mkdir '\/proc\/atlas-cannot-create\/here'\n {2}at test\/fixtures\/errors\/uncaught-after-wasm\.ts:10\nHint: /);
  });

  it('workers of a runner killed with SIGKILL before they were ready exit quietly', { skip: !fs.existsSync('/proc/self/task') && 'needs Linux /proc' }, async () => {
    const results = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-kill9-'));
    try {
      let killed = false;
      let watching: NodeJS.Timeout | undefined;
      const { output } = await run(['src/experiments/cli.ts', '--profile', 'smoke', '--jobs', '2', '--results', results, 'seed000'], {
        onOutput: (all, child) => {
          // The plan line is printed just before the workers are forked: kill the runner as soon as
          // both exist, while they are still starting their backend (seconds).
          if (watching || !/to run on 2 worker/.test(all)) return;
          watching = setInterval(() => {
            if (killed || workersOf(child.pid!).length < 2) return;
            killed = true;
            clearInterval(watching);
            child.kill('SIGKILL');
          }, 20);
        },
      });
      clearInterval(watching);
      assert.ok(killed, output);
      assert.ok(!output.includes('WasmBackendModule'), 'no minified tfjs source');
      assert.ok(!/ERR_IPC_CHANNEL_CLOSED|Node\.js v/.test(output), `workers crashed:\n${output.slice(0, 1500)}`);
      assert.ok(output.length < 1000, `${output.length} characters of output`);
    } finally {
      fs.rmSync(results, { recursive: true, force: true });
    }
  });
});
