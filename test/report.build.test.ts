// End to end: the smoke report builds from the fixture notebook (real tslab kernel, real Chromium),
// the HTML works offline in a browser, and the PDF has its sections, sane length and no blank page.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { blockNetwork, launchBrowser } from '../src/browser/chromium';
import { buildReport, type BuildResult } from '../src/report/build-report';
import { readNotebook, countChartBundles } from '../src/report/notebook-format';

const FIXTURES = path.join(__dirname, 'fixtures', 'notebooks');

/** Fraction of non-white pixels of a binary PGM image (pdftoppm -gray). */
function inkFraction(pgm: Buffer): number {
  const header = pgm.toString('latin1', 0, 64).match(/^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/);
  assert.ok(header, 'pdftoppm wrote a PGM');
  const [, w, h] = header.map(Number);
  const pixels = pgm.subarray(header[0].length);
  let ink = 0;
  for (let i = 0; i < w * h; i++) if (pixels[i] < 200) ink++;
  return ink / (w * h);
}

describe('npm run report on the smoke fixture', () => {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-report-'));
  let result: BuildResult;
  const log: string[] = [];

  before(async () => {
    result = await buildReport({
      profile: 'smoke',
      allowErrors: false,
      notebooksDir: FIXTURES,
      outDir,
      cellTimeoutSec: 300,
      pdf: true,
      experiments: false,
      log: (l) => log.push(l),
    });
  });
  after(() => fs.rmSync(outDir, { recursive: true, force: true }));

  it('writes the executed notebooks, the HTML and the PDF, with a progress line and time per step', () => {
    const executed = path.join(outDir, 'notebooks', '00-smoke.ipynb');
    assert.ok(fs.existsSync(executed));
    assert.equal(countChartBundles(readNotebook(executed)), 1, 'the fixture displays one Plotly chart');
    assert.ok(fs.statSync(result.html).size > 1e6, 'plotly.js and KaTeX fonts are inlined');
    assert.ok(fs.existsSync(result.pdf!));
    for (const s of ['1/4 experiments', '2/4 execute notebooks', '3/4 render HTML', '4/4 print PDF']) {
      assert.ok(log.some((l) => l.startsWith(`✔ ${s} (`)), `progress line for ${s}`);
    }
    assert.equal(result.pdfInfo?.charts, 1);
    assert.deepEqual(result.pdfInfo?.refusedRequests, []);
    assert.deepEqual(result.pdfInfo?.consoleErrors, []);
  });

  it('in Chromium: every chart draws, math renders, no console error, no network request', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(String(e)));
      const refused = await blockNetwork(page);
      const requested: string[] = [];
      page.on('request', (r) => requested.push(r.url()));
      await page.setViewport({ width: 1100, height: 900 });
      await page.goto(pathToFileURL(result.html).href, { waitUntil: 'load' });
      await page.evaluate(() => (window as unknown as { atlasReport: { ready: Promise<number> } }).atlasReport.ready);
      const state = await page.evaluate(() => ({
        figures: document.querySelectorAll('figure.chart-figure').length,
        drawn: Array.from(document.querySelectorAll('figure.chart-figure .chart')).filter((el) => {
          const svg = el.querySelector('svg.main-svg');
          const box = svg?.getBoundingClientRect();
          return !!box && box.width > 200 && box.height > 200 && el.querySelectorAll('.scatterlayer .trace path').length > 0;
        }).length,
        katex: document.querySelectorAll('.katex').length,
        katexDisplay: document.querySelectorAll('.katex-display').length,
        rawTex: /\$\$|\\\(|\\\[/.test(document.querySelector('main')!.textContent ?? ''),
        katexFontLoaded: document.fonts.check('16px KaTeX_Main'),
      }));
      assert.equal(state.figures, 1);
      assert.equal(state.drawn, state.figures, 'every chart has a drawn SVG with traces');
      assert.equal(state.katex, 4, 'inline $…$ and \\(…\\), display $$…$$ and \\[…\\]');
      assert.equal(state.katexDisplay, 2);
      assert.equal(state.rawTex, false, 'no unrendered TeX delimiters left');
      assert.ok(state.katexFontLoaded, 'KaTeX fonts come from the inlined data: URLs');
      assert.deepEqual(errors, []);
      assert.deepEqual(refused, [], 'no request left the machine');
      assert.ok(requested.every((u) => /^(file|data|blob|about):/.test(u)), requested.join(', '));
    } finally {
      await browser.close();
    }
  });

  it('the PDF has the expected sections, a sane page count, and every page renders with content', () => {
    const pdf = result.pdf!;
    const text = spawnSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    assert.equal(text.status, 0, `pdftotext: ${text.stderr}`);
    const pages = text.stdout.split('\f').filter((p) => p.trim());
    assert.ok(pages.length >= 3 && pages.length <= 8, `page count ${pages.length}`);
    assert.equal(result.pdfInfo?.pages, pages.length);
    const all = text.stdout.replace(/[ \t]+/g, ' ');
    for (const expected of ['Optimizer Atlas', 'Contents', '1 Smoke fixture: the notebook chain', '1.1 A chart', '1.2 Closing', 'Figure 1.', 'Table 1.', 'Every number in this report comes from', 'profile smoke']) {
      assert.ok(all.includes(expected), `PDF text contains "${expected}"`);
    }
    assert.match(all, /GD, η = 0\.3/, 'the chart (its legend) is in the PDF, not a blank box');
    assert.match(pages[1].replace(/\s+/g, ' '), /Smoke fixture: the notebook chain \d+/, 'contents entries carry page numbers');
    assert.ok(!all.includes('REMOVED-CELL-MARKER') && !all.includes('REMOVED-OUTPUT-MARKER'), 'cell tags honoured in the PDF');
    assert.match(all, /which would lose\s+text/, 'a long code line wraps instead of being cut off');

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-pages-'));
    try {
      const r = spawnSync('pdftoppm', ['-gray', '-r', '30', pdf, path.join(dir, 'p')]);
      assert.equal(r.status, 0, String(r.stderr));
      const images = fs.readdirSync(dir).filter((f) => f.endsWith('.pgm'));
      assert.equal(images.length, pages.length);
      for (const f of images) assert.ok(inkFraction(fs.readFileSync(path.join(dir, f))) > 0.002, `${f} is not blank`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
