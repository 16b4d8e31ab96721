// Every series style is decided here, in one place: one colour per optimizer, the same in every
// chart of every notebook and of the report, taken from what the series *is* (its optimizer and
// implementation, from the run record), never parsed from its display label.
//
// Within one figure:
// - ours vs the tfjs built-in: the same colour, solid vs dashed ("one hue, two line styles");
// - a reference curve (e.g. a seed's logged curve of the same setting): the same colour, dotted;
// - several settings of one optimizer (GD / SGD / mini-batch GD are all `sgd` with different batch
//   sizes; sweeps over lr or betas): lightness steps of the optimizer's hue, darkest first, each
//   with its own marker symbol, so no two curves of a figure look alike and each still reads as
//   its optimizer.
import type { Implementation } from '../experiments/types';

/** Hand-picked for mutual contrast on a white background (a test checks the pairwise distance). */
export const OPTIMIZER_COLORS: Readonly<Record<string, string>> = {
  sgd: '#1f77b4', // blue
  momentum: '#2ca02c', // green
  nesterov: '#17becf', // teal
  adagrad: '#bcbd22', // olive
  rmsprop: '#ff7f0e', // orange
  adadelta: '#8c564b', // brown
  adam: '#d62728', // red
  amsgrad: '#e377c2', // pink
  adamw: '#9467bd', // purple
  adamax: '#7f7f7f', // grey
  nadam: '#393b79', // indigo
  lion: '#111111', // near-black
};

/** For series that are not optimizers (e.g. 'train' / 'test'). */
const OTHER_COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#9c755f'];

/** One marker per setting of an optimizer within a figure (lines with ≤ 30 points show markers). */
const SYMBOLS = ['circle', 'square', 'diamond', 'triangle-up', 'x', 'cross', 'triangle-down', 'star', 'pentagon', 'hexagon', 'star-triangle-up', 'hourglass'];

export type LineDash = 'solid' | 'dash' | 'dot';

export interface SeriesStyle {
  color: string;
  dash: LineDash;
  symbol: string;
}

/** What a series is, as far as its look goes. */
export interface SeriesIdentity {
  /** Legend label; only series without an optimizer are coloured by it. */
  name: string;
  /** The optimizer (an OptimizerName) from the run record: picks the hue. */
  optimizer?: string;
  /** 'tfjs' (the built-in) is dashed; 'ours' (the default) solid. */
  implementation?: Implementation;
  /**
   * Which setting of the optimizer (batch size, hyperparameters, …): series of one optimizer with
   * different variants get different lightness steps; the same variant (ours vs tfjs, a run and its
   * reference curve) shares one colour. Default: the name.
   */
  variant?: string;
  /** A reference curve (the seed's own log) of the same variant: dotted. */
  reference?: boolean;
}

/** The optimizer's own colour; an unknown name is an error (a typo must not silently recolour a chart). */
export function optimizerColor(optimizer: string): string {
  const c = OPTIMIZER_COLORS[optimizer];
  if (!c) throw new Error(`No colour for optimizer "${optimizer}": expected one of ${Object.keys(OPTIMIZER_COLORS).join(', ')} (a series' optimizer comes from its run record's config.optimizer).`);
  return c;
}

/** A stable colour for a series that is not an optimizer: the same name gets the same colour. */
export function otherColor(name: string): string {
  return OTHER_COLORS[nameHash(name) % OTHER_COLORS.length];
}

function nameHash(name: string): number {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h;
}

/** Half-width of the HSL-lightness range the settings of one optimizer spread over (a test checks every shade stays nearest its own optimizer). */
const SHADE_RANGE = 0.12;
const LIGHTNESS_LIMITS = [0, 0.85] as const;

/**
 * Lightness step `i` of `n` of `hex` (hue and saturation kept): evenly from darker (i = 0) to
 * lighter (i = n − 1) over ±SHADE_RANGE around the colour's own lightness, shifted to stay within
 * LIGHTNESS_LIMITS (so near-black lion still gets visible steps). An odd count keeps the exact
 * colour in the middle when no shift is needed; a single variant is the optimizer's colour.
 */
