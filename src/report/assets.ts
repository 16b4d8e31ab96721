// Everything the report page needs, read from npm packages and report-templates/ and inlined,
// so output/report.html opens with no network access: KaTeX CSS with its fonts as data: URLs,
// a highlight.js theme, plotly.js (once), the page layout and its small runtime script.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { katexCssPath, katexFontsDir, packageFile, plotlyScriptPath } from '../browser/assets';
import { projectRoot } from '../project-root';

export interface ReportAssets {
  layout: string;
  css: string;
  katexCss: string;
  highlightCss: string;
  plotlyJs: string;
  runtimeJs: string;
}

/** KaTeX's stylesheet with each @font-face reduced to its woff2 file, embedded as a data: URL. */
export function inlineKatexCss(): string {
  const fontsDir = katexFontsDir();
  const css = fs.readFileSync(katexCssPath(), 'utf8');
  return css.replace(/src:\s*([^;}]+)/g, (whole, sources: string) => {
    const woff2 = /url\((?:"|')?(fonts\/[^)"']+\.woff2)(?:"|')?\)/.exec(sources);
    if (!woff2) return whole;
    const data = fs.readFileSync(path.join(fontsDir, path.basename(woff2[1]))).toString('base64');
    return `src:url(data:font/woff2;base64,${data}) format("woff2")`;
  });
}

/** plotly.js, inlined once per report page (the same file the notebooks' charts use). */
export function plotlySource(): string {
  return fs.readFileSync(plotlyScriptPath(), 'utf8');
}

/** Text safe to place inside a <script> element. */
export function scriptSafe(js: string): string {
  return js.replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--');
}

let cached: ReportAssets | undefined;

export function loadAssets(templatesDir = path.join(projectRoot(), 'report-templates')): ReportAssets {
  if (cached) return cached;
  const read = (name: string) => {
    const file = path.join(templatesDir, name);
    if (!fs.existsSync(file)) throw new Error(`Report template ${file} is missing.`);
    return fs.readFileSync(file, 'utf8');
  };
  cached = {
    layout: read('report.html'),
    css: read('report.css'),
    runtimeJs: read('report-runtime.js'),
    katexCss: inlineKatexCss(),
    highlightCss: fs.readFileSync(packageFile('highlight.js/styles/github.css'), 'utf8'),
    plotlyJs: plotlySource(),
  };
  return cached;
}
