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
