// Checks a command makes before it starts any work: every missing piece (a folder it cannot write,
// no browser, no Jupyter client, no kernel) is reported at once, each with its fix, instead of one
// at a time after minutes of training or notebook execution.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Problem {
  what: string;
  fix: string;
}

export class PreflightError extends Error {
  constructor(readonly command: string, readonly problems: Problem[]) {
    super([
      `${command} cannot start (checked before any work): ${problems.length === 1 ? 'one problem' : `${problems.length} problems`}.`,
      ...problems.flatMap((p, i) => [`  ${i + 1}. ${p.what}`, `     Fix: ${p.fix.split('\n').join('\n          ')}`]),
    ].join('\n'));
    this.name = 'PreflightError';
  }
}

/**
 * Can files be created in `dir` (created if missing)? Probed by writing and removing a file: mode
 * bits say nothing for root, a read-only mount or an immutable folder.
 */
export function checkWritableDir(dir: string, label: string, fix: string): Problem | undefined {
  const probe = path.join(dir, `.atlas-write-test-${process.pid}`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(probe, '');
    fs.rmSync(probe, { force: true });
    return undefined;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied'
      : e.code === 'EROFS' ? 'read-only file system'
      : e.code === 'ENOTDIR' ? 'a file is in the way' : `${e.code ?? ''} ${e.message}`.trim();
    return { what: `The ${label} ${dir} is not writable (${why}).`, fix };
  }
}

/** A check that throws a message (e.g. "not found, install it like this") as a Problem. */
export function checkWith(what: string, check: () => unknown, fix?: string): Problem | undefined {
  try {
    check();
    return undefined;
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    const [first, ...rest] = message.split('\n');
    return { what: `${what}: ${first}`, fix: fix ?? (rest.join('\n').trim() || 'see the message above.') };
  }
}

/** Throw one PreflightError listing every problem found, or return when there is none. */
export function assertPreflight(command: string, checks: Array<Problem | undefined>): void {
  const problems = checks.filter((p): p is Problem => p !== undefined);
  if (problems.length) throw new PreflightError(command, problems);
}
