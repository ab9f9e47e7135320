import { describe, expect, it } from 'vitest';
import type { CandleBar } from '@protocol/api';
import { rsi, sma } from '../../lib/indicators';
import { CandleSet, MA_PERIODS, RSI_PERIOD, chartTime } from './chart-data';

const MINUTE = 60_000;

/** Closes of a seeded walk, as candles a minute apart. */
function bars(n: number, seed = 7): CandleBar[] {
  let x = seed;
  let price = 10_000;
  const out: CandleBar[] = [];
  for (let i = 0; i < n; i++) {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    price = Math.max(1, price + ((x % 41) - 20));
    out.push({ openTime: i * MINUTE, open: price, high: price + 5, low: price - 5, close: price, volume: 100 });
  }
  return out;
}

describe('CandleSet.lastStudies', () => {
  it('gives the newest point of each study as the full computation does', () => {
    for (const n of [0, 1, 6, 7, 14, 15, 16, 24, 25, 26, 120]) {
      const set = new CandleSet(bars(n), '1m', 2);
      const closes = set.bars.map((b) => b.close / 100);
      const last = set.lastStudies();
      MA_PERIODS.forEach((period, i) => {
        const full = sma(closes, period)[n - 1];
        if (n < period) expect(last.ma[i]).toBeUndefined();
        else {
          expect(last.ma[i]!.time).toBe(chartTime((n - 1) * MINUTE));
          expect(last.ma[i]!.value).toBeCloseTo(full, 9);
        }
      });
      if (n <= RSI_PERIOD) expect(last.rsi).toBeUndefined();
      else expect(last.rsi!.value).toBe(rsi(closes, RSI_PERIOD)[n - 1]);
    }
  });

  it('follows the live candle and new candles as trades arrive', () => {
    const set = new CandleSet(bars(40), '1m');
    let ts = 40 * MINUTE - 1;
    for (let i = 0; i < 300; i++) {
      ts += 17_000;
      set.apply([{ id: String(i), price: 10_000 + ((i * 37) % 90) - 45, size: 3, side: 'buy', ts }]);
      const closes = set.bars.map((b) => b.close);
      const last = set.lastStudies();
      expect(last.rsi!.value).toBe(rsi(closes, RSI_PERIOD)[closes.length - 1]);
      expect(last.ma[1]!.value).toBeCloseTo(sma(closes, 25)[closes.length - 1], 9);
    }
  });
});
