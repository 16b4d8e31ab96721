// The smoke profile of every experiment, on 2 worker processes: what CI runs to prove that every
// spec, model, optimizer and implementation trains end to end (about 15 s here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXPERIMENTS, planRuns, runExperiments } from '../src/experiments';

test('smoke profile: every experiment runs, no run errors, divergence is recorded as a result', async () => {
  const resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-smoke-'));
  try {
    const s = await runExperiments({ profile: 'smoke', jobs: 2, resultsDir });
    const planned = EXPERIMENTS.reduce((n, e) => n + planRuns(e, 'smoke').length, 0);
    assert.equal(s.records.length, planned);
    const errors = s.records.filter((r) => r.status === 'error');
    assert.deepEqual(errors.map((r) => `${r.experiment}/${r.series}: ${r.error}`), []);
    for (const r of s.records.filter((x) => x.status === 'ok')) {
      assert.equal(r.epochs.length, r.config.epochs, `${r.experiment}/${r.series}`);
      assert.ok(Number.isFinite(r.epochs.at(-1)!.testLoss));
    }
    // lr 1 for Adam on the MLP blows up: a recorded divergence with its step, not a crash.
    const adamAt1 = s.records.find((r) => r.experiment === 'lr-sensitivity-mlp' && r.series === 'adam-lr1')!;
    assert.equal(adamAt1.status, 'diverged');
    assert.ok(adamAt1.divergence!.step >= 1);
    // One record per run, however many experiments plan it.
    const stored = fs.readdirSync(path.join(resultsDir, 'runs')).filter((f) => f.endsWith('.json'));
    assert.equal(stored.length, new Set(s.records.map((r) => r.hash)).size);
  } finally {
    fs.rmSync(resultsDir, { recursive: true, force: true });
  }
});
