import type { Level } from './types';

/**
 * One side of a locally kept depth book of an exchange feed (price levels only, no orders; not the matching
 * engine's BookSide): levels sorted best first (bids descending, asks ascending), found by
 * binary search. Level tuples are immutable and replaced on change, so a published book can share them with
 * the kept one: publishing the top N costs one array, not N new tuples.
 */
export class DepthSide {
  private levels: Level[] = [];

  constructor(readonly descending: boolean) {}

  get size(): number {
    return this.levels.length;
  }

  clear(): void {
    this.levels = [];
  }

  /** Replaces the side wholesale (levels already validated; sorted here). */
  load(levels: Level[]): void {
    const copy = levels.filter((l) => l[1] > 0);
    copy.sort(this.descending ? (a, b) => b[0] - a[0] : (a, b) => a[0] - b[0]);
    this.levels = copy;
  }

  /** Sets a level's absolute size; size 0 removes it. */
  set(price: number, size: number): void {
    this.setLevel([price, size]);
  }

  /** Sets a level from an (immutable) tuple, kept as is: size 0 removes the level. */
  setLevel(level: Level): void {
    const price = level[0];
    const size = level[1];
    const levels = this.levels;
    let lo = 0;
    let hi = levels.length;
    const desc = this.descending;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const p = levels[mid][0];
      if (desc ? p > price : p < price) lo = mid + 1;
      else hi = mid;
    }
    if (lo < levels.length && levels[lo][0] === price) {
      if (size === 0) levels.splice(lo, 1);
      else levels[lo] = level;
    } else if (size !== 0) {
      if (lo === levels.length) levels.push(level);
      else levels.splice(lo, 0, level);
    }
  }

  best(): Level | undefined {
    return this.levels[0];
  }

  /** The best `depth` levels (all when depth is omitted), as a new array sharing the immutable tuples. */
  top(depth?: number): Level[] {
    return depth === undefined || depth >= this.levels.length ? this.levels.slice() : this.levels.slice(0, depth);
  }
}
