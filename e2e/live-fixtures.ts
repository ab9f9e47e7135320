/**
 * A sync server for the live-market specs: the built server started the way `npm run server` does, on a free
 * port with a fresh data folder and the shipped markets file (which grants every new account both KRW and LPJ,
 * so one player can sell to another right after signing up). Players: web-mode apps a spec drives through the
 * UI (open one, sign up, place a limit order on the live market); traders outside the scene, over the API.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { expect, root, startWebMode, test } from './fixtures';
import { startListening, SYNC_SERVER_MAIN } from './listening-process';
import { NO_NATS_SERVER, startNatsServer } from '../sync-server/testing/nats-server';

export interface TestSyncServer {
  url: string;
  /**
   * Where each player connects, the n-th player to `urls[n % urls.length]`: the one server, or each gateway of a
   * cluster in turn (so two players are on different gateways).
   */
  urls: string[];
  process: ChildProcess;
  /** The server's data folder (server.db, markets.db). */
  dataDir: string;
  stop(): Promise<void>;
}

/** What the shipped markets file grants every new account (KRW and LPJ in minimal units). */
export const GRANT = (
  JSON.parse(readFileSync(join(root, 'sync-server', 'markets.json'), 'utf8')) as { grant: { KRW: number; LPJ: number } }
).grant;

