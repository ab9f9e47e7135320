/**
 * The market list through the app host, against the mock exchange: prices of every market from one request per
 * exchange, sparklines fetched once, an unreachable exchange reported without holding up the rest, and
 * favourites that survive a restart and refuse whatever a page could send instead of a market key.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MockExchange } from '../tools/mock-exchange/mock-exchange';
import { fastOptions } from '../node/feed/testing/helpers';
import type { EventFrame } from '../protocol/api';
import type { WatchlistState } from '../protocol/watchlist';
import { ApiError } from '../protocol/errors';
import { AppHost } from './app-host';
import { FAVOURITES_KEY, liveQuote, Watchlist } from './watchlist';
import { openDatabase } from '../node/db/database';
import { appMigrations } from './migrations';
import { SettingsStore } from './settings-store';

let mock: MockExchange;
const dirs: string[] = [];
const hosts: AppHost[] = [];

beforeAll(async () => {
  mock = await MockExchange.start({ port: 0, seed: 3, stepsPerSec: 0, historyMinutes: 3 * 1440 });
  mock.step(30);
});
afterAll(async () => {
  await mock.close();
});
afterEach(() => {
  while (hosts.length) hosts.pop()!.close();
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

function open(options: { dataDir?: string; binanceRest?: string } = {}): { host: AppHost; frames: EventFrame[] } {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'watchlist-'));
  if (!options.dataDir) dirs.push(dataDir);
  const binance = fastOptions(mock, 'binance');
  if (options.binanceRest) binance.restUrl = options.binanceRest;
  const host = AppHost.open({
    dataDir,
    appVersion: '0.0.0',
    mode: 'web',
    practice: { ticksPerSecond: 0 },
    realMarkets: { upbit: fastOptions(mock, 'upbit'), binance, env: {} },
    live: { defaultServerUrl: 'http://127.0.0.1:9' },
  });
  hosts.push(host);
  const frames: EventFrame[] = [];
  host.onEvent((f) => frames.push(f));
  return { host, frames };
}

async function until<T>(what: string, probe: () => T | undefined, ms = 10_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const lastUpdate = (frames: EventFrame[]): WatchlistState | undefined => {
  for (let i = frames.length - 1; i >= 0; i--) {
    const f = frames[i];
    if (f.name === 'watchlist.update') return f.payload;
  }
  return undefined;
};

describe('watchlist', () => {
  it('lists the practice market and every offered paper market, priced from one ticker request per exchange', async () => {
    const { host, frames } = open();
    const first = (await host.invoke('watchlist.list', {})) as WatchlistState;
    expect(first.rows[0]).toMatchObject({ key: 'lpj', venue: 'practice', base: 'LPJ', quote: 'KRW' });
    // Signed out of the live market: it is not listed.
    expect(first.rows.some((r) => r.key === 'lpj-live')).toBe(false);
    expect(first.rows.filter((r) => r.venue === 'upbit').map((r) => r.key)).toContain('upbit:BTC-KRW');
    expect(first.rows.filter((r) => r.venue === 'binance').map((r) => r.key)).toContain('binance:ETH-USDT');

    const priced = await until('prices of both exchanges', () => {
      const s = lastUpdate(frames);
      return s && s.exchanges.every((e) => e.state === 'ok') ? s : undefined;
    });
    const btc = priced.rows.find((r) => r.key === 'upbit:BTC-KRW')!;
    const sim = mock.markets.get('KRW-BTC')!;
    expect(btc).toMatchObject({ last: sim.last, reference: sim.prevClose });
    const eth = priced.rows.find((r) => r.key === 'binance:ETH-USDT')!;
    expect(eth).toMatchObject({
      last: mock.markets.get('ETHUSDT')!.last,
      reference: mock.markets.get('ETHUSDT')!.open24,
    });
    // A market the exchange does not list has no price, and does not hide the others'.
    expect(priced.rows.find((r) => r.key === 'upbit:DOGE-KRW')!.last).toBeUndefined();

    // Sparklines arrive once per market; asking again fetches none of them again.
    await until('sparklines', () => {
      const s = lastUpdate(frames);
      return s?.rows.find((r) => r.key === 'binance:BTC-USDT')?.spark.length === 24 ? true : undefined;
    });
    const klinesBefore = mock.stats().rest.filter((r) => r.path.includes('interval=1h')).length;
    await host.invoke('watchlist.list', {});
    await host.invoke('watchlist.list', {});
    expect(mock.stats().rest.filter((r) => r.path.includes('interval=1h')).length).toBe(klinesBefore);
    // One batch request per exchange per refresh, never one per market.
    const upbitTickers = mock.stats().rest.filter((r) => r.path.startsWith('/v1/ticker'));
    expect(upbitTickers.length).toBe(1);
  });

  it('says an exchange is unreachable while the other one and the practice market still show', async () => {
    const { host, frames } = open({ binanceRest: 'http://127.0.0.1:9' });
    await host.invoke('watchlist.list', {});
    const s = await until('both exchanges answered or failed', () => {
      const u = lastUpdate(frames);
      return u && u.exchanges.every((e) => e.state !== 'loading') ? u : undefined;
    });
    expect(s.exchanges.find((e) => e.exchange === 'binance')!.state).toBe('unreachable');
    expect(s.exchanges.find((e) => e.exchange === 'upbit')!.state).toBe('ok');
    expect(s.rows.filter((r) => r.venue === 'binance').every((r) => r.last === undefined)).toBe(true);
    expect(s.rows.find((r) => r.key === 'upbit:ETH-KRW')!.last).toBeGreaterThan(0);
  });

  it('keeps favourites across a restart and tells every window', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'watchlist-'));
    dirs.push(dataDir);
    const a = open({ dataDir });
    await a.host.invoke('watchlist.favourite', { key: 'binance:SOL-USDT', favourite: true });
    await a.host.invoke('watchlist.favourite', { key: 'lpj', favourite: true });
    expect(await a.host.invoke('watchlist.favourite', { key: 'lpj', favourite: false })).toEqual({
      favourites: ['binance:SOL-USDT'],
    });
    expect(lastUpdate(a.frames)?.favourites).toEqual(['binance:SOL-USDT']);
    a.host.close();
    hosts.splice(hosts.indexOf(a.host), 1);

    const b = open({ dataDir });
    expect(((await b.host.invoke('watchlist.list', {})) as WatchlistState).favourites).toEqual(['binance:SOL-USDT']);
  });

  it('refuses anything but a market key, keeps the list bounded, and then still works for an honest user', async () => {
    const { host } = open();
    const bad: unknown[] = [
      { key: '../../etc/passwd', favourite: true },
      { key: 'upbit:btc-krw', favourite: true },
      { key: 'kraken:BTC-USD', favourite: true },
      { key: `upbit:${'A'.repeat(5_000)}-KRW`, favourite: true },
      { key: 'lpj', favourite: 'yes' },
      { key: 'lpj', favourite: true, extra: 1 },
      { key: ['lpj'], favourite: true },
      { key: { toString: 'lpj' }, favourite: true },
      null,
      'lpj',
    ];
    for (const params of bad) {
      await expect(host.invoke('watchlist.favourite', params)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
    await expect(host.invoke('watchlist.list', { all: true })).rejects.toBeInstanceOf(ApiError);

    // A flood of distinct valid keys: only the newest MAX are kept, the store never grows without bound.
    for (let i = 0; i < 260; i++) await host.invoke('watchlist.favourite', { key: `upbit:C${i}-KRW`, favourite: true });
    const flooded = ((await host.invoke('watchlist.list', {})) as WatchlistState).favourites;
    expect(flooded).toHaveLength(200);
    expect(flooded[flooded.length - 1]).toBe('upbit:C259-KRW');

    // The honest user's star still lands and the list still answers.
    await host.invoke('watchlist.favourite', { key: 'upbit:BTC-KRW', favourite: true });
    const after = (await host.invoke('watchlist.list', {})) as WatchlistState;
    expect(after.favourites).toContain('upbit:BTC-KRW');
    expect(after.rows.length).toBeGreaterThan(1);
  });

  it('reads a stored favourites value that no longer validates as none', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'watchlist-'));
    dirs.push(dataDir);
    const a = open({ dataDir });
    // What a hand edit or an older build could leave in app.db.
    (a.host as unknown as { settings: { setValue(k: string, v: unknown): void } }).settings.setValue(FAVOURITES_KEY, [
      'lpj',
      '<script>',
    ]);
    expect(((await a.host.invoke('watchlist.list', {})) as WatchlistState).favourites).toEqual([]);
    await a.host.invoke('watchlist.favourite', { key: 'lpj', favourite: true });
    expect(((await a.host.invoke('watchlist.list', {})) as WatchlistState).favourites).toEqual(['lpj']);
  });
});

describe('the live market in the list', () => {
  it('is listed only while signed in, priced from the mirrored ticker, with the server’s hourly closes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'watchlist-'));
    dirs.push(dir);
    const db = openDatabase(join(dir, 'app.db'), appMigrations);
    const market = { id: 'LPJ-KRW', base: 'LPJ', quote: 'KRW', tickSize: 1 };
    let signedIn = false;
    const pushed: WatchlistState[] = [];
    const list = new Watchlist({
      settings: new SettingsStore(db),
      practice: { market, lastPrice: () => 0, candles: () => [] },
      live: {
        quote: () => (signedIn ? { market, last: 101_000, reference: 100_000 } : null),
        candles: async () => [
          { openTime: 0, open: 1, high: 1, low: 1, close: 99_000, volume: 0 },
          { openTime: 3_600_000, open: 1, high: 1, low: 1, close: 101_000, volume: 0 },
        ],
      },
      exchanges: { upbit: { restUrl: 'http://127.0.0.1:9' }, binance: { restUrl: 'http://127.0.0.1:9' } },
      env: {},
      emit: (s) => pushed.push(s),
      timeoutMs: 500,
    });
    try {
      expect(list.list().rows.map((r) => r.key)).not.toContain('lpj-live');
      // The practice market with no trade yet has no price rather than a price of 0.
      expect(list.list().rows[0].last).toBeUndefined();
      signedIn = true;
      expect(list.list().rows.find((r) => r.key === 'lpj-live')).toMatchObject({ last: 101_000, reference: 100_000 });
      const withSpark = await until('the live sparkline', () =>
        pushed.find((s) => s.rows.find((r) => r.key === 'lpj-live')?.spark.length === 2),
      );
      expect(withSpark.rows.find((r) => r.key === 'lpj-live')!.spark).toEqual([99_000, 101_000]);
    } finally {
      list.close();
      db.close();
    }
  });

  it('reads the mirrored state: online with the market known, the ticker’s open as the reference', () => {
    const market = {
      id: 'LPJ-KRW',
      base: 'LPJ',
      quote: 'KRW',
      baseDecimals: 8,
      tickSize: 1,
      lotSize: 1_000_000,
      minNotional: 1_000,
      makerFeeBps: 5,
      takerFeeBps: 10,
      priceBandBps: 1_000,
    };
    const status = { serverUrl: 'http://127.0.0.1:7780', connection: 'online' as const };
    const ticker = { last: 120, open: 100, high: 130, low: 90, volume: 5, changeBps: 2_000 };
    expect(liveQuote({ status, market, lastPrice: 0, ticker })).toEqual({ market, last: 120, reference: 100 });
    expect(liveQuote({ status: { ...status, connection: 'signed_out' }, market, lastPrice: 120, ticker })).toBeNull();
    expect(liveQuote({ status, market: undefined, lastPrice: 120, ticker })).toBeNull();
    expect(liveQuote({ status, market, lastPrice: 0, ticker: undefined })).toEqual({
      market,
      last: 0,
      reference: undefined,
    });
  });
});
