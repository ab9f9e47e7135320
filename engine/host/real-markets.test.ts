import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_GRANTS } from '../core/paper';
import type {
  FeedSourceInfo,
  PaperAccount,
  PaperCandles,
  PaperMarketState,
  PaperOrderOutcome,
  PaperUpdate,
  ReplayInfo,
  VenueHistory,
} from '../protocol/api';
import { mockExchangeHosts, until } from './testing/mock-exchange-host';

const t = mockExchangeHosts({ seed: 7, stepsPerSec: 20, historyMinutes: 600 }, 'real-markets');
const { call } = t;

const updates = (market: string): PaperUpdate[] =>
  t.frames.flatMap((f) => (f.name === 'paper.update' && f.payload.market === market ? [f.payload] : []));
const statuses = (market: string): string[] =>
  t.frames.flatMap((f) => (f.name === 'feed.status' && f.payload.market === market ? [f.payload.status] : []));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('real-coin markets in the app host', () => {
  it('connects nothing until a market is opened, then streams throttled book, trades and ticker updates', async () => {
    t.open();
    const before = t.mock.stats().upbitConnections + t.mock.stats().binanceConnections;
    expect(await call<FeedSourceInfo>('feed.source')).toEqual({ source: 'upbit' });
    const listed = await call<{ markets: { id: string; quoteDecimals: number }[] }>('paper.markets');
    expect(listed.markets.map((m) => m.id)).toContain('BTC-KRW');
    await sleep(200);
    expect(t.mock.stats().upbitConnections + t.mock.stats().binanceConnections).toBe(before);

    const state = await call<PaperMarketState>('paper.open', { market: 'BTC-KRW' });
    expect(state.market).toMatchObject({
      id: 'BTC-KRW',
      exchange: 'upbit',
      priceDecimals: 0,
      sizeDecimals: 8,
      quoteDecimals: 4,
    });
    expect(state.account.balances).toContainEqual({
      asset: 'KRW',
      available: DEFAULT_GRANTS.KRW,
      held: 0,
      decimals: 4,
    });

    await until(
      'a live book and trades',
      () => updates('BTC-KRW').some((u) => u.bids?.length) && updates('BTC-KRW').some((u) => u.trades.length > 0),
    );
    expect(statuses('BTC-KRW')).toContain('live');
    const u = updates('BTC-KRW').find((x) => x.bids?.length)!;
    expect(u.bids![0][0]).toBeLessThan(u.asks![0][0]);

    // At most ~10 updates per second per market, however busy the feed.
    t.mock.setSpeed(200);
    const from = updates('BTC-KRW').length;
    await sleep(1000);
    t.mock.setSpeed(20);
    expect(updates('BTC-KRW').length - from).toBeLessThanOrEqual(12);

    const now = await call<PaperMarketState>('paper.state', { market: 'BTC-KRW' });
    expect(now.status).toBe('live');
    expect(now.trades.length).toBeGreaterThan(0);
    expect(now.ticker?.last).toBeGreaterThan(0);
  });

  it('paper-trades a market buy: the position and its PnL move with the price, a sell realises, reset restores', async () => {
    t.open();
    await call('paper.open', { market: 'BTC-KRW' });
    await until('a book', () => updates('BTC-KRW').some((u) => u.bids?.length));
    const bought = await call<PaperOrderOutcome>('paper.place', {
      market: 'BTC-KRW',
      side: 'buy',
      orderType: 'market',
      quoteAmount: 1_000_000 * 10_000,
    });
    expect(bought).toMatchObject({ status: 'accepted' });
    expect(bought.fills).toBeGreaterThan(0);

    let state = await call<PaperMarketState>('paper.state', { market: 'BTC-KRW' });
    const position = state.account.positions.find((p) => p.market === 'BTC-KRW')!;
    expect(position.quantity).toBeGreaterThan(0);
    expect(position.averagePrice).toBeGreaterThan(0);
    const krw = state.account.balances.find((b) => b.asset === 'KRW')!;
    expect(krw.available).toBeLessThan(DEFAULT_GRANTS.KRW);
    expect(state.account.balances.find((b) => b.asset === 'BTC')).toMatchObject({
      available: position.quantity,
      decimals: 8,
    });

    const pnls = new Set<number>();
    await until('unrealised PnL moving with the price', () => {
      for (const x of updates('BTC-KRW'))
        if (x.position?.unrealisedPnl !== undefined) pnls.add(x.position.unrealisedPnl);
      return pnls.size >= 3;
    });

    const sold = await call<PaperOrderOutcome>('paper.place', {
      market: 'BTC-KRW',
      side: 'sell',
      orderType: 'market',
      quantity: Math.floor(position.quantity / 2),
    });
    expect(sold.fills).toBeGreaterThan(0);
    state = await call<PaperMarketState>('paper.state', { market: 'BTC-KRW' });
    const after = state.account.positions.find((p) => p.market === 'BTC-KRW')!;
    expect(after.quantity).toBe(position.quantity - Math.floor(position.quantity / 2));
    // The sale is realised (exactly 0 when it sold at the average price, so only its kind is asserted) and paid a fee.
    expect(Number.isSafeInteger(after.realisedPnl)).toBe(true);
    expect(after.feesPaid).toBeGreaterThan(position.feesPaid);

    // A resting limit far below the market shows as an open order; my changes reach the UI as account updates.
    const resting = await call<PaperOrderOutcome>('paper.place', {
      market: 'BTC-KRW',
      side: 'buy',
      orderType: 'limit',
      price: 50_000_000,
      quantity: 1_000_000,
    });
    expect(resting.status).toBe('accepted');
    await until('an account update', () =>
      updates('BTC-KRW').some((x) => x.account?.openOrders.some((o) => o.id === resting.orderId)),
    );
    // My fills on the market: the sale's, then the purchase's, listed with the state and pushed with the account.
    const fills = (await call<PaperMarketState>('paper.state', { market: 'BTC-KRW' })).fills;
    expect(fills.length).toBe(bought.fills + sold.fills);
    expect(fills.map((f) => f.side)).toEqual([...Array(sold.fills).fill('sell'), ...Array(bought.fills).fill('buy')]);
    expect(fills.filter((f) => f.side === 'sell').reduce((q, f) => q + f.quantity, 0)).toBe(
      Math.floor(position.quantity / 2),
    );
    expect(updates('BTC-KRW').find((x) => x.account)?.fills).toBeDefined();
    // The same orders and fills in the list of all my orders and trades.
    const { venues } = await call<{ venues: VenueHistory[] }>('history.list', { limit: 50 });
    const paper = venues.find((v) => v.venue === 'paper')!;
    expect(paper.state).toBe('ok');
    expect(paper.markets.find((m) => m.id === 'BTC-KRW')).toMatchObject({ priceDecimals: 0, sizeDecimals: 8 });
    expect(paper.orders.map((o) => [o.id, o.type, o.status])).toEqual([
      [resting.orderId, 'limit', 'open'],
      [sold.orderId, 'market', 'filled'],
      [bought.orderId, 'market', 'filled'],
    ]);
    expect(paper.fills.map((f) => f.tradeId)).toEqual(fills.map((f) => f.tradeId));
    expect(venues.find((v) => v.venue === 'live')!.state).toBe('signed_out');
    const refused = await call<PaperOrderOutcome>('paper.place', {
      market: 'BTC-KRW',
      side: 'buy',
      orderType: 'limit',
      price: 50_000_000,
      quantity: 1,
    });
    expect(refused).toMatchObject({ status: 'rejected', reason: expect.any(String) });

    const account = await call<PaperAccount>('paper.reset');
    expect(account.openOrders).toEqual([]);
    expect(account.balances.find((b) => b.asset === 'KRW')).toMatchObject({ available: DEFAULT_GRANTS.KRW, held: 0 });
    expect(account.positions.filter((p) => p.quantity !== 0)).toEqual([]);
  });

  it('marks every coin held at its own market whichever market is open, keeps that market live, and after a restart', async () => {
    t.open();
    await call('paper.open', { market: 'BTC-KRW' });
    await until('a book', () => updates('BTC-KRW').some((u) => u.bids?.length));
    const bought = await call<PaperOrderOutcome>('paper.place', {
      market: 'BTC-KRW',
      side: 'buy',
      orderType: 'market',
      quoteAmount: 1_000_000 * 10_000,
    });
    expect(bought.fills).toBeGreaterThan(0);
    const btcMark = (marks: PaperMarketState['marks'] | undefined) => marks?.find((m) => m.market === 'BTC-KRW');

    // ETH-KRW on screen instead: the BTC holding comes with BTC-KRW's mark; ETH, not held, has none.
    await call('paper.close', { market: 'BTC-KRW' });
    const eth = await call<PaperMarketState>('paper.open', { market: 'ETH-KRW' });
    expect(eth.marks).toEqual([
      {
        market: 'BTC-KRW',
        base: 'BTC',
        quote: 'KRW',
        priceDecimals: 0,
        sizeDecimals: 8,
        quoteDecimals: 4,
        price: expect.any(Number),
      },
    ]);
    // BTC-KRW stays subscribed for its price: the mark moves in ETH-KRW's updates.
    const seen = new Set<number>();
    await until('the BTC mark moving while ETH-KRW is open', () => {
      for (const u of updates('ETH-KRW')) if (btcMark(u.marks)?.price) seen.add(btcMark(u.marks)!.price!);
      return seen.size >= 2;
    });
    // Still, the mark is BTC-KRW's own last price, as its own screen shows it.
    t.mock.setSpeed(0);
    try {
      await sleep(300);
      const [onEth, onBtc] = await Promise.all([
        call<PaperMarketState>('paper.state', { market: 'ETH-KRW' }),
        call<PaperMarketState>('paper.state', { market: 'BTC-KRW' }),
      ]);
      expect(btcMark(onEth.marks)?.price).toBe(onBtc.lastPrice);
    } finally {
      t.mock.setSpeed(20);
    }

    // A restart: nothing is known of BTC-KRW until its market is subscribed again for the holding.
    t.host.close();
    t.open({ dataDir: t.dir });
    await call<PaperMarketState>('paper.open', { market: 'ETH-KRW' });
    await until('the BTC mark after a restart', () => updates('ETH-KRW').some((u) => btcMark(u.marks)?.price));

    // Sold out, BTC is no longer marked.
    const state = await call<PaperMarketState>('paper.state', { market: 'ETH-KRW' });
    const held = state.account.balances.find((b) => b.asset === 'BTC')!.available;
    await call('paper.open', { market: 'BTC-KRW' });
    await until('a BTC-KRW book', () => updates('BTC-KRW').some((u) => u.bids?.length));
    const sold = await call<PaperOrderOutcome>('paper.place', {
      market: 'BTC-KRW',
      side: 'sell',
      orderType: 'market',
      quantity: held,
    });
    expect(sold.fills).toBeGreaterThan(0);
    await until('the sale settled', () => updates('BTC-KRW').some((u) => u.account !== undefined));
    const after = await call<PaperMarketState>('paper.state', { market: 'ETH-KRW' });
    expect(after.account.balances.find((b) => b.asset === 'BTC')?.available ?? 0).toBe(0);
    expect(after.marks).toEqual([]);
  });

  it('opens charts from stored candles at once, fetches the missing history with progress, adds live candles, and works offline', async () => {
    t.open();
    const first = await call<PaperCandles>('paper.candles', { market: 'BTC-KRW', interval: '1m', limit: 120 });
    expect(first).toMatchObject({ market: 'BTC-KRW', interval: '1m', loading: true });
    await until('history fetched', () =>
      t.frames.some((f) => f.name === 'candles.progress' && f.payload.state === 'complete'),
    );
    const progress = t.frames.flatMap((f) => (f.name === 'candles.progress' ? [f.payload] : []));
    expect(progress.some((p) => p.state === 'loading' && p.pagesDone >= 1)).toBe(true);
    const stored = await call<PaperCandles>('paper.candles', { market: 'BTC-KRW', interval: '1m', limit: 120 });
    expect(stored.candles.length).toBeGreaterThan(60);
    const fiveMin = await call<PaperCandles>('paper.candles', { market: 'BTC-KRW', interval: '5m', limit: 20 });
    expect(fiveMin.candles.length).toBeGreaterThan(10);

    await call('paper.open', { market: 'BTC-KRW' });
    await until('live candles in updates', () =>
      updates('BTC-KRW').some((u) => u.candles?.some((c) => c.interval === '1m')),
    );
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const live = await call<PaperCandles>('paper.candles', { market: 'BTC-KRW', interval: '1m', limit: 120 });
    expect(live.candles.at(-1)!.openTime).toBeGreaterThanOrEqual(minute - 60_000);

    // Offline: a host whose exchange REST cannot be reached still opens the chart from what was stored.
    const dataDir = t.dir;
    t.host.close();
    t.open({ dataDir, upbitRest: 'http://127.0.0.1:9/' });
    const offline = await call<PaperCandles>('paper.candles', { market: 'BTC-KRW', interval: '1m', limit: 120 });
    expect(offline.candles.length).toBeGreaterThan(60);
    if (offline.loading)
      await until('the fetch to fail', () =>
        t.frames.some((f) => f.name === 'candles.progress' && f.payload.state === 'error'),
      );
  });

  it('keeps other markets subscribed when one view closes, and counts views of the same market', async () => {
    t.open();
    await call('paper.open', { market: 'BTC-KRW' });
    await call('paper.open', { market: 'BTC-KRW' });
    await call('paper.open', { market: 'ETH-KRW' });
    await until('both markets live', () => updates('BTC-KRW').length > 0 && updates('ETH-KRW').length > 0);
    expect(await call('paper.close', { market: 'BTC-KRW' })).toEqual({ views: 1 });
    expect(await call('paper.close', { market: 'BTC-KRW' })).toEqual({ views: 0 });
    expect(await call('paper.close', { market: 'BTC-KRW' })).toEqual({ views: 0 });
    await sleep(300);
    const btc = updates('BTC-KRW').length;
    const eth = updates('ETH-KRW').length;
    await sleep(700);
    expect(updates('BTC-KRW').length).toBe(btc);
    expect(updates('ETH-KRW').length).toBeGreaterThan(eth);
  });

  it('reports a dropped feed as reconnecting, then live again', async () => {
    t.open();
    await call('paper.open', { market: 'BTC-KRW' });
    await until('live', () => statuses('BTC-KRW').includes('live'));
    t.frames.length = 0;
    t.mock.dropConnections('upbit');
    await until('reconnecting then live', () => {
      const s = statuses('BTC-KRW');
      const r = s.indexOf('reconnecting');
      return r >= 0 && s.indexOf('live', r) > r;
    });
    const state = await call<PaperMarketState>('paper.state', { market: 'BTC-KRW' });
    expect(state.status).toBe('live');
  });

  it('answers unknown markets and bad requests with clear errors, and keeps running', async () => {
    t.open();
    await expect(call('paper.open', { market: 'BTC-USD' })).rejects.toMatchObject({
      code: 'UNKNOWN_MARKET',
      message: expect.stringMatching(/KRW markets only/),
    });
    await expect(call('paper.open', { market: 'not a market' })).rejects.toMatchObject({ code: 'UNKNOWN_MARKET' });
    await expect(
      call('paper.place', { market: 'BTC-USDT', side: 'buy', orderType: 'market', quoteAmount: 1 }),
    ).rejects.toMatchObject({ code: 'UNKNOWN_MARKET' });
    await expect(call('paper.open', { market: 7 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(
      call('paper.place', { market: 'BTC-KRW', side: 'buy', orderType: 'market', quoteAmount: -5 }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(call('replay.control', { action: 'play' })).rejects.toMatchObject({ code: 'NOT_REPLAY' });
    // A replay plays only files the user picked (real-markets-sessions.test.ts): a path is not a parameter.
    await expect(
      call('feed.setSource', { source: 'replay', sessionPath: join(t.dir, 'missing.p777s') }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await call<FeedSourceInfo>('feed.source')).toEqual({ source: 'upbit' });
    // With no book yet, a market order is refused with the matcher's reason rather than an error.
    const early = await call<PaperOrderOutcome>('paper.place', {
      market: 'SOL-KRW',
      side: 'buy',
      orderType: 'market',
      quoteAmount: 100_000_000,
    });
    expect(early).toMatchObject({ status: 'rejected', reason: 'NO_BOOK' });
  });

  it('trades Binance markets in USDT units', async () => {
    t.open();
    const info = await call<FeedSourceInfo>('feed.setSource', { source: 'binance' });
    expect(info.source).toBe('binance');
    const state = await call<PaperMarketState>('paper.open', { market: 'BTC-USDT' });
    expect(state.market).toMatchObject({ exchange: 'binance', priceDecimals: 2, quoteDecimals: 8 });
    await until('a Binance book', () => updates('BTC-USDT').some((u) => u.bids?.length));
    const bought = await call<PaperOrderOutcome>('paper.place', {
      market: 'BTC-USDT',
      side: 'buy',
      orderType: 'market',
      quoteAmount: 100 * 10 ** 8,
    });
    expect(bought.fills).toBeGreaterThan(0);
  });

  it('switches to the generated session at 100×, trades on it with PnL moving, and keeps it apart from the exchange source’s paper account', async () => {
    t.open();
    await call('paper.open', { market: 'BTC-KRW' });
    const info = await call<FeedSourceInfo>('feed.setSource', { source: 'replay', speed: 100 });
    expect(info.replay).toMatchObject({ kind: 'generated', markets: ['BTC-KRW'], speed: 100 });
    // The session as data (a ten-minute generated session from a fixed start), worded by the UI in its language.
    expect(info.replay).toMatchObject({ endAt: 10 * 60_000, startTime: expect.any(Number) });
    expect(info.replay).not.toHaveProperty('label');
    expect(statuses('BTC-KRW')).toContain('offline'); // the Upbit view was told it ended

    // The BTC-KRW view carried over to the replay, which starts playing.
    await until('replayed book', () => updates('BTC-KRW').some((u) => u.source === 'replay' && u.bids?.length));
    await expect(call('paper.open', { market: 'ETH-KRW' })).rejects.toMatchObject({ code: 'UNKNOWN_MARKET' });

    const bought = await call<PaperOrderOutcome>('paper.place', {
      market: 'BTC-KRW',
      side: 'buy',
      orderType: 'market',
      quoteAmount: 2_000_000 * 10_000,
    });
    expect(bought.fills).toBeGreaterThan(0);
    const pnls = new Set<number>();
    await until('replay PnL moving', () => {
      for (const x of updates('BTC-KRW'))
        if (x.source === 'replay' && x.position?.unrealisedPnl !== undefined) pnls.add(x.position.unrealisedPnl);
      return pnls.size >= 3;
    });

    const candles = await call<PaperCandles>('paper.candles', { market: 'BTC-KRW', interval: '1m', limit: 50 });
    expect(candles.candles.length).toBeGreaterThan(0);
    expect(candles.candles.at(-1)!.openTime).toBeLessThan(Date.UTC(2026, 0, 1)); // session time, not now

    let replay = await call<ReplayInfo>('replay.control', { action: 'pause' });
    expect(replay.state).toBe('paused');
    const at = replay.position;
    await sleep(200);
    expect((await call<ReplayInfo>('replay.control', { action: 'speed', speed: 50 })).position).toBe(at);
    // Paused, the replay's book does not go stale: the paper account can still trade.
    const paused = await call<PaperOrderOutcome>('paper.place', {
      market: 'BTC-KRW',
      side: 'sell',
      orderType: 'market',
      quantity: 1_000_000,
    });
    expect(paused.status).toBe('accepted');
    replay = await call<ReplayInfo>('replay.control', { action: 'seek', at: 60_000 });
    expect(replay.position).toBe(60_000);
    expect(t.frames.some((f) => f.name === 'replay.state')).toBe(true);
    const rewound = await call<PaperCandles>('paper.candles', { market: 'BTC-KRW', interval: '1m', limit: 50 });
    expect(rewound.candles.length).toBeLessThanOrEqual(1);

    // Back on Upbit, the paper account of the exchange source never saw the replayed trades.
    await call('feed.setSource', { source: 'upbit' });
    const live = await call<PaperMarketState>('paper.state', { market: 'BTC-KRW' });
    expect(live.account.positions.filter((p) => p.quantity !== 0)).toEqual([]);
    expect(live.account.balances.find((b) => b.asset === 'KRW')!.available).toBe(DEFAULT_GRANTS.KRW);

    // The chosen source is kept across restarts.
    await call('feed.setSource', { source: 'replay' });
    const dataDir = t.dir;
    t.host.close();
    t.open({ dataDir });
    expect((await call<FeedSourceInfo>('feed.source')).source).toBe('replay');
  });
});
