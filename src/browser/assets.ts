// Where the browser-side libraries live on disk (npm packages, never a CDN): plotly.js for charts
// (notebook outputs, static images, the report, the Jupyter kernelspec) and KaTeX for the report's math.
import * as path from 'node:path';
import { projectRoot } from '../project-root';

/** A file inside an installed npm package, or an error that says how to get it. */
export function packageFile(spec: string): string {
  try {
    return require.resolve(spec, { paths: [projectRoot()] });
  } catch {
    throw new Error(`Cannot find ${spec}: run \`npm ci\` in the project folder (it is read from node_modules, never from a CDN).`);
  }
}

/**
 * The one plotly.js file every chart uses: plotly.js-dist-min, the same library as plotly.js-dist,
 * minified (less than half the size).
 */
export function plotlyScriptPath(): string {
  return packageFile('plotly.js-dist-min/plotly.min.js');
}

/** KaTeX's stylesheet; its fonts are in the `fonts/` folder beside it. */
export function katexCssPath(): string {
  return packageFile('katex/dist/katex.min.css');
}

/** The folder with KaTeX's fonts. */
export function katexFontsDir(): string {
  return path.join(path.dirname(katexCssPath()), 'fonts');
}

/** The Jupyter kernel this project registers (`npm run kernel:install`; notebooks name it in their metadata). */
export const KERNEL_NAME = 'tslab';

/**
 * plotly.js is also placed in that kernel's kernelspec folder, which every Jupyter server serves to its
 * pages at <base>/kernelspecs/<kernel>/<file>: notebook charts load it from there instead of each
 * carrying 4.6 MB of library.
 */
export const KERNELSPEC_PLOTLY_FILE = 'plotly.min.js';
