/**
 * A seeded, deterministic made-up market of a real coin for paper trading and replay tests (not the offline LPJ
 * practice market of engine/host/practice-market.ts): a random walk with a book around it and trades against it, as
 * feed events, produced in-process (no sockets) so tests can make sessions of any length quickly. It is made
 * up and never shown as market data (sessions made from it must be marked kind 'generated').
 */
import type { BookEvent, FeedEvent, FeedMarket, Level, TickerEvent, TradeEvent } from '../market-data/types';
import { mulberry32 } from '../random/prng';
import type { SessionRecord } from './session-record';

export const GENERATED_PAPER_MARKET: FeedMarket = {
  exchange: 'upbit',
  id: 'BTC-KRW',
  symbol: 'KRW-BTC',
  base: 'BTC',
  quote: 'KRW',
  priceDecimals: 0,
  sizeDecimals: 8,
};

export interface GeneratedPaperMarketOptions {
  seed: number;
  /** ms UTC of the session's start. */
  startTime: number;
  durationMs: number;
  startPrice?: number;
  /** Price step, in price units (Upbit's KRW tick above 2,000,000 is 1,000). */
  tick?: number;
  /** Levels per book side. */
  depth?: number;
}

/** The events of a generated session, in arrival order, `at` in ms since the start. */
export function generatedPaperSession(options: GeneratedPaperMarketOptions): SessionRecord[] {
  const rand = mulberry32(options.seed);
  const tick = options.tick ?? 1000;
  const depth = options.depth ?? 15;
  const market = GENERATED_PAPER_MARKET.id;
  let mid = Math.round((options.startPrice ?? 140_000_000) / tick) * tick;
  const open = mid;
  let high = mid;
  let low = mid;
  let last = mid;
  let volume = 0;
  let tradeSeq = 0;
  const out: SessionRecord[] = [];
  // The exchange stamps an event shortly before it arrives here.
  const stamp = (at: number) => options.startTime + at - 20 - Math.floor(rand() * 40);

  const book = (at: number): BookEvent => {
    const bids: Level[] = [];
    const asks: Level[] = [];
    for (let i = 0; i < depth; i++) {
      bids.push([mid - (i + 1) * tick, 1_000_000 + Math.floor(rand() * 50_000_000)]);
      asks.push([mid + (i + 1) * tick, 1_000_000 + Math.floor(rand() * 50_000_000)]);
    }
    return { type: 'book', market, ts: stamp(at), bids, asks };
  };
  const ticker = (at: number): TickerEvent => ({
    type: 'ticker',
    market,
    ts: stamp(at),
    last,
    open,
    high,
    low,
    prevClose: open,
    volume24h: 250_000_000_000 + volume,
  });

  let nextTrade = Math.floor(rand() * 800);
  for (let second = 0; second * 1000 < options.durationMs; second++) {
    const secondEnd = Math.min(options.durationMs, (second + 1) * 1000);
    const events: { at: number; event: FeedEvent }[] = [];
    // The mid drifts a tick or two now and then.
    if (rand() < 0.3) mid += (rand() < 0.5 ? -1 : 1) * tick * (1 + Math.floor(rand() * 2));
    events.push({ at: second * 1000 + 500, event: book(second * 1000 + 500) });
    while (nextTrade < secondEnd) {
      const buy = rand() < 0.5;
      const price = buy ? mid + tick : mid - tick;
      const size = 10_000 + Math.floor(rand() * 20_000_000);
      last = price;
      high = Math.max(high, price);
      low = Math.min(low, price);
      volume += size;
      const trade: TradeEvent = {
        type: 'trade',
        market,
        ts: stamp(nextTrade),
        price,
        size,
        side: buy ? 'buy' : 'sell',
        tradeId: `practice-${++tradeSeq}`,
      };
      events.push({ at: nextTrade, event: trade });
      nextTrade += 100 + Math.floor(rand() * 1400);
    }
    if (second * 1000 + 999 < options.durationMs)
      events.push({ at: second * 1000 + 999, event: ticker(second * 1000 + 999) });
    events.sort((a, b) => a.at - b.at);
    out.push(...events);
  }
  return out;
}
