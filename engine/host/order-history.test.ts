import { describe, expect, it } from 'vitest';
import { A, B, funded } from '../core/matching/testing/fixtures';
import { OrderHistory } from './order-history';

describe('my orders and fills, folded from the engine’s events', () => {
  it('follows each order from placed to partly filled, filled, cancelled or triggered, and lists my fills', () => {
    const h = funded();
    const mine = new OrderHistory('practice', A);
    const rest = h.limit(A, 'sell', 10_000, 100);
    const stop = h.place(A, { side: 'sell', orderType: 'stop_limit', stopPrice: 9_500, price: 9_495, quantity: 50 });
    const gone = h.limit(A, 'buy', 9_500, 20);
    h.apply({
      type: 'cancel',
      market: 'LPJ-KRW',
      account: A,
      orderId: gone.find((e) => e.type === 'accepted')!.orderId!,
    });
    h.limit(B, 'buy', 10_000, 30); // takes 30 of A's 100
    mine.apply(h.events);

    const [cancelled, waiting, partial] = mine.latestOrders(10);
    expect(partial).toMatchObject({
      venue: 'practice',
      side: 'sell',
      price: 10_000,
      quantity: 100,
      filled: 30,
      status: 'partial',
    });
    expect(waiting).toMatchObject({ type: 'stop_limit', stopPrice: 9_500, status: 'waiting', filled: 0 });
    expect(cancelled).toMatchObject({ side: 'buy', status: 'cancelled', reason: 'user' });
    expect(mine.latestFills(10)).toEqual([
      expect.objectContaining({
        venue: 'practice',
        market: 'LPJ-KRW',
        side: 'sell',
        price: 10_000,
        quantity: 30,
        liquidity: 'maker',
      }),
    ]);

    // B takes the rest, then trades down through the stop: A's resting order is filled, the stop triggers.
    h.limit(B, 'buy', 10_000, 70);
    h.limit(A, 'sell', 9_500, 20);
    h.limit(B, 'buy', 9_500, 20);
    mine.apply(h.events); // all of them again: only the new ones count
    const byId = new Map(mine.latestOrders(10).map((o) => [o.id, o]));
    expect(byId.get(rest.find((e) => e.type === 'accepted')!.orderId!)).toMatchObject({
      status: 'filled',
      filled: 100,
    });
    expect(byId.get(stop.find((e) => e.type === 'accepted')!.orderId!)!.status).toBe('open');
    expect(mine.latestFills(10).map((f) => f.quantity)).toEqual([20, 70, 30]);
    expect(mine.latestFills(10, 'BTC-KRW')).toEqual([]);
  });

  it('keeps the latest finished orders and fills and every working order, however old', () => {
    const h = funded();
    const mine = new OrderHistory('paper', A, 5);
    const first = h.limit(A, 'sell', 20_000, 10);
    for (let i = 0; i < 30; i++) {
      h.limit(A, 'sell', 10_000, 10);
      h.limit(B, 'buy', 10_000, 10);
    }
    mine.apply(h.events);
    const orders = mine.latestOrders(100);
    expect(orders.length).toBeLessThanOrEqual(11);
    expect(orders.at(-1)).toMatchObject({ id: first.find((e) => e.type === 'accepted')!.orderId, status: 'open' });
    expect(mine.latestFills(100).length).toBeLessThanOrEqual(10);
    expect(mine.latestFills(2).map((f) => f.tradeId)).toEqual(
      h.events
        .filter((e) => e.type === 'trade')
        .slice(-2)
        .reverse()
        .map((e) => (e as { tradeId: number }).tradeId),
    );
  });
});
