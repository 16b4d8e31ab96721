import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LANDSCAPES, learningRateDemo, type Trajectory } from '../src/landscapes';
import {
  OPTIMIZER_COLORS, barChart, figureStyles, landscapeFigure, learningRateFigure, lineChart, optimizerColor, otherColor, shade,
  trajectorySliderFigure, validateFigure, type PlotlyFigure,
} from '../src/display';
import { OPTIMIZER_NAMES } from '../src/optimizers/types';

/** CIE76 distance in Lab: ~2.3 is a just-noticeable difference; 20+ reads as clearly different hues. */
function lab(hex: string): [number, number, number] {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c > 0.04045 ? ((c + 0.055) / 1.055) ** 2.4 : c / 12.92));
  const xyz = [(0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b, (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883];
  const f = xyz.map((t) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116));
  return [116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])];
}

test('palette: every optimizer has its own, clearly distinct colour', () => {
  assert.deepEqual(Object.keys(OPTIMIZER_COLORS).sort(), [...OPTIMIZER_NAMES].sort());
  const names = [...OPTIMIZER_NAMES];
  let closest = Infinity;
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      const [a, b] = [lab(optimizerColor(names[i])), lab(optimizerColor(names[j]))];
      const d = Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
      assert.ok(d > 20, `${names[i]} and ${names[j]} are too alike (ΔE ${d.toFixed(1)})`);
      closest = Math.min(closest, d);
    }
  }
  assert.throws(() => optimizerColor('Adam'), /No colour for optimizer "Adam": expected one of sgd, /);
  // Non-optimizer series get a stable colour: the same name, the same colour, every time.
  assert.equal(otherColor('train accuracy'), otherColor('train accuracy'));
});

test('figureStyles: colour from the optimizer (never the label), ours solid / tfjs dashed / reference dotted, settings of one optimizer in lightness steps', () => {
  const styles = figureStyles([
    { name: 'SGD with momentum', optimizer: 'momentum' },
    { name: 'Custom Adam', optimizer: 'adam', implementation: 'ours', variant: 'lr 0.001' },
    { name: 'TensorFlow Adam', optimizer: 'adam', implementation: 'tfjs', variant: 'lr 0.001' },
    { name: 'seed log: Adam', optimizer: 'adam', variant: 'lr 0.001', reference: true },
    { name: 'GD (full batch)', optimizer: 'sgd', variant: 'full' },
    { name: 'SGD (batch 1)', optimizer: 'sgd', variant: '1' },
    { name: 'Mini-batch GD (batch 64)', optimizer: 'sgd', variant: '64' },
    { name: 'train', variant: 'x' },
    { name: 'test' },
  ]);
  assert.equal(styles[0].color, OPTIMIZER_COLORS.momentum, 'a label naming SGD does not make it SGD');
  assert.deepEqual(styles.slice(1, 4).map((s) => [s.color, s.dash]), [[OPTIMIZER_COLORS.adam, 'solid'], [OPTIMIZER_COLORS.adam, 'dash'], [OPTIMIZER_COLORS.adam, 'dot']]);
  const sgd = styles.slice(4, 7);
  assert.equal(new Set(sgd.map((s) => s.color)).size, 3, 'three settings of SGD, three shades');
  assert.equal(new Set(sgd.map((s) => s.symbol)).size, 3, 'and three marker symbols');
  assert.equal(sgd[1].color, OPTIMIZER_COLORS.sgd, 'the middle step of three is the optimizer\'s own colour');
  assert.notEqual(styles[7].color, styles[8].color, 'non-optimizer series of one figure never share a colour');
  // A repeated identity still gets its own look.
  const twice = figureStyles([{ name: 'a', optimizer: 'adam' }, { name: 'a', optimizer: 'adam' }]);
  assert.notEqual(twice[0].color, twice[1].color);
  assert.throws(() => figureStyles([{ name: 'x', optimizer: 'adamm' }]), /No colour for optimizer "adamm"/);
});

