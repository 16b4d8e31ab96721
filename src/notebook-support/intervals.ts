// How the notebooks show a mean with its 95% interval across seeds: as text ("91.20 ± 0.35") and as a
// chart series' line and band. One place, so every table and chart reads an interval the same way.
import type { Interval } from '../experiments/api';

/** "mean ± half-width" of the 95% interval, scaled (100 for %); the mean alone for one seed; '—' when there is no number. */
export function formatInterval(s: Interval | undefined, scale = 1, decimals = 2): string {
  if (!s || !Number.isFinite(s.mean)) return '—';
  const v = (s.mean * scale).toFixed(decimals);
  return s.n > 1 ? `${v} ± ${(((s.upper - s.lower) / 2) * scale).toFixed(decimals)}` : v;
}

/** A chart series' mean line and, when any point has several seeds, its band (lo/hi), scaled. */
export function meanWithBand(points: readonly Interval[], scale = 1): { mean: number[]; lo?: number[]; hi?: number[] } {
  const banded = points.some((p) => p.n > 1);
  return {
    mean: points.map((p) => p.mean * scale),
    ...(banded ? { lo: points.map((p) => p.lower * scale), hi: points.map((p) => p.upper * scale) } : {}),
  };
}
