// `npm run bench [-- --json] [--suites steps,mlp,gcn,opt] [--repeats N] [--repeat-ms MS] [--ab] [--quick]`
// Prints the issue-12 cases against PyTorch 1-thread (when python3 with torch is importable) and
// tables of training-step throughput (medians over interleaved repeats), or one JSON line with --json.
import { runBenchmark, SUITES, type BenchOptions, type BenchResult, type Suite } from './run';
import { spread } from './stats';

const USAGE = 'usage: npm run bench -- [--json] [--suites steps,mlp,gcn,opt] [--repeats N≥5] [--repeat-ms MS] [--warmup N] [--batch N] [--ab] [--quick]';

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
  const lines = [...formatSteps(r), '', ...formatCases(r)];
  return lines.join('\n');
}

const fmt = (x: number | undefined, digits = 2) => (x === undefined ? '—' : x.toFixed(digits));

/** The issue-12 comparison: ms/step (wall, CPU), spread (max/min of repeats), torch/ours ratio. */
function formatSteps(r: BenchResult): string[] {
  if (!r.steps) return [];
  const torch = r.torch && 'version' in r.torch ? `PyTorch ${r.torch.version} on 1 thread (${r.torch.python}; BLAS ${r.torch.blas ?? 'unknown'})` : `PyTorch not measured: ${r.torch && 'reason' in r.torch ? r.torch.reason : 'unknown'}`;
  const lines = [
    `ours vs ${torch}; interleaved; medians of ${r.repeats} repeats; ratio = torch ms / ours ms (1.0 = as fast as PyTorch)`,
    `${'case'.padEnd(32)} ${'ours ms'.padStart(8)} ${'cpu'.padStart(7)} ${'spread'.padStart(6)} | ${'torch ms'.padStart(8)} ${'cpu'.padStart(7)} ${'spread'.padStart(6)} | ${'ratio'.padStart(5)} ${'cpu'.padStart(5)} ${'target'.padStart(6)}`,
  ];
  // Debian's python3-torch calls whatever libblas.so.3 points at; libblas3's reference BLAS is slow.
  if (r.torch && 'blas' in r.torch && /\/blas\/libblas/.test(r.torch.blas ?? '')) {
    lines.push('note: PyTorch runs on the reference BLAS (libblas3), several times slower than OpenBLAS: `apt-get install libopenblas0-pthread` for a fair yardstick');
  }
  for (const s of r.steps) {
    lines.push(`${s.label.padEnd(32)} ${fmt(s.ours.medianMsPerStep, 3).padStart(8)} ${fmt(s.ours.medianCpuMsPerStep, 3).padStart(7)} ${fmt(s.ours.spread).padStart(6)} | `
      + `${fmt(s.torch?.medianMsPerStep, 3).padStart(8)} ${fmt(s.torch?.medianCpuMsPerStep, 3).padStart(7)} ${fmt(s.torch?.spread).padStart(6)} | `
      + `${fmt(s.ratio).padStart(5)} ${fmt(s.cpuRatio).padStart(5)} ${('≥ ' + s.target.toFixed(1)).padStart(6)}`);
  }
  return lines;
}

function formatCases(r: BenchResult): string[] {
  const lines = [
    `backend ${r.backend} (tfjs ${r.tfjs}); patches: ${r.patches.length ? r.patches.join(', ') : 'none'}`,
    `machine ${r.machine.cpuModel} ×${r.machine.cpus}, ${r.machine.platform}, node ${r.machine.node}; medians of ${r.repeats} repeats; load avg ${r.loadAvg.map((l) => l.toFixed(1)).join(' → ')} (2 cores shared)`,
    '',
    `${'case'.padEnd(52)} ${'ms/step'.padStart(9)} ${'samples/s'.padStart(10)} ${'spread'.padStart(6)}  per-repeat ms/step`,
  ];
  for (const c of r.cases) {
    if (c.suite === 'steps') continue; // shown above with PyTorch
    const perS = c.suite === 'opt' ? '' : Math.round(c.medianSamplesPerS).toString();
    lines.push(`${c.name.padEnd(52)} ${c.medianMsPerStep.toFixed(3).padStart(9)} ${perS.padStart(10)} ${spread(c.msPerStep).toFixed(2).padStart(6)}  ${c.msPerStep.map((m) => m.toFixed(2)).join(' ')}`);
  }
  if (r.optimizer_step) {
    lines.push('', 'optimizer step, ours / tf.train (target ≤ 1.1):');
    for (const [name, o] of Object.entries(r.optimizer_step)) lines.push(`  ${name.padEnd(10)} ${o.ratio.toFixed(2)}`);
  }
  for (const s of r.skipped) lines.push(`skipped ${s.suite}: ${s.reason}`);
  for (const e of r.errors) lines.push(`FAILED ${e.suite}: ${e.error}`);
  if (r.mlp_b64_samples_per_s !== undefined) lines.push('', `mlp_b64_samples_per_s = ${r.mlp_b64_samples_per_s} (${r.mlp_model}, ${r.mlp_optimizer})`);
  return lines;
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
