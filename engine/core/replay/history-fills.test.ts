import { describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../candles/intervals';
import type { Candle } from '../market-data/types';
import { TST } from '../paper/testing/fixtures';
import type { PaperEvent, PaperOrderRequest } from '../paper/types';
import { Prng } from '../random/prng';
import { candleTimeline } from './candle-timeline';
import { candlePath, HistoryFills } from './history-fills';
import { ManualClock } from './replay-clock';
import { MAX_SPEED, ReplayPlayer } from './replay-player';
import { EngineSink } from './engine-sink';

const DAY = Date.UTC(2024, 2, 5);
const GRANTS = { KRW: 1_000_000_000_000, TST: 1_000_000_000 };
const A = 1;

const candle = (m: number, open: number, high: number, low: number, close: number, volume = 10_000): Candle => ({
  openTime: DAY + m * MINUTE_MS,
  open,
  high,
  low,
  close,
  volume,
});

/** A random walk of 1m candles, every minute present, prices in [5,000, 15,000]. */
function randomCandles(seed: number, count: number): Candle[] {
  const r = new Prng(seed);
  const out: Candle[] = [];
  let price = 10_000;
  for (let m = 0; m < count; m++) {
    const open = price;
    const close = Math.max(5_000, Math.min(15_000, open + Math.floor(r.next() * 41) - 20));
    const high = Math.max(open, close) + Math.floor(r.next() * 15);
    const low = Math.min(open, close) - Math.floor(r.next() * 15);
    out.push(candle(m, open, high, low, close, 1 + Math.floor(r.next() * 100_000)));
    price = close;
  }
  return out;
}

function setup(minutes: Candle[] = []) {
  const sink = new EngineSink(TST, GRANTS);
  sink.open(A);
  const fills = new HistoryFills(TST.id, 'candle_path', minutes, sink);
  return { sink, fills };
}

const limit = (side: 'buy' | 'sell', price: number, quantity = 100): PaperOrderRequest => ({
  market: TST.id,
  side,
  orderType: 'limit',
  price,
  quantity,
});
const trades = (events: PaperEvent[]) => events.filter((e) => e.type === 'trade');

describe('the candle path', () => {
  it('goes open, the extreme nearer the open, the other extreme, close (a tie: the high first)', () => {
    expect(candlePath({ open: 100, high: 110, low: 95, close: 105 })).toEqual([100, 95, 110, 105]);
    expect(candlePath({ open: 100, high: 103, low: 90, close: 95 })).toEqual([100, 103, 90, 95]);
    expect(candlePath({ open: 100, high: 105, low: 95, close: 100 })).toEqual([100, 105, 95, 100]);
    expect(candlePath({ open: 100, high: 100, low: 90, close: 95 })).toEqual([100, 90, 95]);
    expect(candlePath({ open: 100, high: 100, low: 100, close: 100 })).toEqual([100]);
  });

  it('fills a resting limit only when the price trades through it, never at a touch, at its own price', () => {
    const { sink, fills } = setup();
    fills.onCandle(candle(0, 10_000, 10_010, 9_990, 10_000));
    sink.place(A, limit('buy', 9_950));
    sink.place(A, limit('sell', 10_050));
    // Lows and highs exactly at the limits: touched, not traded through.
    fills.onCandle(candle(1, 10_000, 10_050, 9_950, 10_000));
    expect(trades(sink.events)).toEqual([]);
    expect(sink.engine.openOrders(A)).toHaveLength(2);
    // One price beyond each: both fill whole, as makers at their own prices.
    fills.onCandle(candle(2, 10_000, 10_051, 9_949, 10_000));
    expect(trades(sink.events).map((t) => [t.takerSide, t.price, t.quantity, t.makerAccount])).toEqual([
      ['buy', 10_050, 100, A],
      ['sell', 9_950, 100, A],
    ]);
    expect(sink.engine.openOrders(A)).toEqual([]);
  });

  it('gives market orders the price in force, as deep as the last minute traded, and no deeper', () => {
    const { sink, fills } = setup();
    fills.onCandle(candle(0, 10_000, 10_020, 9_990, 10_010, 500));
    expect(fills.price).toBe(10_010);
    const bought = sink.place(A, { market: TST.id, side: 'buy', orderType: 'market', quantity: 500 });
    expect(trades(bought).map((t) => [t.price, t.quantity])).toEqual([[10_010, 500]]);
    const refused = sink.place(A, { market: TST.id, side: 'buy', orderType: 'market', quantity: 501 });
    expect(refused[0]).toMatchObject({ type: 'rejected', reason: 'BOOK_TOO_THIN' });
  });

  it('triggers a stop when the path reaches it, and a bracket’s exits then follow the path', () => {
    const { sink, fills } = setup();
    fills.onCandle(candle(0, 10_000, 10_000, 10_000, 10_000));
    const entry = sink.place(A, {
      ...limit('buy', 9_900),
      takeProfitPrice: 10_100,
      stopLossPrice: 9_800,
    });
    expect(entry[0].type).toBe('accepted');
    fills.onCandle(candle(1, 10_000, 10_000, 9_899, 9_950)); // entry traded through
    fills.onCandle(candle(2, 9_950, 10_100, 9_950, 10_050)); // take-profit only touched
    expect(trades(sink.events)).toHaveLength(1);
    fills.onCandle(candle(3, 10_050, 10_101, 10_040, 10_060)); // through the take-profit
    expect(trades(sink.events).map((t) => [t.takerSide, t.price])).toEqual([
      ['sell', 9_900],
      ['buy', 10_100],
    ]);
    expect(sink.engine.openOrders(A)).toEqual([]);
  });

  it('never fills a limit the path did not trade through, and fills every one it did (random days)', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const minutes = randomCandles(seed, 300);
      const { sink, fills } = setup(minutes);
      const r = new Prng(seed * 7919);
      const orders = new Map<number, { side: 'buy' | 'sell'; price: number }>();
      for (const c of minutes) {
        if (fills.price !== undefined && r.next() < 0.3) {
          const side = r.next() < 0.5 ? 'buy' : 'sell';
          const price = fills.price + Math.floor(r.next() * 61) - 30;
          const placed = sink.place(A, limit(side, price));
          const accepted = placed.find((e) => e.type === 'accepted');
          if (accepted && accepted.type === 'accepted' && !placed.some((e) => e.type === 'filled'))
            orders.set(accepted.orderId, { side, price });
        }
        const before = sink.events.length;
        fills.onCandle(c);
        const path = candlePath(c);
        for (const t of trades(sink.events.slice(before))) {
          const o = orders.get(t.makerOrderId)!;
          expect(o, `seed ${seed}: a fill of an order that was not resting`).toBeDefined();
          const through = o.side === 'buy' ? path.some((p) => p < o.price) : path.some((p) => p > o.price);
          expect(through, `seed ${seed}: ${o.side} ${o.price} filled by path ${path.join(',')}`).toBe(true);
          expect(t.price).toBe(o.price);
        }
        for (const open of sink.engine.openOrders(A)) {
          const passed = open.side === 'buy' ? path.some((p) => p < open.price) : path.some((p) => p > open.price);
          if (orders.has(open.id)) expect(passed, `seed ${seed}: ${open.side} ${open.price} left open`).toBe(false);
        }
      }
      expect(orders.size).toBeGreaterThan(20);
    }
  });
});

