// One of seed 000's runs through the project's own executeRun (no cache), printing the test accuracy
// per epoch in the same JSON shape as crosscheck.py train, for side-by-side comparison (issue 9.8).
//
//   node --import tsx scripts/torch-crosscheck/ours.ts sgd|momentum|adam [--seed 0] [--epochs 10] [--impl ours|tfjs]
import { initBackend } from '../../src/backend';
import { executeRun } from '../../src/experiments/execute';
import { planHyperparams } from '../../src/experiments/spec-hyperparams';
import type { RunConfig } from '../../src/experiments/types';
import { seed000 } from '../../src/experiments/specs/seed000';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const opt = process.argv[2];
  const impl = arg('impl', 'ours');
  const series = seed000.series.find((s) => s.id === `${opt}-${impl}`);
  if (!series) throw new Error(`usage: ours.ts sgd|momentum|adam [--seed N] [--epochs N] [--impl ours|tfjs]`);
  const backend = await initBackend();
  const run = { data: seed000.profiles.default.data, batchSize: series.batchSize, epochs: Number(arg('epochs', '10')) };
  const config: RunConfig = {
    experiment: 'seed000', series: series.id, model: series.model, optimizer: series.optimizer,
    implementation: series.implementation ?? 'ours', hyperparams: planHyperparams(series.hyperparams, run), ...run,
    seed: Number(arg('seed', '0')),
  };
  const out = await executeRun(config);
  if (out.status !== 'ok') throw new Error(`run ${out.status}: ${out.error ?? ''}`);
  for (const e of out.epochs) console.log(`epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)}  test loss ${e.testLoss.toFixed(4)}  test acc ${e.testAccuracy.toFixed(4)}`);
  console.log(JSON.stringify({ opt, impl, seed: config.seed, epochs: config.epochs, backend: backend.name, seconds: out.wallSeconds, testAccuracy: out.epochs.map((e) => e.testAccuracy) }));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
