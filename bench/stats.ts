// Figures the benches report: nearest-rank percentiles (floor) over samples, and rounding.

/** The `p`th percentile of `values` (any order), by nearest rank; 0 for no samples. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = values.toSorted((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export const median = (values: readonly number[]) => percentile(values, 50);
