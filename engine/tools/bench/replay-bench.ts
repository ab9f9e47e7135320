/**
 * Replay speed: 30 days of 1m candles (43,200) for one market with 100 resting orders, played at max speed
 * along the candle path (targets ≤ 2 s), and a day of trade ticks (≥ 1,000,000) through the paper matcher
 * (target ≥ 1,000,000 trades/s). Every filled order is replaced at the price in force, so 100 rest throughout.
 * The history is a seeded random walk, the same on every run; what runs is the app's own player, fill model
 * and matcher. Last line: one JSON object with the figures.
 *
 *   npm run bench:replay -- [trades=1200000]
 */
import { performance } from 'node:perf_hooks';
import { MINUTE_MS } from '../../core/candles/intervals';
import type { Candle, TradeEvent } from '../../core/market-data/types';
import { paperMarket } from '../../core/paper/market-config';
import type { PaperEvent } from '../../core/paper/types';
import { Prng } from '../../core/random/prng';
import { candleTimeline } from '../../core/replay/candle-timeline';
import { HistoryFills, type HistoryFillModel } from '../../core/replay/history-fills';
import { MAX_SPEED, ReplayPlayer } from '../../core/replay/replay-player';
import { EngineSink } from '../../core/replay/engine-sink';

const TRADES = Math.max(1_000_000, Number(process.argv[2] ?? 1_200_000));
const DAYS = 30;
const RESTING = 100;
const START = Date.UTC(2024, 0, 1);
const MARKET = paperMarket({
  exchange: 'binance',
  id: 'BTC-USDT',
  symbol: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  priceDecimals: 2,
  sizeDecimals: 8,
});
const ACCOUNT = 1;
const GRANTS = { USDT: 1_000_000_000_000_000, BTC: 1_000_000_000_000 };

/** A seeded walk of 1m candles around 40,000.00 USDT. */
function candles(count: number): Candle[] {
  const r = new Prng(7);
  const out: Candle[] = [];
  let price = 4_000_000;
  for (let m = 0; m < count; m++) {
    const open = price;
    const close = Math.max(1_000_000, open + Math.floor(r.next() * 2_001) - 1_000);
    const high = Math.max(open, close) + Math.floor(r.next() * 800);
    const low = Math.min(open, close) - Math.floor(r.next() * 800);
    out.push({ openTime: START + m * MINUTE_MS, open, high, low, close, volume: 1 + Math.floor(r.next() * 5e6) });
    price = close;
  }
  return out;
}

/** Keeps RESTING limit orders around the price in force: a filled one is replaced at once. */
function restingBook(sink: EngineSink, fills: HistoryFills, seed: number) {
  const r = new Prng(seed);
  let resting = 0;
  let placed = 0;
  let filled = 0;
  const place = () => {
    const price = fills.price;
    if (price === undefined) return;
    const side = r.next() < 0.5 ? 'buy' : 'sell';
    const offset = 1 + Math.floor(r.next() * 3_000);
    const events = sink.place(ACCOUNT, {
      market: MARKET.id,
      side,
      orderType: 'limit',
      price: side === 'buy' ? price - offset : price + offset,
      quantity: 100_000, // 0.001 BTC
    });
    placed++;
    if (events.some((e) => e.type === 'accepted')) resting++;
  };
  return {
    topUp() {
      for (let tries = 0; resting < RESTING && tries < RESTING; tries++) place();
      if (resting < RESTING) throw new Error(`orders refused: ${resting} of ${RESTING} rest`);
    },
    count(events: readonly PaperEvent[], from: number) {
      for (let i = from; i < events.length; i++)
        if (events[i].type === 'filled') {
          resting--;
          filled++;
        }
    },
    get stats() {
      return { placed, filled };
    },
  };
}

function setup(model: HistoryFillModel, minutes: Candle[], seed: number) {
  const sink = new EngineSink(MARKET, GRANTS);
  sink.open(ACCOUNT);
  const fills = new HistoryFills(MARKET.id, model, minutes, sink);
  return { sink, fills, orders: restingBook(sink, fills, seed) };
}

