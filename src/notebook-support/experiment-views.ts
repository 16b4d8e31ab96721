// What the experiment notebooks show, computed from run records (at the profile resolveProfile
// picks for notebooks): where its numbers came from, curves with their across-seed bands, and training-loss traces.
import type { MetricSeries } from '../display/charts';
import { curves, getResults, meanInterval, bySeries, type MetricSelector } from '../experiments/api';
import { runnerDisplay } from '../experiments/display';
import type { RunnerEvent } from '../experiments/runner';
import { resolveProfile } from '../experiments/profile';
import { getExperiment } from '../experiments/specs';
import type { ExperimentSpec, ProfileName, RunRecord, SeriesSpec } from '../experiments/types';
import type { SeriesIdentity } from '../display/palette';
import { meanWithBand } from './intervals';

export interface ExperimentData {
  spec: ExperimentSpec;
  profile: ProfileName;
  records: RunRecord[];
}

/**
 * An experiment's records at the notebook profile: cached ones at once, missing ones trained now with
 * a progress line per finished run (worker processes, one per core). Progress goes to stdout as
 * plain lines: Jupyter shows stderr as red, error-like output, and a kernel has no terminal to redraw.
 */
export async function loadExperiment(id: string, opts: { profile?: ProfileName; jobs?: number } = {}): Promise<ExperimentData> {
  const spec = getExperiment(id);
  const profile = resolveProfile({ caller: 'notebook', explicit: opts.profile }).profile;
  // Silent when everything is cached: a "0 to run" line is noise in a notebook and in the report.
  const display = runnerDisplay({ stream: process.stdout, interactive: false });
  let training = false;
  const progress = (event: RunnerEvent) => {
    if (event.kind === 'plan') training = event.toRun.length > 0;
    if (training) display(event);
  };
  const records = await getResults(id, { profile, jobs: opts.jobs, progress });
  if (records.length === 0) throw new Error(`Experiment "${id}" returned no records at profile "${profile}".`);
  return { spec, profile, records };
}

function describeData(records: RunRecord[]): string {
  const d = records[0].config.data;
  if (d.dataset === 'mnist') {
    return `MNIST ${d.train.toLocaleString('en')} training / ${d.test.toLocaleString('en')} test images${d.train === 60000 ? ' (the full sets)' : ' (stratified subsets)'}`;
  }
  const splits = [...new Set(records.flatMap((r) => (r.config.data.dataset === 'karate' ? [r.config.data.splitSeed] : [])))].sort((a, b) => a - b);
  const which = splits.length > 1 ? `a different split per seed: split seeds ${splits.join(', ')}` : `split seed ${splits[0]}`;
  return `Karate Club link prediction, ${Math.round(d.testFraction * 100)}% of edges held out (${which})`;
}

/** One markdown paragraph: which backend, profile, data, epochs and seeds produced the numbers below, and how long they took. */
export function provenanceMarkdown(data: ExperimentData): string {
  const { spec, profile, records } = data;
  const backends = [...new Set(records.map((r) => `${r.backend.name} (tfjs ${r.backend.tfjsVersion})`))].join(', ');
  const seeds = [...new Set(records.map((r) => r.config.seed))].sort((a, b) => a - b);
  const epochs = [...new Set(records.map((r) => r.config.epochs))].join('/');
  const wall = records.reduce((s, r) => s + r.wallSeconds, 0);
  const statuses = records.reduce<Record<string, number>>((acc, r) => ((acc[r.status] = (acc[r.status] ?? 0) + 1), acc), {});
  const note = spec.profiles[profile].note;
  return [
    `**${spec.title}** — profile \`${profile}\`${note ? ` (${note.replace(/\.$/, '')})` : ''}.`,
    `Backend ${backends}; ${describeData(records)}; ${epochs} epoch(s); seed(s) ${seeds.join(', ')}; ` +
      `${records.length} runs (${Object.entries(statuses).map(([k, v]) => `${v} ${k}`).join(', ')}), ${wall.toFixed(1)} s of training in total. ` +
      `Reproduces: ${spec.reproduces}`,
    profile === 'smoke' ? '\n*Smoke profile: tiny data and one epoch, to check that everything runs; the numbers mean nothing. Set `ATLAS_PROFILE=default` (or `full`) and re-run for real results.*' : '',
  ].join('\n');
}

