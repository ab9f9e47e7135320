/**
 * Measuring helpers for the engine benchmark: a forced GC between runs (so one run's garbage is not billed
 * to the next), heap sampling, and latency percentiles.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * `global.gc` without asking for `node --expose-gc`: `npm run bench:engine` runs plain `tsx`. Setting the flag
 * at run time and fetching `gc` from a fresh context is the documented way to get it afterwards.
 */
const gc: () => void = (() => {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/** Collects garbage (twice: the first pass can leave work for the second) and returns the heap in use. */
export function settleHeap(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Tracks the largest heap seen; `sample` is cheap enough to call every few thousand operations. */
export class HeapPeak {
  peak = 0;
  sample(): void {
    const used = process.memoryUsage().heapUsed;
    if (used > this.peak) this.peak = used;
  }
}

/** Nearest-rank percentile (0..100) of samples already sorted ascending. */
export function percentile(sorted: Float64Array, p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export const MiB = 1024 * 1024;
