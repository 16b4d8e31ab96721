import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { decode as decodeRaw, encode as encodeRaw } from 'fast-png';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  PLOTLY_MIME, PACK_MIN_LENGTH, compactNumbers, decodePng, encodePalettePng, md, encodePng, packFigureArrays, paletteOptimizePng, inKernel, lineChart, optimizePng, plotlyScriptPath, show, table, tableToText, toDisplayBundle, type PlotlyFigure,
} from '../src/display';
import { plotlySource } from '../src/report/assets';

const fig = (title = 'Loss per epoch'): PlotlyFigure =>
  lineChart({ title, xTitle: 'Epoch', yTitle: 'Loss (nats)', series: [{ name: 'adam', x: [1, 2], mean: [0.5, 0.3], lo: [0.4, 0.2], hi: [0.6, 0.4] }] });

test('a figure bundle: Plotly JSON (complete, parseable), offline HTML, text summary', () => {
  const f = fig();
  const b = toDisplayBundle(f, { divId: 'chart-1' });
  assert.deepEqual(Object.keys(b.data).sort(), [PLOTLY_MIME, 'text/html', 'text/plain'].sort());
  const plotly = JSON.parse(JSON.stringify(b.data[PLOTLY_MIME]));
  assert.deepEqual(plotly.data, JSON.parse(JSON.stringify(f.data)));
  assert.equal(plotly.layout.height, 440);
  const html = String(b.data['text/html']);
  assert.doesNotMatch(html, /https?:\/\//, 'no URL at all: nothing may be fetched');
  assert.doesNotMatch(html, /window\.Plotly\) \{ \(function \(define/, 'plotly.js is not inlined unless asked');
  assert.match(html, /<div id="chart-1"/);
  assert.match(html, /getElementById\("chart-1"\)/);
  assert.equal(b.data['text/plain'], '[chart] Loss per epoch — adam');
  // Deterministic without an explicit id (a pure function of the figure).
  assert.deepEqual(toDisplayBundle(f), toDisplayBundle(f));
});

test('a chart output is self-contained and light: the PNG once (inside the HTML), no plotly.js, a loader from the kernelspec', () => {
  const png = encodePng({ width: 2, height: 1, channels: 3, pixels: Uint8Array.from([255, 0, 0, 0, 0, 255]) }).toString('base64');
  const b = toDisplayBundle(fig(), { pngBase64: png, divId: 'chart-2' });
  const html = String(b.data['text/html']);
  assert.deepEqual(Object.keys(b.data).sort(), [PLOTLY_MIME, 'text/html', 'text/plain'].sort(), 'no image/png entry: the PNG is stored once');
  assert.equal(html.split(png).length - 1, 1, 'the PNG appears exactly once');
  assert.ok(html.includes(`<div id="chart-2" class="atlas-chart"><img src="data:image/png;base64,${png}"`), 'the picture is inside the chart div (what untrusted front ends show)');
  assert.ok(html.length < 10_000, `no library inlined (${html.length} chars)`);
  assert.ok(html.includes('"kernelspecs/tslab/plotly.min.js"'), 'plotly.js comes from the kernelspec the server serves');
  assert.ok(!/<script[^>]*\bsrc=/i.test(html) && !/https?:\/\//.test(html), 'no script src, no absolute URL');
});

test('figure numbers are rounded to 6 significant digits in both copies; integers and non-finite values kept', () => {
  assert.deepEqual(compactNumbers({ a: [0.1 + 0.2, 1 / 3, 12345678.9, 7, NaN, -Infinity, 'x'], b: { c: Math.PI } }), {
    a: [0.3, 0.333333, 12345700, 7, NaN, -Infinity, 'x'], b: { c: 3.14159 },
  });
  const f = lineChart({ title: 'T', xTitle: 'x', yTitle: 'y', series: [{ name: 's', x: [1, 2], mean: [1 / 3, 2 / 3] }] });
  const b = toDisplayBundle(f);
  assert.deepEqual((b.data[PLOTLY_MIME] as { data: { y: number[] }[] }).data[0].y, [0.333333, 0.666667]);
  assert.ok(String(b.data['text/html']).includes('[0.333333,0.666667]'));
  assert.ok(!String(b.data['text/html']).includes('0.3333333333'));
});

test('user text cannot break out of the script element', () => {
  const html = String(toDisplayBundle(fig('</script><script>alert(1)</script>')).data['text/html']);
  assert.equal(html.match(/<\/script>/g)?.length, 1, 'only our own closing tag');
  assert.doesNotMatch(html, /<script>alert/);
});

test('tables: HTML with caption and escaping, aligned plain-text fallback with shared decimals', () => {
  const t = table({
    caption: 'Final accuracy (%) <seed 000>',
    columns: ['Optimizer', 'Train', { label: 'Test', decimals: 1 }],
    rows: [['SGD', 91.234, 90.8], ['Adam', 98.1, null]],
    notes: ['Mean of 3 seeds.'],
  });
  const b = toDisplayBundle(t);
  assert.deepEqual(Object.keys(b.data).sort(), ['text/html', 'text/plain']);
  const html = String(b.data['text/html']);
  assert.match(html, /<caption[^>]*>Final accuracy \(%\) &lt;seed 000&gt;<\/caption>/);
  assert.match(html, /text-align:right[^>]*>91\.23</);
  assert.equal(b.data['text/plain'], tableToText(t));
  assert.equal(tableToText(t), [
    'Final accuracy (%) <seed 000>',
    'Optimizer  Train  Test',
    '---------  -----  ----',
    'SGD        91.23  90.8',
    'Adam       98.10     —',
    'Mean of 3 seeds.',
  ].join('\n'));
  assert.throws(() => table({ caption: 'x', columns: ['a', 'b'], rows: [[1]] }), /row 0 has 1 cells, expected 2/);
  assert.throws(() => table({ caption: '', columns: ['a'], rows: [] }), /caption must be a non-empty string/);
});

test('outside a kernel show() prints the text summary and does not throw', () => {
  assert.equal(inKernel(), false);
  const lines: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((s: string) => (lines.push(String(s)), true)) as typeof process.stdout.write;
  try {
    show(fig());
    show(table({ caption: 'T', columns: ['a'], rows: [[1]] }));
  } finally {
    process.stdout.write = write;
  }
  assert.deepEqual(lines, ['[chart] Loss per epoch — adam\n', 'T\na\n-\n1\n']);
});

const FAKE_TSLAB = path.join(__dirname, 'fake-kernel', 'node_modules', 'tslab', 'dist', 'jupyter.js');
after(() => {
  delete require.cache[FAKE_TSLAB];
});

test('in a tslab kernel: one display_data per show() with every MIME type; each chart stands alone', () => {
  const sent: { msg: { data: Record<string, unknown>; metadata: unknown; transient: unknown }; update: boolean }[] = [];
  // What the kernel has loaded: tslab's jupyter module with the running cell's writer.
  require.cache[FAKE_TSLAB] = { id: FAKE_TSLAB, filename: FAKE_TSLAB, loaded: true, exports: { lastWriteDisplayData: (msg: never, update: boolean) => sent.push({ msg, update }) } } as unknown as NodeJS.Module;
  const saved = process.env.ATLAS_STATIC_IMAGES;
  process.env.ATLAS_STATIC_IMAGES = '0';
  try {
    assert.equal(inKernel(), true);
    show(fig());
    show(fig());
    show(table({ caption: 'T', columns: ['a'], rows: [[1]] }));
  } finally {
    if (saved === undefined) delete process.env.ATLAS_STATIC_IMAGES;
    else process.env.ATLAS_STATIC_IMAGES = saved;
    delete require.cache[FAKE_TSLAB];
  }
  assert.equal(sent.length, 3);
  assert.ok(sent.every((s) => s.update === false && typeof s.msg.transient === 'object'));
  const [first, second, tbl] = sent.map((s) => s.msg.data);
  assert.ok(PLOTLY_MIME in first && PLOTLY_MIME in second && 'text/plain' in first);
  for (const d of [first, second]) assert.ok(String(d['text/html']).length < 20_000, 'no chart carries plotly.js');
  assert.equal(String(first['text/html']).replace(/atlas-chart-[\w-]+/g, 'ID'), String(second['text/html']).replace(/atlas-chart-[\w-]+/g, 'ID'), 'the first chart is no different from the others');
  const ids = [first, second].map((d) => /<div id="([^"]+)"/.exec(String(d['text/html']))?.[1]);
  assert.notEqual(ids[0], ids[1], 'the same figure shown twice gets two divs');
  assert.deepEqual(Object.keys(tbl).sort(), ['text/html', 'text/plain']);
});

test('PNG round trip: encode → decode keeps every pixel; optimizePng drops an opaque alpha channel and keeps the picture', () => {
  const w = 37;
  const h = 23;
  const rgba = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) rgba.set([(i * 7) & 255, (i * 13) & 255, (i >> 3) & 255, 255], i * 4);
  const png = encodePng({ width: w, height: h, channels: 4, pixels: rgba });
  const back = decodePng(png);
  assert.ok(back);
  assert.deepEqual([back.width, back.height, back.channels], [w, h, 4]);
  assert.deepEqual(back.pixels, rgba);
  // An opaque picture of flat blocks as Chromium writes it (RGBA, light deflate): smaller as RGB, same pixels.
  const smooth = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) smooth.set([((i % w) >> 3) * 60, (Math.floor(i / w) >> 3) * 80, 200, 255], i * 4);
  const chromium = Buffer.from(encodeRaw({ width: w, height: h, data: smooth, depth: 8, channels: 4 }, { zlib: { level: 1 } }));
  const optimized = optimizePng(chromium);
  assert.ok(optimized.length < chromium.length, `smaller: ${optimized.length} of ${chromium.length} bytes`);
  const small = decodePng(optimized);
  assert.ok(small && small.channels === 3, 'RGB: the all-opaque alpha channel is dropped');
  for (let i = 0; i < w * h; i++) assert.deepEqual([...small.pixels.subarray(i * 3, i * 3 + 3)], [...smooth.subarray(i * 4, i * 4 + 3)]);
  assert.equal(optimizePng(png), png, 'never bigger: an input that does not shrink comes back as it is');
  assert.throws(() => decodePng(Buffer.from('not a png')), /signature/);
});

test('long coordinate arrays and grids are stored once each as base64 typed arrays (plotly.js decodes them); short and mixed arrays stay lists', () => {
  const n = PACK_MIN_LENGTH;
  const xs = Array.from({ length: n }, (_, i) => i);
  const ys = xs.map((i) => Math.sin(i) / 3);
  const grid = [xs.map((i) => i / 7), xs.map((i) => -i / 7)];
  const fig: PlotlyFigure = {
    data: [
      { type: 'contour', x: xs, y: [0, 1], z: grid },
      { type: 'scatter', x: xs, y: ys, text: xs.map(String), customdata: ys },
      { type: 'scatter', x: [1, 2], y: [0.5, null] },
    ],
    layout: { height: 300 },
    frames: [{ name: 'a', data: [{ x: xs, y: ys }] }],
  };
  const packed = packFigureArrays(compactNumbers(fig)) as PlotlyFigure;
  const [contour, line, short] = packed.data as Record<string, any>[];
  assert.deepEqual(contour.x, { dtype: 'i4', bdata: Buffer.from(Int32Array.from(xs).buffer).toString('base64') });
  assert.deepEqual(contour.y, [0, 1], 'short: a list');
  assert.equal(contour.z.dtype, 'f4');
  assert.equal(contour.z.shape, `2,${n}`);
  const z = new Float32Array(new Uint8Array(Buffer.from(contour.z.bdata, 'base64')).buffer);
  assert.equal(z.length, 2 * n);
  z.forEach((v, i) => assert.ok(Math.abs(v - grid[Math.floor(i / n)][i % n]) < 1e-5));
  assert.equal(line.y.dtype, 'f4');
  assert.deepEqual(line.text, xs.map(String), 'strings stay');
  assert.deepEqual(line.customdata, compactNumbers(ys), 'only coordinates and grids are packed');
  assert.deepEqual(short, { type: 'scatter', x: [1, 2], y: [0.5, null] });
  assert.equal((packed.frames![0].data[0] as Record<string, any>).y.dtype, 'f4', 'animation frames too');
  assert.deepEqual(fig.data[0].x, xs, 'the input is not changed');
  const bundle = toDisplayBundle(fig, { divId: 'c' });
  assert.deepEqual(bundle.data[PLOTLY_MIME], JSON.parse(JSON.stringify(packed)), 'the Plotly JSON entry is packed');
  assert.ok(String(bundle.data['text/html']).includes(contour.z.bdata), 'and so is the HTML copy');
});

test('palette PNG: lossless up to 256 colours; beyond, every colour that covers area is kept and shades snap to a near one', () => {
  const w = 40;
  const h = 30;
  const few = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) few.set([(i % 5) * 50, (i % 7) * 30, 200], i * 3);
  const png = encodePalettePng({ width: w, height: h, channels: 3, pixels: few });
  assert.equal(decodeRaw(png).palette?.length, 35, 'a palette PNG with one entry per colour');
  assert.deepEqual(decodePng(png)!.pixels, few, 'lossless with 35 colours');
  // A "chart": a white background, three flat colours, and 250 distinct anti-aliasing shades.
  const many = new Uint8Array(w * h * 3).fill(255);
  for (let i = 0; i < 300; i++) many.set([214, 39, 40], i * 3);
  for (let i = 300; i < 400; i++) many.set([31, 119, 180], i * 3);
  for (let i = 400; i < 410; i++) many.set([0, 0, 0], i * 3);
  for (let i = 0; i < 250; i++) many.set([100 + (i % 100), 100 + Math.floor(i / 10), 60 + (i % 13)], (500 + i) * 3);
  const lossyPng = encodePalettePng({ width: w, height: h, channels: 3, pixels: many }, 16);
  assert.equal(decodeRaw(lossyPng).palette?.length, 16, 'maxColors entries');
  const lossy = decodePng(lossyPng)!;
  for (const i of [0, 350, 405, 1000]) assert.deepEqual([...lossy.pixels.subarray(i * 3, i * 3 + 3)], [...many.subarray(i * 3, i * 3 + 3)], `pixel ${i} keeps its exact colour`);
  let worst = 0;
  for (let i = 0; i < w * h * 3; i++) worst = Math.max(worst, Math.abs(lossy.pixels[i] - many[i]));
  assert.ok(worst < 60, `shades snap to a near colour (worst channel error ${worst})`);
  // paletteOptimizePng picks the smallest of the lossless RGB and the palette encodings.
  const rgba = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) rgba.set([...few.subarray(i * 3, i * 3 + 3), 255], i * 4);
  const input = encodePng({ width: w, height: h, channels: 4, pixels: rgba });
  const best = paletteOptimizePng(input);
  assert.ok(best.length <= optimizePng(input).length && best.length <= encodePalettePng({ width: w, height: h, channels: 3, pixels: few }).length);
  assert.deepEqual(decodePng(best)!.pixels, few);
});

