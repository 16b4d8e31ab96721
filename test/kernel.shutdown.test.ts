// The tslab kernel shuts down cleanly at the end of `jupyter nbconvert --execute` (issue 10). A notebook
// starts the wasm backend as every notebook does (atlas.initBackend), then something writes to stderr
// after the kernel has closed its sockets: tslab keeps stdout/stderr routed to the last cell, so that
// write throws "Socket is closed" (EBADF). tslab's own listener would log it; tfjs-backend-wasm's
// leftover `throw ex` listener used to make it fatal: a stack from tf-backend-wasm.node.js, exit code 7.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildDist, distIsStale } from '../src/build-dist';
import { projectRoot } from '../src/project-root';
import { writeKernelSpec } from '../src/report/jupyter';

const hasNbconvert = spawnSync('jupyter-nbconvert', ['--version'], { encoding: 'utf8' }).status === 0;

const CELL = [
  "import * as atlas from 'optimizer-atlas';",
  'const backend = await atlas.initBackend();',
  'console.log(`backend: ${backend.name}`);',
  '// Written after the cell has finished, while (or after) the kernel shuts down.',
  "setTimeout(() => process.stderr.write('late output\\n'), 1500);",
].join('\n');

describe('tslab kernel under jupyter nbconvert --execute', { skip: hasNbconvert ? false : 'jupyter-nbconvert is not installed (Debian: apt-get install jupyter-nbconvert python3-nbclient)' }, () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-kernel-shutdown-'));
  before(() => {
    if (distIsStale(projectRoot())) buildDist(projectRoot());
    writeKernelSpec(path.join(work, 'jupyter'), projectRoot());
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('shuts down without a crash or a stack trace, even when output arrives after shutdown', { timeout: 300_000 }, () => {
    const nb = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript (Optimizer Atlas)', language: 'typescript' } },
      cells: [{ id: 'late-write', cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: CELL }],
    };
    const file = path.join(work, 'late-write.ipynb');
    fs.writeFileSync(file, JSON.stringify(nb));
    const r = spawnSync('jupyter-nbconvert', ['--to', 'notebook', '--execute', file, '--output-dir', path.join(work, 'out')], {
      encoding: 'utf8',
      cwd: path.join(projectRoot(), 'notebooks'),
      env: { ...process.env, JUPYTER_PATH: path.join(work, 'jupyter'), ATLAS_PROFILE: 'smoke', PYDEVD_DISABLE_FILE_VALIDATION: '1' },
      timeout: 240_000,
    });
    const stderr = r.stderr ?? '';
    assert.equal(r.status, 0, `nbconvert failed:\n${stderr.slice(-3000)}`);
    const executed = JSON.parse(fs.readFileSync(path.join(work, 'out', 'late-write.ipynb'), 'utf8'));
    const text = executed.cells[0].outputs.map((o: { text?: string | string[] }) => [o.text ?? ''].flat().join('')).join('');
    assert.match(text, /backend: wasm/, 'the cell ran on the wasm backend');
    assert.doesNotMatch(stderr, /Socket is closed|EBADF/, `the kernel's stderr:\n${stderr.slice(-3000)}`);
    assert.doesNotMatch(stderr, /^\s+at .+:\d+:\d+\)?$/m, `no stack trace:\n${stderr.slice(-3000)}`);
    assert.doesNotMatch(stderr, /tf-backend-wasm|throw ex|Node\.js v\d+/, `no fatal exception:\n${stderr.slice(-3000)}`);
  });
});