test('shade: the settings of any optimizer stay nearest its own colour, and adjacent steps are visibly apart', () => {
  const dist = (a: string, b: string) => Math.hypot(...(lab(a).map((v, i) => v - lab(b)[i]) as [number, number, number]));
  for (const [name, base] of Object.entries(OPTIMIZER_COLORS)) {
    for (const n of [2, 3, 4, 5]) {
      const shades = Array.from({ length: n }, (_, i) => shade(base, i, n));
      for (const s of shades) {
        const nearest = Object.entries(OPTIMIZER_COLORS).reduce((a, b) => (dist(s, b[1]) < dist(s, a[1]) ? b : a));
        assert.equal(nearest[0], name, `${name} step ${s} of ${n} reads as ${nearest[0]}`);
      }
      // Up to three settings (GD / SGD / mini-batch) differ clearly by colour; larger sweeps also rely on marker symbols.
      for (let i = 1; i < n; i++) assert.ok(dist(shades[i - 1], shades[i]) > (n <= 3 ? 8 : 2.3), `${name}: steps ${i - 1} and ${i} of ${n} are too alike (ΔE ${dist(shades[i - 1], shades[i]).toFixed(1)})`);
    }
    assert.equal(shade(base, 0, 1), base);
  }
});

function json(fig: PlotlyFigure): PlotlyFigure {
  validateFigure(fig);
  return JSON.parse(JSON.stringify(fig));
}

test('lineChart: a mean line and a band per series, grouped in the legend, plain JSON, explicit height', () => {
  const x = Float64Array.from([1, 2, 3]);
  const fig = json(lineChart({
    title: 'Test accuracy', xTitle: 'Epoch', yTitle: 'Accuracy (%)',
    series: [
      { name: 'adam', optimizer: 'adam', x, mean: [90, 95, NaN], lo: [89, 94, 96], hi: [91, 96, 98] },
      { name: 'tfjs sgd', optimizer: 'sgd', implementation: 'tfjs', x, mean: Float32Array.from([80, 85, 88]) },
    ],
  }));
  assert.equal(fig.data.length, 3);
  const [band, line, sgd] = fig.data as Record<string, any>[];
  assert.equal(band.fill, 'toself');
  assert.deepEqual(band.x, [1, 2, 3, 3, 2, 1]);
  assert.deepEqual(band.y, [91, 96, 98, 96, 94, 89]);
  assert.equal(band.showlegend, false);
  assert.equal(band.legendgroup, line.legendgroup);
  assert.deepEqual(line.y, [90, 95, null], 'NaN becomes a gap');
  assert.equal(line.line.color, OPTIMIZER_COLORS.adam);
  assert.equal(sgd.line.dash, 'dash');
  assert.equal(fig.layout.height, 440);
  assert.match(JSON.stringify(fig.layout.yaxis), /Accuracy \(%\)/);
  assert.throws(() => lineChart({ title: 't', xTitle: 'x', yTitle: 'y', series: [{ name: 'a', x: [1, 2], mean: [1] }] }), /2 x values but 1 mean/);
  assert.throws(() => lineChart({ title: 't', xTitle: 'x', yTitle: 'y', series: [{ name: 'a', x: [1], mean: [1], lo: [0] }] }), /both lo and hi/);
  assert.throws(() => lineChart({ title: '', xTitle: 'x', yTitle: 'y', series: [{ name: 'a', x: [1], mean: [1] }] }), /title must be a non-empty string/);
});

test('barChart colours each optimizer bar with its own colour and draws asymmetric error bars', () => {
  const fig = json(barChart({
    title: 'Final accuracy', xTitle: 'Optimizer', yTitle: 'Accuracy (%)',
    series: [{ name: 'final', categories: ['SGD', 'Adam'], categoryOptimizers: ['sgd', 'adam'], values: [91, 97], lo: [90, 96.5], hi: [91.5, 98] }],
  }));
  const bar = fig.data[0] as Record<string, any>;
  assert.deepEqual(bar.marker.color, [OPTIMIZER_COLORS.sgd, OPTIMIZER_COLORS.adam]);
  assert.deepEqual(bar.error_y.array, [0.5, 1]);
  assert.deepEqual(bar.error_y.arrayminus, [1, 0.5]);
});

