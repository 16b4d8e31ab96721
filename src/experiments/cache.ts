// The result store: one JSON record per run, named by the run's hash, at <resultsDir>/runs/<hash>.json.
// A run is its hash: an experiment does not own records, it derives what it shows from its plan (the
// runner labels each record with the plan's experiment and series when serving it), so a run planned by
// several experiments is stored and trained once.
//
// Rules: records are written atomically (temp file + rename), so an interrupted sweep leaves only whole
// records; a record is served only if it is the run its file name says (its hash recomputed from its
// own config, backend and fingerprint); a good record (ok or diverged) is only ever replaced by a good
// one; a run being trained by one process is locked so another process waits for it instead of
// training it too. Results of the old layout (<resultsDir>/<experiment>/<hash>.json) are migrated.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as lockfile from 'proper-lockfile';
import { projectRoot, runHash } from './fingerprint';
import { resolveUserPath } from '../project-root';
import type { RunRecord } from './types';
import { readTextIfPresent, writeFileAtomic } from '../files';

/** Default: output/results under the project root; ATLAS_RESULTS_DIR overrides. */
export function defaultResultsDir(): string {
  return process.env.ATLAS_RESULTS_DIR ? resolveUserPath(process.env.ATLAS_RESULTS_DIR) : path.join(projectRoot(), 'output', 'results');
}

const RUNS = 'runs';

export function recordPath(resultsDir: string, hash: string): string {
  return path.join(resultsDir, RUNS, `${hash}.json`);
}

// JSON has no NaN or ±Infinity (JSON.stringify writes null): a diverged run's NaN loss would come
// back from the cache as null while a fresh run has NaN. Non-finite numbers are stored as strings.
const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };
export const encodeNonFinite = (_key: string, v: unknown): unknown => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v);
export const decodeNonFinite = (_key: string, v: unknown): unknown => (typeof v === 'string' && v in NON_FINITE ? NON_FINITE[v] : v);

/** A record as stored on disk (non-finite numbers preserved), and back. */
export const serializeRecord = (record: RunRecord): string => `${JSON.stringify(record, encodeNonFinite, 1)}\n`;
export const parseRecord = (text: string): RunRecord => JSON.parse(text, decodeNonFinite) as RunRecord;

/** The record in `file`, or undefined when absent or unreadable (a torn or hand-edited file is a miss). */
export function readRecord(file: string): RunRecord | undefined {
  const text = readTextIfPresent(file);
  if (text === undefined) return undefined;
  try {
    const record = parseRecord(text);
    return record && record.schema === 1 && typeof record.hash === 'string' && Array.isArray(record.epochs)
      && record.config && typeof record.config === 'object' && record.backend && record.fingerprint ? record : undefined;
  } catch {
    return undefined;
  }
}

export const writeRecordAtomic = (file: string, record: RunRecord): void => writeFileAtomic(file, serializeRecord(record));

/** The hash a record's own content (config, backend, fingerprint) gives; undefined if it cannot be computed. */
function contentHash(record: RunRecord): string | undefined {
  try {
    return runHash(record.config, record.backend, record.fingerprint);
  } catch {
    return undefined; // e.g. an optimizer name this code no longer knows
  }
}

export type Lookup =
  | { record: RunRecord; problem?: undefined }
  | { record?: undefined; problem?: string };

/**
 * The stored record of run `hash` if it is that run: its `hash` field and the hash of its own content
 * must both equal the file name. A record that is not (copied over another file, edited by hand) is a
 * miss with a `problem` to show the user, never data.
 */
export function lookupRecord(resultsDir: string, hash: string): Lookup {
  const file = recordPath(resultsDir, hash);
  if (!fs.existsSync(file)) return {};
  const record = readRecord(file);
  if (!record) return { problem: `${file} is unreadable or not a run record; the run will be recomputed.` };
  const own = contentHash(record);
  if (record.hash !== hash || own !== hash) {
    return { problem: `${file} holds another run (its content hashes to ${own ?? 'nothing computable'}, not ${hash}); ignored, the run will be recomputed.` };
  }
  return { record };
}

/** ok or diverged: a result (an error record is not: it is retried). */
export const isGood = (record: RunRecord | undefined): boolean => record !== undefined && record.status !== 'error';

/**
 * A usable cached result of run `hash`: present, verified and not an error (errors are retried on the
 * next invocation: they usually mean a bug or a missing resource, not a property of the config).
 */
