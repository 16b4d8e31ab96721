// Progress reporting for one training run: a redrawn bar on a terminal (stderr), plain lines per
// epoch when stderr is not a terminal or CI=true (logs stay readable, no carriage returns).
import type { EpochMetrics, ProgressSink } from './types';

const BAR_WIDTH = 24;
const REDRAW_MS = 100;

/** True when output should be a live, redrawn display: a TTY and not CI. */
export function isInteractive(stream: { isTTY?: boolean } = process.stderr, env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI?.trim().toLowerCase();
  return Boolean(stream.isTTY) && !(ci && ci !== '0' && ci !== 'false');
}

const fmt = (x: number | undefined, digits = 4): string => (x === undefined ? '–' : Number.isFinite(x) ? x.toFixed(digits) : String(x));

/** One line summarising an epoch: the line both the bar and the plain log print. */
export function formatEpoch(m: EpochMetrics, epochs: number): string {
  const auc = m.testAuc !== undefined ? ` auc ${fmt(m.testAuc)}` : '';
  return `epoch ${m.epoch}/${epochs}  train loss ${fmt(m.trainLoss)} acc ${fmt(m.trainAccuracy)}  |  test loss ${fmt(m.testLoss)} acc ${fmt(m.testAccuracy)}${auc}  |  ${(m.trainSeconds + m.evalSeconds).toFixed(1)}s`;
}

export function progressBar(fraction: number, width = BAR_WIDTH): string {
  const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

export interface ConsoleProgressOptions {
  label?: string;
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Force the live bar on or off (default: `isInteractive(stream)`). */
  interactive?: boolean;
}

/** A ProgressSink that writes to stderr (or `stream`). */
export function consoleProgress(opts: ConsoleProgressOptions = {}): ProgressSink {
  const stream = opts.stream ?? process.stderr;
  const live = opts.interactive ?? isInteractive(stream);
  const prefix = opts.label ? `${opts.label}  ` : '';
  let lastDraw = 0;
  let drawn = false;
  const clear = (): void => {
    if (drawn) stream.write('\r\x1b[2K');
    drawn = false;
  };
  return (event) => {
    switch (event.kind) {
      case 'start':
        if (!live) stream.write(`${prefix}training: ${event.epochs} epochs × ${event.stepsPerEpoch} steps\n`);
        break;
      case 'step': {
        if (!live) break;
        const now = Date.now();
        if (now - lastDraw < REDRAW_MS && event.step !== event.stepsPerEpoch) break;
        lastDraw = now;
        const frac = event.step / event.stepsPerEpoch;
        clear();
        stream.write(`${prefix}epoch ${event.epoch} ${progressBar(frac)} ${(frac * 100).toFixed(0).padStart(3)}%  loss ${fmt(event.loss)}`);
        drawn = true;
        break;
      }
      case 'epoch':
        clear();
        stream.write(`${prefix}${formatEpoch(event.metrics, event.epochs)}\n`);
        break;
      case 'end':
        clear();
        stream.write(`${prefix}${event.status} in ${event.seconds.toFixed(1)}s\n`);
        break;
    }
  };
}
