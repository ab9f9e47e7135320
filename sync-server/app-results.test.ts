/**
 * Reports of the live LPJ account in the app host against a real sync server: my live fills in the trade-history
 * export and in the live account's own CSV and PnL report, read from the server; then two honest users still trade.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AppHost } from '../engine/host/app-host';
import type { LiveState, LiveStatus, Method, Params, Result } from '../engine/protocol/api';
import { eventually, honestPairTrades, LPJ, startTestServer, tempDir, type TestServer } from './testing/harness';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function openApp(serverUrl: string): AppHost {
  const dir = tempDir('lpj-results-app-');
  const host = AppHost.open({
    dataDir: dir.path,
    appVersion: '0.0.0',
    mode: 'web',
    practice: { ticksPerSecond: 0 },
    live: { defaultServerUrl: serverUrl, backoff: { baseMs: 50, maxMs: 200 }, publishEveryMs: 20 },
  });
  cleanups.push(() => dir.remove());
  cleanups.push(() => host.close());
  return host;
}

async function server(): Promise<TestServer> {
  const dir = tempDir();
  const s = await startTestServer(dir.path);
  cleanups.push(() => dir.remove());
  cleanups.push(() => s.close());
  return s;
}

const call = <M extends Method>(host: AppHost, method: M, params: Params<M>) =>
  host.invoke(method, params) as Promise<Result<M>>;

describe('live LPJ in the reports', () => {
  it('exports my live fills with the rest of my history, and reports their PnL by period', async () => {
    const s = await server();
    const [alice, bob] = [openApp(s.url), openApp(s.url)];
    await call(alice, 'live.signUp', { nickname: 'alice_rep', password: 'alice-password' });
    await call(bob, 'live.signUp', { nickname: 'bob_rep', password: 'bob-password' });
    for (const app of [alice, bob])
      await eventually(
        async () => ((await app.invoke('live.status', {})) as LiveStatus).connection === 'online',
        'online',
        10_000,
      );

    await call(alice, 'live.place', { side: 'sell', orderType: 'limit', price: 10_000, quantity: LPJ });
    await call(bob, 'live.place', { side: 'buy', orderType: 'limit', price: 10_000, quantity: LPJ });
    await eventually(async () => ((await alice.invoke('live.state', {})) as LiveState).fills.length === 1, 'the fill');

    const live = await call(alice, 'reports.fillsCsv', { account: 'live' });
    expect(live.rows).toBe(1);
    const row = live.csv.split('\r\n')[1].split(',');
    // time, venue, market, side, price, quantity, value, fee (maker 5 bps of 10,000 won), liquidity.
    expect(row.slice(1, 9)).toEqual(['lpj-live', 'LPJ-KRW', 'sell', '10000', '1.00000000', '10000', '5', 'maker']);

    const all = await call(alice, 'history.exportCsv', {});
    expect(all.csv).toContain(',lpj-live,LPJ-KRW,sell,10000,');

    const pnl = await call(bob, 'reports.pnl', { account: 'live', period: 'day' });
    expect(pnl).toMatchObject({ state: 'ok', complete: true });
    expect(pnl.rows).toEqual([
      expect.objectContaining({ market: 'LPJ-KRW', fills: 1, realisedPnl: '0', fees: '10', turnover: '10000' }),
    ]);

    await honestPairTrades(s);
  });
});
