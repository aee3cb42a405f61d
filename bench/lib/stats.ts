/** Percentile (nearest-rank) of unsorted samples; NaN when empty. */
export function pct(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const s = Float64Array.from(samples).sort();
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i];
}

export function summary(samples: number[]): { n: number; p50: number; p99: number; max: number; mean: number } {
  const n = samples.length;
  if (n === 0) return { n, p50: NaN, p99: NaN, max: NaN, mean: NaN };
  let sum = 0;
  let max = -Infinity;
  for (const v of samples) { sum += v; if (v > max) max = v; }
  return { n, p50: pct(samples, 50), p99: pct(samples, 99), max, mean: sum / n };
}

export const ms = (v: number) => (Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v.toFixed(1)) : 'n/a');
export const rate = (v: number) => (Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v.toFixed(1)) : 'n/a');
