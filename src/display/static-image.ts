// Static PNG of a Plotly figure, for the places where scripts do not run (GitHub, nbviewer without
// JS, PDF exports) and as the placeholder the interactive chart replaces.
//
// Why headless Chromium rather than our own SVG writer: the PNG is drawn by plotly.js itself, so it
// is exactly the interactive chart (contours, bands, subplots, sliders, fonts) with no second
// renderer to keep in step. Cost: ~1–2 s to start the browser once per process, then ~0.1–0.3 s
// per chart. Without a browser (or with ATLAS_STATIC_IMAGES=0) charts simply carry no image, with a
// one-line notice, and everything else works.
//
// Why a worker thread: puppeteer is asynchronous, but `show(fig)` is synchronous so a notebook cell
// cannot forget an `await` and have its chart land in the next cell's output. The browser lives in a
// worker; the caller blocks on Atomics.wait until the worker has the image, then takes the reply
// with receiveMessageOnPort. One browser serves the whole process and is killed when it exits.
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { plotlyScriptPath } from '../browser/assets';
import { EMBEDDED_CHROMIUM_FLAGS, findBrowser } from '../browser/chromium';
import { paletteOptimizePng } from './png';
import type { PlotlyFigure } from './theme';
import { STATIC_WIDTH } from './theme';

/** The browser and its flags (src/browser, below this module); an error message when there is none. */
function chooseBrowser(): { executablePath: string; args: string[] } | string {
  try {
    return { executablePath: findBrowser().executablePath, args: EMBEDDED_CHROMIUM_FLAGS };
  } catch (e) {
    return String((e as Error).message ?? e).split('\n')[0];
  }
}

/** Whether a browser for static images is available (for tests and diagnostics). */
export function staticImageBrowser(): string | undefined {
  const choice = chooseBrowser();
  return typeof choice === 'string' ? undefined : choice.executablePath;
}

