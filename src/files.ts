// File helpers shared by the results store, the profile record and the report build.
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Write via a temp file in the same directory and rename over the target (atomic on POSIX and
 * NTFS): an interrupted write never leaves half a file for a reader.
 */
export function writeFileAtomic(file: string, data: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** The file's text, or undefined when it cannot be read (absent, a directory, no permission). */
export function readTextIfPresent(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