export function cachedResult(resultsDir: string, hash: string): Lookup {
  const found = lookupRecord(resultsDir, hash);
  return found.record && !isGood(found.record) ? {} : found;
}

/**
 * Store a finished run's record, unless that would replace a good record with an error (a recompute
 * under --force that failed, e.g. on missing data): then the previous good record stays and is returned
 * as `kept`, for the caller to serve and report.
 */
export function storeRecord(resultsDir: string, record: RunRecord): { stored: RunRecord; kept: boolean } {
  if (!isGood(record)) {
    const previous = lookupRecord(resultsDir, record.hash).record;
    if (previous && isGood(previous)) return { stored: previous, kept: true };
  }
  writeRecordAtomic(recordPath(resultsDir, record.hash), record);
  return { stored: record, kept: false };
}

/**
 * Claim run `hash` for training in this process (a lock directory next to its record, refreshed while
 * held, stale 10 s after its owner died). Returns the release function, or undefined when another live
 * process holds it. Synchronous, so a runner claims each run at the moment it starts it and two runners
 * on one folder share the work. The claim is refreshed by a timer: a run trained in the claiming process
 * itself (`--jobs 0`) blocks that timer, so there a run longer than 10 s can be taken over by another
 * runner (worker processes, the default, keep the parent free).
 */
export function claimRun(resultsDir: string, hash: string, onLost: (err: Error) => void): (() => void) | undefined {
  const file = recordPath(resultsDir, hash);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    const release = lockfile.lockSync(file, { realpath: false, stale: 10_000, update: 2_500, onCompromised: onLost });
    return () => {
      try {
        release();
      } catch {
        // already released, or its directory removed by the user: nothing to undo
      }
    };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') return undefined;
    throw err;
  }
}

/** True while some live process holds run `hash`'s lock. */
export function isClaimed(resultsDir: string, hash: string): Promise<boolean> {
  return lockfile.check(recordPath(resultsDir, hash), { realpath: false, stale: 10_000 });
}

const TEMP_RE = /\.json\.tmp-(\d+)-[a-z0-9]+$/;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

function subfolders(dir: string): string[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return [];
  }
}

/** Remove temp files left by writers that were killed mid-write (their process is gone). */
export function removeOrphanTempFiles(resultsDir: string): number {
  let removed = 0;
  for (const dir of [RUNS, ...subfolders(resultsDir).filter((d) => d !== RUNS)]) {
    let files: string[];
    try {
      files = fs.readdirSync(path.join(resultsDir, dir));
    } catch {
      continue;
    }
    for (const f of files) {
      const m = TEMP_RE.exec(f);
      if (m && !processAlive(Number(m[1]))) {
        fs.rmSync(path.join(resultsDir, dir, f), { force: true });
        removed++;
      }
    }
  }
  return removed;
}

/**
 * Move records of the old layout (<resultsDir>/<experiment>/<hash>.json, named by the hash of the
 * unnormalised config) into runs/<hash>.json under the hash of their content. A good record never
 * overwrites a good one already there; an old error record is dropped (errors are retried anyway).
 * Unreadable files are left where they are. Returns how many records were moved.
 */
export function migrateLegacyLayout(resultsDir: string): number {
  let moved = 0;
  // Two processes may migrate at once: a file or folder the other one already moved is simply gone.
  const tolerant = <T>(f: () => T, otherwise: T): T => {
    try {
      return f();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTEMPTY') return otherwise;
      throw err;
    }
  };
  for (const dir of subfolders(resultsDir).filter((d) => d !== RUNS)) {
    const folder = path.join(resultsDir, dir);
    for (const f of tolerant(() => fs.readdirSync(folder), [] as string[]).filter((name) => name.endsWith('.json'))) {
      const file = path.join(folder, f);
      const record = readRecord(file);
      const hash = record && contentHash(record);
      if (!record || !hash) continue;
      if (isGood(record) && !isGood(lookupRecord(resultsDir, hash).record)) {
        writeRecordAtomic(recordPath(resultsDir, hash), { ...record, hash });
        moved++;
      }
      fs.rmSync(file, { force: true });
    }
    if (tolerant(() => fs.readdirSync(folder).length === 0, false)) tolerant(() => fs.rmdirSync(folder), undefined);
  }
  return moved;
}

/** Prepare a results folder for use: clean up after killed writers, migrate the old layout. */
export function openResults(resultsDir: string): { migrated: number } {
  removeOrphanTempFiles(resultsDir);
  return { migrated: migrateLegacyLayout(resultsDir) };
}
