// Reader for the IDX format of the MNIST files (http://yann.lecun.com/exdb/mnist/):
// bytes 0-1 zero, byte 2 the element type (0x08 = unsigned byte), byte 3 the number of
// dimensions, then one big-endian uint32 per dimension, then the data in row-major order.
import { gunzipSync } from 'node:zlib';

export const IDX_UBYTE = 0x08;
/** Magic numbers of the two MNIST file kinds (ubyte, 3 dims / ubyte, 1 dim). */
export const IDX_MAGIC_IMAGES = 0x00000803;
export const IDX_MAGIC_LABELS = 0x00000801;

export interface IdxArray {
  magic: number;
  dims: number[];
  /** Row-major element bytes (a view into the file's buffer). */
  data: Uint8Array;
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Inflate a gzip buffer (recognised by its magic bytes 1f 8b); anything else is returned as is. */
export function maybeGunzip(bytes: Uint8Array, what = 'IDX data'): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (err) {
    throw new Error(`${what}: looks gzip-compressed (starts with 1f 8b) but does not inflate: ${(err as Error).message}. The file is probably truncated or corrupt.`);
  }
}

const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;

/**
 * Parse an IDX buffer (raw or gzip). `expectMagic` rejects the wrong kind of file (e.g. labels
 * passed as images); a size that does not match the header's dimensions is an error.
 */
export function parseIdx(input: Uint8Array, opts: { expectMagic?: number; what?: string } = {}): IdxArray {
  const what = opts.what ?? 'IDX data';
  const bytes = maybeGunzip(input, what);
  if (bytes.length < 4) throw new Error(`${what}: ${bytes.length} bytes is too short for an IDX header (needs at least 4).`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (opts.expectMagic !== undefined && magic !== opts.expectMagic) {
    throw new Error(`${what}: magic number ${hex(magic)}, expected ${hex(opts.expectMagic)} (${describeMagic(opts.expectMagic)}). Wrong or corrupt file.`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) throw new Error(`${what}: not an IDX file (magic ${hex(magic)}: the first two bytes must be zero).`);
  if (bytes[2] !== IDX_UBYTE) throw new Error(`${what}: element type 0x${bytes[2].toString(16)} is not supported (only unsigned bytes, 0x08, as in MNIST).`);
  const rank = bytes[3];
  const headerBytes = 4 + 4 * rank;
  if (rank === 0 || bytes.length < headerBytes) throw new Error(`${what}: header declares ${rank} dimensions but the file has ${bytes.length} bytes (truncated header).`);
  const dims: number[] = [];
  for (let d = 0; d < rank; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const expected = headerBytes + dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== expected) {
    const kind = bytes.length < expected ? 'truncated' : 'has trailing bytes';
    throw new Error(`${what}: header says dims [${dims.join(', ')}] = ${expected} bytes, file has ${bytes.length} (${kind}).`);
  }
  return { magic, dims, data: bytes.subarray(headerBytes) };
}

function describeMagic(magic: number): string {
  if (magic === IDX_MAGIC_IMAGES) return 'IDX images: ubyte, 3 dimensions';
  if (magic === IDX_MAGIC_LABELS) return 'IDX labels: ubyte, 1 dimension';
  return 'IDX';
}

/** Encode an IDX ubyte array (used by tests and by anyone writing a subset to disk). */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`encodeIdx: dims [${dims.join(', ')}] hold ${count} elements, data has ${data.length}.`);
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = IDX_UBYTE;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}
