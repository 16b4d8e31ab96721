// The report pipeline behind `npm run report`: experiments → executed notebooks → HTML → PDF,
// with a progress line and a timing per step.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildDist, distIsStale } from '../build-dist';
import { DEFAULT_CELL_TIMEOUT_SEC, executeNotebooks, listNotebooks, type ExecutedNotebook } from './execute-notebooks';
import { projectRoot } from '../project-root';
import { findPythonWithNbclient, tslabCommand } from './jupyter';
import { findBrowser } from '../browser/chromium';
import { assertPreflight, checkWith, checkWritableDir } from '../preflight';
import { EXPERIMENT_IDS, defaultJobs, defaultResultsDir, recordReportProfile, runExperiments, runnerDisplay, type ProfileName } from '../experiments';
import { countChartBundles, joinText, readNotebook, type Notebook } from './notebook-format';
import { printPdf, type PrintResult } from './print-pdf';
import { checkExecuted, codeFingerprint } from './provenance';
import { renderReportHtml, type ReportMeta } from './render-html';
import { writeFileAtomic } from '../files';

export { PROFILE_NAMES as PROFILES } from '../experiments';
export type Profile = ProfileName;

export interface BuildOptions {
  profile: Profile;
  allowErrors: boolean;
  notebooksDir: string;
  outDir: string;
  cellTimeoutSec: number;
  pdf: boolean;
  /** Run the experiments step (off when the notebooks under test need no results). */
  experiments: boolean;
  /** Skip experiments and execution; render the notebooks already executed in <outDir>/notebooks (template work). */
  renderOnly?: boolean;
  /** Worker processes for the experiments step (default: one per core; 0 = in this process). */
  jobs?: number;
  /** Redis URL: train the experiments' missing runs on this job queue (`npm run worker`) instead of locally. */
  queue?: string;
  log: (line: string) => void;
}

export interface BuildResult {
  html: string;
  pdf?: string;
  notebooks: ExecutedNotebook[];
  charts: number;
  figures: number;
  tables: number;
  pdfInfo?: PrintResult;
  timings: Record<string, number>;
}

/**
 * The experiments the notebooks read: every experiment id quoted in a code cell, plus any listed in
 * a notebook's metadata "atlas": {"experiments": [...]}.
 */
export function experimentsUsedBy(notebooks: Notebook[]): string[] {
  const used = new Set<string>();
  for (const nb of notebooks) {
    const declared = (nb.metadata.atlas as { experiments?: unknown } | undefined)?.experiments;
    if (Array.isArray(declared)) declared.forEach((id) => used.add(String(id)));
    const code = nb.cells.filter((c) => c.cell_type === 'code').map((c) => joinText(c.source)).join('\n');
    for (const id of EXPERIMENT_IDS) if (code.includes(`'${id}'`) || code.includes(`"${id}"`) || code.includes(`\`${id}\``)) used.add(id);
  }
  return [...used];
}

function gitCommit(root: string): string {
  const rev = spawnSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: root, encoding: 'utf8' });
  if (rev.status !== 0) return 'unknown (not a git checkout)';
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' });
  return rev.stdout.trim() + (dirty.stdout.trim() ? ' (with uncommitted changes)' : '');
}

