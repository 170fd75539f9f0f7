/** Percentile summaries for the benchmark's processes. */

export type Summary = { p50: number; p90: number; p99: number; mean: number; max: number; samples: number };

export const round = (x: number, digits = 3) => Number(x.toFixed(digits));

/** The `q` quantile of sorted samples (nearest rank). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** p50/p90/p99/mean/max of samples (sorted here). */
export function summary(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: round(percentile(sorted, 0.5)),
    p90: round(percentile(sorted, 0.9)),
    p99: round(percentile(sorted, 0.99)),
    mean: round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
    max: round(sorted.at(-1) ?? Number.NaN),
    samples: sorted.length,
  };
}
