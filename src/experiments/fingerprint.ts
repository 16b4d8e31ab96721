// What a run's result depends on besides its config: the source text of the code that computes it
// (the optimizer's rule, the model, the data pipeline, the training loop) and the backend. A change
// to any of these files changes the run's hash, so a stale cached result is never reused.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BackendInfo } from '../backend';
import { distIsStale } from '../build-dist';
import { MODEL_INFO } from '../models';
import { getOptimizerInfo } from '../optimizers/registry';
import { normalizeRunConfig } from './run-config';
import type { RunConfig } from './types';

// The one project-root finder (works from src/ and dist/); re-exported for the cache and tests.
export { projectRoot } from '../project-root';
import { projectRoot } from '../project-root';

/**
 * Files whose text does not change results, or that would pull in everything: display code, and
 * the registries/barrels (the specific rule file is listed directly instead).
 */
const NOT_FOLLOWED = new Set([
  'src/training/progress.ts',
  'src/training/index.ts',
  'src/optimizers/registry.ts',
  'src/optimizers/index.ts',
  'src/models/index.ts',
  'src/data/index.ts',
  'src/backend/index.ts',
]);

// Value imports only: `import type` and `export type` cannot change behaviour.
const IMPORT_RE = /^\s*(?:import|export)\s+(?!type\b)(?:[^'"]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]/gm;

function resolveImport(root: string, fromFile: string, spec: string): string | undefined {
  const base = path.posix.join(path.posix.dirname(fromFile), spec);
  for (const candidate of [`${base}.ts`, `${base}/index.ts`, base]) {
    if (fs.existsSync(path.join(root, candidate)) && fs.statSync(path.join(root, candidate)).isFile()) return candidate;
  }
  return undefined;
}

// Keyed by path and modification time: a long-lived process (a Jupyter kernel) sees later edits.
const textCache = new Map<string, { mtimeMs: number; text: string }>();

function readSource(root: string, rel: string): string {
  const key = path.join(root, rel);
  if (!fs.existsSync(key)) {
    throw new Error(`Result fingerprint: source file ${rel} is missing under ${root}. Results are keyed by the code that computes them, so run from a checkout that has src/.`);
  }
  const { mtimeMs } = fs.statSync(key);
  const cached = textCache.get(key);
  if (cached?.mtimeMs === mtimeMs) return cached.text;
  const text = fs.readFileSync(key, 'utf8').replace(/\r\n/g, '\n'); // same hash on Windows checkouts
  textCache.set(key, { mtimeMs, text });
  return text;
}

/**
 * Results are keyed by the text of src/, but notebooks run the compiled dist/. If src/ was edited
 * after the last build, the old code would run and its results would be filed under the new code's
 * hash, to be served later as if current: refuse instead.
 */
export function assertCompiledCodeIsCurrent(root = projectRoot()): void {
  const runningFromDist = path.relative(path.join(root, 'dist'), __dirname).split(path.sep)[0] !== '..';
  if (runningFromDist && distIsStale(root)) {
    throw new Error('dist/ is older than src/: the code that would run is not the code results are filed under. Run `npm run build` (then restart the Jupyter kernel) and try again.');
  }
}

/** Forget cached file texts (tests edit sources; a long-lived process may too). */
export function clearFingerprintCache(): void {
  textCache.clear();
}

/** `files` and, transitively, the project files they import (value imports only), sorted. */
export function sourceClosure(files: string[], root = projectRoot()): string[] {
  const seen = new Set<string>();
  const stack = [...files];
  while (stack.length) {
    const rel = stack.pop()!;
    if (seen.has(rel)) continue;
    seen.add(rel);
    if (NOT_FOLLOWED.has(rel) && !files.includes(rel)) continue;
    for (const m of readSource(root, rel).matchAll(IMPORT_RE)) {
      const target = resolveImport(root, rel, m[1]);
      if (target && !NOT_FOLLOWED.has(target)) stack.push(target);
    }
  }
  return [...seen].sort();
}

/** The source files a run's result depends on. */
export function runSources(config: Pick<RunConfig, 'model' | 'optimizer' | 'implementation' | 'data'>): string[] {
  const info = getOptimizerInfo(config.optimizer);
  const optimizerFiles = config.implementation === 'ours'
    ? [info.sourceFile, 'src/optimizers/adapter.ts', 'src/optimizers/hyperparams.ts']
    // The built-in's math is tfjs's (versioned in the hash); ours only configures it, with our defaults.
    : ['src/optimizers/builtin.ts', 'src/optimizers/hyperparams.ts', info.sourceFile];
  const dataFile = config.data.dataset === 'mnist' ? 'src/data/mnist.ts' : 'src/data/karate.ts';
  return sourceClosure([
    ...optimizerFiles,
    MODEL_INFO[config.model].sourceFile, // its imports are followed
    dataFile,
    'src/training/loop.ts',
    'src/experiments/execute.ts',
    // The wasm speed patches compute results too (only their names are in the backend key).
    'src/backend/wasm-patches.ts',
  ]);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with object keys sorted at every level, so equal values always serialise equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

/** Map of source file → SHA-256 of its text. */
export function fingerprintSources(files: string[], root = projectRoot()): Record<string, string> {
  return Object.fromEntries(files.map((f) => [f, sha256(readSource(root, f))]));
}

export type BackendKey = Pick<BackendInfo, 'name' | 'tfjsVersion' | 'patches'>;

/**
 * The run's hash: the normalised config (./run-config: defaults filled in; experiment and series
 * names do not change a result), the backend (name, tfjs version, speed patches: they may change float
 * rounding) and the sources. 16 hex digits (64 bits) name a file; collisions among a few thousand runs
 * are negligible.
 */
export function runHash(config: RunConfig, backend: BackendKey, sources: Record<string, string>): string {
  const key = { config: normalizeRunConfig(config), backend: { name: backend.name, tfjsVersion: backend.tfjsVersion, patches: [...backend.patches].sort() }, sources };
  return sha256(canonicalJson(key)).slice(0, 16);
}
