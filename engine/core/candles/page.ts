/**
 * A chart's page of candles: the newest `limit` of those opening before `before` (a chart scrolled back asks
 * for the ones older than its oldest), oldest first. Candles are oldest first and strictly increasing.
 */
import type { Candle } from '../market-data/types';

export function candlePage<C extends Candle>(candles: readonly C[], limit: number, before = Infinity): C[] {
  // Binary search for the first candle at or after `before`.
  let lo = 0;
  let hi = candles.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (candles[mid].openTime < before) lo = mid + 1;
    else hi = mid;
  }
  return candles.slice(Math.max(0, lo - Math.max(0, limit)), lo);
}
