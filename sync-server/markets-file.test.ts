/**
 * The markets file's listing prices: what a market's coin is worth until it first trades. A file that cannot
 * value its grants is refused at load, naming the market and the problem; the largest price the file allows
 * values every grant exactly and still lets honest users trade.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TraderProfile } from '../engine/protocol/sync';
import { DEFAULT_MARKETS_FILE, loadMarketsFile } from './config';
import { LPJ, MARKET, TEST_GRANT, honestPairTrades, http, signUp, tempDir } from './testing/harness';
import { serverPerTest } from './testing/per-test';

const shipped = loadMarketsFile(DEFAULT_MARKETS_FILE);
const lpj = shipped.markets.find((m) => m.id === MARKET)!;
/** The most a grant may be worth at the listing price: a thousandfold rise stays a safe integer. */
const MOST = Math.floor(Number.MAX_SAFE_INTEGER / 1_000);
const HOUR = 3_600_000;

describe('listing prices in the markets file', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir('markets-file-');
  });
  afterEach(() => dir.remove());
  /** The shipped file with the LPJ market changed. */
  const write = (market: Record<string, unknown>): string => {
    const path = join(dir.path, 'markets.json');
    writeFileSync(path, JSON.stringify({ markets: [market], grant: shipped.grant }));
    return path;
  };
  const without = <T extends object, K extends keyof T>(o: T, key: K): Omit<T, K> => {
    const copy = { ...o };
    delete copy[key];
    return copy;
  };

  it('ships one for every market, on its tick', () => {
    for (const m of shipped.markets) {
      expect(m.listingPrice).toBeGreaterThan(0);
      expect(m.listingPrice % m.tickSize).toBe(0);
    }
  });

  it('refuses a listing price that is missing, not a positive whole number, off the tick or too large to value', () => {
    const worthMost = Math.floor((MOST * LPJ) / TEST_GRANT.LPJ);
    const bad: [Record<string, unknown>, RegExp][] = [
      [without(lpj, 'listingPrice'), /markets\.0\.listingPrice/],
      [{ ...lpj, listingPrice: 0 }, /listingPrice/],
      [{ ...lpj, listingPrice: -100_000 }, /listingPrice/],
      [{ ...lpj, listingPrice: 100_000.5 }, /listingPrice/],
      [{ ...lpj, listingPrice: '100000' }, /listingPrice/],
      [{ ...lpj, listingPrice: 2 ** 53 }, /listingPrice/],
      [
        { ...lpj, tickSize: 10, listingPrice: 100_005 },
        /LPJ-KRW\.listingPrice: 100005 is not a multiple of the tick \(10\)/,
      ],
      [
        { ...lpj, listingPrice: worthMost + 1 },
        /LPJ-KRW\.listingPrice: the grant of 10000000000 LPJ .* worth too much/,
      ],
    ];
    for (const [market, message] of bad)
      expect(() => loadMarketsFile(write(market)), JSON.stringify(market)).toThrow(message);
    expect(loadMarketsFile(write({ ...lpj, listingPrice: worthMost })).markets[0].listingPrice).toBe(worthMost);
  });

  describe('at the largest listing price allowed', () => {
    const srv = serverPerTest();
    it('values every grant exactly, and honest users still trade', async () => {
      const price = Math.floor((MOST * LPJ) / TEST_GRANT.LPJ);
      let clock = Date.UTC(2026, 0, 5, 1, 0, 0);
      await srv.start({
        markets: [{ ...lpj, listingPrice: price }],
        grant: shipped.grant,
        now: () => clock,
        scheduleEveryMs: 0,
      });
      await signUp(srv.server.url, 'holder');
      clock += HOUR;
      srv.server.runSchedule();
      const p = (await http<TraderProfile>(srv.server.url, 'GET', '/api/v1/traders/holder')).body;
      const worth = BigInt(TEST_GRANT.KRW) + (BigInt(TEST_GRANT.LPJ) * BigInt(price)) / BigInt(LPJ);
      expect(BigInt(p.equity.hourly.at(-1)!.equity)).toBe(worth);
      expect(p.equity.flows.map((f) => f.value)).toEqual([TEST_GRANT.KRW, Number(worth) - TEST_GRANT.KRW]);
      await honestPairTrades(srv.server);
      clock += HOUR;
      srv.server.runSchedule();
      // The first trade, far below the listing price, is a loss for the holder, measured exactly.
      const after = (await http<TraderProfile>(srv.server.url, 'GET', '/api/v1/traders/holder')).body;
      expect(after.stats.all.returnBps).toBeLessThan(0);
      expect(after.stats.all.pnl).toBe(after.equity.hourly.at(-1)!.equity - Number(worth));
    });
  });
});
