// Notebook 09's cells: each learning-rate schedule's formula and code read from the schedule registry
// and src/optimizers/schedules.ts (never restated), its curve, and the schedule experiments' tables
// (final test accuracy per schedule, and its gain over the constant rate paired by seed).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lineChart } from '../display/charts';
import { table, type Table } from '../display/table';
import type { PlotlyFigure } from '../display/theme';
import { meanInterval, summarize, type Interval } from '../experiments/api';
import { planRuns } from '../experiments/plan';
import { runUpdates } from '../experiments/spec-hyperparams';
import type { ExperimentSpec, ProfileName, RunRecord } from '../experiments/types';
import { getOptimizerInfo } from '../optimizers/registry';
import {
  SCHEDULE_DEFAULTS, SCHEDULE_REGISTRY, scheduleFromConfig, type LearningRateSchedule, type ScheduleInput, type ScheduleKind,
} from '../optimizers/schedules';
import { projectRoot } from '../project-root';
import type { ExperimentData } from './experiment-views';
import { formatInterval } from './intervals';
import { displayMath } from './optimizer-docs';

const SCHEDULES_FILE = 'src/optimizers/schedules.ts';

/** The formula as the registry writes it, with the defaults, the symbol ↔ config-field map and torch's equivalent. */
export function scheduleMathMarkdown(kind: ScheduleKind): string {
  const info = SCHEDULE_REGISTRY[kind];
  const defaults = Object.entries(SCHEDULE_DEFAULTS[kind]).map(([k, v]) => `\`${k}\` = ${v}`).join(', ');
  return [
    `#### ${info.displayName} (\`kind: '${kind}'\`)`,
    '',
    displayMath(info.latex),
    '',
    `$t$ counts the updates already applied (0 for the first). Defaults: ${defaults || 'none (every field is given)'}. PyTorch: \`${info.torch}\`.`,
    '',
    '| symbol | in the code |',
    '|---|---|',
    ...Object.entries(info.symbols).map(([tex, code]) => `| $${tex}$ | \`${code}\` |`),
    ...(info.notes?.length ? ['', ...info.notes.map((n) => `- ${n}`)] : []),
  ].join('\n');
}

/** `export function <kind>Rate … }` read from src/optimizers/schedules.ts when the cell runs. */
export function scheduleSourceMarkdown(kind: ScheduleKind): string {
  const text = fs.readFileSync(path.join(projectRoot(), SCHEDULES_FILE), 'utf8');
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`export function ${kind}Rate(`));
  const end = lines.findIndex((l, i) => i > start && l === '}');
  if (start < 0 || end < 0) throw new Error(`${SCHEDULES_FILE} has no "export function ${kind}Rate(…) { … }" block at column 0.`);
  return [
    `Read from \`${SCHEDULES_FILE}\` (lines ${start + 1}–${end + 1}); \`c\` is the schedule's config, \`t\` the updates already applied:`,
    '',
    '```ts',
    ...lines.slice(start, end + 1),
    '```',
  ].join('\n');
}

/** One illustrative config per kind over `updates` updates (peak rate 0.1), for the curves. */
export function exampleSchedule(kind: ScheduleKind, updates = 1000): LearningRateSchedule {
  const examples: Record<ScheduleKind, ScheduleInput> = {
    constant: { kind: 'constant', learningRate: 0.1 },
    step: { kind: 'step', initialLearningRate: 0.1, factor: 0.5, dropEvery: Math.round(updates / 4) },
    exponential: { kind: 'exponential', initialLearningRate: 0.1, decayRate: 0.1, decaySteps: updates },
    inverseTime: { kind: 'inverseTime', initialLearningRate: 0.1, decayRate: 9, decaySteps: updates },
    cosine: { kind: 'cosine', initialLearningRate: 0.1, decaySteps: updates },
    warmup: { kind: 'warmup', warmupSteps: Math.round(updates / 10), then: { kind: 'cosine', initialLearningRate: 0.1, decaySteps: updates - Math.round(updates / 10) } },
    oneCycle: { kind: 'oneCycle', maxLearningRate: 0.1, totalSteps: updates },
  };
  return scheduleFromConfig(examples[kind]);
}

/** Learning rate against update for some schedules (one curve each, evaluated at every update). */
export function scheduleCurves(opts: { title: string; subtitle?: string; updates: number; schedules: Array<{ name: string; schedule: LearningRateSchedule; optimizer?: string }> }): PlotlyFigure {
  const x = Array.from({ length: opts.updates }, (_, t) => t);
  return lineChart({
    title: opts.title,
    subtitle: opts.subtitle,
    xTitle: 'Update t (updates already applied)',
    yTitle: 'Learning rate η_t',
    series: opts.schedules.map((s) => ({ name: s.name, optimizer: s.optimizer, variant: s.name, x, mean: x.map((t) => s.schedule(t)) })),
  });
}

/**
 * The learning rate each series of `spec` (of one `group`, e.g. one optimizer, whose rates share a
 * scale) follows under `profile`, at every update of the run, from the planned run configs.
 */