/** `flags` are passed to the server as an operator would (e.g. a shorter ranking schedule). */
export async function startTestSyncServer(flags: string[] = []): Promise<TestSyncServer> {
  const dir = mkdtempSync(join(tmpdir(), 'lpj-e2e-sync-'));
  const { url, process: child } = await startListening(
    [SYNC_SERVER_MAIN, '--port', '0', '--data-dir', join(dir, 'data'), '--log-level', 'warn', ...flags],
    /sync server: (http:\/\/\S+)/,
    'sync server',
  );
  return {
    url,
    urls: [url],
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

/**
 * The sync server as a cluster, as docs/cluster.md runs one: a nats-server with JetStream, one core and two
 * gateways of the built server, on free ports with a fresh data folder. `url` and `process` are the first
 * gateway's; `dataDir` the core's. Stopped in the reverse order: gateways, core, NATS.
 */
export async function startTestCluster(): Promise<TestSyncServer> {
  const dir = mkdtempSync(join(tmpdir(), 'lpj-e2e-cluster-'));
  const nats = await startNatsServer();
  const started: ChildProcess[] = [];
  const stop = async () => {
    for (const child of started.reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await nats.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const role = async (name: 'core' | 'gateway') => {
      const { url, process: child } = await startListening(
        [SYNC_SERVER_MAIN, '--port', '0', '--data-dir', join(dir, 'data'), '--log-level', 'warn'].concat([
          '--nats',
          nats.url,
          '--role',
          name,
        ]),
        /sync server: (http:\/\/\S+)/,
        `sync server ${name}`,
      );
      started.push(child);
      return { url, child };
    };
    await role('core');
    const a = await role('gateway');
    const b = await role('gateway');
    return { url: a.url, urls: [a.url, b.url], process: a.child, dataDir: join(dir, 'data'), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Something a spec started and stops when it ends (a server, a player). */
export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * A player: a web-mode app with its own data folder (one app host holds one account) in a new page of `browser`,
 * added to `running` to be stopped with the rest. `env` is the app's environment (e.g. LPJ_SYNC_URL).
 */
export async function openPlayer(
  browser: Browser,
  running: Stoppable[],
  { viewport, env = {} }: { viewport: { width: number; height: number }; env?: Record<string, string> },
): Promise<Page> {
  const dir = mkdtempSync(join(tmpdir(), 'lpj-e2e-player-'));
  const web = await startWebMode(dir, env);
  const page = await browser.newPage({ viewport });
  await page.goto(web.url);
  running.push({
    stop: async () => {
      await page.close();
      web.process.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  });
  return page;
}

/** A single server (`npm run server`) or a cluster of one core and two gateways (docs/cluster.md). */
export type ServerKind = 'single' | 'cluster';

/**
 * Players of the live market for a whole spec file (or describe block): one test sync server — a single one, or
 * a cluster with `kind: 'cluster'` — and one browser, started before the first test and stopped after the last
 * with every player opened. Web project only: each player is a web-mode app host of its own. `env` is each
 * player's environment, given the server (e.g. its LPJ_SYNC_URL).
 */
export function useLivePlayers(
  viewport: { width: number; height: number },
  env: (server: TestSyncServer) => Record<string, string> = () => ({}),
  kind: ServerKind = 'single',
): { readonly server: TestSyncServer; openPlayer(): Promise<Page> } {
  const running: Stoppable[] = [];
  let server: TestSyncServer | undefined;
  let browser: Browser | undefined;
  test.beforeAll(async ({ playwright, launchOptions }, testInfo) => {
    test.skip(testInfo.project.name !== 'web', 'each player is a web-mode app host: web mode starts one per process');
    if (kind === 'cluster') test.skip(!!NO_NATS_SERVER, NO_NATS_SERVER ?? '');
    server = kind === 'cluster' ? await startTestCluster() : await startTestSyncServer();
    browser = await playwright.chromium.launch(launchOptions);
  });
  test.afterAll(async () => {
    for (const r of running.splice(0).reverse()) await r.stop();
    await browser?.close();
    await server?.stop();
  });
  const started = <T>(what: T | undefined): T => {
    if (what === undefined) throw new Error('the live players run only during a test');
    return what;
  };
  return {
    get server() {
      return started(server);
    },
    openPlayer: () => openPlayer(started(browser), running, { viewport, env: env(started(server)) }),
  };
}

/** Until Settings points it at a test server, a player looks for one where nothing listens (port 9, discard). */
export const NO_SERVER = { LPJ_SYNC_URL: 'http://127.0.0.1:9' };

/** A screen of the main navigation, by its English name. */
export const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name }).click();

/** The order form of the Market screen. */
export const orderForm = (page: Page) => page.getByRole('region', { name: 'Place order' });

/** Settings › Server: the test server's address; then Settings › Account: a new account, signed in. */
export async function signUp(page: Page, serverUrl: string, nickname: string): Promise<void> {
  await nav(page, 'Settings');
  await page.getByRole('textbox', { name: 'Server address' }).fill(serverUrl);
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.locator('.live-status')).toHaveAttribute('data-connection', 'signed_out', { timeout: 15_000 });
  await page.getByRole('textbox', { name: 'Nickname' }).fill(nickname);
  await page.getByLabel('Password').fill(`${nickname}-password`);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.locator('.live-status')).toHaveAttribute('data-connection', 'online', { timeout: 15_000 });
}

/** The Market screen on the live market. */
export async function openLive(page: Page): Promise<void> {
  await nav(page, 'Market');
  await page.getByRole('combobox', { name: 'Market' }).selectOption({ label: 'LPJ · live' });
  await expect(page.locator('.market')).toHaveAttribute('data-kind', 'live');
}

/** A limit order on the live market through the order form, confirming it if it is large. */
export async function placeLimit(page: Page, side: 'Buy' | 'Sell', price: string, amount: string): Promise<void> {
  await openLive(page);
  const form = orderForm(page);
  await form.getByRole('tab', { name: side }).click();
  await form.getByRole('textbox', { name: 'Price (KRW)' }).fill(price);
  await form.getByRole('textbox', { name: 'Amount (LPJ)' }).fill(amount);
  await form.getByRole('button', { name: `${side} LPJ` }).click();
  const confirm = page.getByRole('dialog', { name: 'Confirm a large order' });
  if (await confirm.isVisible().catch(() => false)) await confirm.getByRole('button', { name: 'Place order' }).click();
  await expect(form.getByRole('status')).toContainText(/Order #\d+ placed/);
}

/** A trader outside the scene, signed up over the server's API, who places orders over its WebSocket. */
export interface ApiTrader {
  accountId: number;
  /** For the server's HTTP API (Authorization: Bearer). */
  accessToken: string;
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
    accessToken,
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