async function candleRun(): Promise<{
  seconds: number;
  built: number;
  records: number;
  placed: number;
  filled: number;
}> {
  const minutes = candles(DAYS * 1440);
  const range = { from: START, to: START + DAYS * 1440 * MINUTE_MS };
  const start = performance.now();
  // As the app builds it: 1m candles and tickers; longer candles are aggregated from the minutes played.
  const timeline = candleTimeline(MARKET.id, minutes, range, { intervals: [] });
  const built = performance.now() - start;
  const { sink, fills, orders } = setup('candle_path', minutes, 11);
  let lastDay = -1;
  await new Promise<void>((resolve) => {
    const player = new ReplayPlayer(timeline, {
      speed: MAX_SPEED,
      onEvent: (e, at) => {
        sink.now = range.from + at;
        if (e.type !== 'candle' || e.interval !== '1m') return;
        const from = sink.events.length;
        fills.onCandle(e.candle);
        orders.count(sink.events, from);
        orders.topUp();
        const day = Math.floor(at / 86_400_000);
        if (day !== lastDay && day % 5 === 0) {
          lastDay = day;
          console.log(`  candles: day ${day} of ${DAYS}, ${(performance.now() - start).toFixed(0)} ms`);
        }
      },
      onEnd: () => resolve(),
    });
    player.play();
  });
  const seconds = (performance.now() - start) / 1000;
  if (sink.engine.audit().length) throw new Error(`engine audit: ${sink.engine.audit().join('; ')}`);
  return { seconds, built, records: timeline.records.length, ...orders.stats };
}

function tradeRun(): { seconds: number; applied: number; placed: number; filled: number } {
  // A day of trades as a walk of one price unit at a time, ~14 a second.
  const r = new Prng(3);
  const trades: TradeEvent[] = new Array(TRADES);
  let price = 4_000_000;
  for (let i = 0; i < TRADES; i++) {
    price = Math.max(1_000_000, price + Math.floor(r.next() * 3) - 1);
    trades[i] = {
      type: 'trade',
      market: MARKET.id,
      ts: START + Math.floor((i * 86_400_000) / TRADES),
      price,
      size: 1 + Math.floor(r.next() * 100_000),
      side: r.next() < 0.5 ? 'buy' : 'sell',
      tradeId: String(i + 1),
    };
  }
  const minutes: Candle[] = [];
  for (const t of trades) {
    const openTime = t.ts - (t.ts % MINUTE_MS);
    const c = minutes.at(-1);
    if (c && c.openTime === openTime) {
      c.high = Math.max(c.high, t.price);
      c.low = Math.min(c.low, t.price);
      c.close = t.price;
      c.volume += t.size;
    } else minutes.push({ openTime, open: t.price, high: t.price, low: t.price, close: t.price, volume: t.size });
  }
  const { sink, fills, orders } = setup('trades', minutes, 13);
  fills.onTrade(trades[0]);
  orders.topUp();
  const start = performance.now();
  for (let i = 1; i < TRADES; i++) {
    const t = trades[i];
    sink.now = t.ts;
    const from = sink.events.length;
    fills.onTrade(t);
    if (sink.events.length !== from) {
      orders.count(sink.events, from);
      orders.topUp();
    }
    if (i % 250_000 === 0) console.log(`  trades: ${i.toLocaleString('en')} of ${TRADES.toLocaleString('en')}`);
  }
  const seconds = (performance.now() - start) / 1000;
  if (sink.engine.audit().length) throw new Error(`engine audit: ${sink.engine.audit().join('; ')}`);
  return { seconds, applied: sink.applied, ...orders.stats };
}

console.log(
  `replay bench: ${DAYS} days of 1m candles, then ${TRADES.toLocaleString('en')} trades, ${RESTING} resting orders`,
);
const c = await candleRun();
console.log(
  `candles: ${DAYS * 1440} minutes (${c.records} replayed events) in ${c.seconds.toFixed(3)} s at max speed ` +
    `(timeline built in ${c.built.toFixed(0)} ms) ` +
    `(target ≤ 2 s); ${c.placed} orders placed, ${c.filled} filled`,
);
const t = tradeRun();
console.log(
  `trades: ${TRADES.toLocaleString('en')} in ${t.seconds.toFixed(3)} s = ${Math.round(TRADES / t.seconds).toLocaleString('en')}/s ` +
    `(target ≥ 1,000,000/s); ${t.applied} reached an order, ${t.placed} orders placed, ${t.filled} filled`,
);
console.log(
  JSON.stringify({
    candleDaysPerSec: Math.round((DAYS / c.seconds) * 10) / 10,
    replayTradesPerSec: Math.round(TRADES / t.seconds),
    candleSeconds: Math.round(c.seconds * 1000) / 1000,
    trades: TRADES,
  }),
);
