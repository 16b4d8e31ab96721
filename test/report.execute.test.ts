// Notebook execution through the real Jupyter protocol (nbclient + this project's tslab kernel):
// a failing cell stops the run with everything needed to fix it; --allow-errors keeps going.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { executeNotebook, NotebookExecutionError } from '../src/report/execute-notebooks';
import { readNotebook, joinText } from '../src/report/notebook-format';

const FAILING = path.join(__dirname, 'fixtures', 'failing', '01-fails.ipynb');

describe('notebook execution (tslab kernel)', () => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-exec-'));

  it('stops at the failing cell and names notebook, cell, source and error', async () => {
    const err = await executeNotebook(FAILING, { outDir, env: { ATLAS_PROFILE: 'smoke' } }).then(
      () => assert.fail('expected the notebook to fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof NotebookExecutionError, String(err));
    assert.equal(err.notebook, '01-fails.ipynb');
    assert.equal(err.cellNumber, 3);
    assert.equal(err.ename, 'RangeError');
    assert.equal(err.evalue, 'learning rate must be positive, got -1');
    assert.match(err.sourceExcerpt, /throw new RangeError/);
    assert.match(err.message, /failed at cell 3 of 4/);
    assert.match(err.message, /--allow-errors/);
    assert.ok(!/\u001b\[/.test(err.message), 'no ANSI codes in the message');
    assert.ok(!/tslab[\\/]dist/.test(err.traceback), 'kernel frames are dropped from the stack');
    // The partly executed copy is kept for inspection, and stops at the failure.
    assert.equal(err.executedCopy, path.join(outDir, '01-fails.partial.ipynb'));
    assert.ok(!fs.existsSync(path.join(outDir, '01-fails.ipynb')), 'no executed copy from a notebook that stopped early');
    const executed = readNotebook(err.executedCopy);
    assert.match(JSON.stringify(executed.cells[1].outputs), /profile: smoke/, 'ATLAS_PROFILE reaches the kernel');
    assert.deepEqual(executed.cells[3].outputs, []);
  });

  it('with allowErrors runs every cell and records the failure as an error output', async () => {
    const r = await executeNotebook(FAILING, { outDir, allowErrors: true });
    assert.deepEqual(r.errorCells, [2]);
    const executed = readNotebook(r.output);
    const errorOut = executed.cells[2].outputs!.find((o) => o.output_type === 'error');
    assert.equal(errorOut?.ename, 'RangeError');
    assert.match(joinText(executed.cells[3].outputs![0]?.text), /AFTER-FAILURE-MARKER 42/, 'the cell after the failure ran, with earlier state');
  });
});
