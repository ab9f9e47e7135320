/**
 * A trailing stop on the live market, as its owner sees it: every move of its trigger after the price is pushed
 * on the owner's WebSocket as an `order` message and kept in the order history, no one else hears of it, a
 * restarted server shows the same trigger, and the order triggers where its trigger has got to.
 */
import { describe, expect, it } from 'vitest';
import type { OrderView, ServerMessage, Session } from '../engine/protocol/sync';
import { LOT, MARKET, honestPairTrades, http, signUp } from './testing/harness';
import { limitOrder, serverPerTest } from './testing/per-test';
import type { TestWsClient } from './testing/ws-client';

const t = serverPerTest();

type OrderMessage = Extract<ServerMessage, { type: 'order' }>;
const orderOf = (id: number) => (m: ServerMessage) => m.type === 'order' && m.order.orderId === id;

/** My order as the order history has it. */
async function historyOrder(s: Session, id: number): Promise<OrderView> {
  const r = await http<OrderView>(t.server.url, 'GET', `/api/v1/orders/${id}`, { token: s.accessToken });
  expect(r.status).toBe(200);
  return r.body;
}

/** Two other accounts trade one lot at `price`: the last price becomes `price`. */
async function tradeAt(seller: TestWsClient, buyer: TestWsClient, price: number, tag: string): Promise<void> {
  await seller.ok(limitOrder(`s-${tag}`, 'sell', price, LOT));
  const lift = limitOrder(`b-${tag}`, 'buy', price, LOT);
  await buyer.ok({ ...lift, order: { ...lift.order, timeInForce: 'IOC' } });
  await buyer.waitFor((m) => m.type === 'fill' && m.fill.price === price, `the trade at ${price}`);
}

describe('trailing stops on the live market', () => {
  it('pushes each move of the trigger to its owner alone, keeps it in the history and after a restart, and triggers there', async () => {
    await t.start();
    await honestPairTrades(t.server); // the last price is 100,000
    const trader = await signUp(t.server.url, 'trailer');
    const me = await t.connect(trader);
    const observer = await t.connect(await signUp(t.server.url, 'observer'));
    const seller = await t.connect(await signUp(t.server.url, 'seller'));
    const buyer = await t.connect(await signUp(t.server.url, 'buyer'));

    const placed = await me.ok({
      op: 'order.new',
      order: {
        market: MARKET,
        clientOrderId: 'trail',
        side: 'sell',
        type: 'trailing_stop',
        quantity: 2 * LOT, // worth the minimum at its trigger
        trailAmount: 2_000,
      },
    });
    const id = placed.orderId!;
    await me.waitFor((m) => orderOf(id)(m) && (m as OrderMessage).order.stopPrice === 98_000, 'the first trigger');

    await tradeAt(seller, buyer, 101_000, '1');
    await me.waitFor((m) => orderOf(id)(m) && (m as OrderMessage).order.stopPrice === 99_000, 'the trigger at 99,000');
    await tradeAt(seller, buyer, 103_000, '2');
    await me.waitFor(
      (m) => orderOf(id)(m) && (m as OrderMessage).order.stopPrice === 101_000,
      'the trigger at 101,000',
    );
    // A lower price moves nothing: no message, the trigger stays.
    await tradeAt(seller, buyer, 102_000, '3');
    await me.sync();
    const pushed = me.ofType('order').filter((m) => m.order.orderId === id);
    expect(pushed.map((m) => m.order.stopPrice)).toEqual([98_000, 99_000, 101_000]);
    expect(pushed.every((m) => m.order.status === 'waiting' && m.order.type === 'trailing_stop')).toBe(true);
    expect(await historyOrder(trader, id)).toMatchObject({
      stopPrice: 101_000,
      status: 'waiting',
      trailAmount: 2_000,
    });
    // The order is its owner's business: the other sessions hear nothing of it.
    await observer.sync();
    expect(observer.ofType('order')).toEqual([]);

    // A restart rebuilds the engine from its journal and the history from its table: the same trigger.
    await t.disconnectAll();
    await t.server.close();
    await t.start();
    expect(t.server.exchange.engine.openOrders(trader.accountId).find((o) => o.id === id)?.stopPrice).toBe(101_000);
    expect((await historyOrder(trader, id)).stopPrice).toBe(101_000);

    // The price comes back to the trigger: the stop sells into the bid below.
    const me2 = await t.connect(trader);
    const seller2 = await t.connect(await signUp(t.server.url, 'seller2'));
    const buyer2 = await t.connect(await signUp(t.server.url, 'buyer2'));
    await buyer2.ok(limitOrder('bid', 'buy', 100_500, 2 * LOT));
    await tradeAt(seller2, buyer2, 101_000, '4');
    await me2.waitFor((m) => orderOf(id)(m) && (m as OrderMessage).order.status === 'filled', 'the stop filled');
    const fill = await me2.waitFor<Extract<ServerMessage, { type: 'fill' }>>(
      (m) => m.type === 'fill' && m.fill.orderId === id,
      'its fill',
    );
    expect(fill.fill).toMatchObject({ price: 100_500, quantity: 2 * LOT, side: 'sell' });
    await honestPairTrades(t.server);
  });

  it('the OpenAPI document says an order’s stop price is a trailing stop’s trigger now, pushed as it moves', async () => {
    await t.start();
    type Doc = {
      paths: Record<
        string,
        {
          get: {
            responses: Record<
              string,
              { content: Record<string, { schema: { properties: Record<string, { description?: string }> } }> }
            >;
          };
        }
      >;
    };
    const doc = await http<Doc>(t.server.url, 'GET', '/api/v1/openapi.json');
    const order = doc.body.paths['/api/v1/orders/{id}'].get.responses['200'].content['application/json'].schema;
    expect(order.properties.stopPrice.description).toMatch(/trailing stop's trigger follows the last trade price/);
    expect(order.properties.stopPrice.description).toMatch(/`order` message/);
  });
});
