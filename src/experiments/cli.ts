// npm run experiments -- [ids…] [--profile P] [--force] [--jobs N] [--results DIR] [--queue URL]
// npm run experiments -- list [--profile P]
import { parseArgs } from 'node:util';
import { describeError, installCliErrorHandlers } from '../cli-errors';
import { assertPreflight, checkWritableDir } from '../preflight';
import { resolveUserPath } from '../project-root';
import { defaultResultsDir } from './cache';
import { formatDuration, runnerDisplay } from './display';
import { connectionOptions } from './queue/connection';
import { estimateSeconds, planRuns } from './plan';
import { resolveProfile } from './profile';
import { defaultJobs, runExperiments } from './runner';
import { EXPERIMENTS, getExperiment } from './specs';
import { PROFILE_NAMES, type ProfileName } from './types';

const USAGE = `Usage:
  npm run experiments -- [ids…] [--profile smoke|default|full] [--force] [--jobs N] [--results DIR] [--queue URL]
  npm run experiments -- list [--profile P]

  ids        experiments to run (default: all; see \`list\`)
  --profile  smoke (CI: tiny subsets), default (what the report uses), full (the seeds' exact settings);
             default: ATLAS_PROFILE, else default
  --force    recompute runs that are already cached
  --jobs N   worker processes (default: one per core); 0 = run in this process
  --results  results folder (default: output/results, or ATLAS_RESULTS_DIR); a relative path is
             taken from the folder you run the command in
  --queue    redis://[:PASSWORD@]HOST:PORT[/DB] (rediss:// for TLS): train the missing runs as jobs on
             this Redis queue, served by \`npm run worker -- --queue URL\` on any machine (--jobs is then unused)`;

export interface CliArgs {
  command: 'run' | 'list' | 'help';
  ids: string[];
  profile: ProfileName;
  force: boolean;
  jobs: number;
  resultsDir?: string;
  queue?: string;
}

/** Parse argv (without node and script); bad input throws an error that says what is valid. */
export function parseCliArgs(argv: string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        profile: { type: 'string', short: 'p' },
        force: { type: 'boolean', short: 'f' },
        jobs: { type: 'string', short: 'j' },
        results: { type: 'string' },
        queue: { type: 'string', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new Error(`${(err as Error).message}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const profile = resolveProfile({ caller: 'cli', explicit: values.profile }).profile;
  let jobs = defaultJobs();
  if (values.jobs !== undefined) {
    jobs = Number(values.jobs);
    if (!Number.isInteger(jobs) || jobs < 0) throw new Error(`--jobs must be an integer ≥ 0, got "${values.jobs}".`);
  }
  const command = values.help ? 'help' : positionals[0] === 'list' ? 'list' : 'run';
  const ids = command === 'list' ? positionals.slice(1) : positionals;
  for (const id of ids) getExperiment(id); // unknown id → error listing the valid ones
  if (values.queue !== undefined) connectionOptions(values.queue); // a malformed URL fails here, before planning
  return {
    command, ids, profile, force: Boolean(values.force), jobs,
    resultsDir: values.results === undefined ? undefined : resolveUserPath(values.results),
    ...(values.queue !== undefined ? { queue: values.queue } : {}),
  };
}

/** The `list` table: every experiment, its run count per profile, and the estimated time of `profile`. */
export function listExperiments(profile: ProfileName, jobs: number, ids: string[] = []): string {
  const specs = ids.length ? ids.map(getExperiment) : [...EXPERIMENTS];
  const rows = specs.map((spec) => {
    const counts = PROFILE_NAMES.map((p) => planRuns(spec, p).length);
    const seconds = planRuns(spec, profile).reduce((s, c) => s + estimateSeconds(c), 0);
    return { spec, counts, seconds };
  });
  const idWidth = Math.max(...rows.map((r) => r.spec.id.length), 10);
  const lines = [
    `${'id'.padEnd(idWidth)}  runs smoke/default/full  ~${profile} (1 core)  title`,
    ...rows.map((r) => `${r.spec.id.padEnd(idWidth)}  ${r.counts.join('/').padEnd(23)}  ${formatDuration(r.seconds).padStart(15)}  ${r.spec.title}`),
  ];
  const total = rows.reduce((s, r) => s + r.seconds, 0);
  lines.push('', `Estimated cold ${profile} run: ${formatDuration(total)} of compute, ~${formatDuration(total / Math.max(1, jobs))} with ${Math.max(1, jobs)} worker(s) (estimates from throughput measured on a 2-core machine).`);
  return lines.join('\n');
}

export async function main(argv = process.argv.slice(2)): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  if (args.command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.command === 'list') {
    process.stdout.write(`${listExperiments(args.profile, args.jobs, args.ids)}\n`);
    return 0;
  }
  const resultsDir = args.resultsDir ?? defaultResultsDir();
  try {
    // Before any training: a record that cannot be written is found now, not after the runs.
    assertPreflight('npm run experiments', [
      checkWritableDir(resultsDir, 'results folder', 'make it writable, or choose another folder with --results DIR (or ATLAS_RESULTS_DIR).'),
    ]);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  const summary = await runExperiments({
    ids: args.ids, profile: args.profile, force: args.force, jobs: args.jobs, resultsDir, queue: args.queue, onEvent: runnerDisplay(),
  });
  process.stderr.write(`records in ${resultsDir}\n`);
  return summary.failed > 0 ? 1 : 0;
}

if (require.main === module) {
  installCliErrorHandlers('experiments');
  main().then((code) => { process.exitCode = code; }, (err) => {
    process.stderr.write(`experiments: ${describeError(err)}\n`);
    process.exitCode = 1;
  });
}
