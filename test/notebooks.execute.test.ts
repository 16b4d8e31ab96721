// Every notebook in notebooks/ executes top to bottom through the real Jupyter kernel protocol
// (nbclient driving this project's tslab kernel, via src/report's harness) at the smoke profile,
// with an empty result cache (so the experiments really run), and displays exactly its expected
// number of Plotly chart bundles: a loop that silently shows nothing, or shows a chart twice, fails.
// Each executed notebook, as Jupyter writes it, stays within MAX_NOTEBOOK_BYTES (issue 10: light files).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildDist, distIsStale } from '../src/build-dist';
import { projectRoot } from '../src/project-root';
import { executeNotebook, listNotebooks } from '../src/report/execute-notebooks';
import { countChartBundles, readNotebook } from '../src/report/notebook-format';

const NOTEBOOKS = path.join(__dirname, '..', 'notebooks');
/** A notebook after Run All and save weighs at most this (charts included; plotly.js is not in it). */
const MAX_NOTEBOOK_BYTES = 2_000_000;

/** Charts each notebook displays at the smoke profile (the cells' own counts: 4 landscapes + 1 slider in 02–05, …). */
const CHARTS: Record<string, number> = {
  '00-introduction.ipynb': 4,
  '01-gradient-descent.ipynb': 7,
  '02-momentum.ipynb': 5,
  '03-adaptive.ipynb': 5,
  '04-adam-family.ipynb': 5,
  '05-lion.ipynb': 5,
  '06-mnist.ipynb': 14,
  '07-karate-club.ipynb': 5,
  '08-conclusions.ipynb': 6,
  '09-learning-rate-schedules.ipynb': 12,
};

describe('notebooks execute with the tslab kernel (smoke profile, empty cache)', () => {
  const files = listNotebooks(NOTEBOOKS);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-nb-test-'));
  // Notebooks import the compiled package: test the code in src/, not an older build of it.
  before(() => {
    if (distIsStale(projectRoot())) buildDist(projectRoot());
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('has exactly the notebooks listed here, in reading order', () => {
    assert.deepEqual(files.map((f) => path.basename(f)), Object.keys(CHARTS));
  });

  for (const file of files) {
    const name = path.basename(file);
    it(name, async (t) => {
      const source = readNotebook(file);
      assert.equal(source.metadata.kernelspec?.name, 'tslab');
      assert.equal(source.nbformat_minor >= 5 && source.cells.every((c) => typeof c.id === 'string' && c.id.length > 0), true, 'nbformat 4.5 with cell ids');
      assert.ok(source.cells.every((c) => (c.outputs ?? []).length === 0), 'notebooks are committed without outputs');
      const r = await executeNotebook(file, {
        outDir: path.join(work, 'executed'),
        cellTimeoutSec: 600,
        env: { ATLAS_PROFILE: 'smoke', ATLAS_RESULTS_DIR: path.join(work, 'results') },
      });
      const executed = readNotebook(r.output);
      const charts = countChartBundles(executed);
      const bytes = fs.statSync(r.output).size;
      t.diagnostic(`${charts} chart bundles, ${r.seconds.toFixed(1)} s, ${(bytes / 1e6).toFixed(2)} MB`);
      assert.ok(bytes <= MAX_NOTEBOOK_BYTES, `${name} weighs ${(bytes / 1e6).toFixed(2)} MB executed (limit ${MAX_NOTEBOOK_BYTES / 1e6} MB)`);
      assert.equal(charts, CHARTS[name], `${name} displayed ${charts} charts, expected ${CHARTS[name]}`);
      const code = executed.cells.filter((c) => c.cell_type === 'code');
      assert.ok(code.every((c) => typeof c.execution_count === 'number'), 'every code cell ran');
      assert.deepEqual(code.flatMap((c, i) => ((c.outputs ?? []).some((o) => o.output_type === 'error') ? [i] : [])), [], 'no cell shows an error');
    });
  }
});
