/**
 * A digest of a run's fills, so two replays of the same history with the same orders can be compared exactly:
 * the same fills in the same order (price, quantity, fees, sides, orders, time) give the same digest, any
 * difference gives another. FNV-1a over a canonical text of each fill, 64 bits as 16 hex digits; pure, so it
 * runs anywhere. Not for anything secret.
 */
import type { PaperEvent } from '../paper/types';

const PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;

export class FillDigest {
  private h = 0xcbf29ce484222325n;
  private n = 0;

  /** Adds the trades among `events`, in order; other events are left out. */
  add(events: readonly PaperEvent[]): void {
    for (const e of events) {
      if (e.type !== 'trade') continue;
      this.n++;
      const text = [
        e.market,
        e.ts,
        e.price,
        e.quantity,
        e.quoteAmount,
        e.takerSide,
        e.takerOrderId,
        e.makerOrderId,
        e.takerFee,
        e.makerFee,
      ].join('|');
      for (let i = 0; i < text.length; i++) this.h = ((this.h ^ BigInt(text.charCodeAt(i))) * PRIME) & MASK;
      this.h = ((this.h ^ 0x0an) * PRIME) & MASK;
    }
  }

  /** Fills added so far. */
  get fills(): number {
    return this.n;
  }

  get hex(): string {
    return this.h.toString(16).padStart(16, '0');
  }
}
