// A small PNG decoder/re-encoder (8-bit RGB/RGBA/palette, non-interlaced — what Chromium writes, and
// what this module writes). Why: Chromium encodes canvas PNGs for speed (RGBA, "up" filter, light
// deflate). Re-encoding charts as RGB, unfiltered, deflate level 9 halves them; as an 8-bit palette
// (`paletteOptimizePng`: a chart's flat fills and lines need far fewer than 256 colours, the rest are
// anti-aliasing shades) they shrink to about a third. Every chart output carries one.
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

/** Decode an 8-bit, non-interlaced RGB, RGBA or palette PNG (a palette one comes back as RGB, or RGBA with a tRNS chunk); null for any other kind (grey, 16-bit, interlaced…). */
export function decodePng(png: Buffer): DecodedPng | null {
  const chunks = readChunks(png);
  const ihdr = chunks.find((c) => c.type === 'IHDR')?.data;
  if (!ihdr) throw new Error('PNG without IHDR chunk.');
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const [depth, colorType, , , interlace] = [ihdr[8], ihdr[9], ihdr[10], ihdr[11], ihdr[12]];
  if (depth !== 8 || interlace !== 0 || (colorType !== 2 && colorType !== 6 && colorType !== 3)) return null;
  // Bytes per pixel as stored (the filters work on these); a palette image stores one index per pixel.
  const bpp = colorType === 6 ? 4 : colorType === 2 ? 3 : 1;
  const raw = zlib.inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  const channels = bpp;
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
  if (colorType !== 3) return { width, height, channels: channels as 3 | 4, pixels };
  const plte = chunks.find((c) => c.type === 'PLTE')?.data;
  if (!plte) throw new Error('Palette PNG without PLTE chunk.');
  const trns = chunks.find((c) => c.type === 'tRNS')?.data;
  const out = trns ? 4 : 3;
  const expanded = new Uint8Array(width * height * out);
  for (let i = 0; i < pixels.length; i++) {
    const k = pixels[i];
    if (3 * k + 2 >= plte.length) throw new Error(`PNG pixel ${i} uses palette entry ${k}, beyond the palette.`);
    expanded[i * out] = plte[3 * k];
    expanded[i * out + 1] = plte[3 * k + 1];
    expanded[i * out + 2] = plte[3 * k + 2];
    if (trns) expanded[i * out + 3] = k < trns.length ? trns[k] : 255;
  }
  return { width, height, channels: out as 3 | 4, pixels: expanded };
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

/** The image without its alpha channel when every pixel is opaque; unchanged otherwise. */
function dropOpaqueAlpha(img: DecodedPng): DecodedPng {
  if (img.channels !== 4) return img;
  for (let i = 3; i < img.pixels.length; i += 4) if (img.pixels[i] !== 255) return img;
  const rgb = new Uint8Array(img.width * img.height * 3);
  for (let i = 0, j = 0; i < img.pixels.length; i += 4, j += 3) {
    rgb[j] = img.pixels[i];
    rgb[j + 1] = img.pixels[i + 1];
    rgb[j + 2] = img.pixels[i + 2];
  }
  return { ...img, channels: 3, pixels: rgb };
}

/** Same picture, fewer bytes: drops an all-opaque alpha channel and recompresses. Returns the input if that would not help. */
export function optimizePng(png: Buffer): Buffer {
  const img = decodePng(png);
  if (!img) return png;
  const encoded = encodePng(dropOpaqueAlpha(img));
  return encoded.length < png.length ? encoded : png;
}

/**
 * An opaque RGB image as an 8-bit palette PNG (filter 0, deflate level 9). With at most `maxColors`
 * distinct colours it is lossless. With more (a chart: a few dozen fills, line and text colours, and
 * thousands of anti-aliasing shades covering a few percent of the pixels) the palette is chosen
 * greedily — each next entry the colour with the most pixels × squared distance to the palette so far,
 * so every colour that covers real area gets its own entry — and each other shade takes its nearest
 * entry: edges change by a shade, nothing else.
 */
export function encodePalettePng(img: DecodedPng, maxColors = 256): Buffer {
  if (img.channels !== 3) throw new Error('encodePalettePng: expected an RGB image (drop an opaque alpha channel first).');
  if (!(Number.isInteger(maxColors) && maxColors >= 2 && maxColors <= 256)) throw new Error(`encodePalettePng: maxColors must be 2..256 (got ${maxColors}).`);
  const { width, height, pixels } = img;
  const n = width * height;
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const key = (pixels[3 * i] << 16) | (pixels[3 * i + 1] << 8) | pixels[3 * i + 2];
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  // Distinct colours, most frequent first (ties by value: deterministic).
  const colors = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const u = colors.length;
  const rgb = (k: number) => [(colors[k][0] >> 16) & 255, (colors[k][0] >> 8) & 255, colors[k][0] & 255];
  const dist = new Float64Array(u).fill(Infinity);
  const nearest = new Int32Array(u);
  const palette: number[] = [];
  let next = 0;
  while (palette.length < Math.min(maxColors, u)) {
    const p = palette.length;
    palette.push(next);
    const [pr, pg, pb] = rgb(next);
    let best = -1;
    let bestScore = 0;
    for (let k = 0; k < u; k++) {
      const c = colors[k][0];
      const dr = ((c >> 16) & 255) - pr;
      const dg = ((c >> 8) & 255) - pg;
      const db = (c & 255) - pb;
      const d = dr * dr + dg * dg + db * db;
      if (d < dist[k]) {
        dist[k] = d;
        nearest[k] = p;
      }
      const score = dist[k] * colors[k][1];
      if (score > bestScore) {
        bestScore = score;
        best = k;
      }
    }
    if (best < 0) break; // every colour is in the palette
    next = best;
  }
  const indexOf = new Map<number, number>();
  for (let k = 0; k < u; k++) indexOf.set(colors[k][0], nearest[k]);
  const plte = Buffer.alloc(3 * palette.length);
  palette.forEach((k, i) => plte.set(rgb(k), 3 * i));
  const raw = Buffer.alloc(height * (width + 1));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 3 * (y * width + x);
      raw[y * (width + 1) + 1 + x] = indexOf.get((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2])!;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 3;
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('PLTE', plte), chunk('IDAT', zlib.deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/**
 * The smallest of: the input, its lossless re-encoding (optimizePng), and — for an opaque image — its
 * 256-colour palette encoding (encodePalettePng: lossless up to 256 colours, else anti-aliasing shades
 * snap to their nearest palette colour). What a chart's static image is stored as.
 */
export function paletteOptimizePng(png: Buffer, maxColors = 256): Buffer {
  const img = decodePng(png);
  if (!img) return png;
  const rgb = dropOpaqueAlpha(img);
  const lossless = optimizePng(png);
  if (rgb.channels !== 3) return lossless;
  const palette = encodePalettePng(rgb, maxColors);
  return palette.length < lossless.length ? palette : lossless;
}