function fakePath(optimizer: string, diverged = false): Trajectory {
  return {
    landscape: 'rosenbrock', optimizer, hp: {}, x: Float64Array.from([-1.2, -1, 0.5]), y: Float64Array.from([1, 0.8, 0.3]),
    loss: Float64Array.from([24, 4, 1]), diverged, divergedAt: diverged ? 2 : null,
  };
}

test('landscapeFigure: contours, one trace per path, fixed window, start and minimum marked', () => {
  const l = LANDSCAPES.rosenbrock;
  const fig = json(landscapeFigure(l, [fakePath('adam'), fakePath('sgd', true)], { resolution: 21 }));
  const types = fig.data.map((t) => `${t.type}:${t.name}`);
  assert.deepEqual(types, ['contour:Rosenbrock', 'scatter:adam', 'scatter:sgd (diverged at step 2)', 'scatter:minimum', 'scatter:start']);
  const contour = fig.data[0] as Record<string, any>;
  assert.equal(contour.z.length, 21);
  assert.equal(contour.z[0].length, 21);
  assert.deepEqual((fig.layout.xaxis as any).range, [-2, 2]);
  assert.deepEqual((fig.layout.yaxis as any).range, [-1, 3]);
  // On the saddle, leaving the window is the point: it is called "escaped", not "diverged".
  const saddle = landscapeFigure(LANDSCAPES.saddle, [fakePath('sgd', true)], { resolution: 11 });
  assert.ok(saddle.data.some((t) => t.name === 'sgd (escaped at step 2)'));
});

test('trajectorySliderFigure: one frame and one slider step per value, frames replace only the path traces', () => {
  const l = LANDSCAPES.rosenbrock;
  const sweep = { landscape: 'rosenbrock' as const, param: 'learningRate' as const, frames: [0.001, 0.01, 0.1].map((value) => ({ value, trajectories: [fakePath('sgd'), fakePath('momentum')] })) };
  const fig = json(trajectorySliderFigure(l, sweep, { resolution: 11 }));
  assert.equal(fig.frames?.length, 3);
  assert.deepEqual(fig.frames?.map((f) => f.name), ['0.001', '0.01', '0.1']);
  assert.deepEqual(fig.frames?.[0].traces, [1, 2]);
  const slider = (fig.layout.sliders as any[])[0];
  assert.equal(slider.steps.length, 3);
  assert.equal(slider.active, 1);
  assert.deepEqual(slider.steps[2].args[0], ['0.1']);
  assert.match(slider.currentvalue.prefix, /learning rate/);
  assert.throws(() => trajectorySliderFigure(LANDSCAPES.bowl, sweep), /run on "rosenbrock", not on "bowl"/);
});

test('learningRateFigure: one panel per learning rate, titled with its verdict', () => {
  const fig = json(learningRateFigure(learningRateDemo({ steps: 6 })));
  assert.equal(fig.data.length, 8);
  const notes = (fig.layout.annotations as any[]).map((a) => a.text);
  assert.equal(notes.length, 4);
  assert.match(notes[0], /lr = 0.05.*too small/);
  assert.match(notes[3], /lr = 1.05.*diverges/);
  assert.ok(fig.layout.xaxis4 && fig.layout.yaxis4);
});

test('validateFigure rejects what would not survive JSON or render inconsistently', () => {
  assert.throws(() => validateFigure({ data: [], layout: {} } as never), /explicit height/);
  assert.throws(() => validateFigure({ data: [{ x: new Float64Array(2) }], layout: { height: 300 } }), /typed array at figure.data.0.x/);
  assert.throws(() => validateFigure({ data: [{ hovertemplate: () => 'x' }], layout: { height: 300 } }), /function at figure.data.0.hovertemplate/);
});
