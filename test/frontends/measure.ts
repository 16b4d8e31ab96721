// Per notebook, in Debian's classic Jupyter Notebook driven by Chromium: Run All time, charts drawn
// after save + reload, saved size, and what an untrusted copy shows.
//   node --import tsx test/frontends/measure.ts [names…]      (default: every notebook; smoke profile)
// Prints one JSON line per notebook and a table at the end. The results folder is private unless
// ATLAS_RESULTS_DIR is set (set it to reuse a warm cache).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { launchBrowser } from '../../src/browser/chromium';
import { projectRoot } from '../../src/project-root';
import { listNotebooks } from '../../src/report/execute-notebooks';
import { ClassicNotebook, startNotebookServer, untrustedCopy } from './classic-notebook';

export interface NotebookMeasure {
  notebook: string;
  runAllSeconds: number;
  chartsAfterRunAll: string;
  chartsAfterReload: string;
  savedBytes: number;
  untrusted: { outputs: number; emptyOutputs: number; chartImages: number; charts: number; drawn: number };
}

export async function measureNotebooks(names: string[]): Promise<NotebookMeasure[]> {
  const all = listNotebooks(path.join(projectRoot(), 'notebooks'));
  const files = names.length ? names.map((n) => all.find((f) => path.basename(f).startsWith(n)) ?? (() => { throw new Error(`no notebook ${n}`); })()) : all;
  const server = await startNotebookServer(files);
  const browser = await launchBrowser({ protocolTimeoutMs: 900_000 });
  const results: NotebookMeasure[] = [];
  try {
    for (const file of files) {
      const name = path.basename(file);
      const nb = await ClassicNotebook.open(server, name, browser);
      const runAllSeconds = await nb.runAll();
      const afterRun = await nb.charts();
      await nb.save();
      const savedBytes = fs.statSync(path.join(server.root, name)).size;
      await nb.reload();
      const afterReload = await nb.charts();
      await nb.page.evaluate(() => (globalThis as any).Jupyter.notebook.session.delete());
      await nb.close();
      const copy = untrustedCopy(server, name);
      const shared = await ClassicNotebook.open(server, copy, browser);
      if (await shared.trusted()) throw new Error(`${copy} opened trusted`);
      const shown = await shared.outputsShown();
      const c = await shared.charts(5_000);
      await shared.close();
      const m: NotebookMeasure = {
        notebook: name,
        runAllSeconds: Math.round(runAllSeconds * 10) / 10,
        chartsAfterRunAll: `${afterRun.drawn}/${afterRun.charts}`,
        chartsAfterReload: `${afterReload.drawn}/${afterReload.charts}`,
        savedBytes,
        untrusted: { outputs: shown.length, emptyOutputs: shown.filter((s) => !s.text && !s.hasImage).length, chartImages: c.images, charts: c.charts, drawn: c.drawn },
      };
      console.log(JSON.stringify(m));
      results.push(m);
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  return results;
}

if (require.main === module) {
  measureNotebooks(process.argv.slice(2)).then((rows) => {
    console.log('\n| notebook | Run All | charts drawn after Run All | after save + reload | saved size | untrusted copy |');
    console.log('|---|---|---|---|---|---|');
    for (const r of rows) {
      const u = r.untrusted;
      console.log(`| ${r.notebook} | ${r.runAllSeconds} s | ${r.chartsAfterRunAll} | ${r.chartsAfterReload} | ${(r.savedBytes / 1e6).toFixed(2)} MB | ${u.outputs - u.emptyOutputs}/${u.outputs} outputs shown, ${u.chartImages}/${u.charts} charts as images |`);
    }
  }, (err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
