/**
 * A trailing stop in the offline practice market: each move of its trigger tells the window that the user's
 * orders changed (so Open orders and the chart are read again), the order history shows the trigger where it
 * is, and a restart, which rebuilds both from the journal, shows the same trigger before it triggers there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Command, EngineEvent } from '../core/matching/types';
import { PRACTICE_USER, PracticeMarket, type PracticeUpdate } from './practice-market';

let dir: string;
let market: PracticeMarket | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'practice-trailing-'));
});
afterEach(() => {
  market?.close();
  rmSync(dir, { recursive: true, force: true });
});

const until = async (what: string, probe: () => boolean, ms = 10_000) => {
  const start = Date.now();
  while (!probe()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

const COIN = 100_000_000;
/** Two traders of the practice ledger besides the user (the simulator's own ids start far above). */
const SELLER = 7;
const BUYER = 8;

const openMarket = () => new PracticeMarket({ dataDir: dir, ticksPerSecond: 0, history: null, publishEveryMs: 5 });

/** SELLER rests one coin at `price` and BUYER takes it: the last price becomes `price`. */
function tradeAt(m: PracticeMarket, price: number): void {
  const market = m.market.id;
  m.journal.submitBatch([
    { type: 'place', market, account: SELLER, side: 'sell', orderType: 'limit', price, quantity: COIN },
    {
      type: 'place',
      market,
      account: BUYER,
      side: 'buy',
      orderType: 'limit',
      price,
      quantity: COIN,
      timeInForce: 'IOC',
    },
  ]);
}

describe('a trailing stop in the practice market', () => {
  it('tells the window of each move, keeps the trigger in the history and through a restart, and triggers there', async () => {
    market = openMarket();
    const funding: Command[] = [SELLER, BUYER].flatMap((account): Command[] => [
      { type: 'open_account', account },
      { type: 'deposit', account, asset: 'KRW', amount: 1_000_000_000 },
      { type: 'deposit', account, asset: 'LPJ', amount: 1_000 * COIN },
    ]);
    market.journal.submitBatch(funding);
    tradeAt(market, 10_000);
    const updates: PracticeUpdate[] = [];
    market.onUpdate((u) => updates.push(u));

    const placed = await market.place({ side: 'buy', orderType: 'trailing_stop', quantity: COIN, trailAmount: 500 });
    const id = placed.find((e): e is Extract<EngineEvent, { type: 'accepted' }> => e.type === 'accepted')!.orderId;
    const trigger = () => market!.engine.openOrders(PRACTICE_USER).find((o) => o.id === id)?.stopPrice;
    const row = () => market!.history.latestOrders(10).find((o) => o.id === id);
    expect(trigger()).toBe(10_500);

    // Someone else's trade moves my trigger: the update says my orders changed, and the history has it.
    await until('the first push', () => updates.length > 0);
    updates.length = 0;
    tradeAt(market, 9_800);
    await until('an update saying my orders changed', () => updates.some((u) => u.mine));
    expect(trigger()).toBe(10_300);
    expect(row()).toMatchObject({ stopPrice: 10_300, status: 'waiting', type: 'trailing_stop' });
    // A price that does not pass the low moves nothing, and says nothing of mine.
    updates.length = 0;
    tradeAt(market, 9_900);
    await until('the trade pushed', () => updates.some((u) => u.trades.some((t) => t.price === 9_900)));
    expect(updates.some((u) => u.mine)).toBe(false);
    expect(row()?.stopPrice).toBe(10_300);
    tradeAt(market, 9_600);
    await until('the trigger at 10,100', () => row()?.stopPrice === 10_100);
    expect(trigger()).toBe(10_100);

    // The engine and my history are rebuilt from the journal: the same trigger.
    market.close();
    market = openMarket();
    expect(trigger()).toBe(10_100);
    expect(row()).toMatchObject({ stopPrice: 10_100, status: 'waiting' });

    // The price comes back up to the trigger: the stop buys the ask above it.
    market.journal.submitBatch([
      {
        type: 'place',
        market: market.market.id,
        account: SELLER,
        side: 'sell',
        orderType: 'limit',
        price: 10_150,
        quantity: COIN,
      },
    ]);
    tradeAt(market, 10_100);
    await until('the stop filled', () => row()?.status === 'filled');
    expect(row()).toMatchObject({ stopPrice: 10_100, filled: COIN });
    expect(market.engine.audit()).toEqual([]);
  });
});
