import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { decode as decodeRaw } from 'fast-png';
import { LANDSCAPES } from '../src/landscapes';
import { closeStaticRenderer, decodePng, staticImageBrowser, landscapeFigure, staticImageStatus, renderPngSync } from '../src/display';

const chromium = staticImageBrowser();
const skip = process.env.ATLAS_STATIC_IMAGES === '0'
  ? 'ATLAS_STATIC_IMAGES=0: static images are turned off'
  : chromium ? false : 'no Chromium found (install chromium or set PUPPETEER_EXECUTABLE_PATH): static chart images cannot be tested here';

after(() => closeStaticRenderer());

test('a figure renders to a real PNG in headless Chromium: right size, not blank', { skip }, () => {
  const fig = landscapeFigure(LANDSCAPES.rosenbrock, [{ optimizer: 'adam', x: [-1.2, -0.5, 0.3], y: [1, 0.4, 0.1] }], { resolution: 41, height: 400 });
  const png = renderPngSync(fig, { width: 600 });
  assert.ok(png, `no image: ${JSON.stringify(staticImageStatus())}`);
  const bytes = Buffer.from(png, 'base64');
  const palette = decodeRaw(bytes).palette;
  assert.ok(palette && palette.length <= 256, `stored as an 8-bit palette PNG, at most 256 colours (palette: ${palette?.length})`);
  const img = decodePng(bytes);
  assert.ok(img, 'decodes as 8-bit RGB(A)');
  assert.deepEqual([img.width, img.height], [600, 400]);
  const ch = img.channels;
  const colours = new Set<number>();
  let nonWhite = 0;
  let adamRed = 0;
  for (let i = 0; i < img.pixels.length; i += ch) {
    const [r, g, b] = [img.pixels[i], img.pixels[i + 1], img.pixels[i + 2]];
    colours.add((r << 16) | (g << 8) | b);
    if (r < 245 || g < 245 || b < 245) nonWhite++;
    if (r > 180 && g < 80 && b < 80) adamRed++; // adam's #d62728 path
  }
  const pixels = img.width * img.height;
  assert.ok(colours.size > 50, `only ${colours.size} distinct colours`);
  assert.ok(nonWhite / pixels > 0.3, `only ${((100 * nonWhite) / pixels).toFixed(1)}% non-white: the contour is missing`);
  assert.ok(adamRed > 50, `the adam path is not drawn (${adamRed} red pixels)`);
});
