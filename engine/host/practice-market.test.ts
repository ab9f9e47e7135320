import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventFrame, OrderOutcome, PracticeState, VenueHistory } from '../protocol/api';
import { AppHost } from './app-host';

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
  });
});
