/**
 * The trigger moves of trailing stops as events (`trigger_moved`, ./trailing.ts): published once per order and
 * command at where the command left the trigger, never backwards, never for a trigger that did not move, and
 * enough for a client folding the events to show the engine's own triggers, through snapshots and replays.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MatchingEngine, type EngineSnapshot } from './engine';
import { A, B, C, Harness, LPJ, funded } from './testing/fixtures';
import { commandStream } from './testing/random-commands';
import type { EngineEvent } from './types';

type Of<T extends EngineEvent['type']> = Extract<EngineEvent, { type: T }>;
const only = <T extends EngineEvent['type']>(events: EngineEvent[], type: T) =>
  events.filter((e): e is Of<T> => e.type === type);

/** B sells and C buys `quantity` at `price`: the market's last price becomes `price`. */
function printAt(h: Harness, price: number, quantity = 20): EngineEvent[] {
  h.limit(B, 'sell', price, quantity);
  const events = h.limit(C, 'buy', price, quantity);
  expect(only(events, 'trade').at(-1)?.price).toBe(price);
  return events;
}

const trigger = (h: Harness, account: number, id: number) =>
  h.engine.openOrders(account).find((o) => o.id === id)?.stopPrice;

/** The triggers of waiting trailing stops as a client knows them from the events alone. */
class TriggerFold {
  readonly triggers = new Map<number, number>();
  private readonly trailing = new Set<number>();
  see(e: EngineEvent): void {
    if (e.type === 'accepted' && e.orderType === 'trailing_stop') {
      this.trailing.add(e.orderId);
      this.triggers.set(e.orderId, e.stopPrice!);
    } else if (e.type === 'trigger_moved') {
      expect(this.trailing.has(e.orderId)).toBe(true);
      this.triggers.set(e.orderId, e.stopPrice);
    } else if (e.type === 'triggered' || e.type === 'cancelled') this.triggers.delete(e.orderId);
  }
  /** The engine's waiting trailing stops and their triggers. */
  static engine(engine: MatchingEngine, accounts: readonly number[]): Map<number, number> {
    const out = new Map<number, number>();
    for (const a of accounts)
      for (const o of engine.openOrders(a)) if (o.type === 'trailing_stop' && !o.triggered) out.set(o.id, o.stopPrice);
    return out;
  }
}

