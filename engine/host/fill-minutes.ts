/**
 * My fills by minute, for the price chart's fill marks across the whole history it has loaded (the market view
 * carries only my latest fills). Each minute keeps how many of my fills were buys and sells; any timeframe's
 * marks are those minutes summed per candle, so a chart asks for one mark per candle and side however many
 * fills it covers. What it keeps is bounded like the candles it marks: the minutes of the last `keepMs`.
 *
 * Counts only, no amounts: a mark says that and how often I traded in a candle, and a count cannot leave the
 * safe-integer range (one per fill, trimmed to a week of minutes).
 */
import type { CandleInterval } from '../core/market-data/types';
import { intervalStart, MINUTE_MS } from '../core/candles/intervals';
import type { FillMark } from '../protocol/api';

interface Minute {
  openTime: number;
  buys: number;
  sells: number;
}

export class FillMinutes {
  /** Oldest first, one per minute with a fill of mine. */
  private minutes: Minute[] = [];
  /** The time of the newest fill counted (0: none). */
  private newest = 0;

  constructor(private readonly keepMs: number) {}

  /** Counts one fill of mine at `ts` (ms UTC); `now` trims the minutes older than what is kept. */
  add(ts: number, side: 'buy' | 'sell', now: number): void {
    if (!Number.isSafeInteger(ts) || ts < 0) return;
    const openTime = ts - (ts % MINUTE_MS);
    let m = this.minutes[this.minutes.length - 1];
    if (!m || m.openTime < openTime) {
      m = { openTime, buys: 0, sells: 0 };
      this.minutes.push(m);
    } else if (m.openTime > openTime) {
      // Journals are in time order, but a clock set back stamps a later fill earlier: find or insert its minute.
      const i = this.firstAtOrAfter(openTime);
      if (this.minutes[i]?.openTime !== openTime) this.minutes.splice(i, 0, { openTime, buys: 0, sells: 0 });
      m = this.minutes[i];
    }
    if (side === 'buy') m.buys++;
    else m.sells++;
    if (ts > this.newest) this.newest = ts;
    const since = now - this.keepMs;
    if (this.minutes[0].openTime < since) this.minutes.splice(0, this.firstAtOrAfter(since));
  }

  /**
   * One mark per candle of `interval` and side, for the candles opening at or after `from` and (when given)
   * before `before`, oldest first, buys before sells; `through`: the newest fill they count, so a view adds
   * only later fills of its own.
   */
  marks(interval: CandleInterval, from: number, before?: number): { marks: FillMark[]; through: number } {
    const marks: FillMark[] = [];
    const end = before ?? Infinity;
    let candle = -1;
    let buys = 0;
    let sells = 0;
    const flush = () => {
      if (candle < from || candle >= end) return;
      if (buys) marks.push({ time: candle, side: 'buy', count: buys });
      if (sells) marks.push({ time: candle, side: 'sell', count: sells });
    };
    // A candle opening at `from` may hold minutes from its own start, which is never before `from`'s candle.
    for (let i = this.firstAtOrAfter(intervalStart(from, interval)); i < this.minutes.length; i++) {
      const m = this.minutes[i];
      if (m.openTime >= end) break;
      const start = intervalStart(m.openTime, interval);
      if (start !== candle) {
        flush();
        candle = start;
        buys = 0;
        sells = 0;
      }
      buys += m.buys;
      sells += m.sells;
    }
    flush();
    return { marks, through: this.newest };
  }

  /** Index of the first kept minute opening at or after `t` (the length when none does). */
  private firstAtOrAfter(t: number): number {
    let lo = 0;
    let hi = this.minutes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.minutes[mid].openTime < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
