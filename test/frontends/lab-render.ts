// What a JupyterLab 4 user sees: a notebook's saved outputs rendered by JupyterLab's own
// @jupyterlab/outputarea + rendermime (+ sanitizer, MathJax), bundled with esbuild into a test page,
// in Chromium. The page is served on the Jupyter server's origin (puppeteer answers its URL), so a
// trusted chart loads plotly.js from <base>/kernelspecs/tslab/ exactly as it would inside Lab.
import * as path from 'node:path';
import type { Browser } from 'puppeteer';
import type { NotebookServer } from './classic-notebook';
import type { Shown } from './lab-page';

export type LabShown = Shown;

let bundle: Promise<string> | undefined;

/** lab-page.ts and the @jupyterlab packages as one browser script (esbuild from npm, ~15 s once). */
export function labBundle(): Promise<string> {
  bundle ??= (async () => {
    const esbuild = await import('esbuild');
    const r = await esbuild.build({
      entryPoints: [path.join(__dirname, 'lab-page.ts')],
      bundle: true, format: 'iife', platform: 'browser', write: false, minify: true, logLevel: 'error',
      // Icons are imported as SVG text; stylesheets and fonts are not needed to see what renders.
      loader: { '.svg': 'text', '.css': 'empty', '.woff': 'empty', '.woff2': 'empty', '.ttf': 'empty', '.eot': 'empty' },
      define: { 'process.env.NODE_ENV': '"production"', global: 'window', __dirname: '"/"' },
    });
    return r.outputFiles[0].text;
  })();
  return bundle;
}

/** Render a notebook's outputs as JupyterLab would, trusted or not; returns what each output shows once charts have settled. */
export async function renderInLab(server: NotebookServer, browser: Browser, notebook: unknown, trusted: boolean): Promise<{ shown: LabShown[]; chartsDrawn: number; errors: string[] }> {
  const js = await labBundle();
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await page.goto(`${server.url}/tree?token=${server.token}`, { waitUntil: 'domcontentloaded' }); // the login cookie
    const testUrl = `${server.url}/atlas-lab-test`;
    await page.setRequestInterception(true);
    page.on('request', (req) => {
      if (req.url() !== testUrl) return void req.continue();
      void req.respond({
        status: 200,
        contentType: 'text/html; charset=utf-8',
        // JupyterLab's page carries its config (baseUrl…) in this element; the chart loader reads it.
        body: `<!doctype html><html><head><meta charset="utf-8"><script id="jupyter-config-data" type="application/json">{"baseUrl": "/"}</script></head><body></body></html>`,
      });
    });
    await page.goto(testUrl, { waitUntil: 'domcontentloaded' });
    await page.addScriptTag({ content: js });
    const shown = (await page.evaluate((nb, t) => (window as any).renderNotebook(nb, t), notebook as object, trusted)) as LabShown[];
    const charts = shown.filter((s) => s.isChart).length;
    let chartsDrawn = 0;
    const deadline = Date.now() + (trusted ? 30_000 : 3_000);
    while (Date.now() < deadline) {
      chartsDrawn = await page.evaluate(() => document.querySelectorAll('.atlas-chart .main-svg').length > 0 ? Array.from(document.querySelectorAll('.atlas-chart')).filter((e) => e.querySelector('.main-svg')).length : 0);
      const notes = await page.evaluate(() => document.querySelectorAll('.atlas-chart-note').length);
      if (chartsDrawn + notes >= charts) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    return { shown, chartsDrawn, errors };
  } finally {
    await page.close();
  }
}
