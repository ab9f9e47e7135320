/**
 * LPJ candles on the server: trades between two accounts, on a controlled clock, checked against OHLCV worked
 * out by hand — live over the WebSocket, as history over HTTP, aggregated to longer intervals, and again after
 * restarts (with candles.db kept, and with it deleted so everything comes back from the journal).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Candle, Session } from '../engine/protocol/sync';
import { startSyncServer, type SyncServer } from './app';
import { defaultConfig } from './config';
import { TestWsClient } from './testing/ws-client';

const MARKET = 'LPJ-KRW';
const LPJ = 100_000_000;
const MIN = 60_000;
/** Monday 2025-01-06 09:00 UTC: on a 5m, 1h, 4h boundary, inside the UTC day. */
const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);

let clock = T0;
const dir = mkdtempSync(join(tmpdir(), 'candles-test-'));

async function start(): Promise<SyncServer> {
  return startSyncServer(
    defaultConfig({
      dataDir: dir,
      port: 0,
      logLevel: 'silent',
      accessTtlMs: 7 * 24 * 3_600_000,
      now: () => clock,
    }),
  );
}

/** A connected client, signed in when given a token. */
async function open(url: string, token?: string): Promise<TestWsClient> {
  const c = await TestWsClient.connect(url);
  if (token) await c.ok({ op: 'auth', token });
  return c;
}

/** The candles of one interval the client has received, in order. */
function candlesOf(c: TestWsClient, interval: string): Candle[] {
  return c.ofType('candle').flatMap((m) => (m.interval === interval ? [m.candle] : []));
}

let orderSeq = 0;
const limit = (c: TestWsClient, side: 'buy' | 'sell', price: number, quantity: number) =>
  c.ok({
    op: 'order.new',
    order: { market: MARKET, clientOrderId: `o${++orderSeq}`, side, type: 'limit', price, quantity },
  });

