import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../node/db/database';
import { ApiError } from '../protocol/errors';
import type { Portfolio } from '../protocol/portfolio';
import type { PracticeState } from '../protocol/api';
import { AppHost } from './app-host';
import { appMigrations } from './migrations';
import { PortfolioEquity } from './portfolio-equity';

let dir: string;
let host: AppHost | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'portfolio-'));
});
afterEach(() => {
  host?.close();
  host = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const until = async (what: string, probe: () => Promise<boolean>, ms = 20_000) => {
  const start = Date.now();
  while (!(await probe())) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('the portfolio', () => {
  it('values every account it can read, says why for the live one, and records the total at start', async () => {
    // No sync server on this port: the live account is signed out, which is an answer, not a failure.
    host = AppHost.open({
      dataDir: dir,
      appVersion: '0.0.0',
      mode: 'web',
      practice: { ticksPerSecond: 0 },
      live: { defaultServerUrl: 'http://127.0.0.1:9' },
    });
    const h = host;
    let p = (await h.invoke('portfolio.get', {})) as Portfolio;
    await until('the record taken at start', async () => {
      p = (await h.invoke('portfolio.get', {})) as Portfolio;
      return p.equity.length > 0;
    });
    const practice = (await h.invoke('practice.state', {})) as PracticeState;
    const krw = practice.balances.find((b) => b.asset === 'KRW')!;
    // Practice won are whole won; the portfolio counts in the finest won of its accounts (paper's 10^-4).
    const paper = p.accounts.find((a) => a.id === 'paper-1')!;
    const paperKrw = paper.holdings.find((x) => x.asset === 'KRW')!;
    expect(p.decimals).toBe(paperKrw.decimals);
    const scale = 10n ** BigInt(p.decimals);
    const expected = BigInt(krw.available + krw.held) * scale + BigInt(paperKrw.units);
    expect(BigInt(p.value)).toBe(expected);
    expect(p.accounts.map((a) => [a.id, a.state])).toEqual([
      ['practice', 'ok'],
      ['paper-1', 'ok'],
      ['live', 'signed_out'],
    ]);
    // Paper trading's dollars are priced by no won market: listed, left out, said so.
    if (paper.holdings.some((x) => x.asset === 'USDT' && x.units !== '0'))
      expect(p.unvalued).toContainEqual({ asset: 'USDT', why: 'no_market' });
    expect(BigInt(p.equity[p.equity.length - 1].value)).toBe(expected);
    expect(p.accounts[0].pnl).toEqual({ realised: '0', unrealised: '0', fees: '0' });
  });

  it('refuses bad params before reading anything', async () => {
    host = AppHost.open({
      dataDir: dir,
      appVersion: '0.0.0',
      mode: 'web',
      practice: { ticksPerSecond: 0 },
      live: { defaultServerUrl: 'http://127.0.0.1:9' },
    });
    for (const params of [{ quote: 'USD' }, { decimals: 1e308 }, { __proto__: { x: 1 } }, 'x', [1]]) {
      const err = await host.invoke('portfolio.get', params).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).code).toBe('BAD_REQUEST');
    }
    // Still answers an honest request.
    const p = (await host.invoke('portfolio.get', {})) as Portfolio;
    expect(p.quote).toBe('KRW');
    expect(p.accounts[0].state).toBe('ok');
  });

  it('keeps the latest records only and reads old ones at the decimals asked for', () => {
    const db = openDatabase(join(dir, 'app.db'), appMigrations);
    const equity = new PortfolioEquity(db, 3);
    equity.record(1, 5n, 0);
    equity.record(2, 123_456n, 4);
    equity.record(3, 7n, 0);
    equity.record(4, 10n ** 30n, 0);
    expect(equity.points(4)).toEqual([
      { ts: 2, value: 123_456n },
      { ts: 3, value: 70_000n },
      { ts: 4, value: 10n ** 34n },
    ]);
    expect(equity.points(0).map((x) => x.value)).toEqual([12n, 7n, 10n ** 30n]);
    db.close();
  });
});
