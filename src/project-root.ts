// The one way to find the project's root folder, from src/ (tsx) and from dist/ (compiled) alike.
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The project root: the nearest folder above `from` whose package.json is named optimizer-atlas.
 * Matching the name (not just "a package.json") skips nested package.json files such as
 * node_modules' or a user's own project that holds this one.
 */
export function projectRoot(from: string = __dirname): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if (JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'optimizer-atlas') return dir;
      } catch {
        /* unreadable package.json: keep climbing */
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`Cannot find the optimizer-atlas project root (a folder whose package.json is named "optimizer-atlas") above ${from}.`);
  }
}

/**
 * The folder the user ran the command in. `npm run` starts scripts in the project root and passes
 * the invoking folder as INIT_CWD, so a relative --results, --out or MNIST_DIR is taken from there.
 */
export function invocationDir(): string {
  return (process.env.npm_lifecycle_event && process.env.INIT_CWD) || process.cwd();
}

/** A path the user typed (flag or environment variable), made absolute from where they typed it. */
export function resolveUserPath(p: string): string {
  return path.resolve(invocationDir(), p);
}
