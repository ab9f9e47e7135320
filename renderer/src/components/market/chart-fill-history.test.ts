/**
 * The chart's fill marks over its loaded history: asked for per timeframe from the oldest candle drawn, again
 * only when the candles drawn change, the newest answer kept, a failed request tried again, and asked for again
 * when the view's latest fills no longer reach back to what the marks counted.
 */
import { describe, expect, it } from 'vitest';
import type { FillMark } from '@protocol/api';
import type { Interval } from '../../lib/market-view';
import type { ViewStore } from '../../stores/view-context';
import { chartFillHistory } from './chart-fill-history';
import type { ChartOrders } from './chart-orders';
import type { ChartParts } from './ChartOrderLayer';

type Answer = { marks: FillMark[]; through: number };

function setup(keeps = true) {
  const asked: { interval: Interval; from: number; answer(a: Answer): void; fail(): void }[] = [];
  const shown: Answer[] = [];
  const parts = { drawn: null as { interval: Interval; oldest: number } | null };
  const state = {
    fillMarks: keeps
      ? (interval: Interval, from: number) =>
          new Promise<Answer>((answer, fail) =>
            asked.push({ interval, from, answer, fail: () => fail(new Error('x')) }),
          )
      : undefined,
  };
  const view = { getState: () => state } as unknown as ViewStore;
  const overlay = { setHistory: (h: Answer) => shown.push(h) } as unknown as ChartOrders;
  const history = chartFillHistory(overlay, parts as unknown as ChartParts, view);
  return { asked, shown, parts, history };
}

const settle = () => new Promise((r) => setTimeout(r, 0));
const mark = (time: number, count: number): FillMark => ({ time, side: 'buy', count });

describe('chart fill history', () => {
  it('asks once per timeframe and oldest candle drawn, and keeps the newest answer only', async () => {
    const { asked, shown, parts, history } = setup();
    history.load();
    expect(asked).toHaveLength(0); // nothing drawn yet
    parts.drawn = { interval: '1m', oldest: 1_000 };
    history.load();
    history.load();
    expect(asked.map((a) => [a.interval, a.from])).toEqual([['1m', 1_000]]);
    // Scrolled back before the answer came: the older request's answer is dropped.
    parts.drawn = { interval: '1m', oldest: 500 };
    history.load();
    asked[1].answer({ marks: [mark(500, 3)], through: 9 });
    asked[0].answer({ marks: [mark(1_000, 1)], through: 8 });
    await settle();
    expect(shown).toEqual([{ marks: [mark(500, 3)], through: 9 }]);
    parts.drawn = { interval: '1h', oldest: 0 };
    history.load();
    expect(asked.map((a) => [a.interval, a.from])).toContainEqual(['1h', 0]);
  });

  it('asks again after a failed request, and not at all where the view keeps no fills beyond its own', async () => {
    const { asked, parts, history } = setup();
    parts.drawn = { interval: '5m', oldest: 0 };
    history.load();
    asked[0].fail();
    await settle();
    history.load();
    expect(asked).toHaveLength(2);

    const none = setup(false);
    none.parts.drawn = { interval: '5m', oldest: 0 };
    none.history.load();
    none.history.fillsChanged([{ ts: 5 }]);
    expect(none.asked).toHaveLength(0);
  });

  it('asks again once the latest fills all came after the fills the marks counted', async () => {
    const { asked, parts, history } = setup();
    parts.drawn = { interval: '1m', oldest: 0 };
    history.load();
    history.fillsChanged([{ ts: 50 }]); // no marks in yet: nothing to compare with
    expect(asked).toHaveLength(1);
    asked[0].answer({ marks: [mark(0, 2)], through: 20 });
    await settle();
    history.fillsChanged([{ ts: 30 }, { ts: 20 }]); // newest first; reaches back to the marks
    expect(asked).toHaveLength(1);
    history.fillsChanged([{ ts: 40 }, { ts: 30 }]); // a gap could hide fills between 20 and 30
    expect(asked).toHaveLength(2);
  });
});