describe('trailing stop trigger moves', () => {
  it('a move is published once, with the trigger the command left, and a price that does not pass it publishes none', () => {
    const h = funded();
    printAt(h, 10_000);
    const placed = h.place(A, { side: 'sell', orderType: 'trailing_stop', quantity: 100, trailAmount: 100 });
    const id = Harness.orderId(placed);
    expect(only(placed, 'trigger_moved')).toEqual([]);

    // One command, two moves: C's buy lifts the price to 10_200 (trigger 10_100), which triggers A's buy stop,
    // whose walk lifts it to 10_300 (trigger 10_200). One event, at 10_200, after the trades.
    h.place(A, { side: 'buy', orderType: 'stop_market', stopPrice: 10_150, quantity: 20 });
    h.limit(B, 'sell', 10_200, 20);
    h.limit(B, 'sell', 10_300, 20);
    const events = h.limit(C, 'buy', 10_200, 20);
    expect(only(events, 'trade').map((t) => t.price)).toEqual([10_200, 10_300]);
    const moves = only(events, 'trigger_moved');
    expect(moves).toEqual([
      expect.objectContaining({ orderId: id, account: A, stopPrice: 10_200, market: LPJ.id, ts: 0 }),
    ]);
    expect(trigger(h, A, id)).toBe(10_200);
    // Its sequence number is the market's, in order among the command's events, before the book's.
    const at = events.indexOf(moves[0]);
    expect(events.slice(at + 1).every((e) => e.type === 'book')).toBe(true);

    // Lower prices, and the same high again, move nothing and publish nothing.
    expect(only(printAt(h, 10_250), 'trigger_moved')).toEqual([]);
    expect(only(printAt(h, 10_300), 'trigger_moved')).toEqual([]);
    expect(trigger(h, A, id)).toBe(10_200);
    h.check();
  });

  it("a buy's trigger is published only falling, and a sell's only rising, in every event", () => {
    const h = funded();
    printAt(h, 10_000);
    const sell = Harness.orderId(h.place(A, { side: 'sell', orderType: 'trailing_stop', quantity: 20, trailBps: 300 }));
    const buy = Harness.orderId(h.place(A, { side: 'buy', orderType: 'trailing_stop', quantity: 20, trailBps: 300 }));
    const path = [10_050, 9_990, 10_120, 10_010, 9_960, 9_920, 10_040, 10_080, 9_930];
    const published = new Map<number, number[]>([
      [sell, [trigger(h, A, sell)!]],
      [buy, [trigger(h, A, buy)!]],
    ]);
    for (const price of path) {
      const events = printAt(h, price);
      for (const e of only(events, 'trigger_moved')) published.get(e.orderId)!.push(e.stopPrice);
      // Never more than one event per order in a command.
      const ids = only(events, 'trigger_moved').map((e) => e.orderId);
      expect(new Set(ids).size).toBe(ids.length);
    }
    const sells = published.get(sell)!;
    const buys = published.get(buy)!;
    expect(sells.length).toBeGreaterThan(1);
    expect(buys.length).toBeGreaterThan(1);
    for (let i = 1; i < sells.length; i++) expect(sells[i]).toBeGreaterThan(sells[i - 1]);
    for (let i = 1; i < buys.length; i++) expect(buys[i]).toBeLessThan(buys[i - 1]);
    expect(sells.at(-1)).toBe(trigger(h, A, sell));
    expect(buys.at(-1)).toBe(trigger(h, A, buy));
    h.check();
  });

  it('many trailing stops moved by one trade publish one event each, and a market without them publishes none', () => {
    const h = funded();
    printAt(h, 10_000);
    const ids: number[] = [];
    for (let i = 1; i <= 200; i++)
      ids.push(
        Harness.orderId(h.place(A, { side: 'sell', orderType: 'trailing_stop', quantity: 20, trailAmount: 5 * i })),
      );
    const events = printAt(h, 10_500);
    const moves = only(events, 'trigger_moved').map((e) => [e.orderId, e.stopPrice]);
    expect(moves.sort((a, b) => a[0] - b[0])).toEqual(ids.map((id, i) => [id, 10_500 - 5 * (i + 1)]));

    const plain = funded();
    for (const price of [10_000, 10_400, 10_000]) expect(only(printAt(plain, price), 'trigger_moved')).toEqual([]);
  });

  it('the triggers folded from the events equal the engine’s after every command of random streams, restored or not', () => {
    const accounts = [1, 2, 3, 4, 5];
    const roundTrip = (s: EngineSnapshot): EngineSnapshot => JSON.parse(JSON.stringify(s)) as EngineSnapshot;
    let moves = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 50, max: 400 }), (seed, cut) => {
        const h = new Harness();
        for (const a of accounts) h.fund(a, { KRW: 5_000_000, LPJ: 50_000 });
        const next = commandStream(seed, h.engine, { market: LPJ, accounts, mid: 10_000, spreadTicks: 20 });
        const fold = new TriggerFold();
        for (const e of h.events) fold.see(e);
        let copy: MatchingEngine | undefined;
        for (let i = 0; i < 600; i++) {
          if (i === cut) copy = MatchingEngine.restore(roundTrip(h.engine.snapshot()));
          const cmd = next();
          const events = h.apply(cmd);
          // A restored engine publishes the same moves, byte for byte, as the one it was taken from.
          if (copy !== undefined) expect(copy.apply(cmd)).toEqual(events);
          const perOrder = new Set<number>();
          for (const e of events) {
            fold.see(e);
            if (e.type !== 'trigger_moved') continue;
            moves++;
            expect(perOrder.has(e.orderId)).toBe(false);
            perOrder.add(e.orderId);
          }
          expect(fold.triggers).toEqual(TriggerFold.engine(h.engine, accounts));
        }
        h.check();
      }),
      { numRuns: 15 },
    );
    // The streams did move triggers (a stream may happen to move none).
    expect(moves).toBeGreaterThan(15);
  });
});
