// Figures from measurements (fault suites and benchmarks).

/** The p-th percentile (0..100) of `values` by nearest rank; NaN when there are none. `values` need not be sorted. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}
