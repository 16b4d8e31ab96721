// `npm run report [-- --profile smoke|default|full] [--allow-errors] [--no-pdf] [--queue redis://…] ...`
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { describeError, installCliErrorHandlers } from '../cli-errors';
import { resolveProfile } from '../experiments/profile';
import { PreflightError } from '../preflight';
import { resolveUserPath } from '../project-root';
import { DEFAULTS, PROFILES, buildReport, type BuildOptions } from './build-report';
import { DEFAULT_CELL_TIMEOUT_SEC, NotebookExecutionError } from './execute-notebooks';

export const USAGE = `Usage: npm run report [-- options]
  --profile <${PROFILES.join('|')}>  experiment size (default: $ATLAS_PROFILE, else default)
  --allow-errors           keep going when a cell fails; the report marks the cell
  --no-pdf                 build output/report.html only
  --no-experiments         skip the experiments step (for notebooks that read no results)
  --jobs <n>               worker processes for the experiments step (default: one per core; 0 = in this process)
  --render-only            re-render from the notebooks already executed in output/notebooks/
                           (refuses copies that are incomplete or older than their notebook or src/)
  --notebooks <dir>        notebooks to execute (default: notebooks/)
  --out <dir>              output folder (default: output/)
  --cell-timeout <s>       seconds a single cell may run (default: ${DEFAULT_CELL_TIMEOUT_SEC})
  --queue <redis-url>      train missing experiment runs on a Redis job queue served by \`npm run worker\`
                           (see README, "More than one machine"); default: local worker processes
Relative paths are taken from the folder you run the command in.`;

/** The build options from argv (without node and script), or null for --help; bad input throws. */
export function parseReportArgs(argv: string[]): BuildOptions | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      profile: { type: 'string' },
      'allow-errors': { type: 'boolean', default: false },
      'no-pdf': { type: 'boolean', default: false },
      'no-experiments': { type: 'boolean', default: false },
      'render-only': { type: 'boolean', default: false },
      notebooks: { type: 'string' },
      out: { type: 'string' },
      'cell-timeout': { type: 'string' },
      jobs: { type: 'string', short: 'j' },
      queue: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return null;
  const d = DEFAULTS();
  const timeout = values['cell-timeout'] === undefined ? d.cellTimeoutSec : Number(values['cell-timeout']);
  if (!Number.isFinite(timeout) || timeout <= 0) throw new Error(`--cell-timeout expects a positive number of seconds, got "${values['cell-timeout']}".`);
  const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 0)) throw new Error(`--jobs must be an integer ≥ 0, got "${values.jobs}".`);
  return {
    profile: resolveProfile({ caller: 'cli', explicit: values.profile }).profile,
    allowErrors: values['allow-errors']!,
    pdf: !values['no-pdf'],
    experiments: !values['no-experiments'],
    renderOnly: values['render-only'],
    notebooksDir: values.notebooks === undefined ? d.notebooksDir : resolveUserPath(values.notebooks),
    outDir: values.out === undefined ? d.outDir : resolveUserPath(values.out),
    cellTimeoutSec: timeout,
    jobs,
    queue: values.queue,
    log: (l) => console.log(l),
  };
}

async function main(): Promise<void> {
  const opts = parseReportArgs(process.argv.slice(2));
  if (!opts) return console.log(USAGE);
  await buildReport(opts);
}

if (require.main === module) {
  installCliErrorHandlers('report');
  main().catch((err: unknown) => {
    const e = err as Error;
    console.error(`\nreport failed: ${e instanceof NotebookExecutionError || e instanceof PreflightError ? e.message : describeError(e)}`);
    if (!(e instanceof NotebookExecutionError) && /Unknown option|Unexpected argument|--jobs|--cell-timeout/.test(e.message)) console.error(USAGE);
    process.exit(e instanceof NotebookExecutionError && e.kind === 'interrupted' ? 130 : 1);
  });
}
