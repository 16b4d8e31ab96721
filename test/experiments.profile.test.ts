// The one profile rule (src/experiments/profile.ts): argument, ATLAS_PROFILE, the last report (notebooks), fallback.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { lastReportPath, profileNoticeMarkdown, recordReportProfile, resolveProfile } from '../src/experiments/profile';
import { parseCliArgs } from '../src/experiments/cli';

function tmpResults(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-profile-'));
}

describe('resolveProfile', () => {
  it('falls back to smoke for notebooks and default for the CLI when nothing is set', () => {
    const dir = tmpResults();
    assert.deepEqual(resolveProfile({ caller: 'notebook', env: {}, resultsDir: dir }), { profile: 'smoke', source: 'fallback' });
    assert.deepEqual(resolveProfile({ caller: 'cli', env: {}, resultsDir: dir }), { profile: 'default', source: 'fallback' });
  });

  it('notebooks follow the last report; the CLI does not', () => {
    const dir = tmpResults();
    recordReportProfile('full', dir);
    const nb = resolveProfile({ caller: 'notebook', env: {}, resultsDir: dir });
    assert.equal(nb.profile, 'full');
    assert.equal(nb.source, 'last report');
    assert.match(nb.reportBuiltAt!, /^\d{4}-\d\d-\d\dT/);
    assert.equal(resolveProfile({ caller: 'cli', env: {}, resultsDir: dir }).profile, 'default');
    assert.match(profileNoticeMarkdown(nb), /profile `full`.*last `npm run report`/);
  });

  it('ATLAS_PROFILE beats the last report, and an explicit choice beats both', () => {
    const dir = tmpResults();
    recordReportProfile('full', dir);
    assert.deepEqual(resolveProfile({ caller: 'notebook', env: { ATLAS_PROFILE: ' smoke ' }, resultsDir: dir }), { profile: 'smoke', source: 'ATLAS_PROFILE' });
    assert.deepEqual(resolveProfile({ caller: 'notebook', explicit: 'default', env: { ATLAS_PROFILE: 'smoke' }, resultsDir: dir }), { profile: 'default', source: 'argument' });
    assert.deepEqual(resolveProfile({ caller: 'cli', explicit: '', env: { ATLAS_PROFILE: 'smoke' }, resultsDir: dir }), { profile: 'smoke', source: 'ATLAS_PROFILE' });
  });

  it('rejects unknown names wherever they come from, and ignores a corrupt record with a note', () => {
    const dir = tmpResults();
    assert.throws(() => resolveProfile({ caller: 'cli', explicit: 'huge', env: {} }), /Unknown profile "huge".*smoke, default, full/);
    assert.throws(() => resolveProfile({ caller: 'notebook', env: { ATLAS_PROFILE: 'tiny' }, resultsDir: dir }), /Unknown profile "tiny"/);
    fs.writeFileSync(lastReportPath(dir), '{"profile": "nonsense"}');
    assert.deepEqual(resolveProfile({ caller: 'notebook', env: {}, resultsDir: dir }), { profile: 'smoke', source: 'fallback' });
  });

  it('is what the experiments CLI uses', () => {
    const saved = process.env.ATLAS_PROFILE;
    try {
      delete process.env.ATLAS_PROFILE;
      assert.equal(parseCliArgs([]).profile, 'default');
      process.env.ATLAS_PROFILE = 'smoke';
      assert.equal(parseCliArgs([]).profile, 'smoke');
      assert.equal(parseCliArgs(['--profile', 'full']).profile, 'full');
      assert.throws(() => parseCliArgs(['--profile', 'huge']), /Unknown profile "huge"/);
    } finally {
      if (saved === undefined) delete process.env.ATLAS_PROFILE;
      else process.env.ATLAS_PROFILE = saved;
    }
  });
});
