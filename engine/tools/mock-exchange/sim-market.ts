/**
 * One simulated market: a seeded random walk of the mid price, trades against the best levels, and a book of
 * `levels` price levels per side around the mid. Each step reports what changed (absolute sizes, 0 = removed),
 * which is what both exchanges' formats are built from. The same seed gives the same sequence of steps.
 */
import type { Level } from '../../core/market-data/types';
import type { Instrument } from './instruments';
import { mulberry32 } from '../../core/random/prng';
import { hashString } from './prng';

export interface SimTrade {
  id: number;
  ts: number;
  price: number;
  size: number;
  /** Taker side. */
  side: 'buy' | 'sell';
}

export interface StepResult {
  trades: SimTrade[];
  bidChanges: Level[];
  askChanges: Level[];
  /** Binance-style update ids covered by this step's changes (firstId > lastId when nothing changed). */
  firstUpdateId: number;
  lastUpdateId: number;
}

export class SimMarket {
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();
  mid: number;
  updateId = 1000;
  tradeId = 0;
  readonly open24: number;
  prevClose: number;
  high: number;
  low: number;
  last: number;
  volume24 = 0;
  /** Sum of price × size over the session, in price units × size units / 10^sizeDecimals (approximate, display only). */
  quoteVolume24 = 0;
  lastTrade: SimTrade | undefined;
  /** The live 1m candle built from trades. */
  kline:
    | {
        openTime: number;
        open: number;
        high: number;
        low: number;
        close: number;
        volume: number;
        trades: number;
        firstId: number;
        lastId: number;
      }
    | undefined;
  private readonly rng: () => number;

  constructor(
    readonly instrument: Instrument,
    seed: number,
    private readonly levels = 40,
  ) {
    this.rng = mulberry32(seed ^ hashString(instrument.symbol));
    this.mid = instrument.startPrice;
    this.open24 = instrument.startPrice;
    this.prevClose = instrument.startPrice - instrument.tick * 3;
    this.high = this.mid;
    this.low = this.mid;
    this.last = this.mid;
    for (let k = 1; k <= levels; k++) {
      this.bids.set(this.mid - k * instrument.tick, this.randomSize());
      this.asks.set(this.mid + k * instrument.tick, this.randomSize());
    }
  }

  private randomSize(): number {
    // 0.001 .. 2 coins, in 1e-8 units, with some round sizes as real books have.
    const r = this.rng();
    const raw = Math.floor(100_000 + r * r * 200_000_000);
    return this.rng() < 0.3 ? Math.max(100_000, Math.round(raw / 1_000_000) * 1_000_000) : raw;
  }

  step(now: number): StepResult {
    const t = this.instrument.tick;
    const bidChanges = new Map<number, number>();
    const askChanges = new Map<number, number>();

    // Trades first, against the current best levels.
    const trades: SimTrade[] = [];
    const n = this.rng() < 0.6 ? 1 : 2;
    for (let i = 0; i < n; i++) {
      const side: 'buy' | 'sell' = this.rng() < 0.5 ? 'buy' : 'sell';
      const book = side === 'buy' ? this.asks : this.bids;
      const best = side === 'buy' ? Math.min(...book.keys()) : Math.max(...book.keys());
      const avail = book.get(best)!;
      const size = Math.max(1, Math.min(avail, Math.floor(this.rng() * 50_000_000) + 10_000));
      const left = avail - size;
      if (left > 0) book.set(best, left);
      else book.delete(best);
      (side === 'buy' ? askChanges : bidChanges).set(best, left > 0 ? left : 0);
      const trade: SimTrade = { id: ++this.tradeId, ts: now, price: best, size, side };
      trades.push(trade);
      this.lastTrade = trade;
      this.last = best;
      this.high = Math.max(this.high, best);
      this.low = Math.min(this.low, best);
      this.volume24 += size;
      this.quoteVolume24 += (best * size) / 1e8;
      this.noteKline(trade);
    }

    // The mid walks one tick at most, never below 50 ticks.
    const r = this.rng();
    if (r < 0.3 && this.mid > 50 * t) this.mid -= t;
    else if (r > 0.7) this.mid += t;

    // Re-centre the book: drop levels that crossed the mid or fell out of range, fill missing ones.
    const lowBid = this.mid - this.levels * t;
    const highAsk = this.mid + this.levels * t;
    for (const p of [...this.bids.keys()]) {
      if (p >= this.mid || p < lowBid) {
        this.bids.delete(p);
        bidChanges.set(p, 0);
      }
    }
    for (const p of [...this.asks.keys()]) {
      if (p <= this.mid || p > highAsk) {
        this.asks.delete(p);
        askChanges.set(p, 0);
      }
    }
    for (let k = 1; k <= this.levels; k++) {
      const bp = this.mid - k * t;
      if (!this.bids.has(bp) && this.rng() < 0.9) {
        const s = this.randomSize();
        this.bids.set(bp, s);
        bidChanges.set(bp, s);
      }
      const ap = this.mid + k * t;
      if (!this.asks.has(ap) && this.rng() < 0.9) {
        const s = this.randomSize();
        this.asks.set(ap, s);
        askChanges.set(ap, s);
      }
    }
    // A few resting orders change size.
    for (let i = 0; i < 3; i++) {
      const side = this.rng() < 0.5 ? this.bids : this.asks;
      const k = 1 + Math.floor(this.rng() * 10);
      const p = side === this.bids ? this.mid - k * t : this.mid + k * t;
      if (side.has(p)) {
        const s = this.randomSize();
        side.set(p, s);
        (side === this.bids ? bidChanges : askChanges).set(p, s);
      }
    }

    const changes = bidChanges.size + askChanges.size;
    const firstUpdateId = this.updateId + 1;
    this.updateId += changes;
    return {
      trades,
      bidChanges: [...bidChanges],
      askChanges: [...askChanges],
      firstUpdateId,
      lastUpdateId: this.updateId,
    };
  }

  private noteKline(trade: SimTrade): void {
    const openTime = Math.floor(trade.ts / 60_000) * 60_000;
    const k = this.kline;
    if (!k || k.openTime !== openTime) {
      this.kline = {
        openTime,
        open: trade.price,
        high: trade.price,
        low: trade.price,
        close: trade.price,
        volume: trade.size,
        trades: 1,
        firstId: trade.id,
        lastId: trade.id,
      };
      return;
    }
    k.high = Math.max(k.high, trade.price);
    k.low = Math.min(k.low, trade.price);
    k.close = trade.price;
    k.volume += trade.size;
    k.trades++;
    k.lastId = trade.id;
  }

  /** The book, best first, `depth` levels per side (all when omitted). */
  book(depth?: number): { bids: Level[]; asks: Level[] } {
    const bids = [...this.bids].sort((a, b) => b[0] - a[0]);
    const asks = [...this.asks].sort((a, b) => a[0] - b[0]);
    return depth === undefined ? { bids, asks } : { bids: bids.slice(0, depth), asks: asks.slice(0, depth) };
  }
}