// Runs inside the worker (plain JavaScript: it must not depend on a TypeScript loader).
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { port, flag, puppeteerPath, executablePath, plotlyPath, args } = workerData;
let ready;
let launchedPid;
function start() {
  if (!ready) ready = (async () => {
    const puppeteer = require(puppeteerPath);
    const browser = await puppeteer.launch({ executablePath, args, headless: true, pipe: true });
    const pid = browser.process() ? browser.process().pid : undefined;
    launchedPid = pid;
    const page = await browser.newPage();
    await page.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>');
    await page.addScriptTag({ path: plotlyPath });
    return { page, pid };
  })();
  return ready;
}
port.on('message', async (req) => {
  let reply;
  if (req.close) {
    // A graceful close lets puppeteer reap Chromium (a SIGKILLed browser can linger as a zombie).
    try { if (ready) await (await ready).page.browser().close(); } catch (e) {}
    port.postMessage({ id: req.id, closed: true });
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    return;
  }
  try {
    const { page, pid } = await start();
    const url = await page.evaluate(
      (fig, width, height, scale) => window.Plotly.toImage(fig, { format: 'png', width, height, scale }),
      req.figure, req.width, req.height, req.scale);
    reply = { id: req.id, pid, png: url.slice(url.indexOf(',') + 1) };
  } catch (e) {
    reply = { id: req.id, pid: launchedPid, launched: launchedPid !== undefined, error: String((e && e.message) || e) };
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

interface Renderer {
  worker: Worker;
  port: MessagePort;
  flag: Int32Array;
  pid?: number;
  calls: number;
}

let renderer: Renderer | undefined;
let disabledReason: string | undefined;
let noticeShown = false;

function killBrowser(r: Renderer): void {
  if (r.pid === undefined) return;
  // puppeteer starts Chromium as a process-group leader: kill the group (zygote and renderers too).
  try {
    process.kill(-r.pid, 'SIGKILL');
  } catch {
    try {
      process.kill(r.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  r.pid = undefined;
}

function disable(reason: string): null {
  disabledReason = reason;
  closeStaticRenderer();
  if (!noticeShown) {
    noticeShown = true;
    process.stderr.write(`[optimizer-atlas] static chart images off: ${reason}. Charts stay interactive.\n`);
  }
  return null;
}

function startRenderer(): Renderer | string {
  const browser = chooseBrowser();
  if (typeof browser === 'string') return browser;
  let puppeteerPath: string;
  try {
    puppeteerPath = require.resolve('puppeteer');
  } catch {
    return 'the puppeteer package is not installed';
  }
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { port: port2, flag, puppeteerPath, executablePath: browser.executablePath, plotlyPath: plotlyScriptPath(), args: browser.args },
    transferList: [port2],
    stdout: false,
    stderr: false,
  });
  worker.unref(); // never keep a process (a test run, a script) alive just for the browser
  const r: Renderer = { worker, port: port1, flag, calls: 0 };
  // Without a listener, an error thrown in the worker is rethrown here and kills the process: in a
  // notebook, that is the kernel. Losing the renderer only costs the static images.
  worker.on('error', (err) => {
    if (renderer === r) disable(`the image worker failed (${String(err).split('\n')[0]})`);
  });
  process.once('exit', () => stopRenderer(r));
  return r;
}

/** Whether static images are being made, and if not, why. */
export function staticImageStatus(): { enabled: boolean; reason?: string } {
  if (process.env.ATLAS_STATIC_IMAGES === '0') return { enabled: false, reason: 'ATLAS_STATIC_IMAGES=0' };
  return disabledReason ? { enabled: false, reason: disabledReason } : { enabled: true };
}

/**
 * The figure as a PNG (base64), drawn by plotly.js in headless Chromium; null when static images
 * are off or unavailable. Synchronous: blocks until the image is ready (first call starts the browser).
 */
export function renderPngSync(figure: PlotlyFigure, opts: { width?: number; height?: number; scale?: number; timeoutMs?: number } = {}): string | null {
  if (!staticImageStatus().enabled) return null;
  if (!renderer) {
    const started = startRenderer();
    if (typeof started === 'string') return disable(started);
    renderer = started;
  }
  const r = renderer;
  const first = r.calls === 0;
  r.calls++;
  Atomics.store(r.flag, 0, 0);
  const { config: _config, ...drawable } = figure;
  r.port.postMessage({
    id: r.calls,
    figure: { ...drawable, layout: { ...figure.layout, width: opts.width ?? STATIC_WIDTH } },
    width: opts.width ?? STATIC_WIDTH,
    height: opts.height ?? figure.layout.height,
    scale: opts.scale ?? 1,
  });
  // The first call starts Chromium: 1–2 s on a quiet machine, but a minute was measured on a 2-core
  // machine at load 24, so the first call gets a generous limit.
  const timeout = opts.timeoutMs ?? (first ? 150_000 : 30_000);
  const waited = Atomics.wait(r.flag, 0, 0, timeout);
  const reply = receiveMessageOnPort(r.port)?.message as { id: number; pid?: number; launched?: boolean; png?: string; error?: string } | undefined;
  if (waited === 'timed-out' || !reply) return disable(`Chromium did not answer within ${timeout / 1000} s`);
  if (reply.pid !== undefined) r.pid = reply.pid;
  if (reply.error !== undefined) {
    // A figure plotly cannot draw is that figure's problem; a browser that cannot start is everyone's.
    if (reply.launched === false) return disable(`Chromium could not start (${reply.error.split('\n')[0]})`);
    process.stderr.write(`[optimizer-atlas] static image failed for one chart: ${reply.error.split('\n')[0]}\n`);
    return null;
  }
  return reply.png ? paletteOptimizePng(Buffer.from(reply.png, 'base64')).toString('base64') : null;
}

/** Close the browser gracefully (waiting up to 5 s), else kill it; then stop the worker. */
function stopRenderer(r: Renderer): void {
  if (r.pid !== undefined) {
    Atomics.store(r.flag, 0, 0);
    r.port.postMessage({ id: -1, close: true });
    const answered = Atomics.wait(r.flag, 0, 0, 5_000) !== 'timed-out' && receiveMessageOnPort(r.port)?.message?.closed === true;
    if (answered) r.pid = undefined;
    else killBrowser(r);
  }
  void r.worker.terminate();
  r.port.close();
}

/** Stop the browser now (it is stopped at process exit anyway). The next render starts a new one. */
export function closeStaticRenderer(): void {
  if (!renderer) return;
  const r = renderer;
  renderer = undefined;
  stopRenderer(r);
}
