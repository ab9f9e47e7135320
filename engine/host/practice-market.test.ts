import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventFrame, OrderOutcome, PracticeState, VenueHistory } from '../protocol/api';
import { AppHost } from './app-host';
import { PRACTICE_HISTORY, PracticeMarket, type PracticePreparing } from './practice-market';

let dir: string;
let host: AppHost;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'practice-'));
});
afterEach(() => {
  host?.close();
  rmSync(dir, { recursive: true, force: true });
});

const open = (ticksPerSecond: number) =>
  AppHost.open({ dataDir: dir, appVersion: '0.0.0', mode: 'web', practice: { ticksPerSecond } });
const until = async (what: string, probe: () => boolean, ms = 10_000) => {
  const start = Date.now();
  while (!probe()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('the offline LPJ practice market', () => {
  it('starts with the practice grant, places, shows and cancels an order, and survives a restart', async () => {
    host = open(0);
    let state = (await host.invoke('practice.state', {})) as PracticeState;
    expect(state.balances).toEqual([{ asset: 'KRW', available: 10_000_000, held: 0 }]);
    const placed = (await host.invoke('practice.place', {
      side: 'buy',
      orderType: 'limit',
      price: 9_000,
      quantity: 100_000_000,
    })) as OrderOutcome;
    expect(placed).toMatchObject({ status: 'accepted', fills: 0 });
    state = (await host.invoke('practice.state', {})) as PracticeState;
    expect(state.openOrders).toMatchObject([{ id: placed.orderId, side: 'buy', price: 9_000, remaining: 100_000_000 }]);
    expect(state.bids).toEqual([[9_000, 100_000_000]]);
    expect(state.balances[0].held).toBe(9_000 + 9); // notional + the 10 bps taker fee

    host.close();
    host = open(0);
    state = (await host.invoke('practice.state', {})) as PracticeState;
    expect(state.openOrders.map((o) => o.id)).toEqual([placed.orderId]);
    const cancelled = (await host.invoke('practice.cancel', { orderId: placed.orderId! })) as OrderOutcome;
    expect(cancelled.status).toBe('accepted');
    state = (await host.invoke('practice.state', {})) as PracticeState;
    expect(state.openOrders).toEqual([]);
    expect(state.balances[0]).toEqual({ asset: 'KRW', available: 10_000_000, held: 0 });
    // The order stays in my history, read back from the journal after the restart, with how it ended.
    const { venues } = (await host.invoke('history.list', { limit: 10 })) as { venues: VenueHistory[] };
    const practice = venues.find((v) => v.venue === 'practice')!;
    expect(practice.markets).toEqual([expect.objectContaining({ id: 'LPJ-KRW', sizeDecimals: 8, lotSize: 1_000_000 })]);
    expect(practice.orders).toEqual([
      expect.objectContaining({ id: placed.orderId, side: 'buy', price: 9_000, filled: 0, status: 'cancelled' }),
    ]);
  });

  it('answers an order the engine refuses with its reason, and bad params with BAD_REQUEST', async () => {
    host = open(0);
    const refused = (await host.invoke('practice.place', {
      side: 'buy',
      orderType: 'limit',
      price: 9_000,
      quantity: 1,
    })) as OrderOutcome;
    expect(refused).toMatchObject({ status: 'rejected', reason: 'BELOW_LOT_SIZE' });
    await expect(
      host.invoke('practice.place', { side: 'buy', orderType: 'limit', price: -5, quantity: 1 }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('has simulated traders who make a two-sided book and a tape, pushed as throttled updates', async () => {
    host = open(20);
    const updates: EventFrame[] = [];
    host.onEvent((e) => e.name === 'practice.update' && updates.push(e));
    const preparing: EventFrame[] = [];
    host.onEvent((e) => e.name === 'practice.preparing' && preparing.push(e));
    // A new market runs its past first, and says so in its state and in pushes until it is done.
    expect(((await host.invoke('practice.state', {})) as PracticeState).preparing).toMatchObject({
      done: expect.any(Number),
    });
    await until(
      'the past done',
      () => preparing.some((e) => e.name === 'practice.preparing' && e.payload.done === e.payload.total),
      60_000,
    );
    expect(((await host.invoke('practice.state', {})) as PracticeState).preparing).toBeUndefined();
    await until('a trade on the tape', () =>
      updates.some((u) => u.name === 'practice.update' && u.payload.trades.length > 0),
    );
    const state = (await host.invoke('practice.state', {})) as PracticeState;
    expect(state.bids.length).toBeGreaterThan(3);
    expect(state.asks.length).toBeGreaterThan(3);
    expect(state.bids[0][0]).toBeLessThan(state.asks[0][0]);
    // A market buy by the user fills against the agents.
    const bought = (await host.invoke('practice.place', {
      side: 'buy',
      orderType: 'market',
      quoteAmount: 100_000,
    })) as OrderOutcome;
    expect(bought.fills).toBeGreaterThan(0);
    // Only my fills are mine, among the agents' trades: in the state and in my history alike.
    const mine = (await host.invoke('practice.state', {})) as PracticeState;
    expect(mine.fills.length).toBe(bought.fills);
    const { venues } = (await host.invoke('history.list', { limit: 10 })) as { venues: VenueHistory[] };
    const practice = venues.find((v) => v.venue === 'practice')!;
    expect(practice.fills.map((f) => f.tradeId)).toEqual(mine.fills.map((f) => f.tradeId));
    expect(practice.orders).toEqual([
      expect.objectContaining({ id: bought.orderId, type: 'market', status: 'filled' }),
    ]);
    const candles = (await host.invoke('practice.candles', { interval: '1m', limit: 10 })) as unknown[];
    expect(candles.length).toBeGreaterThan(0);
    // The trade history export has my fills, and only mine.
    const exported = (await host.invoke('history.exportCsv', {})) as { csv: string; rows: number; filename: string };
    expect(exported.rows).toBe(bought.fills);
    expect(exported.filename).toMatch(/^playground777-trades-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(exported.csv.split('\r\n').filter((l) => l.includes(',lpj-practice,LPJ-KRW,buy,'))).toHaveLength(
      bought.fills,
    );
  }, 90_000);

  it('opens for the first time on a day of simulated past, journaled, with an order of the user waiting for it', async () => {
    const opened = Date.now();
    const market = new PracticeMarket({ dataDir: dir });
    const progress: PracticePreparing[] = [];
    market.onPreparing((p) => progress.push(p));
    const updates: unknown[] = [];
    market.onUpdate((u) => updates.push(u));
    try {
      expect(market.preparing()).toMatchObject({ total: PRACTICE_HISTORY.spanMs / PRACTICE_HISTORY.stepMs });
      expect(market.preparing()!.done).toBeLessThan(market.preparing()!.total);
      // Sent while the past runs: it waits, then trades in the present.
      const buying = market.place({ side: 'buy', orderType: 'market', quoteAmount: 50_000 });
      await market.ready;
      const events = await buying;
      expect(events.filter((e) => e.type === 'trade').length).toBeGreaterThan(0);
      expect(events.every((e) => e.ts >= opened)).toBe(true);

      expect(market.preparing()).toBeNull();
      const last = progress[progress.length - 1];
      expect(last.done).toBe(last.total);
      expect(progress.every((p, i) => i === 0 || p.done > progress[i - 1].done)).toBe(true);
      // Nothing of the past was pushed as if it were happening now.
      for (const u of updates as { trades: { ts: number }[] }[])
        expect(u.trades.every((t) => t.ts >= opened)).toBe(true);

      // A day of minutes, every hour of it traded, and a book on both sides.
      const minutes = market.candles('1m', 2_000);
      expect(minutes.length).toBeGreaterThan(1_300);
      expect(minutes[0].openTime).toBeLessThan(opened - 23.9 * 3_600_000);
      const hours = market.candles('1h', 30);
      expect(hours.length).toBeGreaterThanOrEqual(24);
      expect(hours.every((h) => h.volume > 0 && h.low <= h.high)).toBe(true);
      const depth = market.engine.depth(market.market.id, 10)!;
      expect(depth.bids.length).toBeGreaterThan(0);
      expect(depth.asks.length).toBeGreaterThan(0);
      expect(market.engine.audit()).toEqual([]);
    } finally {
      market.close();
    }

    // The past is kept: a restart opens at once, on the same minutes, and runs no past again.
    const again = new PracticeMarket({ dataDir: dir });
    try {
      expect(again.preparing()).toBeNull();
      expect(again.candles('1m', 2_000).length).toBeGreaterThan(1_300);
      expect(again.engine.audit()).toEqual([]);
    } finally {
      again.close();
    }
  }, 90_000);
});