describe('a replayed past day', () => {
  /** One day of candles played with scheduled orders at `speed`; the orders go in at their session times. */
  function replay(speed: number) {
    const minutes = randomCandles(42, 1440);
    const range = { from: DAY, to: DAY + 1440 * MINUTE_MS };
    const timeline = candleTimeline(TST.id, minutes, range, { intervals: ['5m', '1h'] });
    const { sink, fills } = setup(minutes);
    const r = new Prng(5);
    const schedule = Array.from({ length: 200 }, (_, i) => ({
      at: (i + 1) * 7 * MINUTE_MS + Math.floor(r.next() * 30_000),
      side: r.next() < 0.5 ? ('buy' as const) : ('sell' as const),
      offset: Math.floor(r.next() * 40) - 20,
      bracket: r.next() < 0.3,
    }));
    let due = 0;
    const clock = new ManualClock();
    const player = new ReplayPlayer(timeline, {
      clock,
      speed,
      onEvent: (e, at) => {
        // Orders scheduled before this event go in first, stamped with their own session time.
        while (due < schedule.length && schedule[due].at <= at) {
          const s = schedule[due++];
          sink.now = range.from + s.at;
          const price = fills.price! + s.offset;
          sink.place(A, {
            ...limit(s.side, price),
            ...(s.bracket
              ? s.side === 'buy'
                ? { takeProfitPrice: price + 25, stopLossPrice: price - 25 }
                : { takeProfitPrice: price - 25, stopLossPrice: price + 25 }
              : {}),
          });
        }
        sink.now = range.from + at;
        if (e.type === 'candle' && e.interval === '1m') fills.onCandle(e.candle);
      },
    });
    player.play();
    clock.runAll();
    expect(player.state).toBe('ended');
    expect(sink.engine.audit()).toEqual([]);
    return { digest: sink.digest.hex, fills: sink.digest.fills, wall: clock.now() };
  }

  it('gives the same fills, to the digest, at 1× (simulated clock), 100× and max speed', () => {
    const one = replay(1);
    const hundred = replay(100);
    const max = replay(MAX_SPEED);
    expect(one.fills).toBeGreaterThan(100);
    expect(hundred).toEqual({ ...one, wall: hundred.wall });
    expect(max).toEqual({ ...one, wall: max.wall });
    // The speeds were real: a day at 1× takes a day of the clock, at 100× a hundredth, at max no time.
    expect(one.wall).toBe(86_400_000);
    expect(hundred.wall).toBe(864_000);
    expect(max.wall).toBe(0);
  });
});
