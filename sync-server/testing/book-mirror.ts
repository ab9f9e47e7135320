/**
 * A client-side copy of one market's book, kept the way the protocol says (engine/protocol/sync.ts): start from
 * a snapshot, apply a delta when prevSeq ≤ mySeq < seq, skip it when seq ≤ mySeq, and on a gap
 * (prevSeq > mySeq) ask for a fresh snapshot and ignore deltas until it arrives.
 */
import type { Level, ServerMessage } from '../../engine/protocol/sync';

export class BookMirror {
  /** Undefined until the first snapshot. */
  seq: number | undefined;
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();
  snapshots = 0;
  gaps = 0;
  applied = 0;
  skipped = 0;
  private resyncing = false;
  /** Tests set this to lose the next N deltas, as a lossy link would. */
  dropNext = 0;

  constructor(
    readonly market: string,
    private readonly requestSnapshot: () => void,
  ) {}

  handle(msg: ServerMessage): void {
    if (msg.type === 'book.snapshot' && msg.market === this.market) {
      this.bids.clear();
      this.asks.clear();
      for (const [p, q] of msg.bids) this.bids.set(p, q);
      for (const [p, q] of msg.asks) this.asks.set(p, q);
      this.seq = msg.seq;
      this.resyncing = false;
      this.snapshots++;
      return;
    }
    if (msg.type !== 'book.delta' || msg.market !== this.market) return;
    if (this.dropNext > 0) {
      this.dropNext--;
      return;
    }
    if (this.seq === undefined || this.resyncing) return;
    if (msg.seq <= this.seq) {
      this.skipped++;
      return;
    }
    if (msg.prevSeq > this.seq) {
      this.gaps++;
      this.resyncing = true;
      this.requestSnapshot();
      return;
    }
    for (const [p, q] of msg.bids) q === 0 ? this.bids.delete(p) : this.bids.set(p, q);
    for (const [p, q] of msg.asks) q === 0 ? this.asks.delete(p) : this.asks.set(p, q);
    this.seq = msg.seq;
    this.applied++;
  }

  /** Levels as the server's depth lists them: bids high to low, asks low to high. */
  levels(): { bids: Level[]; asks: Level[] } {
    return {
      bids: [...this.bids].sort((a, b) => b[0] - a[0]),
      asks: [...this.asks].sort((a, b) => a[0] - b[0]),
    };
  }
}
