// One small seeded PRNG for everything that must be reproducible in plain JS (shuffles, subsets,
// negative sampling, weight initialisation): results then depend on the seed only, not on the
// tfjs backend's own random kernels.

/** A seeded stream of uniform numbers. */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/** A seed as the PRNG takes it (its low 32 bits); a clear error unless it is a finite integer. */
export function checkSeed(seed: number): number {
  if (!Number.isFinite(seed) || !Number.isInteger(seed)) {
    throw new Error(`Seed must be a finite integer, got ${seed}.`);
  }
  return seed >>> 0;
}

/**
 * mulberry32 (Tommy Ettinger): 32-bit state, passes PractRand to 2^32 outputs; ample for
 * shuffling and initialisation, and trivially portable.
 */
export function createRng(seed: number): Rng {
  let state = checkSeed(seed);
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int(n: number): number {
      if (!Number.isInteger(n) || n <= 0) throw new Error(`Rng.int(n) needs a positive integer n, got ${n}.`);
      return Math.floor(next() * n);
    },
  };
}

/**
 * A seed for an independent sub-stream, e.g. deriveSeed(seed, 'dropout') or deriveSeed(seed, 3):
 * different labels give unrelated streams, so adding one random consumer does not shift the others.
 */
export function deriveSeed(seed: number, label: string | number): number {
  // FNV-1a over the label, mixed with the seed through one murmur3 finaliser.
  let h = 0x811c9dc5 ^ checkSeed(seed);
  const text = String(label);
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Fisher–Yates shuffle in place; returns the same array. */
export function shuffleInPlace<T extends { length: number; [i: number]: unknown }>(array: T, rng: Rng): T {
  for (let i = array.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = array[i];
    array[i] = array[j];
    array[j] = tmp;
  }
  return array;
}

/** A seeded permutation of 0..n-1. */
export function permutation(n: number, rng: Rng): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return shuffleInPlace(out, rng);
}
