/**
 * Results and reports in the app host, fed by the mock exchange: replay runs kept when stopped or ended, kept
 * across a restart, side by side under the session they played; the paper account's running result; fills and
 * PnL of each local account as CSV.
 */
import { describe, expect, it } from 'vitest';
import type { CsvFile, PnlReport, ResultDetail, ResultSummary } from '../protocol/results';
import type { PaperOrderOutcome, PaperUpdate, ReplayInfo } from '../protocol/api';
import { mockExchangeHosts, until } from './testing/mock-exchange-host';

const t = mockExchangeHosts({ seed: 11, stepsPerSec: 20, historyMinutes: 60 }, 'results');
const { call } = t;
const runs = async (account?: string) =>
  (await call<{ runs: ResultSummary[] }>('results.list', account ? { account } : {})).runs;
const replayed = () =>
  t.frames.some((f) => f.name === 'paper.update' && (f.payload as PaperUpdate).source === 'replay' && f.payload.bids);

describe('results of replay runs and paper accounts', () => {
  it('keeps a stopped run and an ended one of the same session side by side, across a restart', async () => {
    t.open();
    await call('feed.setSource', { source: 'replay', speed: 100 });
    await call('paper.open', { market: 'BTC-KRW' });
    await until('a replayed book', replayed);
    const buy = await call<PaperOrderOutcome>('paper.place', {
      market: 'BTC-KRW',
      side: 'buy',
      orderType: 'market',
      quoteAmount: 2_000_000 * 10_000,
    });
    expect(buy.fills).toBeGreaterThan(0);
    const sell = await call<PaperOrderOutcome>('paper.place', {
      market: 'BTC-KRW',
      side: 'sell',
      orderType: 'market',
      quantity: 1_000_000,
    });
    expect(sell.fills).toBeGreaterThan(0);

    const stopped = await call<ReplayInfo>('replay.control', { action: 'stop' });
    expect(stopped).toMatchObject({ state: 'paused', position: 0 });
    const [first] = await runs('replay');
    expect(first).toMatchObject({ account: 'replay', state: 'stopped', quote: 'KRW', quoteDecimals: 4 });
    expect(first.trades).toBe(buy.fills + sell.fills);
    expect(first.session!.key).toMatch(/^[0-9a-f]{64}$/);
    expect(first.digest).toMatch(/^[0-9a-f]{16}$/);
    expect(first.fees[0].asset).toBe('KRW');
    expect(BigInt(first.fees[0].amount)).toBeGreaterThan(0n);
    // Fees were paid and prices moved: the run's equity moved from where it started.
    expect(first.endEquity).not.toBe(first.startEquity);
    const detail = await call<ResultDetail>('results.get', { id: first.id });
    expect(detail.fills).toHaveLength(first.trades);
    expect(detail.fills.map((f) => f.side)).toEqual([
      ...Array(buy.fills).fill('buy'),
      ...Array(sell.fills).fill('sell'),
    ]);
    expect(detail.equity[0].value).toBe(first.startEquity);
    expect(detail.equity.at(-1)!.value).toBe(first.endEquity);

    // The app restarts: the run is still there.
    const dir = t.dir;
    t.host.close();
    t.open({ dataDir: dir });
    expect(await runs('replay')).toEqual([first]);

    // A second run of the same session, played to its end without an order.
    await call('paper.open', { market: 'BTC-KRW' });
    const info = await call<ReplayInfo>('replay.control', { action: 'seek', at: 0 });
    await call('replay.control', { action: 'seek', at: info.endAt - 3_000 });
    await call('replay.control', { action: 'play' });
    await until('the second run kept', async () => (await runs('replay')).length === 2);
    const [second, again] = await runs('replay');
    expect(again).toEqual(first);
    expect(second).toMatchObject({ state: 'ended', trades: 0, session: first.session });
    expect(second.digest).toBe('cbf29ce484222325'); // no fills: FNV-1a of nothing
    expect(second.digest).not.toBe(first.digest);

    // The replay account's fills and its PnL by day, as the user saves them.
    const csv = await call<CsvFile>('reports.fillsCsv', { account: 'replay' });
    expect(csv.rows).toBe(first.trades);
    expect(csv.csv.split('\r\n')[1]).toMatch(/^\S+Z,paper-replay,BTC-KRW,buy,/);
    const run = await call<CsvFile>('reports.runCsv', { id: first.id });
    expect(run.rows).toBe(first.trades);
    const pnl = await call<PnlReport>('reports.pnl', { account: 'replay', period: 'day' });
    expect(pnl.rows.reduce((n, r) => n + r.fills, 0)).toBe(first.trades);
    expect(pnl.rows.reduce((n, r) => n + BigInt(r.fees), 0n)).toBe(BigInt(first.fees[0].amount));
    const pnlCsv = await call<CsvFile>('reports.pnlCsv', { account: 'replay', period: 'month' });
    expect(pnlCsv.csv.split('\r\n')[0]).toBe('period_start_utc,market,asset,quote,fills,realised_pnl,fees,turnover');
  });

  it('keeps a run going when the app closes, as stopped', async () => {
    t.open();
    await call('feed.setSource', { source: 'replay', speed: 100 });
    await call('paper.open', { market: 'BTC-KRW' });
    await until('a replayed book', replayed);
    const buy = await call<PaperOrderOutcome>('paper.place', {
      market: 'BTC-KRW',
      side: 'buy',
      orderType: 'market',
      quoteAmount: 1_000_000 * 10_000,
    });
    expect(buy.fills).toBeGreaterThan(0);
    const dir = t.dir;
    t.host.close();
    t.open({ dataDir: dir });
    expect(await runs('replay')).toEqual([
      expect.objectContaining({ state: 'stopped', trades: buy.fills, account: 'replay' }),
    ]);
  });

  it('two runs that place the same orders at the same replay times get the same digest, whatever the speed', async () => {
    t.open();
    await call('feed.setSource', { source: 'replay', speed: 100 });
    await call('paper.open', { market: 'BTC-KRW' });
    await until('a replayed book', replayed);
    for (const speed of [100, 1]) {
      await call('replay.control', { action: 'speed', speed });
      await call('replay.control', { action: 'play' });
      await call('replay.control', { action: 'pause' });
      await call('replay.control', { action: 'seek', at: 120_000 });
      for (const side of ['buy', 'sell'] as const) {
        const placed = await call<PaperOrderOutcome>('paper.place', {
          market: 'BTC-KRW',
          side,
          orderType: 'market',
          ...(side === 'buy' ? { quoteAmount: 3_000_000 * 10_000 } : { quantity: 2_000_000 }),
        });
        expect(placed.fills).toBeGreaterThan(0);
      }
      await call('replay.control', { action: 'stop' });
    }
    const [slow, fast] = await runs('replay');
    expect(fast.trades).toBeGreaterThan(1);
    expect(slow.trades).toBe(fast.trades);
    expect(slow.digest).toBe(fast.digest);
    expect(slow.fees).toEqual(fast.fees);
  });

  it('keeps the paper account’s running result, and exports every local account', async () => {
    t.open();
    // Before any market is open, the running result is already in paper trading's units of won.
    const [fresh] = await runs('paper');
    expect(fresh).toMatchObject({ trades: 0, quoteDecimals: 4, startEquity: String(10_000_000 * 10_000) });
    await call('paper.open', { market: 'BTC-KRW' });
    await until('a live book', () =>
      t.frames.some((f) => f.name === 'paper.update' && f.payload.market === 'BTC-KRW' && f.payload.bids),
    );
    const buy = await call<PaperOrderOutcome>('paper.place', {
      market: 'BTC-KRW',
      side: 'buy',
      orderType: 'market',
      quoteAmount: 1_000_000 * 10_000,
    });
    expect(buy.fills).toBeGreaterThan(0);
    const [running] = await runs('paper');
    expect(running).toMatchObject({ account: 'paper', state: 'running', trades: buy.fills, roundTrips: 0 });
    expect(running.startEquity).toBe(String(10_000_000 * 10_000));
    // Listing again works it out again in the same row.
    const [later] = await runs('paper');
    expect(later.id).toBe(running.id);

    // A reset starts the running result over; the account's history and its export keep every fill.
    await call('paper.reset', {});
    const [reset] = await runs('paper');
    expect(reset).toMatchObject({ id: running.id, trades: 0, startEquity: String(10_000_000 * 10_000) });
    const paper = await call<CsvFile>('reports.fillsCsv', { account: 'paper' });
    expect(paper.rows).toBe(buy.fills);
    const practice = await call<CsvFile>('reports.fillsCsv', { account: 'practice' });
    expect(practice).toMatchObject({ rows: 0, csv: expect.stringMatching(/^time_utc,venue,/) });
    // Signed out of the live market: an answer saying so, not an error.
    expect(await call<PnlReport>('reports.pnl', { account: 'live', period: 'week' })).toMatchObject({
      state: 'signed_out',
      rows: [],
    });
    await expect(call('reports.fillsCsv', { account: 'paper:nope' })).rejects.toMatchObject({
      code: 'UNKNOWN_ACCOUNT',
    });
    await expect(call('results.get', { id: 999_999 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
