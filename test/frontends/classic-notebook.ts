// Drives Debian's classic Jupyter Notebook 6 server with puppeteer + Chromium, as a learner would:
// open a notebook, Run All, edit and re-run a cell, save, reload, open a copy untrusted.
// The server runs on loopback (random port, token) with its own Jupyter dirs (only this project's
// tslab kernelspec, written by writeKernelSpec: kernel.json + plotly.min.js) and a private results folder.
import { spawn, type ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'puppeteer';
import { launchBrowser } from '../../src/browser/chromium';
import { projectRoot } from '../../src/project-root';
import { writeKernelSpec } from '../../src/report/jupyter';

export interface NotebookServer {
  url: string;
  token: string;
  /** The folder the server serves: copies of the notebooks, inside the project (so `optimizer-atlas` resolves). */
  root: string;
  /** Private Jupyter dirs, results folder… (removed by stop()). */
  home: string;
  env: NodeJS.ProcessEnv;
  log: () => string;
  stop: () => Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Start `jupyter-notebook` on 127.0.0.1 serving copies of the given notebooks. */
export async function startNotebookServer(notebooks: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<NotebookServer> {
  const rootDir = projectRoot();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'atlas-jupyter-'));
  fs.mkdirSync(path.join(rootDir, 'output'), { recursive: true });
  const root = fs.mkdtempSync(path.join(rootDir, 'output', 'frontend-test-'));
  for (const nb of notebooks) fs.copyFileSync(nb, path.join(root, path.basename(nb)));
  const data = path.join(home, 'data');
  writeKernelSpec(data);
  const token = crypto.randomBytes(16).toString('hex');
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    JUPYTER_DATA_DIR: data,
    JUPYTER_PATH: data,
    JUPYTER_CONFIG_DIR: path.join(home, 'config'),
    JUPYTER_RUNTIME_DIR: path.join(home, 'runtime'),
    ATLAS_RESULTS_DIR: process.env.ATLAS_RESULTS_DIR ?? path.join(home, 'results'),
    ATLAS_PROFILE: 'smoke',
    ...extraEnv,
  };
  const args = ['--no-browser', ...(process.getuid?.() === 0 ? ['--allow-root'] : []), '--ip=127.0.0.1', `--port=${port}`, '--port-retries=0', `--NotebookApp.token=${token}`,
    `--notebook-dir=${root}`, '--NotebookApp.open_browser=False', '--NotebookApp.disable_check_xsrf=False'];
  const proc: ChildProcess = spawn('jupyter-notebook', args, { env, cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let log = '';
  proc.stdout!.on('data', (d) => (log += d));
  proc.stderr!.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`jupyter-notebook exited (${proc.exitCode}):\n${log}`);
    try {
      const r = await fetch(`${url}/api/status?token=${token}`);
      if (r.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`jupyter-notebook did not answer within 60 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    url, token, root, home, env, log: () => log,
    stop: async () => {
      if (proc.exitCode === null) {
        // The server shuts its kernels down on SIGTERM; its process group holds nothing else.
        try { process.kill(-proc.pid!, 'SIGTERM'); } catch { /* gone */ }
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => { try { process.kill(-proc.pid!, 'SIGKILL'); } catch { /* gone */ } resolve(); }, 15_000);
          proc.once('exit', () => { clearTimeout(t); resolve(); });
        });
      }
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

export interface ChartCount {
  /** Chart outputs on the page. */
  charts: number;
  /** Of those, drawn by plotly.js (interactive). */
  drawn: number;
  /** Of those, showing the static PNG. */
  images: number;
}

declare const Jupyter: any; // the classic Notebook's global, inside page.evaluate

export class ClassicNotebook {
  private constructor(readonly server: NotebookServer, readonly browser: Browser, readonly page: Page, readonly consoleErrors: string[]) {}

  static async open(server: NotebookServer, name: string, browser?: Browser): Promise<ClassicNotebook> {
    const b = browser ?? (await launchBrowser());
    const page = await b.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(`${server.url}/notebooks/${encodeURIComponent(name)}?token=${server.token}`, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    const nb = new ClassicNotebook(server, b, page, errors);
    await nb.waitLoaded();
    return nb;
  }

  async waitLoaded(): Promise<void> {
    await this.page.waitForFunction(() => typeof Jupyter !== 'undefined' && Jupyter.notebook && Jupyter.notebook._fully_loaded, { timeout: 60_000 });
  }

  async waitKernelIdle(): Promise<void> {
    await this.page.waitForFunction(
      () => Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected() && !Jupyter.notebook.kernel_busy,
      { timeout: 120_000, polling: 250 },
    );
  }

  async trusted(): Promise<boolean> {
    return this.page.evaluate(() => Jupyter.notebook.trusted as boolean);
  }

  /** Run every cell; resolves when each code cell has a prompt number (or throws on an error output). Returns seconds. */
  async runAll(timeoutMs = 600_000): Promise<number> {
    await this.waitKernelIdle();
    const t0 = performance.now();
    await this.page.evaluate(() => Jupyter.notebook.execute_all_cells());
    await this.waitCellsDone(timeoutMs);
    return (performance.now() - t0) / 1000;
  }

  async waitCellsDone(timeoutMs: number): Promise<void> {
    await this.page.waitForFunction(
      () => Jupyter.notebook.get_cells().every((c: any) => c.cell_type !== 'code' || typeof c.input_prompt_number === 'number') && !Jupyter.notebook.kernel_busy,
      { timeout: timeoutMs, polling: 500 },
    );
    const errors = await this.page.evaluate(() => Jupyter.notebook.get_cells().flatMap((c: any, i: number) =>
      (c.output_area?.outputs ?? []).filter((o: any) => o.output_type === 'error').map((o: any) => `cell ${i + 1}: ${o.ename}: ${o.evalue}`)));
    if (errors.length) throw new Error(`cells failed:\n${errors.join('\n')}`);
  }

  /** Replace text in the first code cell containing `find`, run that cell alone. */
  async editAndRun(find: string, replace: string): Promise<number> {
    const index = await this.page.evaluate((find: string, replace: string) => {
      const cells = Jupyter.notebook.get_cells();
      const i = cells.findIndex((c: any) => c.cell_type === 'code' && c.get_text().includes(find));
      if (i < 0) return -1;
      cells[i].set_text(cells[i].get_text().replace(find, replace));
      cells[i].execute();
      return i;
    }, find, replace);
    if (index < 0) throw new Error(`no code cell contains ${JSON.stringify(find)}`);
    await this.waitCellsDone(120_000);
    return index;
  }

  async save(): Promise<void> {
    await this.page.evaluate(() => Jupyter.notebook.save_notebook());
    await this.page.waitForFunction(() => !Jupyter.notebook.dirty, { timeout: 30_000 });
  }

  async reload(): Promise<void> {
    await this.page.reload({ waitUntil: 'domcontentloaded', timeout: 60_000 });
    await this.waitLoaded();
  }

  /** Count chart outputs once drawing has settled (waits until every chart is drawn or has given up). */
  async charts(settleMs = 30_000): Promise<ChartCount> {
    const count = (): Promise<ChartCount> => this.page.evaluate(() => {
      const els = Array.from(document.querySelectorAll('.atlas-chart'));
      return {
        charts: els.length,
        drawn: els.filter((e) => e.querySelector('.main-svg')).length,
        images: els.filter((e) => e.querySelector('img[src^="data:image/png"]')).length,
      };
    });
    const deadline = Date.now() + settleMs;
    let c = await count();
    // Settled: every chart either drew or kept its image with the loader's note.
    while (Date.now() < deadline) {
      const notes = await this.page.evaluate(() => document.querySelectorAll('.atlas-chart .atlas-chart-note').length);
      if (c.drawn + notes >= c.charts) break;
      await new Promise((r) => setTimeout(r, 250));
      c = await count();
    }
    return c;
  }

  /**
   * What each output shows: for every display output of the notebook model, its MIME types and
   * the visible text of its area on the page (empty text = nothing shown).
   */
  async outputsShown(): Promise<{ cell: number; mimes: string[]; text: string; hasImage: boolean }[]> {
    return this.page.evaluate(() => {
      const out: { cell: number; mimes: string[]; text: string; hasImage: boolean }[] = [];
      Jupyter.notebook.get_cells().forEach((c: any, i: number) => {
        if (c.cell_type !== 'code') return;
        const areas = Array.from(c.output_area.element[0].querySelectorAll(".output_area")) as HTMLElement[];
        c.output_area.outputs.forEach((o: any, j: number) => {
          if (o.output_type !== 'display_data' && o.output_type !== 'execute_result') return;
          const el = areas[j];
          out.push({ cell: i + 1, mimes: Object.keys(o.data), text: (el?.innerText ?? '').trim(), hasImage: !!el?.querySelector('img') });
        });
      });
      return out;
    });
  }

  async close(): Promise<void> {
    await this.page.close();
  }
}

/** The saved notebook, a copy of it that Jupyter will not trust (new content, no signature), and the copy's name. */
export function untrustedCopy(server: NotebookServer, name: string): string {
  const nb = JSON.parse(fs.readFileSync(path.join(server.root, name), 'utf8'));
  nb.metadata.atlas_copy = 'shared copy: not signed on this machine';
  const copy = name.replace(/\.ipynb$/, '-shared.ipynb');
  fs.writeFileSync(path.join(server.root, copy), JSON.stringify(nb, null, 1));
  return copy;
}
