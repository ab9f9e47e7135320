/**
 * The server as its own process (sync-server/main.ts): an acknowledged order survives kill -9 and a restart on
 * the same data directory; SIGTERM tells connected clients, ends open streams, commits and exits 0.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OrderView, Session } from '../engine/protocol/sync';
import { LOT, MARKET, SseClient, TEST_GRANT, http, signUp, tempDir } from './testing/harness';
import { startServerProcess, type ServerProcess } from './testing/server-process';
import { TestWsClient } from './testing/ws-client';

let dir: ReturnType<typeof tempDir>;
const children: ChildProcess[] = [];
const clients: TestWsClient[] = [];

beforeEach(() => {
  dir = tempDir();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  dir.remove();
});

/** Starts main.ts on a free port on the test's data directory. */
const startChild = (): Promise<ServerProcess> => startServerProcess(join(dir.path, 'data'), children);

async function connect(wsUrl: string, session: Session): Promise<TestWsClient> {
  const c = await TestWsClient.connect(wsUrl);
  clients.push(c);
  await c.ok({ op: 'auth', token: session.accessToken });
  return c;
}

describe('sync server process', () => {
  it('refuses an unknown role, and a cluster role without NATS, saying why', () => {
    const run = (...flags: string[]) =>
      spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          join(import.meta.dirname, 'main.ts'),
          '--port',
          '0',
          '--data-dir',
          join(dir.path, 'data'),
          ...flags,
        ],
        {
          encoding: 'utf8',
          timeout: 30_000,
        },
      );
    const unknown = run('--role', 'leader');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('--role leader: the roles are core and gateway');
    const alone = run('--role', 'gateway');
    expect(alone.status).toBe(2);
    expect(alone.stderr).toContain('a cluster needs both --nats URL and --role core|gateway');
  });

  it('keeps every acknowledged order through kill -9 and a restart', async () => {
    const first = await startChild();
    const alice = await signUp(first.url, 'alice');
    const bob = await signUp(first.url, 'bob');
    const a = await connect(first.wsUrl, alice);
    const b = await connect(first.wsUrl, bob);
    // Many orders in flight at once, so several share a commit; some trade.
    const pending = [];
    for (let i = 0; i < 60; i++) {
      const c = i % 2 === 0 ? a : b;
      pending.push(
        c.request({
          op: 'order.new',
          order: {
            market: MARKET,
            clientOrderId: `k${i}`,
            side: i % 2 === 0 ? 'sell' : 'buy',
            type: 'limit',
            price: 100_000 + (i % 7) - 3,
            quantity: 2 * LOT,
          },
        }),
      );
    }
    const replies = await Promise.all(pending);
    const acked = replies.flatMap((r) => (r.type === 'ack' && r.orderId ? [r.orderId] : []));
    expect(acked).toHaveLength(60);
    // Killed the moment the last ack arrived: no chance to flush or snapshot anything more.
    first.proc.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    await Promise.all(clients.splice(0).map((c) => c.close()));

    const second = await startChild();
    const seen = new Map<number, OrderView>();
    for (const s of [alice, bob]) {
      const r = await http<{ orders: OrderView[] }>(second.url, 'GET', '/api/v1/orders?limit=500', {
        token: s.accessToken,
      });
      expect(r.status).toBe(200);
      for (const o of r.body.orders) seen.set(o.orderId, o);
    }
    expect([...seen.keys()].sort((x, y) => x - y)).toEqual([...acked].sort((x, y) => x - y));
    const one = await http<OrderView>(second.url, 'GET', `/api/v1/orders/${acked[0]}`, { token: alice.accessToken });
    expect(one.body).toMatchObject({ orderId: acked[0], clientOrderId: 'k0' });
    // The restarted server knows the client order ids too: a resend is a duplicate, not a new order.
    const a2 = await connect(second.wsUrl, alice);
    const resend = await a2.ok({
      op: 'order.new',
      order: {
        market: MARKET,
        clientOrderId: 'k58',
        side: 'sell',
        type: 'limit',
        price: 100_000 + (58 % 7) - 3,
        quantity: 2 * LOT,
      },
    });
    expect(resend).toMatchObject({ orderId: acked[58], duplicate: true });
    // Money is conserved across the two accounts and the fee account's take.
    const totals = { KRW: 0, LPJ: 0 };
    for (const s of [alice, bob]) {
      for (const bal of (
        await http<{ asset: 'KRW' | 'LPJ'; available: number; held: number }[]>(second.url, 'GET', '/api/v1/balances', {
          token: s.accessToken,
        })
      ).body)
        totals[bal.asset] += bal.available + bal.held;
    }
    expect(totals.LPJ).toBe(2 * TEST_GRANT.LPJ);
    expect(totals.KRW).toBeLessThanOrEqual(2 * TEST_GRANT.KRW);
    second.proc.kill('SIGKILL');
  });

  it('on SIGTERM says goodbye to sockets, ends notification streams, commits and exits 0', async () => {
    const child = await startChild();
    const alice = await signUp(child.url, 'alice');
    const a = await connect(child.wsUrl, alice);
    const sse = await SseClient.open(`${child.url}/notifications/stream`, {
      authorization: `Bearer ${alice.accessToken}`,
    });
    expect(sse.status).toBe(200);
    const ack = await a.ok({
      op: 'order.new',
      order: {
        market: MARKET,
        clientOrderId: 'before-term',
        side: 'buy',
        type: 'limit',
        price: 99_000,
        quantity: 2 * LOT,
      },
    });

    child.proc.kill('SIGTERM');
    expect(await a.waitFor((m) => m.type === 'bye', 'bye')).toMatchObject({ code: 'SHUTDOWN' });
    expect((await a.closed).code).toBe(1001);
    expect(
      await Promise.race([sse.ended.then(() => 'ended'), new Promise((r) => setTimeout(() => r('still open'), 5_000))]),
    ).toBe('ended');
    const exit = await Promise.race([child.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 8_000))]);
    expect(exit).toEqual({ code: 0, signal: null });
    // It stopped listening.
    await expect(fetch(`${child.url}/healthz`)).rejects.toThrow();

    const again = await startChild();
    const o = await http<OrderView>(again.url, 'GET', `/api/v1/orders/${ack.orderId}`, { token: alice.accessToken });
    expect(o.body).toMatchObject({ clientOrderId: 'before-term', status: 'open' });
    again.proc.kill('SIGTERM');
    expect(await again.exited).toEqual({ code: 0, signal: null });
  });
});
