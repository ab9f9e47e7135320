/**
 * Trailing stops, brackets and OCO pairs in paper trading through the app host, on the mock exchange's live
 * feed: placed through `paper.place`, shown in the account's open orders with their trigger and links, kept
 * current by `paper.update`, amended and cancelled by the same rules as the LPJ markets; worst inputs are refused
 * (by the schema, or with the engine's reason) and an honest order still fills after them.
 */
import { describe, expect, it } from 'vitest';
import type { OrderOutcome, PaperMarketState, PaperOrderOutcome, PaperUpdate } from '../protocol/api';
import { mockExchangeHosts, until } from './testing/mock-exchange-host';

const t = mockExchangeHosts({ seed: 11, stepsPerSec: 20, historyMinutes: 60 }, 'paper-order-types');
const { call } = t;

const updates = (): PaperUpdate[] =>
  t.frames.flatMap((f) => (f.name === 'paper.update' && f.payload.market === 'BTC-KRW' ? [f.payload] : []));
const MARKET = 'BTC-KRW';

/** BTC-KRW open with a book and a last price, and some BTC bought at the market; returns the state then. */
async function ready(): Promise<PaperMarketState> {
  t.open();
  await call('paper.open', { market: MARKET });
  await until('a book and a last price', async () => {
    const s = await call<PaperMarketState>('paper.state', { market: MARKET });
    return s.bids.length > 0 && s.lastPrice !== undefined;
  });
  const bought = await call<PaperOrderOutcome>('paper.place', {
    market: MARKET,
    side: 'buy',
    orderType: 'market',
    quoteAmount: 2_000_000 * 10_000,
  });
  expect(bought).toMatchObject({ status: 'accepted' });
  return call<PaperMarketState>('paper.state', { market: MARKET });
}

const heldBtc = (s: PaperMarketState) => s.account.balances.find((b) => b.asset === 'BTC')!.available;

