// Issue 9.9: relative --results, --out, ATLAS_RESULTS_DIR and MNIST_DIR are taken from the folder the
// user ran `npm run …` in (npm starts scripts in the project root and passes that folder as
// INIT_CWD); `npm run report` takes --jobs and lists --no-experiments in its usage.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { defaultResultsDir } from '../src/experiments/cache';
import { parseCliArgs } from '../src/experiments/cli';
import { resolveMnistDir } from '../src/data/mnist';
import { USAGE, parseReportArgs } from '../src/report/cli';

const USER_DIR = path.resolve('/home/someone/work');
const VARS = ['INIT_CWD', 'npm_lifecycle_event', 'ATLAS_RESULTS_DIR', 'MNIST_DIR'] as const;

describe('paths and options as the user typed them', () => {
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const v of VARS) saved[v] = process.env[v];
    // As `npm run experiments` sets them when typed in /home/someone/work (cwd: the project root).
    process.env.INIT_CWD = USER_DIR;
    process.env.npm_lifecycle_event = 'experiments';
  });
  afterEach(() => {
    for (const v of VARS) {
      if (saved[v] === undefined) delete process.env[v];
      else process.env[v] = saved[v];
    }
  });

  it('npm run experiments -- --results myres writes to <where you typed it>/myres', () => {
    assert.equal(parseCliArgs(['--results', 'myres', 'seed000']).resultsDir, path.join(USER_DIR, 'myres'));
    assert.equal(parseCliArgs(['--results', '/abs/res']).resultsDir, path.resolve('/abs/res'));
  });

  it('ATLAS_RESULTS_DIR and MNIST_DIR, when relative, too', () => {
    process.env.ATLAS_RESULTS_DIR = 'res';
    process.env.MNIST_DIR = '../mnist';
    assert.equal(defaultResultsDir(), path.join(USER_DIR, 'res'));
    assert.deepEqual(resolveMnistDir(), { dir: path.resolve(USER_DIR, '../mnist'), origin: 'MNIST_DIR' });
  });

  it('without npm (node run directly) the current folder is the base', () => {
    delete process.env.npm_lifecycle_event;
    assert.equal(parseCliArgs(['--results', 'myres']).resultsDir, path.resolve('myres'));
  });

  it('npm run report: --out and --notebooks from where you typed them; --jobs reaches the build; usage lists every option', () => {
    const opts = parseReportArgs(['--out', 'site', '--notebooks', 'nbs', '--jobs', '1', '--no-experiments'])!;
    assert.equal(opts.outDir, path.join(USER_DIR, 'site'));
    assert.equal(opts.notebooksDir, path.join(USER_DIR, 'nbs'));
    assert.equal(opts.jobs, 1);
    assert.equal(opts.experiments, false);
    assert.equal(parseReportArgs([])!.jobs, undefined, 'default: one worker per core');
    assert.throws(() => parseReportArgs(['--jobs', 'two']), /--jobs must be an integer ≥ 0, got "two"/);
    for (const flag of ['--no-experiments', '--jobs', '--render-only', '--no-pdf', '--allow-errors', '--out', '--notebooks', '--cell-timeout', '--profile']) {
      assert.ok(USAGE.includes(flag), `usage mentions ${flag}`);
    }
  });
});
