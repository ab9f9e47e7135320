/**
 * Shares of a whole, as an allocation shows them: basis points of the total, each rounded down and the points
 * left over given to the largest remainders, so the shares shown always add up to exactly 100.00 %. Exact:
 * bigint arithmetic on the values, whatever their size. A zero or negative total has no shares (all zero).
 */
const WHOLE = 10_000n;

/** Basis points (0–10,000) of each value in their sum; negative values count as zero. */
export function shares(values: readonly bigint[]): number[] {
  const parts = values.map((v) => (v > 0n ? v : 0n));
  const total = parts.reduce((a, b) => a + b, 0n);
  if (total === 0n) return parts.map(() => 0);
  const floors = parts.map((v) => (v * WHOLE) / total);
  const remainders = parts.map((v, i) => ({ i, r: (v * WHOLE) % total }));
  let left = Number(WHOLE - floors.reduce((a, b) => a + b, 0n));
  const out = floors.map(Number);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left === 0) break;
    out[i]++;
    left--;
  }
  return out;
}

/** Basis points as a percentage with two decimals: 1234 → "12.34%". */
export function formatShare(bps: number): string {
  return `${Math.floor(bps / 100)}.${String(bps % 100).padStart(2, '0')}%`;
}
