// src/browser is the low module for the browser and asset paths; display/ and report/ both use it and
// never each other's browser code (issue 8.4: the old report/assets ↔ display/static-image cycle).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const SRC = path.join(__dirname, '..', 'src');

/** Relative module specifiers a folder's .ts files import or require. */
function importsOf(dir: string): { file: string; spec: string }[] {
  const out: { file: string; spec: string }[] = [];
  for (const f of fs.readdirSync(path.join(SRC, dir), { recursive: true }) as string[]) {
    if (!f.endsWith('.ts')) continue;
    const text = fs.readFileSync(path.join(SRC, dir, f), 'utf8');
    for (const m of text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) out.push({ file: `${dir}/${f}`, spec: m[1] });
  }
  return out;
}

describe('module layers', () => {
  it('src/display imports nothing from src/report', () => {
    const bad = importsOf('display').filter((i) => /(^|\/)report(\/|$)/.test(i.spec));
    assert.deepEqual(bad, []);
  });
  it('src/browser imports neither src/display nor src/report', () => {
    const specs = importsOf('browser');
    assert.ok(specs.length > 0, 'the scan found the imports of src/browser');
    assert.deepEqual(specs.filter((i) => /(^|\/)(report|display)(\/|$)/.test(i.spec)), []);
  });
  it('only src/browser knows where Chromium and plotly.js are', () => {
    for (const dir of ['display', 'report']) {
      for (const f of fs.readdirSync(path.join(SRC, dir)) as string[]) {
        if (!f.endsWith('.ts')) continue;
        const text = fs.readFileSync(path.join(SRC, dir, f), 'utf8');
        assert.doesNotMatch(text, /\/usr\/bin\/chromium|plotly\.js-dist-min\/plotly\.min\.js/, `${dir}/${f}`);
      }
    }
  });
});
