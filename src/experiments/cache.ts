// The result cache: one JSON record per run at <resultsDir>/<experiment>/<hash>.json, written
// atomically (temp file + rename), so an interrupted sweep leaves only whole records behind and
// resumes from them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from './fingerprint';
import type { RunRecord } from './types';

/** Default: output/results under the project root; ATLAS_RESULTS_DIR overrides. */
export function defaultResultsDir(): string {
  return process.env.ATLAS_RESULTS_DIR ?? path.join(projectRoot(), 'output', 'results');
}

export function recordPath(resultsDir: string, experiment: string, hash: string): string {
  return path.join(resultsDir, experiment, `${hash}.json`);
}

// JSON has no NaN or ±Infinity (JSON.stringify writes null): a diverged run's NaN loss would come
// back from the cache as null while a fresh run has NaN. Non-finite numbers are stored as strings.
const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };
const encodeNonFinite = (_key: string, v: unknown): unknown => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v);
const decodeNonFinite = (_key: string, v: unknown): unknown => (typeof v === 'string' && v in NON_FINITE ? NON_FINITE[v] : v);

/** A record as stored on disk (non-finite numbers preserved), and back. */
export const serializeRecord = (record: RunRecord): string => `${JSON.stringify(record, encodeNonFinite, 1)}\n`;
export const parseRecord = (text: string): RunRecord => JSON.parse(text, decodeNonFinite) as RunRecord;

/** The cached record, or undefined when absent or unreadable (a torn or hand-edited file is a miss). */
export function readRecord(file: string): RunRecord | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const record = parseRecord(text);
    return record && record.schema === 1 && typeof record.hash === 'string' && Array.isArray(record.epochs) ? record : undefined;
  } catch {
    return undefined;
  }
}

/** Write via a temp file in the same directory and rename over the target (atomic on POSIX and NTFS). */
export function writeRecordAtomic(file: string, record: RunRecord): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    fs.writeFileSync(tmp, serializeRecord(record));
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * A usable cached result: present, readable and not an error (errors are retried on the next
 * invocation: they usually mean a bug or a missing resource, not a property of the config).
 */
export function cachedResult(file: string): RunRecord | undefined {
  const record = readRecord(file);
  return record && record.status !== 'error' ? record : undefined;
}

/** Same hash cached under another experiment (identical runs shared between specs), or undefined. */
export function findInOtherExperiments(resultsDir: string, experiment: string, hash: string): RunRecord | undefined {
  let dirs: string[];
  try {
    dirs = fs.readdirSync(resultsDir);
  } catch {
    return undefined;
  }
  for (const dir of dirs) {
    if (dir === experiment) continue;
    const record = cachedResult(recordPath(resultsDir, dir, hash));
    if (record) return record;
  }
  return undefined;
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

/** Remove temp files left by writers that were killed mid-write (their process is gone). */
export function removeOrphanTempFiles(resultsDir: string): number {
  let removed = 0;
  let dirs: string[];
  try {
    dirs = fs.readdirSync(resultsDir);
  } catch {
    return 0;
  }
  for (const dir of dirs) {
    let files: string[];
    try {
      files = fs.readdirSync(path.join(resultsDir, dir));
    } catch {
      continue; // not a folder
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
