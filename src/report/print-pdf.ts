// report.html → report.pdf with Chromium (puppeteer): A4, running header, page numbers, and a table of
// contents with page numbers. Charts are swapped for static pictures at the printed width before
// printing, after Plotly has finished drawing them (the cause of blank charts in nbconvert/VS Code PDFs).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'puppeteer';
import { blockNetwork, launchBrowser } from '../browser/chromium';
import { escapeHtml } from './markdown';

export interface PrintOptions {
  /** Running header, left and right, e.g. "Optimizer Atlas · profile smoke · backend wasm" and the build date. */
  headerLeft: string;
  headerRight?: string;
  /** Give up on a slow page after this long (ms). */
  timeoutMs?: number;
}

export interface PrintResult {
  pages: number;
  charts: number;
  tocPageNumbers: boolean;
  refusedRequests: string[];
  consoleErrors: string[];
}

const MARGIN = { top: '20mm', bottom: '18mm', left: '16mm', right: '16mm' };
/** A4 width minus the side margins, in CSS px (96/in). */
const TEXT_WIDTH_PX = Math.floor(((210 - 32) / 25.4) * 96);
/** Charts are laid out this wide, then scaled to the text width (see report-runtime.js). */
const CHART_RENDER_WIDTH_PX = 840;

function headerTemplate(left: string, right: string): string {
  return `<div style="font: 7.5pt system-ui, 'DejaVu Sans', sans-serif; color: #59636e; width: 100%; margin: 0 16mm; padding-bottom: 2mm; border-bottom: 0.5pt solid #d0d7de; display: flex; justify-content: space-between;">
<span>${escapeHtml(left)}</span><span>${escapeHtml(right)}</span></div>`;
}

const FOOTER_TEMPLATE = `<div style="font: 7.5pt system-ui, 'DejaVu Sans', sans-serif; color: #59636e; width: 100%; text-align: center;">
<span class="pageNumber"></span> / <span class="totalPages"></span></div>`;

/** Page count of a PDF from its page objects (no PDF library needed for Chromium's uncompressed page tree). */
export function countPdfPages(pdf: Buffer): number {
  const text = pdf.toString('latin1');
  const m = text.match(/\/Type\s*\/Page\b(?!s)/g);
  return m ? m.length : 0;
}

/** Text of each page, via poppler's pdftotext when it is installed (used only to number the contents). */
function pdfPagesText(pdfFile: string): string[] | undefined {
  const r = spawnSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error || r.status !== 0) return undefined;
  return r.stdout.split('\f');
}

async function printOnce(page: Page, opts: PrintOptions, timeout: number): Promise<Buffer> {
  const pdf = await page.pdf({
    format: 'A4',
    printBackground: true,
    displayHeaderFooter: true,
    headerTemplate: headerTemplate(opts.headerLeft, opts.headerRight ?? ''),
    footerTemplate: FOOTER_TEMPLATE,
    margin: MARGIN,
    outline: true,
    tagged: true,
    timeout,
  });
  return Buffer.from(pdf);
}

export async function printPdf(htmlFile: string, pdfFile: string, opts: PrintOptions): Promise<PrintResult> {
  const timeout = opts.timeoutMs ?? 180_000;
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(timeout);
    const consoleErrors: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => consoleErrors.push(String(err)));
    const refusedRequests = await blockNetwork(page);
    await page.setViewport({ width: TEXT_WIDTH_PX, height: 1200 });
    await page.emulateMediaType('print');
    await page.goto(pathToFileURL(path.resolve(htmlFile)).href, { waitUntil: 'load', timeout });
    const charts = await page.evaluate(async (width: number) => {
      const report = (window as unknown as { atlasReport?: { ready: Promise<number>; prepareForPrint(w: number): Promise<number> } }).atlasReport;
      if (!report) throw new Error('the report runtime script did not load');
      await report.ready;
      const n = await report.prepareForPrint(width);
      await document.fonts.ready;
      return n;
    }, CHART_RENDER_WIDTH_PX);

    // Pass 1 finds the page of each contents entry; pass 2 prints with those numbers filled in.
    // The number boxes have a fixed width, so filling them in moves nothing.
    const entries = await page.$$eval('.toc li a', (links) => links.map((a) => ({ id: (a.getAttribute('href') ?? '').slice(1) })));
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-pdf-'));
    let tocPageNumbers = false;
    try {
      // Absolutely positioned markers take no room, so pass 1 lays out exactly like pass 2.
      await page.evaluate((ids: string[]) => {
        ids.forEach((id, i) => {
          const target = document.getElementById(id);
          if (!target) return;
          const mark = document.createElement('span');
          mark.className = 'pdf-anchor-marker';
          mark.style.cssText = 'position:absolute;font-size:4px;color:#fff;';
          mark.textContent = `ATLASANCHOR${i}X`;
          target.prepend(mark);
        });
      }, entries.map((e) => e.id));
      const first = await printOnce(page, opts, timeout);
      await page.evaluate(() => document.querySelectorAll('.pdf-anchor-marker').forEach((m) => m.remove()));
      const firstFile = path.join(tmp, 'pass1.pdf');
      fs.writeFileSync(firstFile, first);
      const texts = pdfPagesText(firstFile);
      if (texts) {
        const found: Record<string, number> = {};
        entries.forEach((e, i) => {
          const p = texts.findIndex((t) => t.includes(`ATLASANCHOR${i}X`));
          if (p >= 0) found[e.id] = p + 1;
        });
        tocPageNumbers = Object.keys(found).length === entries.length;
        await page.evaluate((pages: Record<string, number>) => {
          document.querySelectorAll<HTMLElement>('.toc-page').forEach((el) => {
            const n = pages[el.dataset.target ?? ''];
            el.textContent = n ? String(n) : '';
          });
        }, found);
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    const pdf = await printOnce(page, opts, timeout);
    fs.mkdirSync(path.dirname(pdfFile), { recursive: true });
    fs.writeFileSync(pdfFile, pdf);
    return { pages: countPdfPages(pdf), charts, tocPageNumbers, refusedRequests, consoleErrors };
  } finally {
    await browser.close();
  }
}
