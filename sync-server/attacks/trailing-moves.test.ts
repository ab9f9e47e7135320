/**
 * The worst a client can do to the trailing stops' trigger updates, on the shipped configuration: fill the book
 * with trailing stops at the tightest distances (1 KRW, 1 basis point), so that every new high moves every one
 * of them. Each move reaches the owner as one `order` message per order (never two for one move, never a
 * trigger going backwards), the history agrees with the engine, and two fresh accounts still trade LPJ
 * afterwards (honestPairTrades).
 */
import { describe, expect, it } from 'vitest';
import type { OrderView } from '../../engine/protocol/sync';
import { LOT, MARKET, honestPairTrades, http, signUp } from '../testing/harness';
import { limitOrder, serverPerTest } from '../testing/per-test';
import type { TestWsClient } from '../testing/ws-client';

const t = serverPerTest();

/** Connections the attacker places its orders on (each connection has its own message rate). */
const CONNECTIONS = 4;
const PER_CONNECTION = 60;

describe('the worst trailing stops for the trigger updates', () => {
  it('hundreds of trailing stops at 1 KRW and 1 bps: one message per order and move, and the exchange keeps trading', async () => {
    await t.start();
    await honestPairTrades(t.server); // the last price is 100,000
    const attacker = await signUp(t.server.url, 'attacker');
    // Every session of the account hears of every order of it: the first one's messages are folded as they come.
    const latest = new Map<number, number>();
    const conns: TestWsClient[] = [
      await t.connect(attacker, (m) => {
        if (m.type === 'order') latest.set(m.order.orderId, m.order.stopPrice);
      }),
    ];
    for (let c = 1; c < CONNECTIONS; c++) conns.push(await t.connect(attacker));
    const ids: number[] = [];
    for (const [c, conn] of conns.entries()) {
      for (let i = 0; i < PER_CONNECTION; i++) {
        const tight = i % 2 === 0 ? { trailAmount: 1 } : { trailBps: 1 };
        const ack = await conn.ok({
          op: 'order.new',
          order: {
            market: MARKET,
            clientOrderId: `t${c}-${i}`,
            side: 'sell',
            type: 'trailing_stop',
            quantity: 2 * LOT, // worth the minimum at its trigger
            ...tight,
          },
        });
        ids.push(ack.orderId!);
      }
    }
    const watcher = conns[0];
    const seller = await t.connect(await signUp(t.server.url, 'seller'));
    const buyer = await t.connect(await signUp(t.server.url, 'buyer'));
    const highs = [100_500, 101_000, 101_700, 102_300];
    for (const [n, price] of highs.entries()) {
      await seller.ok(limitOrder(`s${n}`, 'sell', price, LOT));
      const lift = limitOrder(`b${n}`, 'buy', price, LOT);
      await buyer.ok({ ...lift, order: { ...lift.order, timeInForce: 'IOC' } });
      // Every order's trigger follows this high: 1 KRW under it, or 1 bps under it on the tick.
      const expected = (i: number) => (i % 2 === 0 ? price - 1 : Math.floor((price * 9_999) / 10_000));
      await watcher.waitFor(
        () => ids.every((id, k) => latest.get(id) === expected(k)),
        `every trigger under ${price}`,
        30_000,
      );
    }
    await watcher.sync();
    for (const [k, id] of ids.entries()) {
      const triggers = watcher
        .ofType('order')
        .filter((m) => m.order.orderId === id)
        .map((m) => m.order.stopPrice);
      // The trigger it was placed with, then one message per high: rising, never repeated.
      expect(triggers.length).toBe(1 + highs.length);
      for (let i = 1; i < triggers.length; i++) expect(triggers[i]).toBeGreaterThan(triggers[i - 1]);
      const engine = t.server.exchange.engine.openOrders(attacker.accountId).find((o) => o.id === id);
      expect(engine?.stopPrice).toBe(triggers.at(-1));
      expect(k % 2 === 0 ? engine?.trailAmount : engine?.trailBps).toBe(1);
    }
    const history = await http<{ orders: OrderView[] }>(t.server.url, 'GET', '/api/v1/orders?status=open&limit=500', {
      token: attacker.accessToken,
    });
    const byId = new Map(history.body.orders.map((o) => [o.orderId, o.stopPrice]));
    for (const id of ids)
      expect(byId.get(id)).toBe(
        t.server.exchange.engine.openOrders(attacker.accountId).find((o) => o.id === id)?.stopPrice,
      );
    expect((await http(t.server.url, 'GET', '/readyz')).status).toBe(200);
    await honestPairTrades(t.server);
  });
});
