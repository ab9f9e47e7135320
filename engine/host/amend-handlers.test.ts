/**
 * order.amend through the app host, as the UI sends it: the practice market and a paper market (on the mock
 * exchange) move an order's price and amount, refusals come back with the engine's reason, the worst requests
 * are refused before any engine sees them, and the user trades normally afterwards.
 */
import { describe, expect, it } from 'vitest';
import type { OrderOutcome, PaperMarketState, PracticeState } from '../protocol/api';
import { ApiError } from '../protocol/errors';
import { mockExchangeHosts, until } from './testing/mock-exchange-host';

const t = mockExchangeHosts({ seed: 11, stepsPerSec: 20, historyMinutes: 60 }, 'amend');
const { call } = t;

async function refusedAsBadRequest(params: unknown): Promise<void> {
  const err = await t.host.invoke('order.amend', params).catch((e: unknown) => e);
  expect(err, JSON.stringify(params)).toBeInstanceOf(ApiError);
  expect((err as ApiError).code).toBe('BAD_REQUEST');
}

describe('order.amend', () => {
  it('moves a practice order, keeps what the engine refuses unchanged with its reason, and refuses malformed requests', async () => {
    t.open();
    const placed = await call<OrderOutcome>('practice.place', {
      side: 'buy',
      orderType: 'limit',
      price: 9_000,
      quantity: 100_000_000,
    });
    const moved = await call<OrderOutcome>('order.amend', {
      venue: 'practice',
      orderId: placed.orderId,
      price: 8_990,
      quantity: 200_000_000,
    });
    expect(moved).toEqual({ status: 'accepted', orderId: placed.orderId, fills: 0 });
    let state = await call<PracticeState>('practice.state', {});
    expect(state.openOrders).toMatchObject([{ id: placed.orderId, price: 8_990, quantity: 200_000_000 }]);
    expect(state.bids).toEqual([[8_990, 200_000_000]]);
    expect(state.balances[0].held).toBe(17_980 + 17);

    const refused = await call<OrderOutcome>('order.amend', {
      venue: 'practice',
      orderId: placed.orderId,
      quantity: 1_000_000_000_000_000,
    });
    expect(refused).toMatchObject({ status: 'rejected', reason: 'INSUFFICIENT_FUNDS' });
    expect(await call('order.amend', { venue: 'practice', orderId: 424_242, price: 9_000 })).toMatchObject({
      status: 'rejected',
      reason: 'UNKNOWN_ORDER',
    });

    for (const bad of [
      null,
      {},
      { venue: 'practice', orderId: placed.orderId },
      { venue: 'practice', orderId: placed.orderId, price: -5 },
      { venue: 'practice', orderId: placed.orderId, price: 1.5 },
      { venue: 'practice', orderId: placed.orderId, price: Number.MAX_SAFE_INTEGER + 2 },
      { venue: 'practice', orderId: placed.orderId, price: '9000' },
      { venue: 'practice', orderId: 0, price: 9_000 },
      { venue: 'practice', orderId: placed.orderId, price: 9_000, market: 'LPJ-KRW' },
      { venue: 'practice', orderId: placed.orderId, price: 9_000, extra: true },
      { venue: 'paper', orderId: placed.orderId, price: 9_000 },
      { venue: 'mars', orderId: placed.orderId, price: 9_000 },
      { venue: 'paper', market: 'x'.repeat(10_000), orderId: 1, price: 1 },
    ])
      await refusedAsBadRequest(bad);

    state = await call<PracticeState>('practice.state', {});
    expect(state.openOrders).toMatchObject([{ id: placed.orderId, price: 8_990, quantity: 200_000_000 }]);
    // The honest user still trades: a smaller amount, then a cancel.
    expect(
      await call('order.amend', { venue: 'practice', orderId: placed.orderId, quantity: 100_000_000 }),
    ).toMatchObject({ status: 'accepted' });
    expect(await call('practice.cancel', { orderId: placed.orderId })).toMatchObject({ status: 'accepted' });
    state = await call<PracticeState>('practice.state', {});
    expect(state.balances[0]).toEqual({ asset: 'KRW', available: 10_000_000, held: 0 });
  });

  it('moves a paper order on a live book, and says why when it cannot', async () => {
    t.open();
    await call('paper.open', { market: 'BTC-KRW' });
    await until('a live book', () =>
      t.frames.some((f) => f.name === 'paper.update' && f.payload.market === 'BTC-KRW' && !!f.payload.bids?.length),
    );
    let state = await call<PaperMarketState>('paper.state', { market: 'BTC-KRW' });
    const bid = state.bids[state.bids.length - 1][0];
    const price = Math.floor(bid * 0.9);
    const quantity = 1_000_000; // 0.01 BTC
    const placed = await call<OrderOutcome>('paper.place', {
      market: 'BTC-KRW',
      side: 'buy',
      orderType: 'limit',
      price,
      quantity,
    });
    expect(placed.status).toBe('accepted');
    const moved = await call<OrderOutcome>('order.amend', {
      venue: 'paper',
      market: 'BTC-KRW',
      orderId: placed.orderId,
      price: price - 1_000,
      quantity: quantity * 2,
    });
    expect(moved).toMatchObject({ status: 'accepted', orderId: placed.orderId });
    state = await call<PaperMarketState>('paper.state', { market: 'BTC-KRW' });
    expect(state.account.openOrders).toMatchObject([
      { id: placed.orderId, price: price - 1_000, quantity: quantity * 2, remaining: quantity * 2 },
    ]);

    expect(
      await call('order.amend', {
        venue: 'paper',
        market: 'BTC-KRW',
        orderId: placed.orderId,
        quantity: 10_000_000_000,
      }),
    ).toMatchObject({ status: 'rejected', reason: 'INSUFFICIENT_FUNDS' });
    expect(
      await call('order.amend', { venue: 'paper', market: 'BTC-KRW', orderId: placed.orderId, price: price - 1_000 }),
    ).toMatchObject({ status: 'rejected', reason: 'ORDER_NOT_AMENDABLE' });
    // The order belongs to its own market: named under another, it is not found there.
    expect(
      await call('order.amend', { venue: 'paper', market: 'ETH-KRW', orderId: placed.orderId, price: 1_000 }),
    ).toMatchObject({ status: 'rejected', reason: 'UNKNOWN_ORDER' });
    expect(await call('paper.cancel', { market: 'BTC-KRW', orderId: placed.orderId })).toMatchObject({
      status: 'accepted',
    });
  });

  it('refuses a live amend while the live market is not connected, as its other orders', async () => {
    t.open();
    const err = await t.host
      .invoke('order.amend', { venue: 'live', orderId: 1, price: 9_000 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(['NOT_SIGNED_IN', 'OFFLINE']).toContain((err as ApiError).code);
  });
});
