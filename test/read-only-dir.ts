// A folder nobody can create files in, for tests of "not writable" paths. Mode bits do not stop root
// (CI runs as root): there the folder is made immutable with chattr +i (ext4 and most Linux file
// systems). Returns undefined when neither works here, so the caller can skip.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface ReadOnlyDir {
  dir: string;
  /** Make it writable again and remove it. */
  cleanup(): void;
}

function writable(dir: string): boolean {
  const probe = path.join(dir, 'probe');
  try {
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
    return true;
  } catch {
    return false;
  }
}

export function makeReadOnlyDir(prefix = 'atlas-ro-'): ReadOnlyDir | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const undo: Array<() => void> = [];
  fs.chmodSync(dir, 0o555);
  undo.push(() => fs.chmodSync(dir, 0o755));
  if (writable(dir) && spawnSync('chattr', ['+i', dir]).status === 0) undo.push(() => spawnSync('chattr', ['-i', dir]));
  const cleanup = () => {
    for (const u of undo.reverse()) u();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  if (writable(dir)) {
    cleanup();
    return undefined;
  }
  return { dir, cleanup };
}
