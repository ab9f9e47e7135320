import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MatchingEngine, type EngineSnapshot } from './engine';
import { Harness, LPJ } from './testing/fixtures';
import { commandStream } from './testing/random-commands';
import type { EngineEvent } from './types';

const ACCOUNTS = [1, 2, 3, 4, 5];
const streamOptions = { market: LPJ, accounts: ACCOUNTS, mid: 10_000, spreadTicks: 20 };

function funded(): Harness {
  const h = new Harness();
  for (const a of ACCOUNTS) h.fund(a, { KRW: 5_000_000, LPJ: 50_000 });
  return h;
}

/** Orders' entry into the queue, in the order events say it happened: FIFO within a level must follow it. */
class EntryOrder {
  private next = 0;
  readonly entry = new Map<number, number>();
  see(e: EngineEvent): void {
    if (e.type === 'accepted' || e.type === 'triggered' || (e.type === 'amended' && !e.keptPriority))
      this.entry.set(e.orderId, this.next++);
  }
}

/** An L2 book kept only from `book` events, as a market-data client keeps it. */
class MirrorBook {
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();
  see(e: EngineEvent): void {
    if (e.type !== 'book') return;
    const side = e.side === 'buy' ? this.bids : this.asks;
    if (e.quantity === 0) side.delete(e.price);
    else side.set(e.price, e.quantity);
  }
  levels(side: 'buy' | 'sell'): [number, number][] {
    const m = side === 'buy' ? this.bids : this.asks;
    return [...m].sort((a, b) => (side === 'buy' ? b[0] - a[0] : a[0] - b[0]));
  }
}

const roundTrip = (s: EngineSnapshot): EngineSnapshot => JSON.parse(JSON.stringify(s)) as EngineSnapshot;

describe('randomised order streams', () => {
  it('keep every invariant after every command: no crossed book, FIFO in a level, holds and conservation', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const h = funded();
        const next = commandStream(seed, h.engine, streamOptions);
        const entries = new EntryOrder();
        const mirror = new MirrorBook();
        let seq = 0;
        for (let i = 0; i < 400; i++) {
          for (const e of h.apply(next())) {
            entries.see(e);
            mirror.see(e);
            if (e.market === LPJ.id) {
              // Gap-free sequence numbers on the market stream.
              expect(e.seq).toBe(++seq);
            }
          }
          h.check();
          const snap = h.engine.snapshot();
          let prev: { price: number; entry: number } | undefined;
          for (const row of snap.books[0].orders) {
            const [id, , , , , , price] = row;
            const entry = entries.entry.get(id)!;
            if (prev && prev.price === price) expect(entry).toBeGreaterThan(prev.entry);
            prev = { price, entry };
          }
        }
        // The book kept from events alone equals the engine's.
        const depth = h.engine.depth(LPJ.id, 1_000)!;
        expect(mirror.levels('buy')).toEqual(depth.bids);
        expect(mirror.levels('sell')).toEqual(depth.asks);
      }),
      { numRuns: 25 },
    );
  });

  it('a snapshot restored mid-stream behaves exactly like the original from then on', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 300 }), (seed, cut) => {
        const h = funded();
        const next = commandStream(seed, h.engine, streamOptions);
        for (let i = 0; i < cut; i++) h.apply(next());
        const copy = MatchingEngine.restore(roundTrip(h.engine.snapshot()));
        expect(copy.snapshot()).toEqual(h.engine.snapshot());
        for (let i = 0; i < 300; i++) {
          const cmd = next();
          expect(copy.apply(cmd)).toEqual(h.engine.apply(cmd));
        }
        expect(copy.snapshot()).toEqual(h.engine.snapshot());
        expect(copy.audit()).toEqual([]);
      }),
      { numRuns: 20 },
    );
  });

  it('exercise the new order types: trailing stops trigger, brackets place exits, OCO legs cancel each other', () => {
    const h = funded();
    const next = commandStream(11, h.engine, streamOptions);
    const seen = { trailingTriggered: 0, exitsPlaced: 0, ocoCancelled: 0, ocoPlaced: 0 };
    const trailing = new Set<number>();
    for (let i = 0; i < 4_000; i++) {
      for (const e of h.apply(next())) {
        if (e.type === 'accepted' && e.orderType === 'trailing_stop') trailing.add(e.orderId);
        if (e.type === 'triggered' && trailing.has(e.orderId)) seen.trailingTriggered++;
        if (e.type === 'accepted' && e.parentOrderId !== undefined) seen.exitsPlaced++;
        if (e.type === 'accepted' && e.parentOrderId === undefined && e.ocoOrderId !== undefined) seen.ocoPlaced++;
        if (e.type === 'cancelled' && e.reason === 'oco') seen.ocoCancelled++;
      }
    }
    h.check();
    for (const [what, count] of Object.entries(seen)) expect([what, count > 10]).toEqual([what, true]);
  });

  it('a depth snapshot plus the book events after it rebuilds the book exactly', () => {
    const h = funded();
    const next = commandStream(7, h.engine, streamOptions);
    for (let i = 0; i < 500; i++) h.apply(next());
    const start = h.engine.depth(LPJ.id, 1_000)!;
    const mirror = new MirrorBook();
    for (const [p, q] of start.bids) mirror.bids.set(p, q);
    for (const [p, q] of start.asks) mirror.asks.set(p, q);
    for (let i = 0; i < 2_000; i++) {
      for (const e of h.apply(next())) if (e.market === LPJ.id && e.seq > start.seq) mirror.see(e);
    }
    const end = h.engine.depth(LPJ.id, 1_000)!;
    expect(mirror.levels('buy')).toEqual(end.bids);
    expect(mirror.levels('sell')).toEqual(end.asks);
  });
});
