// The benchmark suites: realistic training steps (MLP, CNN, GCN) and the optimizer update alone
// (ours against tfjs's built-in). Returns plain data; cli.ts formats it.
import * as tf from '@tensorflow/tfjs';
import * as os from 'node:os';
import { initBackend, type BackendInfo } from '../backend';
import { applyWasmPatches, removeWasmPatches, wasmPatchesEnabled } from '../backend/wasm-patches';
import { timeInterleaved, timeInterleavedAsync, timedLocal, type CaseTiming, type PairTiming, type Stepper, type TimedStepper, type TimingOptions } from './stats';
import { findTorchPython, TorchSteps, type TorchCase } from './torch-reference';
import { createReferenceMlp, type BenchModel } from './reference-mlp';
import { classificationStepper, linkStepper, optimizerStepper, plainMulticlassTask, syntheticMnist, type BenchTask, type ClassificationData } from './train-steps';
import { loadData, loadModels, loadOptimizers, loadTraining, type OptimizersModule } from './project-modules';

export const SUITES = ['steps', 'mlp', 'gcn', 'opt'] as const;
export type Suite = (typeof SUITES)[number];
export const BENCH_OPTIMIZERS = ['adam', 'sgd', 'momentum', 'rmsprop'] as const;

export interface BenchOptions {
  suites: Suite[];
  timing: TimingOptions;
  /** Also time the MLP step with the patches removed, interleaved with the patched runs. */
  ab: boolean;
  batch: number;
}

export interface OptimizerStepResult {
  oursMs: number;
  builtinMs: number;
  /** oursMs / builtinMs: 1.0 is parity, the target is ≤ 1.1. */
  ratio: number;
}

/** The issue-12 cases, ours against PyTorch on one thread when it is importable. */
export const STEP_CASES: ReadonlyArray<{ name: TorchCase; label: string; model: string; optimizer: string; hp: Record<string, number>; batch: number; target: number }> = [
  { name: 'mlp-b64-adam', label: 'MLP 784-128-64-10, b64, Adam', model: 'mlp-128-64', optimizer: 'adam', hp: { learningRate: 1e-3 }, batch: 64, target: 0.6 },
  { name: 'cnn-b64-adam', label: 'seed 001 CNN, b64, Adam', model: 'cnn', optimizer: 'adam', hp: { learningRate: 1e-3 }, batch: 64, target: 1.0 },
  { name: 'sgd-b1-784-500-10', label: 'MLP 784-500-10, b1, SGD lr 0.01', model: 'mlp-500-linear', optimizer: 'sgd', hp: { learningRate: 0.01 }, batch: 1, target: 0.5 },
];

export interface StepComparison {
  name: TorchCase;
  label: string;
  ours: PairTiming;
  torch?: PairTiming;
  /** torch ms / ours ms (wall medians): our speed as a fraction of PyTorch's; the target is `target`. */
  ratio?: number;
  /** The same from CPU-time medians (robust to other processes' load on a shared machine). */
  cpuRatio?: number;
  target: number;
}

export interface BenchResult {
  backend: string;
  tfjs: string;
  patches: string[];
  machine: BackendInfo['machine'];
  repeats: number;
  batch: number;
  /** 1-minute load average at start and end: this machine is shared; high load scales every time. */
  loadAvg: [number, number];
  /** Headline: MLP 784-128-64-10 training step, Adam (ours when src/optimizers exists). */
  mlp_b64_samples_per_s?: number;
  mlp_model?: string;
  mlp_optimizer?: string;
  /** Loss and metric used in the steps: src/training's task, or the bench's plain fallback. */
  task?: string;
  cnn_b64_samples_per_s?: number;
  gcn_samples_per_s?: number;
  optimizer_step?: Record<string, OptimizerStepResult>;
  /** Ours vs PyTorch (1 thread), interleaved; torch absent when python3 with torch is not importable. */
  steps?: StepComparison[];
  torch?: { python: string; version: string; blas?: string } | { reason: string };
  /** Every timed case, for the table and for A/B comparisons. */
  cases: Array<CaseTiming & { suite: Suite }>;
  skipped: Array<{ suite: Suite; reason: string }>;
  /** Suites that failed, with the error (a failing suite does not stop the others). */
  errors: Array<{ suite: Suite; error: string }>;
}

const HP = { learningRate: 1e-3 };

function builtinAdam(): tf.Optimizer {
  return tf.train.adam(HP.learningRate);
}

