// Timing helpers for the benchmark: the machine is shared and noisy, so every figure is a
// median over repeats, and cases that are compared are measured interleaved (A, B, A, B, …)
// so that a burst of load from another process hits both sides alike.

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median() needs at least one value.');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** A unit of work to time: `run(n)` performs n steps; `dispose()` frees what it holds. */
export interface Stepper {
  /** Samples processed by one step (batch size), used to turn time into samples/s. */
  samplesPerStep: number;
  run(steps: number): void;
  dispose(): void;
}

export interface TimingOptions {
  /** Steps run before timing (JIT, kernel caches, allocator warm-up). */
  warmupSteps: number;
  /** Wall time aimed at per timed repeat; each case's step count is calibrated from its warm-up. */
  repeatMs: number;
  /** Timed repeats per case; the median is reported. */
  repeats: number;
}

export interface CaseTiming {
  name: string;
  /** Milliseconds per step, one value per repeat. */
  msPerStep: number[];
  medianMsPerStep: number;
  medianSamplesPerS: number;
}

/**
 * Time several steppers interleaved: after each case's warm-up, repeat r runs every case once,
 * in rotating order, so slow phases of a noisy machine are shared by all cases.
 */
export function timeInterleaved(cases: ReadonlyArray<{ name: string; stepper: Stepper }>, opts: TimingOptions): CaseTiming[] {
  if (opts.repeats < 1 || opts.warmupSteps < 1 || !(opts.repeatMs > 0)) {
    throw new Error('timeInterleaved: repeats and warmupSteps must be ≥ 1 and repeatMs > 0.');
  }
  const steps = cases.map((c) => {
    c.stepper.run(1); // first call pays one-off costs (kernel setup, optimizer state creation)
    const t0 = performance.now();
    c.stepper.run(opts.warmupSteps);
    const msPerStep = (performance.now() - t0) / opts.warmupSteps;
    return Math.max(1, Math.round(opts.repeatMs / msPerStep));
  });
  const samples = cases.map(() => [] as number[]);
  for (let r = 0; r < opts.repeats; r++) {
    for (let k = 0; k < cases.length; k++) {
      const i = (k + r) % cases.length;
      const t0 = performance.now();
      cases[i].stepper.run(steps[i]);
      samples[i].push((performance.now() - t0) / steps[i]);
    }
  }
  return cases.map((c, i) => {
    const ms = median(samples[i]);
    return { name: c.name, msPerStep: samples[i], medianMsPerStep: ms, medianSamplesPerS: (c.stepper.samplesPerStep * 1000) / ms };
  });
}

/** max/min of the repeats: 1.0 is perfectly steady (the target for the MLP step is ≤ 1.25). */
export function spread(values: readonly number[]): number {
  return Math.max(...values) / Math.min(...values);
}

/** Wall and CPU milliseconds of one timed repeat (totals, not per step). */
export interface Measured {
  wallMs: number;
  cpuMs: number;
}

/** A stepper timed by someone else (e.g. a PyTorch process): run(n) reports its own times. */
export interface TimedStepper {
  samplesPerStep: number;
  run(steps: number): Promise<Measured>;
  dispose(): void;
}

/** Time a local Stepper: wall clock and this process's CPU time (user + system). */
export function timedLocal(stepper: Stepper): TimedStepper {
  return {
    samplesPerStep: stepper.samplesPerStep,
    async run(steps) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      stepper.run(steps);
      const wallMs = performance.now() - t0;
      const c = process.cpuUsage(c0);
      return { wallMs, cpuMs: (c.user + c.system) / 1000 };
    },
    dispose: () => stepper.dispose(),
  };
}

export interface PairTiming extends CaseTiming {
  /** CPU milliseconds per step, one value per repeat: what the process itself used, less sensitive to other load. */
  cpuMsPerStep: number[];
  medianCpuMsPerStep: number;
  /** max/min of msPerStep. */
  spread: number;
}

/**
 * As timeInterleaved, for timed steppers (local or in another process): warm-up, calibrate each
 * case's steps to about repeatMs, then repeat r runs every case once in rotating order.
 */
export async function timeInterleavedAsync(cases: ReadonlyArray<{ name: string; stepper: TimedStepper }>, opts: TimingOptions): Promise<PairTiming[]> {
  if (opts.repeats < 1 || opts.warmupSteps < 1 || !(opts.repeatMs > 0)) {
    throw new Error('timeInterleavedAsync: repeats and warmupSteps must be ≥ 1 and repeatMs > 0.');
  }
  const steps: number[] = [];
  for (const c of cases) {
    await c.stepper.run(1);
    const w = await c.stepper.run(opts.warmupSteps);
    steps.push(Math.max(1, Math.round(opts.repeatMs / (w.wallMs / opts.warmupSteps))));
  }
  const wall = cases.map(() => [] as number[]);
  const cpu = cases.map(() => [] as number[]);
  for (let r = 0; r < opts.repeats; r++) {
    for (let k = 0; k < cases.length; k++) {
      const i = (k + r) % cases.length;
      const m = await cases[i].stepper.run(steps[i]);
      wall[i].push(m.wallMs / steps[i]);
      cpu[i].push(m.cpuMs / steps[i]);
    }
  }
  return cases.map((c, i) => {
    const ms = median(wall[i]);
    return {
      name: c.name, msPerStep: wall[i], medianMsPerStep: ms, medianSamplesPerS: (c.stepper.samplesPerStep * 1000) / ms,
      cpuMsPerStep: cpu[i], medianCpuMsPerStep: median(cpu[i]), spread: spread(wall[i]),
    };
  });
}
