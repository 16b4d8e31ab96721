import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { projectRoot } from '../src/project-root';

test('projectRoot: this checkout, from its own folder and from below it', () => {
  const root = path.resolve(__dirname, '..');
  assert.equal(projectRoot(), root);
  assert.equal(projectRoot(path.join(root, 'src', 'display')), root);
});

test('projectRoot climbs past package.json files of other names and unreadable ones; a clear error outside any project', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-root-'));
  try {
    const root = path.join(tmp, 'user-project', 'atlas');
    const write = (rel: string, text: string) => {
      fs.mkdirSync(path.join(root, path.dirname(rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    };
    fs.mkdirSync(root, { recursive: true });
    fs.writeFileSync(path.join(tmp, 'user-project', 'package.json'), JSON.stringify({ name: 'user-project' }));
    write('package.json', JSON.stringify({ name: 'optimizer-atlas' }));
    write('node_modules/tslab/package.json', JSON.stringify({ name: 'tslab' }));
    write('notebooks/broken/package.json', '{ not json');
    assert.equal(projectRoot(path.join(root, 'node_modules', 'tslab')), root);
    assert.equal(projectRoot(path.join(root, 'notebooks', 'broken')), root);
    assert.equal(projectRoot(root), root);
    // Above the atlas: only the user's own package.json, which is not this project.
    assert.throws(() => projectRoot(path.join(tmp, 'user-project')), /Cannot find the optimizer-atlas project root .* above /);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
