/**
 * A sync server for the live-market specs: `sync-server/main.ts` started the way an operator would, on a free
 * port with a fresh data folder and the shipped markets file (which grants every new account both KRW and LPJ,
 * so one player can sell to another right after signing up).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './fixtures';
import { startListening } from './listening-process';

export interface TestSyncServer {
  url: string;
  process: ChildProcess;
  /** The server's data folder (server.db, markets.db). */
  dataDir: string;
  stop(): Promise<void>;
}

/** What the shipped markets file grants every new account (KRW and LPJ in minimal units). */
export const GRANT = (
  JSON.parse(readFileSync(join(root, 'sync-server', 'markets.json'), 'utf8')) as { grant: { KRW: number; LPJ: number } }
).grant;

/** `flags` are passed to `sync-server/main.ts` as an operator would (e.g. a shorter ranking schedule). */
export async function startTestSyncServer(flags: string[] = []): Promise<TestSyncServer> {
  const dir = mkdtempSync(join(tmpdir(), 'lpj-e2e-sync-'));
  const { url, process: child } = await startListening(
    ['sync-server/main.ts', '--port', '0', '--data-dir', join(dir, 'data'), '--log-level', 'warn', ...flags],
    /sync server: (http:\/\/\S+)/,
    'sync server',
  );
  return {
    url,
    process: child,
    dataDir: join(dir, 'data'),
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A trader outside the scene, signed up over the server's API, who places orders over its WebSocket. */
export interface ApiTrader {
  accountId: number;
  /** A limit order of `lots` of 0.01 LPJ at `price` KRW; `filled` resolves at its first fill. */
  limit(side: 'buy' | 'sell', price: number, lots: number): Promise<{ filled: () => Promise<void> }>;
  close(): void;
}

export async function apiTrader(url: string, nickname: string): Promise<ApiTrader> {
  const { default: WebSocket } = await import('ws');
  const { frameMessages } = await import('../engine/protocol/sync');
  const res = await fetch(`${url}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ nickname, password: `${nickname}-password` }),
  });
  if (res.status !== 201) throw new Error(`sign-up of ${nickname}: ${res.status} ${await res.text()}`);
  const { accessToken, accountId } = (await res.json()) as { accessToken: string; accountId: number };
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`);
  const replies: { type?: string; id?: string; orderId?: number; fill?: { orderId: number } }[] = [];
  ws.on('message', (data) => replies.push(...(frameMessages(data.toString()) as typeof replies)));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const until = async (pred: (m: (typeof replies)[number]) => boolean, what: string) => {
    for (let waited = 0; !replies.some(pred); waited += 20) {
      if (waited > 15_000) throw new Error(`${nickname}: no ${what}; got ${JSON.stringify(replies.slice(-3))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  ws.send(JSON.stringify({ op: 'auth', id: 'auth', token: accessToken }));
  await until((m) => m.type === 'ack' && m.id === 'auth', 'sign-in');
  let n = 0;
  return {
    accountId,
    async limit(side, price, lots) {
      const id = `order-${++n}`;
      ws.send(
        JSON.stringify({
          op: 'order.new',
          id,
          order: {
            market: 'LPJ-KRW',
            clientOrderId: `${id}-${nickname}`,
            side,
            type: 'limit',
            price,
            quantity: lots * 1_000_000,
          },
        }),
      );
      await until((m) => m.type === 'ack' && m.id === id, 'order ack');
      const orderId = replies.find((m) => m.type === 'ack' && m.id === id)!.orderId;
      return { filled: () => until((m) => m.type === 'fill' && m.fill?.orderId === orderId, 'fill') };
    },
    close: () => ws.close(),
  };
}

/**
 * A trader outside the scene, signed up over the server's API, places a limit order of `lots` of 0.01 LPJ at
 * `price` KRW over WebSocket. `filled()` waits for its first fill; `close()` ends its connection.
 */
/** One outside trader's limit order of `lots` of 0.01 LPJ at `price` KRW; `filled` resolves at its first fill. */
export async function outsideOrder(
  url: string,
  side: 'buy' | 'sell',
  price: number,
  lots: number,
): Promise<{ filled(): Promise<void>; close(): void }> {
  const trader = await apiTrader(url, `o${side[0]}_${Math.floor(Math.random() * 1e9).toString(36)}`);
  const order = await trader.limit(side, price, lots);
  return { filled: order.filled, close: () => trader.close() };
}

/**
 * Two traders outside the scene trade `lots` of 0.01 LPJ with each other at `price` KRW: the market price a copy
 * is measured against when every trade on screen involves the leader.
 */
export async function othersTrade(url: string, price: number, lots = 100): Promise<void> {
  const seller = await outsideOrder(url, 'sell', price, lots);
  const buyer = await outsideOrder(url, 'buy', price, lots);
  await Promise.all([seller.filled(), buyer.filled()]);
  seller.close();
  buyer.close();
}

/** A trader outside the scene leaves `lots` of 0.01 LPJ resting on `side` at `price` KRW, for others to take. */
export async function othersOffer(url: string, side: 'buy' | 'sell', price: number, lots: number): Promise<void> {
  (await outsideOrder(url, side, price, lots)).close();
}