/** Ours when src/optimizers exists; else tfjs's, labelled as such. */
function headlineAdam(opts: OptimizersModule | undefined): { label: string; make: () => tf.Optimizer } {
  return opts
    ? { label: 'adam (ours)', make: () => opts.createOptimizer('adam', HP) }
    : { label: 'adam (tf.train)', make: builtinAdam };
}

function mlpModel(): { label: string; make: () => BenchModel } {
  const models = loadModels();
  return models
    ? { label: 'src/models mlp-128-64', make: () => models.createModel('mlp-128-64', { seed: 1 }) }
    : { label: 'bench reference MLP 784-128-64-10', make: () => createReferenceMlp() };
}

/** Run a stepper with the wasm patches forced on or off (A/B in one process). */
function withPatches(stepper: Stepper, on: boolean): Stepper {
  return {
    samplesPerStep: stepper.samplesPerStep,
    run(steps) {
      if (on) applyWasmPatches({ force: true });
      else removeWasmPatches({ keepFixes: true });
      stepper.run(steps);
    },
    dispose: () => stepper.dispose(),
  };
}

interface OwnedCase {
  name: string;
  stepper: Stepper;
  owned: { dispose(): void }[];
}

function timeAndDispose(cases: OwnedCase[], timing: TimingOptions): CaseTiming[] {
  try {
    return timeInterleaved(cases, timing);
  } finally {
    for (const c of cases) {
      c.stepper.dispose();
      for (const o of c.owned) o.dispose();
    }
  }
}

function classificationCase(name: string, model: BenchModel, optimizer: tf.Optimizer, task: BenchTask, data: ClassificationData, batch: number): OwnedCase {
  return { name, stepper: classificationStepper(model, optimizer, task, data, batch), owned: [model, optimizer] };
}

export async function runBenchmark(opts: BenchOptions): Promise<BenchResult> {
  const info = await initBackend();
  const optimizers = loadOptimizers();
  const result: BenchResult = {
    backend: info.name, tfjs: info.tfjsVersion, patches: info.patches, machine: info.machine,
    repeats: opts.timing.repeats, batch: opts.batch, loadAvg: [os.loadavg()[0], NaN], cases: [], skipped: [], errors: [],
  };
  const training = loadTraining();
  const multiclass = training?.MULTICLASS_TASK ?? plainMulticlassTask;
  result.task = training ? 'src/training MULTICLASS_TASK / BINARY_TASK' : 'bench fallback (softmax CE + accuracy)';
  const guarded = (suite: Suite, body: () => void) => {
    if (!opts.suites.includes(suite)) return;
    try {
      body();
    } catch (e) {
      result.errors.push({ suite, error: e instanceof Error ? e.message : String(e) });
    }
  };
  const record = (suite: Suite, timings: CaseTiming[]) => result.cases.push(...timings.map((t) => ({ ...t, suite })));
  const needsMnist = opts.suites.includes('mlp') || opts.suites.includes('steps');
  const data = needsMnist ? syntheticMnist() : undefined;

  guarded('mlp', () => {
    if (!data) return;
    const model = mlpModel();
    result.mlp_model = model.label;
    const variants: Array<{ label: string; make: () => tf.Optimizer }> = [{ label: 'adam (tf.train)', make: builtinAdam }];
    if (optimizers) variants.push(headlineAdam(optimizers));
    const patchStates = opts.ab && info.name === 'wasm' ? [true, false] : [undefined];
    const cases: OwnedCase[] = [];
    for (const v of variants) {
      for (const on of patchStates) {
        const c = classificationCase(`mlp b${opts.batch} ${v.label}`, model.make(), v.make(), multiclass, data, opts.batch);
        if (on !== undefined) {
          c.stepper = withPatches(c.stepper, on);
          c.name += on ? ' [patched]' : ' [stock]';
        }
        cases.push(c);
      }
    }
    const timings = timeAndDispose(cases, opts.timing);
    if (opts.ab) restorePatchState();
    record('mlp', timings);
    const headline = headlineAdam(optimizers).label;
    const main = timings.find((t) => t.name.includes(headline) && !t.name.endsWith('[stock]'));
    result.mlp_optimizer = headline;
    result.mlp_b64_samples_per_s = main && Math.round(main.medianSamplesPerS);
  });

  const models = loadModels();
  if (opts.suites.includes('steps')) {
    try {
      await stepsSuite(result, models, optimizers, multiclass, data!, opts.timing);
    } catch (e) {
      result.errors.push({ suite: 'steps', error: e instanceof Error ? e.message : String(e) });
    }
  }

  guarded('gcn', () => {
    const dataModule = loadData();
    if (!models || !dataModule || !training) result.skipped.push({ suite: 'gcn', reason: 'src/models, src/data or src/training is not available yet' });
    else {
      // Seed 003's Karate setting: full-batch steps over all training pairs.
      const split = dataModule.loadKarateLinkSplit({ seed: 1 });
      const adam = headlineAdam(optimizers);
      const model = models.createModel('gcn', { seed: 1, graph: split });
      const optimizer = adam.make();
      const [t] = timeAndDispose([{ name: `gcn karate full-batch ${adam.label}`, stepper: linkStepper(model, optimizer, training.BINARY_TASK, split.train), owned: [model, optimizer] }], opts.timing);
      record('gcn', [t]);
      result.gcn_samples_per_s = Math.round(t.medianSamplesPerS);
    }
  });

  guarded('opt', () => {
    if (!optimizers) result.skipped.push({ suite: 'opt', reason: 'src/optimizers is not available yet' });
    else {
      result.optimizer_step = {};
      for (const name of BENCH_OPTIMIZERS) {
        let ours: tf.Optimizer, builtin: tf.Optimizer;
        try {
          ours = optimizers.createOptimizer(name, HP);
          builtin = optimizers.createBuiltinOptimizer(name, HP);
        } catch (e) {
          result.skipped.push({ suite: 'opt', reason: `${name}: ${e instanceof Error ? e.message : String(e)}` });
          continue;
        }
        const shared = createReferenceMlp();
        const [o, b] = timeAndDispose([
          { name: `optimizer step ${name} (ours)`, stepper: optimizerStepper(ours, shared.variables), owned: [ours] },
          { name: `optimizer step ${name} (tf.train)`, stepper: optimizerStepper(builtin, shared.variables), owned: [builtin] },
        ], opts.timing);
        shared.dispose();
        record('opt', [o, b]);
        result.optimizer_step[name] = { oursMs: o.medianMsPerStep, builtinMs: b.medianMsPerStep, ratio: o.medianMsPerStep / b.medianMsPerStep };
      }
    }
  });
  result.loadAvg[1] = os.loadavg()[0];
  return result;
}