test('a chart image as Chromium writes it (RGBA, light deflate) shrinks by over 40% as a palette PNG: flat colours exact, shades near', () => {
  // 300×200: white, a grey grid, two filled bands, two 2-pixel lines, black text-like specks, and
  // 3 600 pixels of anti-aliasing shades (over 1 000 distinct colours) along the lines.
  const w = 300;
  const h = 200;
  const rgba = new Uint8Array(w * h * 4).fill(255);
  const flat = new Map<number, number[]>();
  const put = (x: number, y: number, c: number[], isFlat = true) => {
    rgba.set([...c, 255], 4 * (y * w + x));
    if (isFlat) flat.set(y * w + x, c);
    else flat.delete(y * w + x);
  };
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) flat.set(y * w + x, [255, 255, 255]);
  for (let y = 0; y < h; y += 25) for (let x = 0; x < w; x++) put(x, y, [235, 235, 235]);
  for (let y = 120; y < 170; y++) for (let x = 20; x < 280; x++) put(x, y, [214, 216, 232]);
  for (let y = 40; y < 80; y++) for (let x = 20; x < 280; x++) put(x, y, [246, 212, 212]);
  for (let x = 0; x < w; x++) {
    const y1 = Math.round(100 + 60 * Math.sin(x / 30));
    const y2 = Math.round(60 + 40 * Math.cos(x / 23));
    for (let d = -3; d <= 4; d++) {
      const t = Math.abs(d - 0.5) / 4; // 0 at the line's centre, ~1 at its edge
      const core = Math.abs(d - 0.5) < 1;
      const jitter = [x % 8, (x >> 3) % 8, x >> 6]; // shades differ along the line: many distinct colours
      const shade = (c: number[]) => c.map((v, k) => Math.min(255, Math.round(v + (255 - v) * t) + jitter[k]));
      if (y1 + d >= 0 && y1 + d < h) put(x, y1 + d, core ? [214, 39, 40] : shade([214, 39, 40]), core);
      if (y2 + d >= 0 && y2 + d < h) put(x, y2 + d, core ? [31, 119, 180] : shade([31, 119, 180]), core);
    }
  }
  for (let k = 0; k < 400; k++) put(10 + (k * 37) % 280, 185 + (k % 10), [0, 0, 0]);
  const distinct = new Set<number>();
  for (let i = 0; i < w * h; i++) distinct.add((rgba[4 * i] << 16) | (rgba[4 * i + 1] << 8) | rgba[4 * i + 2]);
  assert.ok(distinct.size > 1000, `the test image needs more than 256 colours (has ${distinct.size})`);
  const chromium = Buffer.from(encodeRaw({ width: w, height: h, data: rgba, depth: 8, channels: 4 }, { zlib: { level: 1 } }));
  const out = paletteOptimizePng(chromium);
  const raw = decodeRaw(out);
  assert.ok(raw.palette && raw.palette.length <= 256, `an 8-bit palette PNG with at most 256 colours (palette: ${raw.palette?.length})`);
  assert.ok(out.length < 0.6 * chromium.length, `under 60% of the input: ${out.length} of ${chromium.length} bytes`);
  const img = decodePng(out)!;
  assert.deepEqual([img.width, img.height, img.channels], [w, h, 3]);
  let wrongFlat = 0;
  for (const [i, c] of flat) if (img.pixels[3 * i] !== c[0] || img.pixels[3 * i + 1] !== c[1] || img.pixels[3 * i + 2] !== c[2]) wrongFlat++;
  assert.equal(wrongFlat, 0, 'every pixel of a flat colour (background, grid, bands, lines, text) keeps its exact colour');
  let worst = 0;
  for (let i = 0; i < w * h; i++) for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(img.pixels[3 * i + c] - rgba[4 * i + c]));
  assert.ok(worst <= 40, `anti-aliasing shades snap to a near colour (worst channel error ${worst})`);
});