describe('paper trading: trailing stops, brackets and OCO pairs in the app host', () => {
  it('a trailing stop is placed, shown with its trigger and distance, and its trigger follows the feed upwards', async () => {
    const s = await ready();
    const placed = await call<PaperOrderOutcome>('paper.place', {
      market: MARKET,
      side: 'sell',
      orderType: 'trailing_stop',
      quantity: Math.floor(heldBtc(s) / 2),
      trailBps: 2_000,
    });
    expect(placed).toMatchObject({ status: 'accepted', orderId: expect.any(Number) });
    const id = placed.orderId!;
    const first = (await call<PaperMarketState>('paper.state', { market: MARKET })).account.openOrders.find(
      (o) => o.id === id,
    )!;
    expect(first).toMatchObject({ type: 'trailing_stop', trailBps: 2_000, triggered: false });
    // 20% below the last price when placed (which the feed may have moved on from since).
    expect(first.stopPrice).toBeGreaterThan(s.lastPrice! * 0.7);
    expect(first.stopPrice).toBeLessThan(s.lastPrice! * 0.9);
    // The feed's next high moves it; the push carries the account with the new trigger.
    await until('the trigger to follow a new high', () =>
      updates().some((u) => (u.account?.openOrders.find((o) => o.id === id)?.stopPrice ?? 0) > first.stopPrice),
    );
    expect(
      await call<OrderOutcome>('order.amend', { venue: 'paper', market: MARKET, orderId: id, price: 1 }),
    ).toMatchObject({ status: 'rejected', reason: 'ORDER_NOT_AMENDABLE' });
    expect(await call<PaperOrderOutcome>('paper.cancel', { market: MARKET, orderId: id })).toMatchObject({
      status: 'accepted',
    });
  });

  it('a trailing stop that triggers trades at the market, leaves the open orders and makes its notices', async () => {
    const s = await ready();
    // One tick (1,000 KRW) behind the last price: the mock's walk turns by that within moments.
    const placed = await call<PaperOrderOutcome>('paper.place', {
      market: MARKET,
      side: 'sell',
      orderType: 'trailing_stop',
      quantity: Math.floor(heldBtc(s) / 2),
      trailAmount: 1_000,
    });
    const id = placed.orderId!;
    await until('the stop to trigger and trade', async () => {
      const now = await call<PaperMarketState>('paper.state', { market: MARKET });
      return !now.account.openOrders.some((o) => o.id === id);
    });
    type Notice = { kind: string; data?: { orderId?: number; side?: string } };
    await until('its notices', async () => {
      const { items } = await call<{ items: Notice[] }>('notifications.list');
      return items.some((n) => n.kind === 'stop_triggered' && n.data?.orderId === id && n.data.side === 'sell');
    });
    const { items } = await call<{ items: Notice[] }>('notifications.list');
    expect(items.filter((n) => n.kind === 'order_filled' && n.data?.side === 'sell').length).toBeGreaterThan(0);
  });

  it("a bracket's entry shows its pending exits; an OCO pair is linked, not amendable, and cancelled as one", async () => {
    const s = await ready();
    const bid = s.bids[0][0];
    const entry = await call<PaperOrderOutcome>('paper.place', {
      market: MARKET,
      side: 'buy',
      orderType: 'limit',
      price: Math.floor(bid * 0.5),
      quantity: 100_000,
      takeProfitPrice: Math.floor(bid * 0.6),
      stopLossPrice: Math.floor(bid * 0.4),
    });
    expect(entry).toMatchObject({ status: 'accepted', fills: 0 });
    let state = await call<PaperMarketState>('paper.state', { market: MARKET });
    expect(state.account.openOrders.find((o) => o.id === entry.orderId)).toMatchObject({
      takeProfitPrice: Math.floor(bid * 0.6),
      stopLossPrice: Math.floor(bid * 0.4),
    });

    const last = state.lastPrice!;
    const oco = await call<PaperOrderOutcome>('paper.place', {
      market: MARKET,
      side: 'sell',
      orderType: 'oco',
      quantity: Math.floor(heldBtc(state) / 2),
      takeProfitPrice: Math.floor(last * 1.5),
      stopLossPrice: Math.floor(last * 0.5),
    });
    expect(oco).toMatchObject({ status: 'accepted' });
    state = await call<PaperMarketState>('paper.state', { market: MARKET });
    const pair = state.account.openOrders.filter((o) => o.ocoOrderId !== undefined);
    expect(pair.map((o) => o.type).sort()).toEqual(['limit', 'stop_market']);
    expect(pair[0].ocoOrderId).toBe(pair[1].id);
    const tp = pair.find((o) => o.type === 'limit')!;
    const sl = pair.find((o) => o.type === 'stop_market')!;
    expect(
      await call<OrderOutcome>('order.amend', { venue: 'paper', market: MARKET, orderId: tp.id, price: tp.price + 1 }),
    ).toMatchObject({ status: 'rejected', reason: 'ORDER_NOT_AMENDABLE' });
    await call('paper.cancel', { market: MARKET, orderId: sl.id });
    state = await call<PaperMarketState>('paper.state', { market: MARKET });
    expect(state.account.openOrders.filter((o) => o.id === tp.id || o.id === sl.id)).toEqual([]);
    expect(state.account.balances.find((b) => b.asset === 'BTC')!.held).toBe(0);
  });

  it('refuses the worst inputs by schema or with the engine reason, and an honest order still fills', async () => {
    const s = await ready();
    const base = { market: MARKET, side: 'sell', quantity: 1_000 };
    for (const bad of [
      { ...base, orderType: 'trailing_stop', trailBps: -1 },
      { ...base, orderType: 'trailing_stop', trailAmount: Number.NaN },
      { ...base, orderType: 'trailing_stop', trailAmount: 1e300 },
      { ...base, orderType: 'limit', price: 100, takeProfitPrice: 1.5 },
      { ...base, orderType: 'trailing_stop', trailBps: 10, timeInForce: 'IOC' },
      { ...base, orderType: 'bracket' },
    ]) {
      await expect(call('paper.place', bad), JSON.stringify(bad)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
    const refusals: [Record<string, unknown>, string][] = [
      [{ orderType: 'trailing_stop', trailBps: 99_999 }, 'INVALID_TRAIL'],
      [{ orderType: 'trailing_stop', trailBps: 10, trailAmount: 10 }, 'INVALID_ORDER'],
      [{ orderType: 'trailing_stop', trailAmount: Number.MAX_SAFE_INTEGER }, 'INVALID_TRAIL'],
      // A sell's take-profit is below its entry.
      [{ orderType: 'limit', price: s.lastPrice!, takeProfitPrice: s.lastPrice! * 2 }, 'INVALID_BRACKET'],
      [{ orderType: 'oco', takeProfitPrice: s.lastPrice! * 2 }, 'INVALID_ORDER'],
    ];
    for (const [fields, reason] of refusals) {
      const out = await call<PaperOrderOutcome>('paper.place', { ...base, ...fields });
      expect([fields, out]).toMatchObject([fields, { status: 'rejected', reason }]);
    }
    const sold = await call<PaperOrderOutcome>('paper.place', {
      market: MARKET,
      side: 'sell',
      orderType: 'market',
      quantity: heldBtc(s),
    });
    expect(sold).toMatchObject({ status: 'accepted' });
    expect(sold.fills).toBeGreaterThan(0);
  });
});
