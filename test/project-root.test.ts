import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { projectRoot } from '../src/project-root';
import { projectRoot as reportProjectRoot } from '../src/report/jupyter';

test('projectRoot: the folder whose package.json is optimizer-atlas, from anywhere below it; a clear error elsewhere', () => {
  const root = path.resolve(__dirname, '..');
  assert.equal(projectRoot(), root);
  assert.equal(projectRoot(path.join(root, 'src', 'display')), root);
  assert.equal(reportProjectRoot, projectRoot, 'one implementation');
  // A package.json of another name (as in node_modules) does not stop the climb.
  const nested = path.join(root, 'node_modules', 'tslab');
  if (fs.existsSync(path.join(nested, 'package.json'))) assert.equal(projectRoot(nested), root);
  assert.throws(() => projectRoot(os.tmpdir()), /optimizer-atlas project root/);
});
