/**
 * A Binance local order book kept with the official procedure: buffer diffs, take a REST snapshot, drop diffs
 * the snapshot already contains (u <= lastUpdateId), then apply diffs in order; each must continue exactly
 * where the book is (U <= bookId + 1 <= u; after the first, U = previous u + 1). Anything else means a diff was
 * missed or reordered: the book is discarded and rebuilt from a new snapshot.
 */
import { DepthSide } from '../../../core/market-data/depth-side';
import type { Level } from '../../../core/market-data/types';
import type { DepthDiff, DepthSnapshot } from './binance-protocol';

export type DiffOutcome =
  /** Applied: the book changed. */
  | 'applied'
  /** Held until a snapshot arrives (the caller fetches one if none is on its way). */
  | 'buffered'
  /** Already contained in the book. */
  | 'stale'
  /** A diff is missing: the book was discarded; the caller must fetch a new snapshot. */
  | 'gap';

export type SnapshotOutcome = 'synced' | 'too-old' | 'gap';

/** Diffs kept while a snapshot is on its way; beyond this the oldest are dropped (and the sync restarts). */
const MAX_BUFFERED = 5000;

export class DepthSync {
  readonly bids = new DepthSide(true);
  readonly asks = new DepthSide(false);
  private buffer: DepthDiff[] = [];
  private bookId = -1;
  private synced = false;

  get isSynced(): boolean {
    return this.synced;
  }

  get lastUpdateId(): number {
    return this.bookId;
  }

  /** Forgets the book (e.g. the connection dropped): diffs are buffered again until the next snapshot. */
  reset(): void {
    this.synced = false;
    this.bookId = -1;
    this.buffer = [];
    this.bids.clear();
    this.asks.clear();
  }

  onDiff(diff: DepthDiff): DiffOutcome {
    if (!this.synced) {
      if (this.buffer.length >= MAX_BUFFERED) this.buffer.shift();
      this.buffer.push(diff);
      return 'buffered';
    }
    if (diff.lastId <= this.bookId) return 'stale';
    if (diff.firstId > this.bookId + 1) {
      this.reset();
      // This diff may well be the first one the next snapshot needs.
      this.buffer.push(diff);
      return 'gap';
    }
    this.apply(diff);
    return 'applied';
  }

  /** Loads a snapshot and replays the buffered diffs on it. */
  onSnapshot(snapshot: DepthSnapshot): SnapshotOutcome {
    const first = this.buffer[0];
    // Older than the first diff we hold: the diffs in between are lost to us. Ask again.
    if (first && snapshot.lastUpdateId + 1 < first.firstId) return 'too-old';
    this.bids.load(snapshot.bids);
    this.asks.load(snapshot.asks);
    this.bookId = snapshot.lastUpdateId;
    this.synced = true;
    const pending = this.buffer;
    this.buffer = [];
    for (const diff of pending) {
      if (this.onDiff(diff) === 'gap') {
        // Keep what followed the gap for the next snapshot.
        this.buffer.push(...pending.slice(pending.indexOf(diff) + 1));
        return 'gap';
      }
    }
    return 'synced';
  }

  private apply(diff: DepthDiff): void {
    const b = diff.bids;
    // Diff levels are immutable tuples: the book keeps them as they are, no copies.
    for (let i = 0; i < b.length; i++) this.bids.setLevel(b[i]);
    const a = diff.asks;
    for (let i = 0; i < a.length; i++) this.asks.setLevel(a[i]);
    this.bookId = diff.lastId;
  }

  top(depth?: number): { bids: Level[]; asks: Level[] } {
    return { bids: this.bids.top(depth), asks: this.asks.top(depth) };
  }
}
