// A small PNG decoder/re-encoder (8-bit RGB/RGBA, non-interlaced — what Chromium writes).
// Why: Chromium encodes canvas PNGs for speed (RGBA, "up" filter, light deflate). Re-encoding
// charts as RGB, unfiltered, deflate level 9 halves them (a contour chart: ~135 KB → ~70 KB),
// and every chart is stored twice per notebook output (image/png and the HTML placeholder).
import * as zlib from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface DecodedPng {
  width: number;
  height: number;
  /** 3 (RGB) or 4 (RGBA). */
  channels: 3 | 4;
  /** Unfiltered pixels, row-major, `channels` bytes per pixel. */
  pixels: Uint8Array;
}

interface Chunk {
  type: string;
  data: Buffer;
}

function readChunks(png: Buffer): Chunk[] {
  if (png.length < 8 || !png.subarray(0, 8).equals(SIGNATURE)) throw new Error('Not a PNG file (bad signature).');
  const chunks: Chunk[] = [];
  for (let at = 8; at + 12 <= png.length; ) {
    const len = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    chunks.push({ type, data: png.subarray(at + 8, at + 8 + len) });
    at += 12 + len;
    if (type === 'IEND') break;
  }
  return chunks;
}

/** Decode an 8-bit, non-interlaced RGB or RGBA PNG; null for any other kind (palette, 16-bit, interlaced…). */
export function decodePng(png: Buffer): DecodedPng | null {
  const chunks = readChunks(png);
  const ihdr = chunks.find((c) => c.type === 'IHDR')?.data;
  if (!ihdr) throw new Error('PNG without IHDR chunk.');
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const [depth, colorType, , , interlace] = [ihdr[8], ihdr[9], ihdr[10], ihdr[11], ihdr[12]];
  if (depth !== 8 || interlace !== 0 || (colorType !== 2 && colorType !== 6)) return null;
  const channels = colorType === 6 ? 4 : 3;
  const raw = zlib.inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  const stride = width * channels;
  if (raw.length < height * (stride + 1)) throw new Error('PNG image data is truncated.');
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    const prev = row - stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[row + x - channels] : 0;
      const b = y > 0 ? pixels[prev + x] : 0;
      const c = x >= channels && y > 0 ? pixels[prev + x - channels] : 0;
      let pred = 0;
      if (filter === 1) pred = a;
      else if (filter === 2) pred = b;
      else if (filter === 3) pred = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (filter !== 0) throw new Error(`PNG row ${y} has unknown filter type ${filter}.`);
      pixels[row + x] = (raw[src + x] + pred) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** Encode 8-bit RGB/RGBA pixels (filter 0 on every row: best for flat-coloured charts; deflate level 9). */
export function encodePng(img: DecodedPng): Buffer {
  const { width, height, channels, pixels } = img;
  const stride = width * channels;
  const raw = Buffer.alloc(height * (stride + 1));
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = channels === 4 ? 6 : 2;
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** Same picture, fewer bytes: drops an all-opaque alpha channel and recompresses. Returns the input if that would not help. */
export function optimizePng(png: Buffer): Buffer {
  const img = decodePng(png);
  if (!img) return png;
  let out = img;
  if (img.channels === 4) {
    let opaque = true;
    for (let i = 3; i < img.pixels.length; i += 4) if (img.pixels[i] !== 255) { opaque = false; break; }
    if (opaque) {
      const rgb = new Uint8Array(img.width * img.height * 3);
      for (let i = 0, j = 0; i < img.pixels.length; i += 4, j += 3) {
        rgb[j] = img.pixels[i];
        rgb[j + 1] = img.pixels[i + 1];
        rgb[j + 2] = img.pixels[i + 2];
      }
      out = { ...img, channels: 3, pixels: rgb };
    }
  }
  const encoded = encodePng(out);
  return encoded.length < png.length ? encoded : png;
}
