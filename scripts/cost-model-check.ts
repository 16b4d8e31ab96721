// Development tool: how well the cost model (src/experiments/plan.ts THROUGHPUT) predicts the runs
// recorded in a results folder. Per model: runs, the median and 10–90 % range of recorded wall
// time ÷ estimate, and the totals. Use after a cold run to re-fit THROUGHPUT.
//   node --import tsx scripts/cost-model-check.ts [results-dir]   (default: output/results)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { quantile, sum } from 'simple-statistics';
import { readRecord } from '../src/experiments/cache';
import { estimateSeconds } from '../src/experiments/plan';

const dir = path.resolve(process.argv[2] ?? 'output/results');
const runsDir = path.join(dir, 'runs');
if (!fs.existsSync(runsDir)) {
  console.error(`No runs in ${dir} (expected a runs/ folder): pass the results folder of a cold run.`);
  process.exit(2);
}
const byModel = new Map<string, { ratio: number[]; actual: number; estimate: number }>();
for (const file of fs.readdirSync(runsDir).filter((f) => f.endsWith('.json'))) {
  const r = readRecord(path.join(runsDir, file));
  if (!r || r.status !== 'ok') continue;
  const e = estimateSeconds(r.config);
  const m = byModel.get(r.config.model) ?? { ratio: [], actual: 0, estimate: 0 };
  m.ratio.push(r.wallSeconds / e);
  m.actual += r.wallSeconds;
  m.estimate += e;
  byModel.set(r.config.model, m);
}
console.log('model            runs  actual/estimate: median (10–90 %)   total actual / estimated s');
for (const [model, m] of [...byModel].sort((a, b) => b[1].actual - a[1].actual)) {
  const q = (p: number) => quantile(m.ratio, p).toFixed(2);
  console.log(`${model.padEnd(16)} ${String(m.ratio.length).padStart(4)}  ${q(0.5)} (${q(0.1)}–${q(0.9)})`.padEnd(56) + `${m.actual.toFixed(0)} / ${m.estimate.toFixed(0)}`);
}
const all = [...byModel.values()];
console.log(`all: ${sum(all.map((m) => m.actual)).toFixed(0)} s recorded, ${sum(all.map((m) => m.estimate)).toFixed(0)} s estimated`);
