// One colour per optimizer, the same in every chart of every notebook and of the report.
// A tfjs built-in ('tfjs adam') keeps its optimizer's colour and is drawn dashed, so "ours vs
// theirs" reads as one hue, two line styles.

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

/** For series that are not optimizers (e.g. 'train' / 'test'), assigned by a stable hash of the name. */
const EXTRA_COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#9c755f'];

export const BUILTIN_PREFIX = 'tfjs ';

export interface SeriesStyle {
  color: string;
  dash: 'solid' | 'dash';
}

/** Normalise a series name to the optimizer it names: 'Adam', 'tfjs adam', 'adam (lr=0.01)' → 'adam'. */
export function optimizerKey(name: string): string | undefined {
  let key = name.trim().toLowerCase();
  if (key.startsWith(BUILTIN_PREFIX)) key = key.slice(BUILTIN_PREFIX.length);
  key = key.split(/[\s(,:]/)[0];
  return key in OPTIMIZER_COLORS ? key : undefined;
}

export function isBuiltinName(name: string): boolean {
  return name.trim().toLowerCase().startsWith(BUILTIN_PREFIX);
}

/** The colour for a series name: the optimizer's own, else a stable pick from the extra palette. */
export function colorFor(name: string): string {
  const key = optimizerKey(name);
  if (key) return OPTIMIZER_COLORS[key];
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return EXTRA_COLORS[h % EXTRA_COLORS.length];
}

export function styleFor(name: string): SeriesStyle {
  return { color: colorFor(name), dash: isBuiltinName(name) ? 'dash' : 'solid' };
}

/** '#rrggbb' → 'rgba(r,g,b,a)', for translucent bands. */
export function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`withAlpha expects a colour like "#1f77b4" (got "${hex}").`);
  const [r, g, b] = [m[1], m[2], m[3]].map((c) => parseInt(c, 16));
  return `rgba(${r},${g},${b},${alpha})`;
}
