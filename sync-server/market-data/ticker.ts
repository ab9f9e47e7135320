/**
 * The rolling 24-hour ticker of a market, kept in one bucket per minute so that each trade is O(1) and a
 * ticker read walks at most 1,440 buckets.
 */
import { mulDiv } from '../../engine/core/matching/money';
import type { Ticker } from '../../engine/protocol/sync';

const MINUTE = 60_000;
const WINDOW_MINUTES = 1_440;

interface Bucket {
  minute: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  quoteVolume: number;
}

export class RollingTicker {
  private readonly buckets: (Bucket | undefined)[] = new Array(WINDOW_MINUTES);
  private last = 0;
  private lastTs = 0;

  constructor(readonly market: string) {}

  trade(price: number, quantity: number, quoteAmount: number, ts: number): void {
    const minute = Math.floor(ts / MINUTE);
    const slot = minute % WINDOW_MINUTES;
    let b = this.buckets[slot];
    if (!b || b.minute !== minute) {
      b = { minute, open: price, high: price, low: price, close: price, volume: 0, quoteVolume: 0 };
      this.buckets[slot] = b;
    }
    if (price > b.high) b.high = price;
    if (price < b.low) b.low = price;
    b.close = price;
    b.volume += quantity;
    b.quoteVolume += quoteAmount;
    this.last = price;
    this.lastTs = ts;
  }

  read(now: number): Ticker {
    const nowMinute = Math.floor(now / MINUTE);
    let open = 0;
    let openMinute = Infinity;
    let high = 0;
    let low = 0;
    let volume = 0;
    let quoteVolume = 0;
    for (const b of this.buckets) {
      if (!b || b.minute <= nowMinute - WINDOW_MINUTES || b.minute > nowMinute) continue;
      if (b.minute < openMinute) {
        openMinute = b.minute;
        open = b.open;
      }
      high = Math.max(high, b.high);
      low = low === 0 ? b.low : Math.min(low, b.low);
      volume += b.volume;
      quoteVolume += b.quoteVolume;
    }
    const last = this.last;
    const changeBps = open > 0 ? Math.sign(last - open) * mulDiv(Math.abs(last - open), 10_000, open) : 0;
    return { market: this.market, ts: Math.max(this.lastTs, 0), open, high, low, last, volume, quoteVolume, changeBps };
  }
}
