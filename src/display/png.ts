// PNG re-encoding of chart images. Why: Chromium encodes canvas PNGs for speed (RGBA, "up" filter,
// light deflate). Re-encoding charts as RGB, unfiltered, deflate level 9 halves them; as an 8-bit palette
// (`paletteOptimizePng`: a chart's flat fills and lines need far fewer than 256 colours, the rest are
// anti-aliasing shades) they shrink to about a third. Every chart output carries one.
//
// Libraries: the PNG codec is fast-png (image-js, MIT; decodes every PNG kind, writes RGB, RGBA and
// palette PNGs with a chosen deflate level). Its 6.x line, the last CommonJS one: 7+ is ESM-only, which
// this CommonJS project cannot require synchronously on every Node >= 20. pngjs cannot write palette
// PNGs; upng-js (which can) was last published to npm in 2017. The quantizer stays our own: on four real
// charts (two contour landscapes, a line chart with bands, a bar chart) upng-js's (cnum 256) gave files
// 8% bigger, worst shade error up to twice ours (43 vs 19) and more flat-colour pixels changed; image-q's
// were 5-37% bigger and 3-20x slower, its wuquant and neuquant moving even the flat colours (70-99% of
// the pixels changed, the white background too), its rgbquant keeping them but 31% bigger.
import { convertIndexedToRgb, decode, encode, type IndexedColors } from 'fast-png';

export interface DecodedPng {
  width: number;
  height: number;
  /** 3 (RGB) or 4 (RGBA). */
  channels: 3 | 4;
  /** Pixels, row-major, `channels` bytes per pixel. */
  pixels: Uint8Array;
}

/** Every pixel unfiltered; deflate level 9 (flat-coloured charts compress best this way). */
const ENCODE_OPTIONS = { zlib: { level: 9 } } as const;

/**
 * Decode a PNG as 8-bit RGB or RGBA (a palette one comes back as RGB, or RGBA when it has a tRNS
 * chunk); null for kinds this module does not re-encode (grey, 16-bit). Throws on a file that is not a PNG.
 */
export function decodePng(png: Uint8Array): DecodedPng | null {
  const img = decode(png);
  const { width, height } = img;
  if (img.palette) {
    const pixels = convertIndexedToRgb(img);
    return { width, height, channels: pixels.length === width * height * 4 ? 4 : 3, pixels };
  }
  if (img.depth !== 8 || (img.channels !== 3 && img.channels !== 4)) return null;
  return { width, height, channels: img.channels, pixels: img.data as Uint8Array };
}

/** Encode 8-bit RGB/RGBA pixels (filter 0 on every row; deflate level 9). */
export function encodePng(img: DecodedPng): Buffer {
  return Buffer.from(encode({ width: img.width, height: img.height, data: img.pixels, depth: 8, channels: img.channels }, ENCODE_OPTIONS));
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
  return img ? smaller(encodePng(dropOpaqueAlpha(img)), png) : png;
}

function smaller(a: Buffer, b: Buffer): Buffer {
  return a.length < b.length ? a : b;
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
  const indices = new Uint8Array(n);
  for (let i = 0; i < n; i++) indices[i] = indexOf.get((pixels[3 * i] << 16) | (pixels[3 * i + 1] << 8) | pixels[3 * i + 2])!;
  const plte: IndexedColors = palette.map((k) => rgb(k));
  return Buffer.from(encode({ width, height, data: indices, depth: 8, channels: 1, palette: plte }, ENCODE_OPTIONS));
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
  const lossless = smaller(encodePng(rgb), png);
  return rgb.channels === 3 ? smaller(encodePalettePng(rgb, maxColors), lossless) : lossless;
}
