// Issue 9.6: a command checks what it needs before it starts, and reports every missing piece with
// its fix: a read-only results folder before any training, a read-only output folder and a missing
// browser before any notebook runs.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { main as experimentsMain } from '../src/experiments/cli';
import { buildReport } from '../src/report/build-report';
import { PreflightError } from '../src/preflight';
import { makeReadOnlyDir } from './read-only-dir';

const FIXTURES = path.join(__dirname, 'fixtures', 'notebooks');

/** Run `fn` with process.stderr captured. */
async function captureStderr<T>(fn: () => Promise<T>): Promise<{ value: T; stderr: string }> {
  const write = process.stderr.write.bind(process.stderr);
  let stderr = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += chunk.toString();
    return true;
  }) as typeof process.stderr.write;
  try {
    return { value: await fn(), stderr };
  } finally {
    process.stderr.write = write;
  }
}

describe('pre-flight checks', () => {
  it('npm run experiments: a read-only results folder is reported before any run trains (exit 2, the folder, the fix)', async (t) => {
    const ro = makeReadOnlyDir();
    if (!ro) return t.skip('cannot make a read-only folder here');
    try {
      const started = performance.now();
      const { value: code, stderr } = await captureStderr(() => experimentsMain(['--profile', 'smoke', '--jobs', '0', '--results', ro.dir, 'seed000']));
      const seconds = (performance.now() - started) / 1000;
      assert.equal(code, 2, stderr);
      assert.match(stderr, new RegExp(`The results folder ${ro.dir} is not writable \\(permission denied\\)`));
      assert.match(stderr, /Fix: make it writable, or choose another folder with --results DIR/);
      assert.ok(!/ENOENT|mkdir|    at /.test(stderr), `no stack or wrong cause:\n${stderr}`);
      assert.ok(seconds < 20, `reported after ${seconds.toFixed(1)} s: before training, not after`);
    } finally {
      ro.cleanup();
    }
  });

  it('npm run report: a read-only output folder and a missing browser are both reported before the first step', async (t) => {
    const ro = makeReadOnlyDir();
    if (!ro) return t.skip('cannot make a read-only folder here');
    const saved = process.env.PUPPETEER_EXECUTABLE_PATH;
    process.env.PUPPETEER_EXECUTABLE_PATH = path.join(os.tmpdir(), 'no-such-chromium');
    const log: string[] = [];
    try {
      await assert.rejects(
        buildReport({ profile: 'smoke', allowErrors: false, notebooksDir: FIXTURES, outDir: ro.dir, cellTimeoutSec: 300, pdf: true, experiments: false, log: (l) => log.push(l) }),
        (err: Error) => {
          assert.ok(err instanceof PreflightError, err.stack);
          assert.equal(err.problems.length, 2, err.message);
          assert.match(err.message, new RegExp(`The output folder ${ro.dir} is not writable`));
          assert.match(err.message, /Fix: make it writable, or choose another with --out DIR/);
          assert.match(err.message, /No browser for the PDF and the charts' static images/);
          assert.match(err.message, /--no-pdf, with ATLAS_STATIC_IMAGES=0/);
          return true;
        },
      );
      assert.deepEqual(log, [], 'nothing started: no step, no notebook');
      assert.deepEqual(fs.readdirSync(ro.dir), []);
    } finally {
      if (saved === undefined) delete process.env.PUPPETEER_EXECUTABLE_PATH;
      else process.env.PUPPETEER_EXECUTABLE_PATH = saved;
      ro.cleanup();
    }
  });
});