export function plannedScheduleCurves(spec: ExperimentSpec, profile: ProfileName, group?: string): PlotlyFigure {
  const ids = new Set(spec.series.filter((s) => group === undefined || s.group === group).map((s) => s.id));
  if (ids.size === 0) throw new Error(`plannedScheduleCurves: experiment "${spec.id}" has no series in group "${group}".`);
  const seen = new Set<string>();
  const runs = planRuns(spec, profile).filter((r) => ids.has(r.series));
  const updates = runUpdates(runs[0]);
  const schedules = runs.flatMap((r) => {
    if (seen.has(r.series)) return [];
    seen.add(r.series);
    const lr = r.hyperparams.learningRate ?? getOptimizerInfo(r.optimizer).defaults.learningRate!;
    const schedule = scheduleFromConfig(typeof lr === 'number' ? { kind: 'constant', learningRate: lr } : lr);
    return [{ name: spec.series.find((s) => s.id === r.series)!.label, schedule, optimizer: r.optimizer }];
  });
  return scheduleCurves({ title: `${group ?? spec.id}: the learning rate of each series`, subtitle: `as planned for profile ${profile}: ${updates} updates per run`, updates, schedules });
}

export interface ScheduleRow {
  group: string;
  series: string;
  label: string;
  /** Final test accuracy (fraction) across seeds. */
  accuracy: Interval;
  /** Percentage points over the group's first series (its constant rate), paired by seed; undefined for that series. */
  gain?: Interval;
  diverged: number;
}

function finalBySeed(records: RunRecord[], series: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of records) {
    if (r.series !== series || r.status !== 'ok') continue;
    const v = r.epochs[r.config.epochs - 1]?.testAccuracy;
    if (v !== undefined && Number.isFinite(v)) out.set(r.config.seed, v);
  }
  return out;
}

/**
 * Per group (optimizer) of a schedule experiment: each series' final test accuracy, and its gain over
 * the group's first series — the constant rate in both schedule specs — paired by seed (same
 * initialisation and batches), with 95% intervals.
 */
export function scheduleRows(data: ExperimentData): ScheduleRow[] {
  const sums = new Map(summarize(data.records, 'testAccuracy').map((s) => [s.series, s]));
  const groups = [...new Set(data.spec.series.map((s) => s.group ?? s.optimizer))];
  return groups.flatMap((group) => {
    const members = data.spec.series.filter((s) => (s.group ?? s.optimizer) === group);
    const base = finalBySeed(data.records, members[0].id);
    return members.flatMap((s, i) => {
      const sum = sums.get(s.id);
      if (!sum) return [];
      const mine = finalBySeed(data.records, s.id);
      const paired = [...mine].flatMap(([seed, v]) => (base.has(seed) ? [(v - base.get(seed)!) * 100] : []));
      return [{ group, series: s.id, label: s.label, accuracy: sum, gain: i === 0 ? undefined : meanInterval(paired), diverged: sum.diverged }];
    });
  });
}

/** A gain with its sign ("+0.51 ± 0.36"), through the shared interval format. */
const signed = (s: Interval) => `${s.mean > 0 ? '+' : ''}${formatInterval(s)}`;

/** The table of scheduleRows, with the seed's own number where the spec has one. */
export function scheduleTable(data: ExperimentData, rows = scheduleRows(data)): Table {
  const ref = data.spec.reference?.kind === 'final-test-accuracy' ? data.spec.reference.values : undefined;
  const seeds = new Set(data.records.map((r) => r.config.seed)).size;
  return table({
    caption: `${data.spec.id}: final test accuracy (%) per schedule, and the gain over the constant rate (percentage points, paired by seed)`,
    columns: ['optimizer', 'learning rate', 'test accuracy', 'gain over constant (pp)', ...(ref ? ['seed 000'] : [])],
    rows: rows.map((r) => [
      r.group, r.label.replace(`${r.group}, `, ''), formatInterval(r.accuracy, 100) + (r.diverged ? ` (${r.diverged} diverged)` : ''),
      r.gain ? signed(r.gain) : '—',
      ...(ref ? [ref[r.series] !== undefined ? (ref[r.series] * 100).toFixed(2) : ''] : []),
    ]),
    notes: [`${seeds} seed(s)${seeds > 1 ? '; ± = half-width of the 95% interval across seeds; a gain whose interval excludes 0 is beyond seed noise' : ''}. Profile ${data.profile}.`],
  });
}

/** Per group, the schedule with the best mean final accuracy and its paired gain over constant. */
export function bestSchedules(rows: ScheduleRow[]): Array<{ group: string; best: ScheduleRow }> {
  const groups = [...new Set(rows.map((r) => r.group))];
  return groups.map((group) => {
    const members = rows.filter((r) => r.group === group && Number.isFinite(r.accuracy.mean));
    return { group, best: members.reduce((a, b) => (b.accuracy.mean > a.accuracy.mean ? b : a)) };
  });
}

/** One sentence per group: the best schedule and whether its gain is beyond seed noise. */
export function bestScheduleMarkdown(rows: ScheduleRow[]): string {
  return bestSchedules(rows).map(({ group, best }) => {
    if (!best.gain) return `- **${group}**: the constant rate is best here (${formatInterval(best.accuracy, 100)} %).`;
    const beyond = best.gain.n > 1 && (best.gain.lower > 0 || best.gain.upper < 0);
    return `- **${group}**: best is *${best.label.replace(`${group}, `, '')}*, ${formatInterval(best.accuracy, 100)} %, ${signed(best.gain)} pp over the constant rate — ${best.gain.n < 2 ? 'one seed, no interval' : beyond ? 'beyond seed noise' : 'within seed noise'}.`;
  }).join('\n');
}
