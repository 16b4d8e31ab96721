// `npm run bench [-- --json] [--suites mlp,cnn,gcn,opt] [--repeats N] [--repeat-ms MS] [--ab] [--quick]`
// Prints a table of training-step throughput (medians over repeats), or one JSON line with --json.
import { runBenchmark, SUITES, type BenchOptions, type BenchResult, type Suite } from './run';

const USAGE = 'usage: npm run bench -- [--json] [--suites mlp,cnn,gcn,opt] [--repeats N≥5] [--repeat-ms MS] [--warmup N] [--batch N] [--ab] [--quick]';

export function parseArgs(argv: string[]): BenchOptions & { json: boolean } {
  const opts: BenchOptions & { json: boolean } = {
    json: false, ab: false, batch: 64, suites: [...SUITES],
    timing: { repeats: 7, repeatMs: 1000, warmupSteps: 20 },
  };
  const value = (i: number, flag: string) => {
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`${flag} needs a value. ${USAGE}`);
    return v;
  };
  const positiveInt = (v: string, flag: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} expects a positive integer, got "${v}". ${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case '--json': opts.json = true; break;
      case '--ab': opts.ab = true; break;
      case '--quick': opts.timing = { repeats: 5, repeatMs: 300, warmupSteps: 5 }; break;
      case '--repeats': opts.timing.repeats = positiveInt(value(i++, a), a); break;
      case '--repeat-ms': opts.timing.repeatMs = positiveInt(value(i++, a), a); break;
      case '--warmup': opts.timing.warmupSteps = positiveInt(value(i++, a), a); break;
      case '--batch': opts.batch = positiveInt(value(i++, a), a); break;
      case '--suites': {
        const list = value(i++, a).split(',').map((s) => s.trim()).filter(Boolean);
        const bad = list.filter((s) => !(SUITES as readonly string[]).includes(s));
        if (bad.length || !list.length) throw new Error(`Unknown suite(s) "${bad.join(', ')}". Valid: ${SUITES.join(', ')}.`);
        opts.suites = list as Suite[];
        break;
      }
      default: throw new Error(`Unknown argument "${a}". ${USAGE}`);
    }
  }
  return opts;
}

function formatTable(r: BenchResult): string {
  const lines = [
    `backend ${r.backend} (tfjs ${r.tfjs}); patches: ${r.patches.length ? r.patches.join(', ') : 'none'}`,
    `machine ${r.machine.cpuModel} ×${r.machine.cpus}, ${r.machine.platform}, node ${r.machine.node}; medians of ${r.repeats} repeats; load avg ${r.loadAvg.map((l) => l.toFixed(1)).join(' → ')} (2 cores shared)`,
    '',
    `${'case'.padEnd(52)} ${'ms/step'.padStart(9)} ${'samples/s'.padStart(10)}  per-repeat ms/step`,
  ];
  for (const c of r.cases) {
    const perS = c.suite === 'opt' ? '' : Math.round(c.medianSamplesPerS).toString();
    lines.push(`${c.name.padEnd(52)} ${c.medianMsPerStep.toFixed(3).padStart(9)} ${perS.padStart(10)}  ${c.msPerStep.map((m) => m.toFixed(2)).join(' ')}`);
  }
  if (r.optimizer_step) {
    lines.push('', 'optimizer step, ours / tf.train (target ≤ 1.2):');
    for (const [name, o] of Object.entries(r.optimizer_step)) lines.push(`  ${name.padEnd(10)} ${o.ratio.toFixed(2)}`);
  }
  for (const s of r.skipped) lines.push(`skipped ${s.suite}: ${s.reason}`);
  for (const e of r.errors) lines.push(`FAILED ${e.suite}: ${e.error}`);
  if (r.mlp_b64_samples_per_s !== undefined) lines.push('', `mlp_b64_samples_per_s = ${r.mlp_b64_samples_per_s} (${r.mlp_model}, ${r.mlp_optimizer})`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.timing.repeats < 5 && !opts.json) console.warn('note: fewer than 5 repeats; medians will be noisy.');
  const result = await runBenchmark(opts);
  console.log(opts.json ? JSON.stringify(result) : formatTable(result));
  if (result.errors.length) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
