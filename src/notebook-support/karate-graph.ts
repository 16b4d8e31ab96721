// Zachary's Karate Club drawn: a deterministic force-directed layout (Fruchterman–Reingold from a
// seeded start, fixed iteration count, so the picture is the same on every run and machine) and a
// Plotly figure with the link-prediction split on it (training, held-out and negative pairs).
import { KARATE_EDGES, KARATE_NUM_NODES, degrees, type Edge, type KarateLinkSplit } from '../data/karate';
import { createRng } from '../data/random';
import { baseConfig, baseLayout, type PlotlyFigure, type PlotlyTrace } from '../display/theme';

export interface Layout2D {
  x: number[];
  y: number[];
}

/** Fruchterman–Reingold in the unit square, then centred and scaled to [-1, 1]. */
export function forceLayout(numNodes: number, edges: readonly Edge[], opts: { seed?: number; iterations?: number } = {}): Layout2D {
  if (!Number.isInteger(numNodes) || numNodes < 1) throw new Error(`forceLayout: numNodes must be a positive integer (got ${numNodes}).`);
  for (const [u, v] of edges) {
    if (!(Number.isInteger(u) && Number.isInteger(v) && u >= 0 && v >= 0 && u < numNodes && v < numNodes)) {
      throw new Error(`forceLayout: edge [${u}, ${v}] names a node outside 0..${numNodes - 1}.`);
    }
  }
  const rng = createRng(opts.seed ?? 0);
  const iterations = opts.iterations ?? 300;
  const x = Array.from({ length: numNodes }, () => rng.next());
  const y = Array.from({ length: numNodes }, () => rng.next());
  const k = Math.sqrt(1 / numNodes); // ideal edge length in the unit square
  let temperature = 0.1;
  const cooling = temperature / (iterations + 1);
  for (let it = 0; it < iterations; it++) {
    const dx = new Float64Array(numNodes);
    const dy = new Float64Array(numNodes);
    for (let i = 0; i < numNodes; i++) {
      for (let j = i + 1; j < numNodes; j++) {
        const ex = x[i] - x[j];
        const ey = y[i] - y[j];
        const d = Math.max(Math.hypot(ex, ey), 1e-3);
        const f = (k * k) / d; // repulsion between every pair
        dx[i] += (ex / d) * f; dy[i] += (ey / d) * f;
        dx[j] -= (ex / d) * f; dy[j] -= (ey / d) * f;
      }
    }
    for (const [u, v] of edges) {
      const ex = x[u] - x[v];
      const ey = y[u] - y[v];
      const d = Math.max(Math.hypot(ex, ey), 1e-3);
      const f = (d * d) / k; // attraction along edges
      dx[u] -= (ex / d) * f; dy[u] -= (ey / d) * f;
      dx[v] += (ex / d) * f; dy[v] += (ey / d) * f;
    }
    for (let i = 0; i < numNodes; i++) {
      const d = Math.max(Math.hypot(dx[i], dy[i]), 1e-9);
      const step = Math.min(d, temperature);
      x[i] += (dx[i] / d) * step;
      y[i] += (dy[i] / d) * step;
    }
    temperature -= cooling;
  }
  const scale = (v: number[]) => {
    const lo = Math.min(...v);
    const hi = Math.max(...v);
    const mid = (lo + hi) / 2;
    const half = (hi - lo) / 2 || 1;
    return v.map((t) => (t - mid) / half);
  };
  return { x: scale(x), y: scale(y) };
}

function edgeTrace(edges: readonly Edge[], pos: Layout2D, name: string, line: Record<string, unknown>): PlotlyTrace {
  const xs: (number | null)[] = [];
  const ys: (number | null)[] = [];
  for (const [u, v] of edges) xs.push(pos.x[u], pos.x[v], null), ys.push(pos.y[u], pos.y[v], null);
  return { type: 'scatter', mode: 'lines', name: `${name} (${edges.length})`, x: xs, y: ys, line, hoverinfo: 'skip' };
}

/**
 * The club's graph with the link-prediction split: message-passing (training) edges solid, held-out
 * test edges dashed red, sampled non-edges (negatives) dotted; nodes sized by degree.
 */
export function karateGraphFigure(split?: KarateLinkSplit, opts: { seed?: number; title?: string } = {}): PlotlyFigure {
  const pos = forceLayout(KARATE_NUM_NODES, KARATE_EDGES, { seed: opts.seed ?? 0 });
  const deg = degrees(KARATE_NUM_NODES, KARATE_EDGES);
  const traces: PlotlyTrace[] = [];
  if (split) {
    traces.push(edgeTrace(split.trainNegative, pos, 'training non-edges', { color: 'rgba(120,120,120,0.35)', width: 1, dash: 'dot' }));
    traces.push(edgeTrace(split.testNegative, pos, 'test non-edges', { color: 'rgba(214,39,40,0.35)', width: 1, dash: 'dot' }));
    traces.push(edgeTrace(split.messagePassingEdges, pos, 'training edges (message passing)', { color: '#555', width: 1.4 }));
    traces.push(edgeTrace(split.testPositive, pos, 'held-out test edges', { color: '#d62728', width: 2.4, dash: 'dash' }));
  } else {
    traces.push(edgeTrace(KARATE_EDGES, pos, 'friendships', { color: '#555', width: 1.4 }));
  }
  traces.push({
    type: 'scatter', mode: 'markers+text', name: 'members',
    x: pos.x, y: pos.y,
    text: pos.x.map((_, i) => String(i + 1)), textposition: 'middle center', textfont: { size: 9, color: '#fff' },
    marker: { size: deg.map((d) => 12 + 1.6 * d), color: '#1f77b4', line: { color: '#fff', width: 1 } },
    customdata: deg,
    hovertemplate: 'member %{text}<br>degree %{customdata}<extra></extra>',
  });
  const layout = baseLayout({
    title: opts.title ?? (split ? 'Karate Club: the link-prediction split' : "Zachary's Karate Club (34 members, 78 friendships)"),
    subtitle: split ? `split seed ${split.seed}, ${Math.round(split.testFraction * 100)}% of edges held out; node size ∝ degree` : 'node size ∝ degree; deterministic force-directed layout',
    xTitle: 'layout x (no unit)', yTitle: 'layout y (no unit)', height: 560,
  });
  Object.assign(layout.xaxis as object, { showgrid: false, showticklabels: false, ticks: '', showline: false, title: { text: '' }, range: [-1.15, 1.15] });
  Object.assign(layout.yaxis as object, { showgrid: false, showticklabels: false, ticks: '', showline: false, title: { text: '' }, range: [-1.15, 1.15], scaleanchor: 'x' });
  return { data: traces, layout, config: baseConfig() };
}
