// Progress across runs, for the CLI and notebooks. On a terminal: finished runs scroll by above a
// redrawn block (overall status + one line per worker). Otherwise (CI, pipes, Jupyter): plain lines,
// one per finished run, plus epoch lines for long runs.
import { formatEpoch, isInteractive, progressBar } from '../training/progress';
import type { RunnerEvent, PlannedRun } from './runner';
import type { RunRecord } from './types';

const REDRAW_MS = 200;
/** In plain mode, runs expected to take longer than this also print a line per epoch. */
const LONG_RUN_SECONDS = 60;

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
}

export function runName(run: PlannedRun): string {
  const c = run.config;
  return `${c.experiment}/${c.series} s${c.seed}`;
}

/** "step 12", or "steps 1–20" when it was found at a check covering several steps. */
function divergenceSteps(d: RunRecord['divergence']): string {
  return d?.fromStep !== undefined && d.fromStep < d.step ? `steps ${d.fromStep}–${d.step}` : `step ${d?.step}`;
}

/** One line for a finished run: status, final test metrics, time. */
export function formatRunResult(record: RunRecord): string {
  const last = record.epochs.at(-1);
  const metrics = last
    ? `test acc ${last.testAccuracy.toFixed(4)} loss ${last.testLoss.toFixed(4)}${last.testAuc !== undefined ? ` auc ${last.testAuc.toFixed(3)}` : ''}`
    : '';
  const status = record.status === 'ok' ? 'ok' : record.status === 'diverged'
    ? `DIVERGED (${record.divergence?.reason ?? 'non-finite loss'}) at epoch ${record.divergence?.epoch} ${divergenceSteps(record.divergence)}`
    : `ERROR: ${record.error?.split('\n')[0]}`;
  return `${status}${metrics ? `  ${metrics}` : ''}  (${record.wallSeconds.toFixed(1)}s)`;
}

interface Active {
  run: PlannedRun;
  epoch: number;
  epochs: number;
  fraction: number;
  loss?: number;
}

export interface RunnerDisplayOptions {
  stream?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  interactive?: boolean;
}

/** A runner event listener that renders progress to stderr (or `stream`). */
export function runnerDisplay(opts: RunnerDisplayOptions = {}): (event: RunnerEvent) => void {
  const stream = opts.stream ?? process.stderr;
  const live = opts.interactive ?? isInteractive(stream);
  const active = new Map<number, Active>();
  let total = 0;
  let done = 0;
  let failed = 0;
  let remainingEstimate = 0;
  let jobs = 1;
  let spentActual = 0;
  let spentEstimate = 0;
  const started = Date.now();
  let drawnLines = 0;
  let lastDraw = 0;
  let timer: NodeJS.Timeout | undefined;

  const width = () => Math.max(40, (stream.columns || 120) - 1); // a pty may report 0 columns
  const cut = (line: string) => (line.length > width() ? `${line.slice(0, width() - 1)}…` : line);
  const eta = () => {
    // Scale the static estimate by how fast runs have actually gone so far on this machine.
    const ratio = spentEstimate > 0 ? spentActual / spentEstimate : 1;
    return (remainingEstimate * ratio) / Math.max(1, jobs);
  };
  const header = () => `experiments: ${done}/${total} runs done${failed ? `, ${failed} failed` : ''} · ${formatDuration((Date.now() - started) / 1000)} elapsed · ~${formatDuration(eta())} left`;

  const erase = () => {
    if (drawnLines > 0) stream.write(`\x1b[${drawnLines}F\x1b[J`);
    drawnLines = 0;
  };
  const draw = () => {
    lastDraw = Date.now();
    erase();
    const lines = [header()];
    for (const [worker, a] of [...active.entries()].sort(([x], [y]) => x - y)) {
      const frac = (a.epoch - 1 + a.fraction) / Math.max(1, a.epochs);
      lines.push(`  w${worker + 1} ${runName(a.run)}  epoch ${a.epoch}/${a.epochs} ${progressBar(frac, 20)} ${(frac * 100).toFixed(0).padStart(3)}%${a.loss !== undefined ? `  loss ${a.loss.toFixed(4)}` : ''}`);
    }
    stream.write(`${lines.map(cut).join('\n')}\n`);
    drawnLines = lines.length;
  };
  const permanent = (line: string) => {
    if (live) erase();
    stream.write(`${line}\n`);
    if (live) draw();
  };

  return (event) => {
    switch (event.kind) {
      case 'plan':
        total = event.toRun.length;
        jobs = Math.max(1, event.jobs);
        remainingEstimate = event.toRun.reduce((s, r) => s + r.estimatedSeconds, 0);
        stream.write(`profile ${event.profile}: ${event.total} runs in ${event.experiments.length} experiment(s), ${event.cached} cached, ${event.toRun.length} to run`
          + (event.toRun.length
            ? event.queue ? ` on the job queue at ${event.queue}` : ` on ${event.jobs === 0 ? 'this process' : `${event.jobs} worker(s)`} (estimate ~${formatDuration(event.estimatedSeconds)})`
            : '') + '\n');
        if (live && total) timer = setInterval(() => { if (Date.now() - lastDraw >= REDRAW_MS) draw(); }, 1000).unref();
        break;
      case 'run-start':
        active.set(event.worker, { run: event.run, epoch: 1, epochs: event.run.config.epochs, fraction: 0 });
        if (live && Date.now() - lastDraw >= REDRAW_MS) draw();
        break;
      case 'run-progress': {
        const a = active.get(event.worker);
        if (!a) break;
        const e = event.event;
        if (e.kind === 'step') {
          a.epoch = e.epoch;
          a.fraction = e.step / e.stepsPerEpoch;
          a.loss = e.loss;
        } else if (e.kind === 'epoch') {
          a.epoch = Math.min(e.metrics.epoch + 1, e.epochs);
          a.fraction = e.metrics.epoch === e.epochs ? 1 : 0;
          if (!live && event.run.estimatedSeconds > LONG_RUN_SECONDS) {
            stream.write(`  ${runName(event.run)}  ${formatEpoch(e.metrics, e.epochs)}\n`);
          }
        }
        if (live && Date.now() - lastDraw >= REDRAW_MS) draw();
        break;
      }
      case 'run-end':
        active.delete(event.worker);
        done++;
        if (event.record.status === 'error') failed++;
        remainingEstimate = Math.max(0, remainingEstimate - event.run.estimatedSeconds);
        spentEstimate += event.run.estimatedSeconds;
        spentActual += event.record.wallSeconds;
        permanent(`[${done}/${total}] ${runName(event.run)}  ${formatRunResult(event.record)}`);
        break;
      case 'waiting':
        permanent(`waiting for ${event.runs.length} run(s) another process is training on these results (${event.runs.slice(0, 3).map(runName).join(', ')}${event.runs.length > 3 ? ', …' : ''})`);
        break;
      case 'warning':
        permanent(`warning: ${event.message}`);
        break;
      case 'done': {
        if (timer) clearInterval(timer);
        if (live) erase();
        const s = event.summary;
        stream.write(`done in ${formatDuration(s.seconds)}: ${s.ran} run (${s.ok} ok, ${s.diverged} diverged, ${s.failed} failed), ${s.cached} cached.\n`);
        break;
      }
    }
  };
}