test('one plotly.js for notebooks and the report: plotly.js-dist-min, resolved in one place', () => {
  const file = plotlyScriptPath();
  assert.match(file.replace(/\\/g, '/'), /node_modules\/plotly\.js-dist-min\/plotly\.min\.js$/);
  assert.equal(plotlySource(), readFileSync(file, 'utf8'), 'the report inlines the file the charts use');
  const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
  assert.equal(pkg.dependencies['plotly.js-dist'], undefined, 'plotly.js-dist duplicates plotly.js-dist-min');
});

test('md(): markdown plus an HTML copy that untrusted front ends show, math left for their MathJax', () => {
  const sent: Record<string, unknown>[] = [];
  require.cache[FAKE_TSLAB] = { id: FAKE_TSLAB, filename: FAKE_TSLAB, loaded: true, exports: { lastWriteDisplayData: (msg: { data: Record<string, unknown> }) => sent.push(msg.data) } } as unknown as NodeJS.Module;
  try {
    md('**Adam**: $\\hat m_t = m_t / (1 - \\beta_1^t)$ and $a_1 < b_2$\n\n$$\\theta_t = \\theta_{t-1} - \\eta\\, g_t$$\n\n| a | b |\n|---|---|\n| 1 | 2 |');
  } finally {
    delete require.cache[FAKE_TSLAB];
  }
  assert.equal(sent.length, 1);
  const html = String(sent[0]['text/html']);
  assert.match(String(sent[0]['text/markdown']), /^\*\*Adam\*\*/);
  assert.match(html, /<strong>Adam<\/strong>/);
  assert.ok(html.includes('\\(\\hat m_t = m_t / (1 - \\beta_1^t)\\)'), html);
  assert.ok(html.includes('\\(a_1 &lt; b_2\\)'), 'TeX kept verbatim (escaped), underscores not turned into emphasis');
  assert.ok(html.includes('\\[\\theta_t = \\theta_{t-1} - \\eta\\, g_t\\]'), html);
  assert.match(html, /<table>[\s\S]*<td>1<\/td>/);
  assert.throws(() => md(undefined as unknown as string), /expected a markdown string/);
});
