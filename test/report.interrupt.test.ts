// Issue 9.3: Ctrl-C in the middle of a notebook must not replace its last good executed copy with a
// half-executed one, and `--render-only` refuses executed copies that are incomplete or stale.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { buildReport } from '../src/report/build-report';
import { readNotebook } from '../src/report/notebook-format';
import { PROVENANCE_KEY } from '../src/report/provenance';

const ROOT = path.resolve(__dirname, '..');

/** One notebook whose third cell waits ATLAS_TEST_SLOW_MS (0 unless set): long enough to be interrupted. */
function writeNotebook(file: string, marker: string): void {
  const code = (id: string, source: string) => ({ cell_type: 'code', id, metadata: {}, source, execution_count: null, outputs: [] });
  fs.writeFileSync(file, JSON.stringify({
    cells: [
      { cell_type: 'markdown', id: 'c0', metadata: {}, source: '# Interruptible' },
      code('c1', `console.log('${marker}');`),
      code('c2', "await new Promise((done) => setTimeout(done, Number(process.env.ATLAS_TEST_SLOW_MS ?? 0)));\nconsole.log('SLOW-CELL-DONE');"),
      code('c3', "console.log('LAST-CELL');"),
    ],
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  }));
}

const build = (notebooksDir: string, outDir: string, renderOnly = false) =>
  buildReport({ profile: 'smoke', allowErrors: false, notebooksDir, outDir, cellTimeoutSec: 300, pdf: false, experiments: false, renderOnly, log: () => {} });

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `npm run report` in its own process group, sent SIGINT (as Ctrl-C does) once `cell 2/4` has run. */
function interruptedReport(notebooksDir: string, outDir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/report/cli.ts', '--notebooks', notebooksDir, '--out', outDir, '--no-pdf', '--no-experiments', '--profile', 'smoke'], {
      cwd: ROOT, detached: true, env: { ...process.env, ATLAS_TEST_SLOW_MS: '120000' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let sent = false;
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!sent && /cell 2\/4/.test(output)) {
        sent = true;
        setTimeout(() => process.kill(-child.pid!, 'SIGINT'), 500); // inside the slow cell
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const guard = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 100_000);
    child.on('error', reject);
    child.on('close', async (code) => {
      clearTimeout(guard);
      // Whatever the CLI left running in its group (the executor finishing its clean-up) must be done
      // too before the files are judged: a late write is still a write.
      for (let i = 0; i < 300 && groupAlive(child.pid!); i++) await new Promise((r) => setTimeout(r, 100));
      resolve({ code, output });
    });
  });
}

describe('an interrupted report (Ctrl-C mid-notebook) and --render-only', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-interrupt-'));
  const notebooksDir = path.join(work, 'notebooks');
  const outDir = path.join(work, 'out');
  const source = path.join(notebooksDir, '01-interruptible.ipynb');
  const executed = path.join(outDir, 'notebooks', '01-interruptible.ipynb');
  fs.mkdirSync(notebooksDir);
  writeNotebook(source, 'FIRST-BUILD');
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('keeps the last complete executed copy, writes the stopped one aside, and --render-only refuses incomplete or stale copies', async () => {
    await build(notebooksDir, outDir);
    const good = fs.readFileSync(executed, 'utf8');
    const provenance = readNotebook(executed).metadata[PROVENANCE_KEY] as Record<string, unknown>;
    assert.equal(provenance.complete, true);
    assert.equal(provenance.profile, 'smoke');

    const run = await interruptedReport(notebooksDir, outDir);
    assert.match(run.output, /cell 2\/4/, run.output);
    assert.notEqual(run.code, 0, 'an interrupted build does not succeed');
    assert.equal(fs.readFileSync(executed, 'utf8'), good, 'the good executed copy is untouched');
    const partial = path.join(outDir, 'notebooks', '01-interruptible.partial.ipynb');
    assert.ok(fs.existsSync(partial), `the stopped notebook is kept aside for inspection; output:\n${run.output}`);
    assert.equal((readNotebook(partial).metadata[PROVENANCE_KEY] as Record<string, unknown>).complete, false);

    // The good copy renders, with all its outputs.
    const ok = await build(notebooksDir, outDir, true);
    assert.match(fs.readFileSync(ok.html, 'utf8'), /LAST-CELL/);

    // A half-executed copy (as an interrupted older build left it) is refused, with the fix.
    fs.copyFileSync(partial, executed);
    await assert.rejects(build(notebooksDir, outDir, true), (err: Error) => {
      assert.match(err.message, /01-interruptible\.ipynb \(incomplete\): its execution stopped before the last cell/);
      assert.match(err.message, /without --render-only/);
      return true;
    });

    // A complete copy of an older version of the notebook is stale.
    fs.writeFileSync(executed, good);
    writeNotebook(source, 'EDITED-SINCE');
    await assert.rejects(build(notebooksDir, outDir, true), /01-interruptible\.ipynb \(stale\): its source 01-interruptible\.ipynb changed/);
  });
});