/** After an A/B run, leave the patches as the environment asked for them. */
function restorePatchState(): void {
  if (wasmPatchesEnabled()) applyWasmPatches();
  else removeWasmPatches({ keepFixes: true });
}

/** The issue-12 cases: ours and (when importable) PyTorch 1-thread, interleaved repeat by repeat. */
async function stepsSuite(result: BenchResult, models: ReturnType<typeof loadModels>, optimizers: OptimizersModule | undefined, task: BenchTask, data: ClassificationData, timing: TimingOptions): Promise<void> {
  if (!models || !optimizers) {
    result.skipped.push({ suite: 'steps', reason: 'src/models or src/optimizers is not available yet' });
    return;
  }
  const found = findTorchPython();
  result.torch = found;
  const torch = 'python' in found ? new TorchSteps(found.python) : undefined;
  result.steps = [];
  try {
    for (const c of STEP_CASES) {
      const model = models.createModel(c.model, { seed: 1 });
      const optimizer = optimizers.createOptimizer(c.optimizer, c.hp);
      const ours = timedLocal(classificationStepper(model, optimizer, task, data, c.batch));
      const cases: Array<{ name: string; stepper: TimedStepper }> = [{ name: `${c.name} (ours)`, stepper: ours }];
      if (torch) cases.push({ name: `${c.name} (PyTorch 1 thread)`, stepper: await torch.stepper(c.name) });
      try {
        const [o, t] = await timeInterleavedAsync(cases, timing);
        result.steps.push({
          name: c.name, label: c.label, ours: o, torch: t, target: c.target,
          ratio: t && t.medianMsPerStep / o.medianMsPerStep, cpuRatio: t && t.medianCpuMsPerStep / o.medianCpuMsPerStep,
        });
        result.cases.push({ ...o, suite: 'steps' });
        if (c.name === 'cnn-b64-adam') result.cnn_b64_samples_per_s = Math.round(o.medianSamplesPerS);
      } finally {
        ours.dispose();
        model.dispose();
        optimizer.dispose();
      }
    }
  } finally {
    if (torch && 'python' in found) result.torch = { ...found, blas: torch.blas };
    torch?.close();
  }
}