/** The backend the kernel picks with the same environment (ATLAS_BACKEND honoured), and the machine. */
async function backendAndMachine(): Promise<{ backend: string; machine: string }> {
  try {
    const { initBackend } = await import('../backend');
    const info = await initBackend();
    const m = info.machine;
    return {
      backend: `${info.name} (tfjs ${info.tfjsVersion}${info.patches.length ? `; patches: ${info.patches.join(', ')}` : ''})`,
      machine: `${m.cpus} × ${m.cpuModel}, ${m.platform}, Node ${m.node}`,
    };
  } catch (err) {
    return { backend: `unknown (${(err as Error).message})`, machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${process.platform}-${process.arch}, Node ${process.version}` };
  }
}

function previouslyExecuted(source: string, notebooksOut: string): ExecutedNotebook {
  const name = path.basename(source);
  const output = path.join(notebooksOut, name);
  const nb = readNotebook(output);
  const errorCells = nb.cells.flatMap((c, i) => ((c.outputs ?? []).some((o) => o.output_type === 'error') ? [i] : []));
  return { name, source, output, seconds: 0, cellCount: nb.cells.length, errorCells };
}

/**
 * Everything the build will need, checked before its first step: writable folders, the Jupyter
 * client and the kernel (to execute notebooks), a browser (for the PDF, and for the static chart
 * images the notebooks embed unless ATLAS_STATIC_IMAGES=0). All problems are reported at once.
 */
function preflight(opts: BuildOptions, root: string, notebooksOut: string): void {
  const execute = !opts.renderOnly;
  const staticImages = process.env.ATLAS_STATIC_IMAGES !== '0';
  const browserFor = [opts.pdf && 'the PDF', execute && staticImages && 'the charts\' static images in the notebooks'].filter(Boolean).join(' and ');
  const browserFix = (err: string) => [
    ...(err.includes('PUPPETEER_EXECUTABLE_PATH=') ? ['point PUPPETEER_EXECUTABLE_PATH at a Chromium or Chrome binary, or unset it.'] : [
      'install one — Debian/Ubuntu: sudo apt-get install chromium; macOS/Windows: Google Chrome, or `npx puppeteer browsers install chrome` (needs internet);',
      'or set PUPPETEER_EXECUTABLE_PATH to a Chromium/Chrome binary.',
    ]),
    'Or build without a browser: --no-pdf, with ATLAS_STATIC_IMAGES=0 (charts stay interactive, without a static image).',
  ].join('\n');
  let browserProblem;
  if (browserFor) {
    try {
      findBrowser();
    } catch (err) {
      const message = (err as Error).message;
      const first = message.split('\n')[0].replace(/ to print the PDF\.$/, '.').replace(/(does not exist\.).*/, '$1');
      browserProblem = { what: `No browser for ${browserFor}: ${first}`, fix: browserFix(message) };
    }
  }
  const outProblem = checkWritableDir(opts.outDir, 'output folder', 'make it writable, or choose another with --out DIR.');
  assertPreflight('npm run report', [
    outProblem,
    execute && !outProblem ? checkWritableDir(notebooksOut, 'folder for executed notebooks', 'make it writable, or choose another output folder with --out DIR.') : undefined,
    // Executing writes there even with --no-experiments (the report's profile, read by the notebooks).
    execute ? checkWritableDir(defaultResultsDir(), 'results folder', 'make it writable, or set ATLAS_RESULTS_DIR to another folder.') : undefined,
    execute ? checkWith('No Jupyter client to execute the notebooks', findPythonWithNbclient) : undefined,
    execute ? checkWith('No TypeScript kernel to execute the notebooks', () => tslabCommand(root), 'run `npm ci` in the project folder (it installs tslab).') : undefined,
    browserProblem,
  ]);
}

async function step<T>(name: string, timings: Record<string, number>, log: (l: string) => void, fn: () => Promise<T>): Promise<T> {
  log(`▶ ${name}`);
  const t0 = performance.now();
  const out = await fn();
  const s = (performance.now() - t0) / 1000;
  timings[name] = s;
  log(`✔ ${name} (${s.toFixed(1)} s)`);
  return out;
}

export async function buildReport(opts: BuildOptions): Promise<BuildResult> {
  const root = projectRoot();
  const timings: Record<string, number> = {};
  const t0 = performance.now();
  const log = opts.log;
  const files = listNotebooks(opts.notebooksDir);
  if (!files.length) throw new Error(`No notebooks (*.ipynb) in ${opts.notebooksDir}.`);
  const notebooksOut = path.join(opts.outDir, 'notebooks');
  preflight(opts, root, notebooksOut);

  let recordBackends: string[] = [];
  await step('1/4 experiments', timings, log, async () => {
    if (!opts.experiments || opts.renderOnly) return log(`  skipped (${opts.renderOnly ? '--render-only' : '--no-experiments'})`);
    const ids = experimentsUsedBy(files.map(readNotebook));
    if (!ids.length) return log('  no notebook reads an experiment: nothing to run');
    // Cached records are reused; missing ones train in parallel worker processes (or on the job
    // queue). The notebooks then find every record in the cache (same profile, same results folder).
    const summary = await runExperiments({ ids, profile: opts.profile, jobs: opts.jobs ?? defaultJobs(), resultsDir: defaultResultsDir(), queue: opts.queue, onEvent: runnerDisplay() });
    log(`  ${ids.length} experiments, ${summary.records.length} runs: ${summary.cached} cached, ${summary.ran} trained${summary.diverged ? `, ${summary.diverged} diverged (a result, kept)` : ''}${summary.failed ? `, ${summary.failed} FAILED` : ''} → ${defaultResultsDir()}`);
    recordBackends = [...new Set(summary.records.map((r) => `${r.backend.name} (tfjs ${r.backend.tfjsVersion})`))];
    if (summary.failed && !opts.allowErrors) throw new Error(`${summary.failed} experiment run(s) failed (see above). Fix them, or build with --allow-errors.`);
  });

  let renderedProfile: string = opts.profile;
  const executed = await step('2/4 execute notebooks', timings, log, async () => {
    if (opts.renderOnly) {
      // Only complete copies executed from today's notebooks and code: a half-executed or stale copy
      // would be rendered as if it were the report.
      const code = codeFingerprint(root);
      const checked = files.map((f) => ({ f, check: checkExecuted(f, path.join(notebooksOut, path.basename(f)), code) }));
      for (const { f, check } of checked) if (check.state === 'missing') log(`  ${path.basename(f)}: not executed yet, left out (--render-only)`);
      const refused = checked.flatMap(({ f, check }) => (check.state === 'incomplete' || check.state === 'stale' ? [`  ${path.basename(f)} (${check.state}): ${check.reason}`] : []));
      if (refused.length) {
        throw new Error([
          `--render-only: ${refused.length} executed notebook(s) in ${notebooksOut} do not match what they would show today:`,
          ...refused,
          'Fix: build the report without --render-only (cached experiment results are reused; only the notebooks run again).',
        ].join('\n'));
      }
      const present = checked.filter(({ check }) => check.state === 'ok');
      if (!present.length) throw new Error(`--render-only: nothing executed in ${notebooksOut}; build the report once without it.`);
      const profiles = [...new Set(present.map(({ check }) => (check.state === 'ok' ? check.provenance.profile : '')))];
      renderedProfile = profiles.join(' and ');
      return present.map(({ f }) => previouslyExecuted(f, notebooksOut));
    }
    if (distIsStale(root)) {
      log('  src/ changed since the last build: compiling dist/ (the package notebooks import)');
      buildDist(root);
    }
    return executeNotebooks(files, {
      outDir: notebooksOut,
      allowErrors: opts.allowErrors,
      cellTimeoutSec: opts.cellTimeoutSec,
      cwd: path.resolve(opts.notebooksDir),
      env: { ATLAS_PROFILE: opts.profile },
      onProgress: (l) => log(`  ${l}`),
    });
  });
  // Notebooks opened by hand from now on show this profile's results (src/experiments/profile.ts).
  if (!opts.renderOnly) recordReportProfile(opts.profile, defaultResultsDir());
  for (const nb of executed) log(`  ${nb.name}: ${nb.cellCount} cells in ${nb.seconds.toFixed(1)} s${nb.errorCells.length ? `, ${nb.errorCells.length} failed (kept: --allow-errors)` : ''}`);
  log(`  executed notebooks: ${path.relative(process.cwd(), notebooksOut) || notebooksOut}`);

  const htmlFile = path.join(opts.outDir, 'report.html');
  const meta: ReportMeta = {
    title: 'Optimizer Atlas',
    profile: renderedProfile,
    ...(await backendAndMachine()),
    // The records say which backend produced the numbers; the probe above covers notebooks without records.
    ...(recordBackends.length ? { backend: recordBackends.join(' and ') } : {}),
    date: new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC'),
    commit: gitCommit(root),
    resultsDir: path.relative(root, defaultResultsDir()) || defaultResultsDir(),
  };
  const rendered = await step('3/4 render HTML', timings, log, async () => {
    const r = renderReportHtml(
      executed.map((e) => ({ name: e.name, notebook: readNotebook(e.output) })),
      meta,
    );
    fs.mkdirSync(opts.outDir, { recursive: true });
    writeFileAtomic(htmlFile, r.html);
    return r;
  });
  const charts = executed.reduce((n, e) => n + countChartBundles(readNotebook(e.output)), 0);
  log(`  ${htmlFile}: ${rendered.sections.length} sections, ${rendered.figures} figures, ${rendered.tables} tables, ${(fs.statSync(htmlFile).size / 1e6).toFixed(1)} MB`);

  let pdfInfo: PrintResult | undefined;
  const pdfFile = path.join(opts.outDir, 'report.pdf');
  if (opts.pdf) {
    pdfInfo = await step('4/4 print PDF', timings, log, () =>
      printPdf(htmlFile, pdfFile, { headerLeft: `${meta.title} · profile ${meta.profile} · backend ${meta.backend.split(' ')[0]}`, headerRight: meta.date }),
    );
    log(`  ${pdfFile}: ${pdfInfo.pages} pages, ${pdfInfo.charts} charts${pdfInfo.tocPageNumbers ? ', contents with page numbers' : ' (install poppler-utils for page numbers in the contents)'}`);
    if (pdfInfo.refusedRequests.length) log(`  warning: the page tried to load ${pdfInfo.refusedRequests.length} URL(s), refused: ${pdfInfo.refusedRequests.slice(0, 3).join(', ')}`);
    if (pdfInfo.consoleErrors.length) log(`  warning: browser console errors: ${pdfInfo.consoleErrors.slice(0, 3).join(' | ')}`);
  } else {
    log('▶ 4/4 print PDF: skipped (--no-pdf)');
  }
  timings.total = (performance.now() - t0) / 1000;
  log(`Report built in ${timings.total.toFixed(1)} s: ${htmlFile}${opts.pdf ? `, ${pdfFile}` : ''}`);
  return { html: htmlFile, pdf: opts.pdf ? pdfFile : undefined, notebooks: executed, charts, figures: rendered.figures, tables: rendered.tables, pdfInfo, timings };
}

export const DEFAULTS = (root = projectRoot()) => ({
  notebooksDir: path.join(root, 'notebooks'),
  outDir: path.join(root, 'output'),
  cellTimeoutSec: DEFAULT_CELL_TIMEOUT_SEC,
});