async function signUp(base: string, nickname: string): Promise<Session> {
  const res = await fetch(`${base}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ nickname, password: `${nickname}-password` }),
  });
  if (res.status !== 201) throw new Error(`sign-up: ${res.status} ${await res.text()}`);
  return (await res.json()) as Session;
}

async function history(
  base: string,
  query: string,
): Promise<{ status: number; body: { candles: Candle[]; error?: { code: string } } }> {
  const res = await fetch(`${base}/api/v1/markets/${MARKET}/candles?${query}`);
  return { status: res.status, body: (await res.json()) as { candles: Candle[]; error?: { code: string } } };
}

const candle = (openTime: number, open: number, high: number, low: number, close: number, volume: number): Candle => ({
  openTime,
  open,
  high,
  low,
  close,
  volume,
});

// Worked out by hand from the trades below (prices in KRW per LPJ, volumes in 10^-8 LPJ).
const M0 = candle(T0, 50_000, 51_000, 50_000, 51_000, 150_000_000); // 1 @ 50,000 then 0.5 @ 51,000, one order
const M1 = candle(T0 + MIN, 49_500, 49_500, 49_500, 49_500, 200_000_000); // 2 @ 49,500
const M4 = candle(T0 + 4 * MIN, 50_500, 50_500, 50_500, 50_500, 30_000_000); // 0.3 @ 50,500
const M5 = candle(T0 + 5 * MIN, 52_000, 52_000, 52_000, 52_000, 100_000_000); // 1 @ 52,000
const FIVE_0 = candle(T0, 50_000, 51_000, 49_500, 50_500, 380_000_000);
const FIVE_5 = candle(T0 + 5 * MIN, 52_000, 52_000, 52_000, 52_000, 100_000_000);
const HOUR = candle(T0, 50_000, 52_000, 49_500, 52_000, 480_000_000);
const WINDOW = `from=${T0}&to=${T0 + 60 * MIN}`;

describe('LPJ candles', () => {
  let server: SyncServer;
  let seller: TestWsClient;
  let buyer: TestWsClient;
  let watcher: TestWsClient;
  let tokens: { seller: string; buyer: string };

  beforeAll(async () => {
    server = await start();
    tokens = {
      seller: (await signUp(server.url, 'candle_seller')).accessToken,
      buyer: (await signUp(server.url, 'candle_buyer')).accessToken,
    };
    seller = await open(server.wsUrl, tokens.seller);
    buyer = await open(server.wsUrl, tokens.buyer);
    watcher = await open(server.wsUrl);
    for (const interval of ['1m', '5m', '1h'] as const)
      await watcher.ok({ op: 'subscribe', channel: 'candles', market: MARKET, interval });
  });

  afterAll(async () => {
    for (const c of [seller, buyer, watcher]) await c?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes one candle per interval for a batch, with both of its trades in it', async () => {
    clock = T0 + 10_000;
    await limit(seller, 'sell', 50_000, LPJ);
    await limit(seller, 'sell', 51_000, LPJ / 2);
    await limit(buyer, 'buy', 51_000, (3 * LPJ) / 2); // sweeps both asks: two trades, one command
    await watcher.sync();
    expect(candlesOf(watcher, '1m')).toEqual([M0]);
    expect(candlesOf(watcher, '5m')).toEqual([{ ...M0 }]);
    expect(candlesOf(watcher, '1h')).toEqual([{ ...M0 }]);
  });

  it('sends the current candle to a new subscriber', async () => {
    const late = await open(server.wsUrl);
    await late.ok({ op: 'subscribe', channel: 'candles', market: MARKET, interval: '1m' });
    await late.sync();
    expect(candlesOf(late, '1m')).toEqual([M0]);
    await late.close();
  });

  it('builds 1m candles over minutes, leaving quiet minutes as gaps', async () => {
    clock = T0 + 70_000;
    await limit(seller, 'sell', 49_500, 2 * LPJ);
    await limit(buyer, 'buy', 49_500, 2 * LPJ);
    clock = T0 + 299_000;
    await limit(seller, 'sell', 50_500, 30_000_000);
    await limit(buyer, 'buy', 50_500, 30_000_000);
    clock = T0 + 330_000;
    await limit(seller, 'sell', 52_000, LPJ);
    await limit(buyer, 'buy', 52_000, LPJ);
    await watcher.sync();
    expect(candlesOf(watcher, '1m').slice(-3)).toEqual([M1, M4, M5]);
    expect(candlesOf(watcher, '5m').at(-1)).toEqual(FIVE_5);
    expect(candlesOf(watcher, '1h').at(-1)).toEqual(HOUR);

    const minutes = await history(server.url, `interval=1m&${WINDOW}`);
    expect(minutes.status).toBe(200);
    expect(minutes.body.candles).toEqual([M0, M1, M4, M5]); // 09:05 is still open: it comes from the live state
  });

  it('aggregates history to longer intervals', async () => {
    expect((await history(server.url, `interval=5m&${WINDOW}`)).body.candles).toEqual([FIVE_0, FIVE_5]);
    expect((await history(server.url, `interval=15m&${WINDOW}`)).body.candles).toEqual([HOUR]);
    expect((await history(server.url, `interval=1h&${WINDOW}`)).body.candles).toEqual([HOUR]);
    expect((await history(server.url, `interval=4h&${WINDOW}`)).body.candles).toEqual([
      { ...HOUR, openTime: Date.UTC(2025, 0, 6, 8) },
    ]);
    expect((await history(server.url, 'interval=1d')).body.candles).toEqual([
      { ...HOUR, openTime: Date.UTC(2025, 0, 6) },
    ]);
    // Monday 6 January opens its week; the month opened on the 1st.
    expect((await history(server.url, 'interval=1w')).body.candles).toEqual([
      { ...HOUR, openTime: Date.UTC(2025, 0, 6) },
    ]);
    expect((await history(server.url, 'interval=1M')).body.candles).toEqual([
      { ...HOUR, openTime: Date.UTC(2025, 0, 1) },
    ]);
  });

  it('answers the widest week and month windows, from the epoch or from the year 2200', async () => {
    // 1,000 months from January 1970 reach past 2025.
    expect((await history(server.url, 'interval=1M&from=0&limit=1000')).body.candles).toEqual([
      { ...HOUR, openTime: Date.UTC(2025, 0, 1) },
    ]);
    expect((await history(server.url, 'interval=1M&from=0&limit=600')).body.candles).toEqual([]);
    expect((await history(server.url, 'interval=1M&limit=1000')).body.candles).toEqual([
      { ...HOUR, openTime: Date.UTC(2025, 0, 1) },
    ]);
    expect((await history(server.url, `interval=1w&to=${Date.UTC(2200, 0, 1)}&limit=1000`)).body.candles).toEqual([]);
    expect((await history(server.url, `interval=1w&from=${Date.UTC(2024, 11, 30)}&limit=2`)).body.candles).toEqual([
      { ...HOUR, openTime: Date.UTC(2025, 0, 6) },
    ]);
  });

  it('counts limit in intervals back from `to`, or forward from `from`', async () => {
    expect((await history(server.url, `interval=1m&to=${T0 + 6 * MIN}&limit=3`)).body.candles).toEqual([M4, M5]);
    expect((await history(server.url, `interval=1m&from=${T0 + 30_000}&limit=2`)).body.candles).toEqual([M0, M1]);
    expect((await history(server.url, 'interval=1m&limit=1')).body.candles).toEqual([M5]); // now is 09:05:30
  });

  it('refuses a bad query or an unknown market', async () => {
    expect((await history(server.url, 'interval=2m')).status).toBe(400);
    expect((await history(server.url, `from=${T0}&to=${T0}`)).status).toBe(400);
    expect((await history(server.url, 'limit=0')).status).toBe(400);
    const res = await fetch(`${server.url}/api/v1/markets/NOPE-KRW/candles`);
    expect(res.status).toBe(404);
  });

  it('keeps the history across a restart and carries on with the open candles', async () => {
    for (const c of [seller, buyer, watcher]) await c.close();
    await server.close(); // 09:05 was still open: only the journal has it
    clock = T0 + 20 * MIN;
    server = await start();
    expect((await history(server.url, `interval=1m&${WINDOW}`)).body.candles).toEqual([M0, M1, M4, M5]);

    seller = await open(server.wsUrl, tokens.seller);
    buyer = await open(server.wsUrl, tokens.buyer);
    watcher = await open(server.wsUrl);
    await watcher.ok({ op: 'subscribe', channel: 'candles', market: MARKET, interval: '1h' });
    clock = T0 + 21 * MIN;
    await limit(seller, 'sell', 48_000, LPJ);
    await limit(buyer, 'buy', 48_000, LPJ);
    await watcher.sync();
    // The hour's candle (sent on subscribing) continues from what was there before the restart.
    const hour = candle(T0, 50_000, 52_000, 48_000, 48_000, 580_000_000);
    expect(candlesOf(watcher, '1h')).toEqual([HOUR, hour]);
    const M21 = candle(T0 + 21 * MIN, 48_000, 48_000, 48_000, 48_000, LPJ);
    expect((await history(server.url, `interval=1m&${WINDOW}`)).body.candles).toEqual([M0, M1, M4, M5, M21]);
    expect((await history(server.url, `interval=1h&${WINDOW}`)).body.candles).toEqual([hour]);
  });

  it('rebuilds everything from the journal when candles.db is gone', async () => {
    for (const c of [seller, buyer, watcher]) await c.close();
    await server.close();
    for (const f of ['candles.db', 'candles.db-wal', 'candles.db-shm']) rmSync(join(dir, f), { force: true });
    clock = T0 + 3 * 60 * MIN;
    server = await start();
    const M21 = candle(T0 + 21 * MIN, 48_000, 48_000, 48_000, 48_000, LPJ);
    expect((await history(server.url, `interval=1m&${WINDOW}`)).body.candles).toEqual([M0, M1, M4, M5, M21]);
    expect((await history(server.url, `interval=4h&from=${T0}`)).body.candles).toEqual([
      candle(Date.UTC(2025, 0, 6, 8), 50_000, 52_000, 48_000, 48_000, 580_000_000),
    ]);
  });
});