/** The spec's assumptions (what we chose where the seed is silent) as a markdown list. */
export function assumptionsMarkdown(spec: ExperimentSpec): string {
  return ['**Assumptions** (where the seed is silent or ambiguous):', ...spec.assumptions.map((a) => `- ${a}`)].join('\n');
}

/**
 * The setting a series trains one optimizer with (model, batch size, hyperparameters, a schedule
 * included), as a key: the same for ours and the tfjs built-in of one row, different for GD vs SGD vs
 * mini-batch GD or for two learning rates. Spec series and run configs give the same key, except for
 * a schedule whose spec gives step counts as run fractions (the run has them in updates).
 */
export function settingKey(s: Pick<SeriesSpec, 'model' | 'hyperparams' | 'batchSize'>): string {
  const hp = Object.entries(s.hyperparams).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([s.model, s.batchSize, hp]);
}

/** How a chart styles a series of runs: from the record's optimizer, implementation and setting, never its label. */
export function recordIdentity(r: RunRecord, name: string = r.label): SeriesIdentity {
  return { name, optimizer: r.config.optimizer, implementation: r.config.implementation, variant: settingKey(r.config) };
}

/** The same identity for a spec series (e.g. for a reference curve drawn beside its runs). */
export function specIdentity(s: SeriesSpec, name: string = s.label): SeriesIdentity {
  return { name, optimizer: s.optimizer, implementation: s.implementation ?? 'ours', variant: settingKey(s) };
}

/**
 * Per-epoch curves of `metric` as chart series: the mean across seeds, with the 95% band when a
 * series has more than one seed. `scale` multiplies values (e.g. 100 for accuracy in %).
 */
export function metricSeries(records: RunRecord[], metric: MetricSelector, opts: { scale?: number; only?: string[]; name?: (series: string, label: string) => string } = {}): MetricSeries[] {
  const k = opts.scale ?? 1;
  const first = new Map([...bySeries(records)].map(([series, runs]) => [series, runs[0]]));
  return curves(records, metric)
    .filter((c) => !opts.only || opts.only.includes(c.series))
    .filter((c) => c.points.some((p) => p.n > 0))
    .map((c) => {
      const pts = c.points.filter((p) => p.n > 0);
      const name = opts.name ? opts.name(c.series, c.label) : c.label;
      return {
        ...recordIdentity(first.get(c.series)!),
        name: c.diverged ? `${name} (${c.diverged}/${c.seeds} diverged)` : name,
        x: pts.map((p) => p.epoch),
        ...meanWithBand(pts, k),
      };
    });
}

/**
 * Training-loss traces (recorded every few steps) as chart series against epochs (fractional), mean
 * and 95% band across seeds. Series without a trace are skipped.
 */
export function lossTraceSeries(records: RunRecord[], opts: { only?: string[] } = {}): MetricSeries[] {
  const out: MetricSeries[] = [];
  for (const [series, runs] of bySeries(records)) {
    if (opts.only && !opts.only.includes(series)) continue;
    const traced = runs.filter((r) => r.lossTrace && r.lossTrace.length > 0);
    if (traced.length === 0) continue;
    const byStep = new Map<number, number[]>();
    for (const r of traced) for (const p of r.lossTrace!) byStep.set(p.step, [...(byStep.get(p.step) ?? []), p.loss]);
    // From a run that finished: a diverged run's step count includes its partial last epoch.
    const ref = traced.find((r) => r.status === 'ok') ?? traced[0];
    const stepsPerEpoch = ref.totalSteps / Math.max(1, ref.epochs.length);
    const steps = [...byStep.keys()].sort((a, b) => a - b);
    out.push({
      ...recordIdentity(runs[0]),
      x: steps.map((s) => s / stepsPerEpoch),
      ...meanWithBand(steps.map((s) => meanInterval(byStep.get(s)!))),
    });
  }
  return out;
}
