/**
 * A market-data client's copy of one LPJ order book, kept from a snapshot plus the deltas after it with the
 * contract's sequence rule. A gap is reported, never papered over: the caller asks for a fresh snapshot.
 */
import type { Level, ServerMessage } from '../../protocol/sync';

type Snapshot = Extract<ServerMessage, { type: 'book.snapshot' }>;
type Delta = Extract<ServerMessage, { type: 'book.delta' }>;

export type DeltaOutcome = 'applied' | 'stale' | 'gap' | 'no_snapshot';

export class BookMirror {
  /** The sequence number the mirrored book is consistent with; -1 until the first snapshot. */
  seq = -1;
  private readonly bids = new Map<number, number>();
  private readonly asks = new Map<number, number>();

  constructor(readonly market: string) {}

  snapshot(s: Snapshot): void {
    this.bids.clear();
    this.asks.clear();
    for (const [p, q] of s.bids) this.bids.set(p, q);
    for (const [p, q] of s.asks) this.asks.set(p, q);
    this.seq = s.seq;
  }

  delta(d: Delta): DeltaOutcome {
    if (this.seq < 0) return 'no_snapshot';
    if (d.seq <= this.seq) return 'stale';
    if (d.prevSeq > this.seq) return 'gap';
    // Level values are absolute, so a delta that starts before our snapshot still leaves every level right.
    for (const [p, q] of d.bids) q === 0 ? this.bids.delete(p) : this.bids.set(p, q);
    for (const [p, q] of d.asks) q === 0 ? this.asks.delete(p) : this.asks.set(p, q);
    this.seq = d.seq;
    return 'applied';
  }

  /** Forget the book (after a disconnect: it is stale until the next snapshot). */
  reset(): void {
    this.seq = -1;
    this.bids.clear();
    this.asks.clear();
  }

  levels(depth = Infinity): { bids: Level[]; asks: Level[] } {
    const bids = [...this.bids].sort((a, b) => b[0] - a[0]).slice(0, depth);
    const asks = [...this.asks].sort((a, b) => a[0] - b[0]).slice(0, depth);
    return { bids, asks };
  }
}
