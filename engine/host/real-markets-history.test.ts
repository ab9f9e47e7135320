/**
 * Replaying a past window of an exchange in the app host, against the mock exchange: the download, the
 * fill model it names, a limit order resting through a replay at max speed and filling when the price trades
 * through it, runs of a window kept side by side from the same balances, the window played again after a restart from its caches, and windows refused with a reason while
 * the app goes on.
 */
import { describe, expect, it } from 'vitest';
import type { FeedSourceInfo, PaperCandles, PaperMarketState, PaperOrderOutcome, ReplayInfo } from '../protocol/api';
import type { ResultSummary } from '../protocol/results';
import { mockExchangeHosts, until } from './testing/mock-exchange-host';

const t = mockExchangeHosts({ seed: 11, stepsPerSec: 5, historyMinutes: 600 }, 'real-markets-history');
const { call } = t;
const MINUTE = 60_000;

function pastHour() {
  const from = Math.floor(Date.now() / MINUTE) * MINUTE - 3 * 60 * MINUTE;
  return { from, to: from + 60 * MINUTE };
}

/**
 * A past hour of Binance BTC-USDT whose published prices fall, after its first `minutes`, more than `by` below
 * every price traded before: an order resting under the price in force at that point is sure to be traded
 * through. The mock's seeded history moves with the clock, so the hour is picked from what it publishes (from 3
 * to 8 hours back) rather than assumed.
 */
async function fallingHour(minutes: number, by: number) {
  for (let back = 3; back <= 8; back++) {
    const from = Math.floor(Date.now() / MINUTE) * MINUTE - back * 60 * MINUTE;
    const url = `${t.mock.urls.binanceRest}/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=${from}&endTime=${from + 60 * MINUTE - 1}&limit=60`;
    const rows = (await (await fetch(url)).json()) as [number, string, string, string][];
    const lows = rows.map((r) => Math.round(Number(r[3]) * 100));
    if (Math.min(...lows.slice(minutes)) < Math.min(...lows.slice(0, minutes)) - by)
      return { from, to: from + 60 * MINUTE };
  }
  throw new Error('no falling hour in the mock exchange’s history');
}

