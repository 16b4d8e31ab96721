// Exports what our training run for one seed is made of, so that scripts/torch-crosscheck/crosscheck.py
// can redo it in PyTorch from identical bytes (issue 9.8): the initial weights of mlp-128-64, the
// training order of every epoch (as EpochBatches lays it out), and one step on the first batch (loss,
// gradients, the weights after one SGD step). Reference evidence only; not used by the project.
//
//   node --import tsx scripts/torch-crosscheck/export.ts OUT_DIR [--seed 0] [--epochs 10] [--batch 32]
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { loadMnist } from '../../src/data/mnist';
import { createModel } from '../../src/models';
import { sparseSoftmaxCrossEntropy } from '../../src/models/losses';
import { EpochBatches } from '../../src/training/batches';
import { mnistTrainingData } from '../../src/training/datasets';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

function write(dir: string, name: string, data: Float32Array | Int32Array): void {
  fs.writeFileSync(path.join(dir, name), Buffer.from(data.buffer, data.byteOffset, data.byteLength));
}

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out || out.startsWith('--')) throw new Error('usage: export.ts OUT_DIR [--seed 0] [--epochs 10] [--batch 32]');
  const seed = arg('seed', 0);
  const epochs = arg('epochs', 10);
  const batchSize = arg('batch', 32);
  fs.mkdirSync(out, { recursive: true });
  const backend = await initBackend();
  const data = mnistTrainingData(await loadMnist());

  // Initial weights, in the model's variable order (kernels [in, out], biases [out]).
  const model = createModel('mlp-128-64', { seed });
  const names: string[] = [];
  model.variables.forEach((v, i) => {
    names.push(`${v.name} [${v.shape.join(',')}]`);
    write(out, `init_seed${seed}_${i}.f32`, v.dataSync() as Float32Array);
  });

  // The training order of each epoch: what EpochBatches copies into its buffers before batching.
  const batches = new EpochBatches(data.train, 'multiclass', batchSize, seed);
  const orders = new Int32Array(epochs * data.train.count);
  for (let e = 0; e < epochs; e++) {
    batches.shuffle();
    orders.set((batches as unknown as { order: Int32Array }).order, e * data.train.count);
  }
  write(out, `order_seed${seed}.i32`, orders);

  // One step on the first batch of epoch 1 from the initial weights: loss, gradients, SGD(0.01) update.
  const first = new EpochBatches(data.train, 'multiclass', batchSize, seed);
  first.shuffle();
  const b = first.batch(0);
  const { value, grads } = tf.variableGrads(() => sparseSoftmaxCrossEntropy(b.y, model.predict(b.x, true)), model.variables);
  write(out, `step_seed${seed}_loss.f32`, value.dataSync() as Float32Array);
  model.variables.forEach((v, i) => write(out, `step_seed${seed}_grad_${i}.f32`, grads[v.name].dataSync() as Float32Array));
  const opt = tf.train.sgd(0.01);
  opt.applyGradients(grads);
  model.variables.forEach((v, i) => write(out, `step_seed${seed}_after_${i}.f32`, v.dataSync() as Float32Array));
  fs.writeFileSync(path.join(out, `meta_seed${seed}.json`), JSON.stringify({
    seed, epochs, batchSize, backend: backend.name, patches: backend.patches, variables: names, trainCount: data.train.count,
  }, null, 2));
  console.log(`wrote ${out}: seed ${seed}, ${epochs} epoch orders, loss ${value.dataSync()[0]} (${backend.name})`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
