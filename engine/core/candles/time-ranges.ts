/**
 * Half-open time ranges [from, to) in ms, and the set arithmetic the candle store and history loader need:
 * which minutes of a requested range are known, and which are still missing.
 */

export interface TimeRange {
  /** Inclusive start, ms UTC. */
  from: number;
  /** Exclusive end, ms UTC. */
  to: number;
}

/** Sorts and merges overlapping or touching ranges; drops empty ones. */
export function mergeRanges(ranges: readonly TimeRange[]): TimeRange[] {
  const sorted = ranges.filter((r) => r.to > r.from).sort((a, b) => a.from - b.from);
  const out: TimeRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.from <= last.to) last.to = Math.max(last.to, r.to);
    else out.push({ from: r.from, to: r.to });
  }
  return out;
}

/** The parts of `range` not covered by `covered` (which must be merged: sorted, disjoint), oldest first. */
export function subtractRanges(range: TimeRange, covered: readonly TimeRange[]): TimeRange[] {
  const out: TimeRange[] = [];
  let cursor = range.from;
  for (const c of covered) {
    if (c.to <= cursor) continue;
    if (c.from >= range.to) break;
    if (c.from > cursor) out.push({ from: cursor, to: Math.min(c.from, range.to) });
    cursor = Math.max(cursor, c.to);
    if (cursor >= range.to) break;
  }
  if (cursor < range.to) out.push({ from: cursor, to: range.to });
  return out;
}

/** The parts of `ranges` inside `window`. */
export function clipRanges(ranges: readonly TimeRange[], window: TimeRange): TimeRange[] {
  const out: TimeRange[] = [];
  for (const r of ranges) {
    const from = Math.max(r.from, window.from);
    const to = Math.min(r.to, window.to);
    if (to > from) out.push({ from, to });
  }
  return out;
}

export function rangeLength(ranges: readonly TimeRange[]): number {
  let total = 0;
  for (const r of ranges) total += r.to - r.from;
  return total;
}
