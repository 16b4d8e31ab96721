// Notebooks import the project from dist/ (the compiled package "optimizer-atlas"), so the report
// rebuilds dist/ first whenever a source file is newer: a report never runs yesterday's code.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

function newestMtime(dir: string, filter: (f: string) => boolean): number {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p, filter));
    else if (filter(entry.name)) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** True when dist/ is missing or older than a file in src/ (or the build config). */
export function distIsStale(root: string): boolean {
  const built = path.join(root, 'dist', 'index.js');
  if (!fs.existsSync(built)) return true;
  const sources = Math.max(
    newestMtime(path.join(root, 'src'), (f) => f.endsWith('.ts')),
    ...['tsconfig.json', 'tsconfig.build.json'].map((f) => fs.statSync(path.join(root, f)).mtimeMs),
  );
  return sources > fs.statSync(built).mtimeMs;
}

/** Compile src/ → dist/ with the project's TypeScript (`npm run build`); a compile error is thrown with tsc's output. */
export function buildDist(root: string): void {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`Compiling src/ to dist/ failed (notebooks import the project from dist/):\n${(r.stdout + r.stderr).trim().split('\n').slice(0, 30).join('\n')}`);
  }
  // tsc leaves an up-to-date file untouched; mark the build time so the staleness check holds.
  const now = new Date();
  fs.utimesSync(path.join(root, 'dist', 'index.js'), now, now);
}
