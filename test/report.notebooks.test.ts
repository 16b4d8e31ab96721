// Every notebook in notebooks/ executes top to bottom through the Jupyter protocol with the tslab
// kernel (smoke profile), and displays the Plotly charts it should. A notebook states how many
// charts it displays in its metadata, "atlas": {"charts": N}; without it, at least one is expected.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { executeNotebook, listNotebooks } from '../src/report/execute-notebooks';
import { countChartBundles, readNotebook } from '../src/report/notebook-format';

const NOTEBOOKS = path.join(__dirname, '..', 'notebooks');

/** Execute one notebook as the report does (working directory = its folder) and count its chart bundles. */
async function executeAndCountCharts(file: string, outDir: string): Promise<{ charts: number; expected: number | undefined; seconds: number }> {
  const r = await executeNotebook(file, { outDir, cellTimeoutSec: 600, env: { ATLAS_PROFILE: 'smoke' } });
  const source = readNotebook(file);
  const declared = (source.metadata.atlas as { charts?: unknown } | undefined)?.charts;
  return { charts: countChartBundles(readNotebook(r.output)), expected: typeof declared === 'number' ? declared : undefined, seconds: r.seconds };
}

describe('notebooks/ execute with the tslab kernel', () => {
  const files = fs.existsSync(NOTEBOOKS) ? listNotebooks(NOTEBOOKS) : [];
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-notebooks-'));
  if (!files.length) it('has notebooks to execute', { skip: 'notebooks/ has no .ipynb yet' }, () => {});
  for (const file of files) {
    it(path.basename(file), async (t) => {
      const { charts, expected, seconds } = await executeAndCountCharts(file, outDir);
      t.diagnostic(`${charts} chart bundles, ${seconds.toFixed(1)} s`);
      if (expected !== undefined) assert.equal(charts, expected, `metadata atlas.charts says ${expected}`);
      else assert.ok(charts >= 1, 'displays at least one chart (or declares "atlas": {"charts": 0})');
    });
  }
});