describe('replaying a past window', () => {
  it('downloads it, names the fill model, and fills a resting limit once the price trades through it', async () => {
    t.open();
    const { from, to } = await fallingHour(2, 1);
    const info = await call<FeedSourceInfo>('replay.history', { exchange: 'binance', market: 'BTC-USDT', from, to });
    expect(info.source).toBe('replay');
    expect(info.replay).toMatchObject({
      kind: 'history',
      markets: ['BTC-USDT'],
      startTime: from,
      endAt: to - from,
      state: 'paused',
      position: 0,
      history: { exchange: 'binance', market: 'BTC-USDT', from, to, fillModel: 'trades', minutes: 60 },
    });
    expect(info.replay!.history!.trades).toBeGreaterThan(600);
    const progress = t.frames.filter((f) => f.name === 'replay.download').map((f) => f.payload);
    expect(progress).toContainEqual({ market: 'BTC-USDT', phase: 'trades', done: 1 });

    // A minute and a half in, paused: the price in force is the first minute's close (the ticker's last); a buy a cent below it rests.
    await call<ReplayInfo>('replay.control', { action: 'seek', at: MINUTE + MINUTE / 2 });
    const state = await call<PaperMarketState>('paper.open', { market: 'BTC-USDT' });
    const price = state.ticker!.last - 1;
    const placed = await call<PaperOrderOutcome>('paper.place', {
      market: 'BTC-USDT',
      side: 'buy',
      orderType: 'limit',
      price,
      quantity: 100_000,
    });
    expect(placed.status).toBe('accepted');

    await call<ReplayInfo>('replay.control', { action: 'speed', speed: 'max' });
    await call<ReplayInfo>('replay.control', { action: 'play' });
    await until('the replay ended', () =>
      t.frames.some((f) => f.name === 'replay.state' && (f.payload as ReplayInfo).state === 'ended'),
    );
    const candles = await call<PaperCandles>('paper.candles', { market: 'BTC-USDT', interval: '1m', limit: 100 });
    expect(candles.candles).toHaveLength(60);
    // The window's price went below the order (the seeded history does within the hour): it filled, at its price.
    expect(Math.min(...candles.candles.slice(1).map((c) => c.low))).toBeLessThan(price);
    // The fill is listed once its journal batch is committed (the turn after the engine took it).
    await until('the fill published', () =>
      t.frames.some((f) => f.name === 'paper.update' && (f.payload as { fills?: unknown[] }).fills?.length),
    );
    const after = await call<PaperMarketState>('paper.state', { market: 'BTC-USDT' });
    expect(after.fills.map((f) => [f.side, f.price, f.quantity])).toEqual([['buy', price, 100_000]]);
  });

  it('gives the same fills at 1000× and at max speed for the same order at the same replay time', async () => {
    t.open();
    const { from, to } = await fallingHour(11, 40);
    const runAt = async (speed: number | 'max') => {
      await call<FeedSourceInfo>('replay.history', { exchange: 'binance', market: 'BTC-USDT', from, to });
      // The chart left open starts the new window playing: held still while the orders go in.
      await call<ReplayInfo>('replay.control', { action: 'pause' });
      await call<ReplayInfo>('replay.control', { action: 'seek', at: 10 * MINUTE + 1 });
      const state = await call<PaperMarketState>('paper.open', { market: 'BTC-USDT' });
      const before = state.fills.length;
      // Two buys a few cents under the price in force: both fill as the price moves on.
      for (const [side, price] of [
        ['buy', state.ticker!.last - 3],
        ['buy', state.ticker!.last - 40],
      ] as const) {
        const placed = await call<PaperOrderOutcome>('paper.place', {
          market: 'BTC-USDT',
          side,
          orderType: 'limit',
          price,
          quantity: 50_000,
        });
        expect(placed.status).toBe('accepted');
      }
      await call<ReplayInfo>('replay.control', { action: 'speed', speed });
      await call<ReplayInfo>('replay.control', { action: 'play' });
      await until(
        `both filled at ${speed}`,
        async () => (await call<PaperMarketState>('paper.state', { market: 'BTC-USDT' })).fills.length === before + 2,
      );
      const after = await call<PaperMarketState>('paper.state', { market: 'BTC-USDT' });
      await call<ReplayInfo>('replay.control', { action: 'stop' });
      return after.fills.slice(0, 2).map((f) => [f.ts, f.side, f.price, f.quantity, f.quoteAmount, f.fee]);
    };
    const timed = await runAt(1000);
    const max = await runAt('max');
    expect(max).toEqual(timed);
    expect(timed.every(([ts]) => (ts as number) > from + 10 * MINUTE)).toBe(true);
    // Both runs are kept side by side under the window, from the same balances (the first left coins bought),
    // each with every fill — the one at max speed reached its end in the turn of its fills.
    const { runs } = await call<{ runs: ResultSummary[] }>('results.list', { account: 'replay' });
    expect(runs).toHaveLength(2);
    const [second, first] = runs;
    expect(first.session).toEqual(second.session);
    expect(first.session!.name).toMatch(/^binance BTC-USDT \d{4}-\d\d-\d\d \d\d:\d\d–/);
    expect([first.trades, first.digest, first.startEquity]).toEqual([2, second.digest, second.startEquity]);
    expect(second.trades).toBe(2);
  });

  it('comes back to the window it was replaying after a restart, from its caches, and trades on it', async () => {
    t.open();
    const { from, to } = pastHour();
    const first = await call<FeedSourceInfo>('replay.history', { exchange: 'binance', market: 'BTC-USDT', from, to });
    expect(first.replay?.history).toMatchObject({ fillModel: 'trades' });
    const dir = t.dir;
    t.host.close();
    t.open({ dataDir: dir });
    const info = await call<FeedSourceInfo>('feed.source');
    expect(info).toMatchObject({
      source: 'replay',
      replay: {
        kind: 'history',
        markets: ['BTC-USDT'],
        startTime: from,
        history: { exchange: 'binance', market: 'BTC-USDT', from, to, fillModel: 'trades' },
      },
    });
    expect(info.replay!.history).not.toHaveProperty('tradesNote');
    expect(info.replay!.history!.trades).toBe(first.replay!.history!.trades);
    // From the caches: nothing was downloaded again.
    expect(t.frames.filter((f) => f.name === 'replay.download')).toEqual([]);
    await call<ReplayInfo>('replay.control', { action: 'seek', at: 5 * MINUTE + 1 });
    const state = await call<PaperMarketState>('paper.open', { market: 'BTC-USDT' });
    expect(state.source).toBe('replay');
    const bought = await call<PaperOrderOutcome>('paper.place', {
      market: 'BTC-USDT',
      side: 'buy',
      orderType: 'market',
      quantity: 10_000,
    });
    expect(bought, JSON.stringify(bought)).toMatchObject({ status: 'accepted', fills: 1 });
    // Choosing an exchange again forgets the window: the next start is on that exchange.
    await call('feed.setSource', { source: 'binance' });
    t.host.close();
    t.open({ dataDir: dir });
    expect(await call<FeedSourceInfo>('feed.source')).toEqual({ source: 'binance' });
  });

  it('refuses a window it cannot replay with a reason, and the source stays as it was', async () => {
    t.open();
    const now = Math.floor(Date.now() / MINUTE) * MINUTE;
    const ask = (from: number, to: number) =>
      call('replay.history', { exchange: 'binance', market: 'BTC-USDT', from, to });
    await expect(ask(now - 40 * 1440 * MINUTE, now)).rejects.toMatchObject({ code: 'BAD_WINDOW' });
    await expect(ask(now, now + 60 * MINUTE)).rejects.toMatchObject({ code: 'BAD_WINDOW' });
    await expect(
      call('replay.history', { exchange: 'binance', market: 'NOPE-USDT', from: now - 60 * MINUTE, to: now }),
    ).rejects.toMatchObject({ code: 'HISTORY_UNAVAILABLE', message: expect.stringMatching(/CANDLES_FAILED/) });
    await expect(
      call('replay.history', { exchange: 'binance', market: 'BTC-USDT', from: 'yesterday', to: now }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await call<FeedSourceInfo>('feed.source')).toEqual({ source: 'upbit' });
    // Upbit's recent past plays on its trades; asked for candles only, on the candle path, and says so.
    const { from, to } = pastHour();
    const info = await call<FeedSourceInfo>('replay.history', { exchange: 'upbit', market: 'BTC-KRW', from, to });
    expect(info.replay?.history).toMatchObject({ exchange: 'upbit', fillModel: 'trades' });
    const candles = await call<FeedSourceInfo>('replay.history', {
      exchange: 'upbit',
      market: 'BTC-KRW',
      from,
      to,
      trades: false,
    });
    expect(candles.replay?.history).toMatchObject({ fillModel: 'candle_path' });
    expect(candles.replay?.history).not.toHaveProperty('tradesNote');

    // Binance's trades come back malformed: the window plays on its candles, says why, and a user trades on it.
    const earlier = { from: from - 120 * MINUTE, to: from - 60 * MINUTE };
    await call('replay.history', { exchange: 'binance', market: 'BTC-USDT', ...earlier, trades: false });
    t.mock.historyFault('malformed');
    const spoiled = await call<FeedSourceInfo>('replay.history', {
      exchange: 'binance',
      market: 'BTC-USDT',
      ...earlier,
    });
    expect(spoiled.replay?.history).toMatchObject({ fillModel: 'candle_path', tradesNote: 'TRADES_FAILED' });
    await call<ReplayInfo>('replay.control', { action: 'seek', at: 5 * MINUTE + 1 });
    await call<PaperMarketState>('paper.open', { market: 'BTC-USDT' });
    const bought = await call<PaperOrderOutcome>('paper.place', {
      market: 'BTC-USDT',
      side: 'buy',
      orderType: 'market',
      quantity: 10_000,
    });
    expect(bought).toMatchObject({ status: 'accepted' });
    expect(bought.fills).toBe(1);
  });
});
