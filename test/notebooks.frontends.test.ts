// Notebooks in real front ends (issue 10): Debian's classic Jupyter Notebook 6 driven by Chromium as a
// learner uses it (Run All, edit a chart cell and re-run it, save, reload, open an untrusted copy),
// then the saved outputs rendered by JupyterLab 4's own output area and renderers, trusted and not.
// Smoke profile, notebook 00 (its charts are the ones that vanished after save + reload).
// More notebooks, with timings: `node --import tsx test/frontends/measure.ts [names…]`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'puppeteer';
import { launchBrowser } from '../src/browser/chromium';
import { projectRoot } from '../src/project-root';
import { ClassicNotebook, startNotebookServer, untrustedCopy, type NotebookServer } from './frontends/classic-notebook';
import { renderInLab } from './frontends/lab-render';

const NAME = '00-introduction.ipynb';
const hasNotebookServer = spawnSync('jupyter-notebook', ['--version'], { encoding: 'utf8' }).status === 0;

describe('notebooks in real front ends', { skip: hasNotebookServer ? false : 'jupyter-notebook is not installed (Debian: apt-get install jupyter-notebook)' }, () => {
  let server: NotebookServer;
  let browser: Browser;
  before(async () => {
    server = await startNotebookServer([path.join(projectRoot(), 'notebooks', NAME)]);
    browser = await launchBrowser({ protocolTimeoutMs: 600_000 }); // a loaded 2-core machine can stall a page for minutes
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('classic Notebook: every chart draws after Run All, after editing one, and after save + reload; the file stays light', { timeout: 600_000 }, async () => {
    const nb = await ClassicNotebook.open(server, NAME, browser);
    const seconds = await nb.runAll();
    const afterRun = await nb.charts();
    assert.equal(afterRun.charts, 4, 'notebook 00 shows four charts');
    assert.equal(afterRun.drawn, 4, `all drawn after Run All (${JSON.stringify(afterRun)})`);
    // The learner's edit: a different learning rate in the first chart cell, that cell alone re-run.
    await nb.editAndRun('learningRate: 0.35', 'learningRate: 0.1');
    assert.equal((await nb.charts()).drawn, 4, 'all drawn after re-running one chart cell');
    await nb.save();
    const file = path.join(server.root, NAME);
    const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
    const edited = saved.cells.find((c: { source: string[] }) => c.source.join('').includes('learningRate: 0.1'));
    assert.ok(edited, 'the edit was saved');
    assert.equal(edited.outputs.filter((o: { data?: object }) => o.data && 'application/vnd.plotly.v1+json' in o.data).length, 2, 'with its two new charts');
    const bytes = fs.statSync(file).size;
    assert.ok(bytes <= 2e6, `saved notebook is ${bytes} bytes (limit 2 MB)`);
    await nb.reload();
    assert.equal(await nb.trusted(), true, 'the user\'s own saved notebook stays trusted');
    const afterReload = await nb.charts();
    assert.deepEqual(afterReload, { charts: 4, drawn: 4, images: 0 }, 'every chart draws again after reload');
    assert.deepEqual(nb.consoleErrors.filter((e) => /plotly|atlas/i.test(e)), []);
    await nb.page.evaluate(() => (globalThis as any).Jupyter.notebook.session.delete());
    await nb.close();
    console.log(`# classic Notebook, ${NAME}: Run All ${seconds.toFixed(1)} s, saved ${(bytes / 1e6).toFixed(2)} MB, ${afterReload.drawn}/${afterReload.charts} charts after reload`);
  });

  it('classic Notebook, untrusted copy: every output shows text or a picture; charts are static images', { timeout: 180_000 }, async () => {
    const copy = untrustedCopy(server, NAME);
    const nb = await ClassicNotebook.open(server, copy, browser);
    assert.equal(await nb.trusted(), false);
    const shown = await nb.outputsShown();
    assert.ok(shown.length >= 6, `outputs found: ${shown.length}`);
    const empty = shown.filter((s) => !s.text && !s.hasImage);
    assert.deepEqual(empty, [], 'no output is blank');
    const markdown = shown.filter((s) => s.mimes.includes('text/markdown'));
    assert.ok(markdown.length >= 1 && markdown.every((s) => /Rosenbrock/.test(s.text) || s.text.length > 20), 'md() outputs are shown');
    const charts = await nb.charts(3_000);
    assert.deepEqual(charts, { charts: 4, drawn: 0, images: 4 }, 'untrusted: scripts stripped, every chart shows its image');
    await nb.close();
  });

  it('JupyterLab renderers: trusted outputs draw every chart; untrusted ones show each chart\'s image and all text, math typeset', { timeout: 180_000 }, async () => {
    const saved = JSON.parse(fs.readFileSync(path.join(server.root, NAME), 'utf8'));
    const trusted = await renderInLab(server, browser, saved, true);
    const chartsT = trusted.shown.filter((s) => s.isChart);
    assert.equal(chartsT.length, 4);
    assert.ok(chartsT.every((s) => s.rendered === 'text/html'), 'Lab renders the HTML entry of a chart');
    assert.equal(trusted.chartsDrawn, 4, 'trusted: plotly.js loaded from the kernelspec, every chart drawn');
    const untrusted = await renderInLab(server, browser, saved, false);
    const chartsU = untrusted.shown.filter((s) => s.isChart);
    assert.equal(untrusted.chartsDrawn, 0);
    assert.ok(chartsU.length === 4 && chartsU.every((s) => s.hasImage), 'untrusted: each chart shows its static image');
    assert.deepEqual(untrusted.shown.filter((s) => !s.text && !s.hasImage), [], 'no output is blank');
    const md = untrusted.shown.filter((s) => s.mimes.includes('text/markdown'));
    assert.ok(md.length >= 1 && md.every((s) => s.mathTypeset > 0), `md() outputs show typeset math (${JSON.stringify(md.map((s) => s.mathTypeset))})`);
    assert.deepEqual([...trusted.errors, ...untrusted.errors], []);
  });
});
