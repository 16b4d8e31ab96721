// The report pipeline behind `npm run report`: experiments → executed notebooks → HTML → PDF,
// with a progress line and a timing per step.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildDist, distIsStale } from '../build-dist';
import { DEFAULT_CELL_TIMEOUT_SEC, executeNotebooks, listNotebooks, type ExecutedNotebook } from './execute-notebooks';
import { projectRoot } from '../project-root';
import { EXPERIMENT_IDS, defaultJobs, defaultResultsDir, recordReportProfile, runExperiments, runnerDisplay, type ProfileName } from '../experiments';
import { countChartBundles, joinText, readNotebook, type Notebook } from './notebook-format';
import { printPdf, type PrintResult } from './print-pdf';
import { renderReportHtml, type ReportMeta } from './render-html';

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

  let recordBackends: string[] = [];
  await step('1/4 experiments', timings, log, async () => {
    if (!opts.experiments || opts.renderOnly) return log(`  skipped (${opts.renderOnly ? '--render-only' : '--no-experiments'})`);
    const ids = experimentsUsedBy(files.map(readNotebook));
    if (!ids.length) return log('  no notebook reads an experiment: nothing to run');
    // Cached records are reused; missing ones train in parallel worker processes (or on the job
    // queue). The notebooks then find every record in the cache (same profile, same results folder).
    const summary = await runExperiments({ ids, profile: opts.profile, jobs: defaultJobs(), resultsDir: defaultResultsDir(), queue: opts.queue, onEvent: runnerDisplay() });
    log(`  ${ids.length} experiments, ${summary.records.length} runs: ${summary.cached} cached, ${summary.ran} trained${summary.diverged ? `, ${summary.diverged} diverged (a result, kept)` : ''}${summary.failed ? `, ${summary.failed} FAILED` : ''} → ${defaultResultsDir()}`);
    recordBackends = [...new Set(summary.records.map((r) => `${r.backend.name} (tfjs ${r.backend.tfjsVersion})`))];
    if (summary.failed && !opts.allowErrors) throw new Error(`${summary.failed} experiment run(s) failed (see above). Fix them, or build with --allow-errors.`);
  });

  const executed = await step('2/4 execute notebooks', timings, log, async () => {
    if (opts.renderOnly) {
      const present = files.filter((f) => fs.existsSync(path.join(notebooksOut, path.basename(f))));
      for (const f of files) if (!present.includes(f)) log(`  ${path.basename(f)}: not executed yet, left out (--render-only)`);
      if (!present.length) throw new Error(`--render-only: nothing executed in ${notebooksOut}; build the report once without it.`);
      return present.map((f) => previouslyExecuted(f, notebooksOut));
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
    profile: opts.profile,
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
    fs.writeFileSync(htmlFile, r.html);
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
