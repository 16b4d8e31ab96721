import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { encodeIdx, parseIdx, IDX_MAGIC_IMAGES, IDX_MAGIC_LABELS } from '../src/data/idx';

const images = encodeIdx([2, 3, 4], Uint8Array.from({ length: 24 }, (_, i) => i * 10));
const labels = encodeIdx([5], Uint8Array.from([3, 1, 4, 1, 5]));

test('parses an IDX images file: magic, dims, data', () => {
  const idx = parseIdx(images, { expectMagic: IDX_MAGIC_IMAGES });
  assert.equal(idx.magic, 0x00000803);
  assert.deepEqual(idx.dims, [2, 3, 4]);
  assert.deepEqual(Array.from(idx.data), Array.from({ length: 24 }, (_, i) => i * 10));
  assert.deepEqual(Array.from(parseIdx(labels, { expectMagic: IDX_MAGIC_LABELS }).data), [3, 1, 4, 1, 5]);
});

test('gzip input is detected by its magic bytes and gives the same result', () => {
  const idx = parseIdx(gzipSync(images), { expectMagic: IDX_MAGIC_IMAGES });
  assert.deepEqual(idx.dims, [2, 3, 4]);
  assert.deepEqual(Array.from(idx.data), Array.from(parseIdx(images).data));
});

test('wrong magic names both numbers', () => {
  assert.throws(() => parseIdx(labels, { expectMagic: IDX_MAGIC_IMAGES, what: 'f.idx' }),
    /f\.idx: magic number 0x00000801, expected 0x00000803/);
  const garbage = Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0, 0, 0]);
  assert.throws(() => parseIdx(garbage), /not an IDX file/);
});

test('truncated data, trailing bytes, truncated header and broken gzip are errors', () => {
  assert.throws(() => parseIdx(images.subarray(0, images.length - 1)), /dims \[2, 3, 4\] = 40 bytes, file has 39 \(truncated\)/);
  assert.throws(() => parseIdx(Uint8Array.from([...images, 0])), /trailing bytes/);
  assert.throws(() => parseIdx(images.subarray(0, 10)), /truncated header/);
  assert.throws(() => parseIdx(images.subarray(0, 2)), /too short/);
  const gz = gzipSync(images);
  assert.throws(() => parseIdx(gz.subarray(0, gz.length - 6)), /gzip-compressed .* does not inflate/);
});

test('encodeIdx rejects data that does not fit its dims', () => {
  assert.throws(() => encodeIdx([2, 2], new Uint8Array(3)), /hold 4 elements, data has 3/);
});
