/**
 * Results and reports in the app host, fed by the mock exchange: replay runs kept when stopped or ended, kept
 * across a restart, side by side under the session they played; each paper portfolio's running result, reports
 * and export, named; fills and PnL of each local account as CSV.
 */
import { describe, expect, it } from 'vitest';
import type { CsvFile, PnlReport, ResultDetail, ResultSummary } from '../protocol/results';
import type { PaperMarketState, PaperOrderOutcome, PaperUpdate, ReplayInfo } from '../protocol/api';
import type { PortfolioList } from '../protocol/paper-portfolios';
import type { Portfolio } from '../protocol/portfolio';
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
    // The first run left coins bought and not all sold: the second still started from the starting balances,
    // so the two compare by their returns and curves as well as by their fills.
    expect(slow.startEquity).toBe(String(10_000_000 * 10_000));
    expect(slow.startEquity).toBe(fast.startEquity);
    expect([slow.returnBps, slow.endEquity, slow.maxDrawdownBps]).toEqual([
      fast.returnBps,
      fast.endEquity,
      fast.maxDrawdownBps,
    ]);
    // Point for point from the first fill on (each run's first point is when it began playing, a moment apart).
    const curve = async (id: number) => (await call<ResultDetail>('results.get', { id })).equity;
    const [a, b] = [await curve(slow.id), await curve(fast.id)];
    expect(a.length).toBeGreaterThan(2);
    expect(a.map((p) => p.value)).toEqual(b.map((p) => p.value));
    expect(a.slice(1)).toEqual(b.slice(1));
    // The account waits at its starting balances for the next run only once one begins: after a restart too.
    const dir = t.dir;
    t.host.close();
    t.open({ dataDir: dir });
    await call('paper.open', { market: 'BTC-KRW' });
    await call('replay.control', { action: 'play' });
    await call('replay.control', { action: 'pause' });
    const state = await call<PaperMarketState>('paper.state', { market: 'BTC-KRW' });
    expect(
      state.account.balances.filter((b) => b.available + b.held > 0).map((b) => [b.asset, b.available, b.held]),
    ).toEqual([
      ['KRW', 10_000_000 * 10_000, 0],
      ['USDT', 10_000 * 10 ** 8, 0],
    ]);
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
    expect(running).toMatchObject({
      account: 'paper:1',
      portfolio: { id: 1, exchange: 'upbit', makerFeeBps: 5, takerFeeBps: 5 },
      state: 'running',
      trades: buy.fills,
      roundTrips: 0,
    });
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

  it('keeps each paper portfolio’s own result and reports, named; a reset starts one over, a delete takes it away', async () => {
    t.open();
    await call('paper.open', { market: 'BTC-KRW' });
    await until('a live book', () =>
      t.frames.some((f) => f.name === 'paper.update' && f.payload.market === 'BTC-KRW' && f.payload.bids),
    );
    const buy = async (won: number) => {
      const placed = await call<PaperOrderOutcome>('paper.place', {
        market: 'BTC-KRW',
        side: 'buy',
        orderType: 'market',
        quoteAmount: won * 10_000,
      });
      expect(placed.fills).toBeGreaterThan(0);
      return placed.fills;
    };
    const firstFills = await buy(1_000_000);
    const list = await call<PortfolioList>('paper.createPortfolio', {
      name: '=Scalp, 25bp',
      exchange: 'upbit',
      startingBalances: { KRW: 3_000_000 * 10_000 },
      makerFeeBps: 2,
      takerFeeBps: 25,
    });
    const second = list.portfolios.find((p) => p.name === '=Scalp, 25bp')!;
    await call('paper.selectPortfolio', { id: second.id });
    const secondFills = (await buy(500_000)) + (await buy(400_000));

    // Both running results are listed, each with its portfolio's name, exchange and fees, whichever is active.
    const running = (await runs()).filter((r) => r.state === 'running');
    expect(running.map((r) => [r.account, r.portfolio?.name, r.portfolio?.takerFeeBps, r.trades]).sort()).toEqual([
      ['paper:1', 'Main', 5, firstFills],
      [`paper:${second.id}`, '=Scalp, 25bp', 25, secondFills],
    ]);
    const two = running.find((r) => r.account === `paper:${second.id}`)!;
    expect(two.startEquity).toBe(String(3_000_000 * 10_000));
    // 'paper' is the active portfolio.
    expect((await runs('paper')).map((r) => r.account)).toEqual([`paper:${second.id}`]);

    // Fills and PnL per portfolio; every fee of the second is its 25 bp.
    const csv1 = await call<CsvFile>('reports.fillsCsv', { account: 'paper:1' });
    const csv2 = await call<CsvFile>('reports.fillsCsv', { account: `paper:${second.id}` });
    expect([csv1.rows, csv2.rows]).toEqual([firstFills, secondFills]);
    expect(csv2.filename).toMatch(new RegExp(`^playground777-paper-${second.id}-fills-`));
    const pnl2 = await call<PnlReport>('reports.pnl', { account: `paper:${second.id}`, period: 'day' });
    expect(pnl2.rows.reduce((n, r) => n + r.fills, 0)).toBe(secondFills);
    expect(pnl2.rows.reduce((n, r) => n + BigInt(r.fees), 0n)).toBe(BigInt(two.fees[0].amount));
    const detail = await call<ResultDetail>('results.get', { id: two.id });
    expect(BigInt(two.fees[0].amount)).toBe(
      detail.fills.reduce((n, f) => n + BigInt(Math.floor((f.quoteAmount * 25) / 10_000)), 0n),
    );

    // The trade history export and the Portfolio screen cover both, each named (a name read as text, not a formula).
    const history = await call<CsvFile>('history.exportCsv', {});
    const venues = history.csv
      .split('\r\n')
      .slice(1, -1)
      .map((line) => line.split(',')[1]);
    expect(venues.filter((v) => v === 'paper-upbit:Main')).toHaveLength(firstFills);
    expect(history.csv.match(/"paper-upbit:=Scalp, 25bp"/g)).toHaveLength(secondFills);
    const portfolio = await call<Portfolio>('portfolio.get', {});
    expect(portfolio.accounts.filter((a) => a.kind === 'paper').map((a) => [a.id, a.portfolio])).toEqual([
      ['paper-1', { name: 'Main', exchange: 'upbit' }],
      [`paper-${second.id}`, { name: '=Scalp, 25bp', exchange: 'upbit' }],
    ]);

    // A reset starts the second's result over and leaves the first's.
    await call('paper.resetPortfolio', { id: second.id });
    const afterReset = (await runs()).filter((r) => r.state === 'running');
    expect(afterReset.find((r) => r.account === `paper:${second.id}`)).toMatchObject({
      id: two.id,
      trades: 0,
      startEquity: String(3_000_000 * 10_000),
    });
    expect(afterReset.find((r) => r.account === 'paper:1')).toMatchObject({ trades: firstFills });

    // Deleted, its result and reports go with it; the first's stay.
    await call('paper.selectPortfolio', { id: 1 });
    await call('paper.deletePortfolio', { id: second.id });
    expect((await runs()).map((r) => r.account)).toEqual(['paper:1']);
    await expect(call('reports.fillsCsv', { account: `paper:${second.id}` })).rejects.toMatchObject({
      code: 'UNKNOWN_ACCOUNT',
    });
    expect((await call<CsvFile>('reports.fillsCsv', { account: 'paper' })).rows).toBe(firstFills);
    await buy(100_000);
  });
});
