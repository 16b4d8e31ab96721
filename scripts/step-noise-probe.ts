// Development tool: is a slow stretch of training steps the step's own doing or the machine's?
// Block after block it times 200 MLP training steps (784-128-64-10, batch 64, Adam), the GC events
// inside them, then a fixed 64×784×128 product in its own wasm memory and a fixed JS loop. When the
// references slow down with the step, the machine is busy (other tenants); when GC grows, the step.
//   node --import tsx scripts/step-noise-probe.ts [blocks]   (default 30)
import * as fs from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { initBackend } from '../src/backend';
import { assembleWat, WAT_SOURCE } from '../src/backend/patches/compile-wat';
import { createModel } from '../src/models';
import { createOptimizer } from '../src/optimizers';
import { MULTICLASS_TASK } from '../src/training/tasks';
import { classificationStepper, syntheticMnist } from '../src/bench/train-steps';

const STEPS = 200;
const [M, K, N] = [64, 784, 128];

async function main(): Promise<void> {
  const blocks = Number(process.argv[2] ?? 30);
  if (!(blocks >= 1)) throw new Error(`blocks must be a positive number, got "${process.argv[2]}".`);
  let gc = { count: 0, ms: 0, major: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.count++;
      gc.ms += e.duration;
      if ((e as { detail?: { kind?: number } }).detail?.kind !== 1) gc.major++; // kind 1: scavenge
    }
  }).observe({ entryTypes: ['gc'] });

  const info = await initBackend();
  // The reference product: the project's own kernel, in a memory of its own.
  const memory = new WebAssembly.Memory({ initial: 200 });
  const bytes = await assembleWat(fs.readFileSync(WAT_SOURCE, 'utf8'));
  const ref = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as { gemm: (...a: number[]) => void };
  const heap = new Float32Array(memory.buffer);
  for (let i = 0; i < heap.length; i++) heap[i] = Math.sin(i);
  const [a, b, c] = [1024, 1024 + 4 * M * K + 64, 1024 + 4 * (M * K + K * N) + 128];
  let sink = 0;
  const jsLoop = () => { for (let i = 0; i < 2e6; i++) sink = (sink * 1.0000001 + i) % 1e9; };

  const model = createModel('mlp-128-64', { seed: 1 });
  const optimizer = createOptimizer('adam', { learningRate: 1e-3 });
  const stepper = classificationStepper(model, optimizer, MULTICLASS_TASK, syntheticMnist(20000), 64);
  stepper.run(300);
  console.log(`backend ${info.name}; per block: ms per step | GC events (non-scavenge) and ms | reference product ms | JS loop ms`);
  for (let block = 0; block < blocks; block++) {
    gc = { count: 0, ms: 0, major: 0 };
    let t = performance.now();
    stepper.run(STEPS);
    const step = (performance.now() - t) / STEPS;
    await new Promise((resolve) => setImmediate(resolve)); // let the GC entries of the block arrive
    t = performance.now();
    for (let q = 0; q < 100; q++) ref.gemm(a, b, 0, c, M, K, N, 0, K, 1);
    const product = (performance.now() - t) / 100;
    t = performance.now();
    jsLoop();
    const js = performance.now() - t;
    console.log(`${step.toFixed(3)} | gc ${gc.count} (${gc.major}) ${gc.ms.toFixed(1)} | ${product.toFixed(3)} | ${js.toFixed(1)}`);
  }
  stepper.dispose();
  model.dispose();
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