export function shade(hex: string, i: number, n: number): string {
  if (n <= 1) return hex.toLowerCase();
  const [h, sat, l] = toHsl(rgb(hex));
  const shift = Math.max(0, LIGHTNESS_LIMITS[0] - (l - SHADE_RANGE)) - Math.max(0, l + SHADE_RANGE - LIGHTNESS_LIMITS[1]);
  const target = l + shift - SHADE_RANGE + (2 * SHADE_RANGE * i) / (n - 1);
  return fromHsl(h, sat, target);
}

function toHsl([r8, g8, b8]: [number, number, number]): [number, number, number] {
  const [r, g, b] = [r8 / 255, g8 / 255, b8 / 255];
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const l = (max + min) / 2;
  if (max === min) return [0, 0, l];
  const d = max - min;
  const s = l > 0.5 ? d / (2 - max - min) : d / (max + min);
  const h = max === r ? (g - b) / d + (g < b ? 6 : 0) : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return [h / 6, s, l];
}

function fromHsl(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number) => {
    const k = (n + h * 12) % 12;
    return Math.round((l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))) * 255);
  };
  return `#${[0, 8, 4].map((n) => channel(n).toString(16).padStart(2, '0')).join('')}`;
}

function rgb(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`Expected a colour like "#1f77b4" (got "${hex}").`);
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
}

/**
 * The styles of one figure's series, in order. Guarantees that no two series of the figure share
 * (colour, dash): a repeated identity (same optimizer, variant, implementation and reference flag)
 * counts as a further variant.
 */
export function figureStyles(series: SeriesIdentity[]): SeriesStyle[] {
  const dashOf = (s: SeriesIdentity): LineDash => (s.reference ? 'dot' : s.implementation === 'tfjs' ? 'dash' : 'solid');
  // Per optimizer: its variants in order of first appearance.
  const variants = new Map<string, string[]>();
  const seen = new Set<string>();
  const keys = series.map((s) => {
    if (s.optimizer === undefined) return undefined;
    optimizerColor(s.optimizer); // fail early on an unknown name
    let variant = s.variant ?? s.name;
    for (let k = 2; seen.has(JSON.stringify([s.optimizer, variant, dashOf(s)])); k++) variant = `${s.variant ?? s.name}#${k}`;
    seen.add(JSON.stringify([s.optimizer, variant, dashOf(s)]));
    const list = variants.get(s.optimizer) ?? [];
    if (!list.includes(variant)) list.push(variant);
    variants.set(s.optimizer, list);
    return { optimizer: s.optimizer, variant };
  });
  const usedOther = new Set<string>();
  return series.map((s, i) => {
    const key = keys[i];
    if (!key) {
      // Stable by name, moved along the palette if another series of this figure already has it.
      let j = nameHash(s.name);
      for (let tries = 0; tries < OTHER_COLORS.length && usedOther.has(OTHER_COLORS[j % OTHER_COLORS.length]); tries++) j++;
      const color = OTHER_COLORS[j % OTHER_COLORS.length];
      usedOther.add(color);
      return { color, dash: dashOf(s), symbol: SYMBOLS[0] };
    }
    const list = variants.get(key.optimizer)!;
    const v = list.indexOf(key.variant);
    return { color: shade(optimizerColor(key.optimizer), v, list.length), dash: dashOf(s), symbol: SYMBOLS[v % SYMBOLS.length] };
  });
}

/** '#rrggbb' → 'rgba(r,g,b,a)', for translucent bands. */
export function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`withAlpha expects a colour like "#1f77b4" (got "${hex}").`);
  const [r, g, b] = [m[1], m[2], m[3]].map((c) => parseInt(c, 16));
  return `rgba(${r},${g},${b},${alpha})`;
}
