// `npm run report [-- --profile smoke|default|full] [--allow-errors] [--no-pdf] [--queue redis://…] ...`
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { resolveProfile } from '../experiments/profile';
import { DEFAULTS, PROFILES, buildReport } from './build-report';
import { DEFAULT_CELL_TIMEOUT_SEC, NotebookExecutionError } from './execute-notebooks';

const USAGE = `Usage: npm run report [-- options]
  --profile <${PROFILES.join('|')}>  experiment size (default: $ATLAS_PROFILE, else default)
  --allow-errors           keep going when a cell fails; the report marks the cell
  --no-pdf                 build output/report.html only
  --render-only            re-render from the notebooks already executed in output/notebooks/
  --notebooks <dir>        notebooks to execute (default: notebooks/)
  --out <dir>              output folder (default: output/)
  --cell-timeout <s>       seconds a single cell may run (default: ${DEFAULT_CELL_TIMEOUT_SEC})
  --queue <redis-url>      train missing experiment runs on a Redis job queue served by \`npm run worker\`
                           (see README, "More than one machine"); default: local worker processes`;


async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      profile: { type: 'string' },
      'allow-errors': { type: 'boolean', default: false },
      'no-pdf': { type: 'boolean', default: false },
      'no-experiments': { type: 'boolean', default: false },
      'render-only': { type: 'boolean', default: false },
      notebooks: { type: 'string' },
      out: { type: 'string' },
      'cell-timeout': { type: 'string' },
      queue: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return console.log(USAGE);
  const d = DEFAULTS();
  const timeout = values['cell-timeout'] === undefined ? d.cellTimeoutSec : Number(values['cell-timeout']);
  if (!Number.isFinite(timeout) || timeout <= 0) throw new Error(`--cell-timeout expects a positive number of seconds, got "${values['cell-timeout']}".`);
  await buildReport({
    profile: resolveProfile({ caller: 'cli', explicit: values.profile }).profile,
    allowErrors: values['allow-errors']!,
    pdf: !values['no-pdf'],
    experiments: !values['no-experiments'],
    renderOnly: values['render-only'],
    notebooksDir: path.resolve(values.notebooks ?? d.notebooksDir),
    outDir: path.resolve(values.out ?? d.outDir),
    cellTimeoutSec: timeout,
    queue: values.queue,
    log: (l) => console.log(l),
  });
}

main().catch((err: unknown) => {
  const e = err as Error;
  console.error(`\nreport failed: ${e instanceof NotebookExecutionError ? e.message : e.message || String(e)}`);
  if (!(e instanceof NotebookExecutionError) && /Unknown option|Unexpected argument/.test(e.message)) console.error(USAGE);
  process.exit(1);
});
