/**
 * Paper portfolios through the app host's API, fed by the mock exchange: an earlier paper account becomes the
 * first portfolio with nothing lost; a second one trades with its own fees and balances; switching shows each
 * one's own; a reset touches only its portfolio; the worst requests are refused with a reason and leave an
 * honest user trading. Each portfolio's journal is read back after the host closes and checked for
 * conservation and the engine's audit. The offline practice account is reset the same way.
 */
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LEDGER_STREAM } from '../core/matching/types';
import { DEFAULT_GRANTS, EXCHANGE_FEES, QUOTE_DECIMALS } from '../core/paper';
import { PaperTrader } from '../node/paper/paper-trader';
import type { PaperMarketState, PaperOrderOutcome, PaperUpdate, PracticeState } from '../protocol/api';
import { ApiError } from '../protocol/errors';
import { BALANCE_DECIMALS, MAX_PORTFOLIOS, type PortfolioList } from '../protocol/paper-portfolios';
import { PAPER_USER } from './paper-views';
import { PORTFOLIOS_FILE } from './paper-portfolios';
import { mockExchangeHosts, until } from './testing/mock-exchange-host';

const t = mockExchangeHosts({ seed: 11, stepsPerSec: 20, historyMinutes: 60 }, 'paper-portfolios');
const { call } = t;

const MARKET = 'BTC-KRW';
const updates = (): PaperUpdate[] =>
  t.frames.flatMap((f) => (f.name === 'paper.update' && f.payload.market === MARKET ? [f.payload] : []));
const krw = (s: PaperMarketState) => s.account.balances.find((b) => b.asset === 'KRW')!;

async function refused(method: string, params: unknown): Promise<string> {
  try {
    await call(method, params);
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return (err as ApiError).code;
  }
  throw new Error(`${method} ${JSON.stringify(params).slice(0, 80)} was accepted`);
}

async function openMarket(): Promise<void> {
  await call('paper.open', { market: MARKET });
  await until('a book', () => updates().some((u) => u.bids?.length));
}

/** A market buy of `won` whole won; its fills. */
async function buy(won: number): Promise<PaperOrderOutcome> {
  const out = await call<PaperOrderOutcome>('paper.place', {
    market: MARKET,
    side: 'buy',
    orderType: 'market',
    quoteAmount: won * 10_000,
  });
  expect(out).toMatchObject({ status: 'accepted' });
  return out;
}

/** Every portfolio journal in the folder: its ledger conserved (totals = deposits − withdrawals), its audit clean. */
function expectJournalsConserved(dirs: string[]): void {
  for (const dir of dirs) {
    const trader = PaperTrader.open({ dir, markets: [] });
    try {
      const external = new Map<string, number>();
      for (let after = 0; ;) {
        const page = trader.eventsSince(LEDGER_STREAM, after, 1000);
        if (page.length === 0) break;
        for (const e of page) {
          if (e.type === 'deposited') external.set(e.asset, (external.get(e.asset) ?? 0) + e.amount);
          if (e.type === 'withdrawn') external.set(e.asset, (external.get(e.asset) ?? 0) - e.amount);
        }
        after = page[page.length - 1].seq;
      }
      const totals = trader.engine.ledger.totals();
      for (const asset of new Set([...totals.keys(), ...external.keys()]))
        expect(totals.get(asset) ?? 0, `${dir} ${asset}`).toBe(external.get(asset) ?? 0);
      expect(trader.engine.audit(), dir).toEqual([]);
    } finally {
      trader.close();
    }
  }
}

describe('paper portfolios in the app host', () => {
  it('an earlier paper account becomes the first portfolio, with its balances and its fill as before', async () => {
    t.open();
    const dir = t.dir;
    await openMarket();
    await buy(100_000);
    const before = await call<PaperMarketState>('paper.state', { market: MARKET });
    t.host.close();
    // A folder as versions before portfolios left it: the journal, no register.
    rmSync(join(dir, PORTFOLIOS_FILE));
    t.open({ dataDir: dir });
    const list = await call<PortfolioList>('paper.portfolios');
    expect(list.active).toBe(1);
    expect(list.portfolios).toEqual([
      expect.objectContaining({ id: 1, exchange: 'upbit', makerFeeBps: 5, takerFeeBps: 5, latencyMs: 0 }),
    ]);
    expect(list.portfolios[0].fillModel).toBe('queue');
    const after = await call<PaperMarketState>('paper.state', { market: MARKET });
    expect(after.account.balances).toEqual(before.account.balances);
    expect(after.account.positions.map((p) => p.quantity)).toEqual(before.account.positions.map((p) => p.quantity));
    expect(after.fills.map((f) => f.tradeId)).toEqual(before.fills.map((f) => f.tradeId));
  });

  it('a second portfolio trades with its own fees and balances; switching shows each; a reset leaves the other', async () => {
    t.open();
    await openMarket();
    await buy(200_000);
    const first = await call<PaperMarketState>('paper.state', { market: MARKET });

    const created = await call<PortfolioList>('paper.createPortfolio', {
      name: 'Scalping',
      exchange: 'upbit',
      startingBalances: { KRW: 3_000_000 * 10_000 },
      makerFeeBps: 2,
      takerFeeBps: 25,
      fillModel: 'touch',
    });
    const second = created.portfolios.find((p) => p.name === 'Scalping')!;
    expect(second).toMatchObject({ latencyMs: 300, fillModel: 'touch', makerFeeBps: 2, takerFeeBps: 25 });
    expect(created.active).toBe(1);

    await call('paper.selectPortfolio', { id: second.id });
    let state = await call<PaperMarketState>('paper.state', { market: MARKET });
    expect(state.market).toMatchObject({ makerFeeBps: 2, takerFeeBps: 25 });
    expect(krw(state)).toMatchObject({ available: 3_000_000 * 10_000, held: 0 });
    expect(state.account.positions).toEqual([]);

    await buy(500_000);
    state = await call<PaperMarketState>('paper.state', { market: MARKET });
    expect(state.fills.length).toBeGreaterThan(0);
    // Every fill paid exactly its value × 25 bp, rounded down, to the unit.
    for (const f of state.fills) expect(f.fee).toBe(Math.floor((f.quoteAmount * 25) / 10_000));
    const spent = state.fills.reduce((s, f) => s + f.quoteAmount + f.fee, 0);
    expect(krw(state).available).toBe(3_000_000 * 10_000 - spent);

    // Back to the first: its own balances and fees, untouched by the second's trade.
    await call('paper.selectPortfolio', { id: 1 });
    const back = await call<PaperMarketState>('paper.state', { market: MARKET });
    expect(back.market).toMatchObject({ makerFeeBps: 5, takerFeeBps: 5 });
    expect(back.account.balances).toEqual(first.account.balances);
    for (const f of back.fills) expect(f.fee).toBe(Math.floor((f.quoteAmount * 5) / 10_000));

    // Reset the second from the first: it starts over; the first keeps everything.
    await call('paper.resetPortfolio', { id: second.id });
    expect((await call<PaperMarketState>('paper.state', { market: MARKET })).account.balances).toEqual(
      first.account.balances,
    );
    await call('paper.selectPortfolio', { id: second.id });
    state = await call<PaperMarketState>('paper.state', { market: MARKET });
    expect(state.account.balances.filter((b) => b.available + b.held > 0)).toEqual([
      { asset: 'KRW', available: 3_000_000 * 10_000, held: 0, decimals: 4 },
    ]);
    expect(state.account.positions).toEqual([]);

    // New fees apply to the next fill; the register and the journals agree after a restart.
    await call('paper.updatePortfolio', { id: second.id, change: { takerFeeBps: 40, name: 'Scalp 40' } });
    const dir = t.dir;
    t.host.close();
    t.open({ dataDir: dir });
    const list = await call<PortfolioList>('paper.portfolios');
    expect(list.active).toBe(second.id);
    expect(list.portfolios.find((p) => p.id === second.id)).toMatchObject({ name: 'Scalp 40', takerFeeBps: 40 });
    await openMarket();
    expect((await call<PaperMarketState>('paper.state', { market: MARKET })).market.takerFeeBps).toBe(40);
    t.host.close();
    expectJournalsConserved([dir, join(dir, 'portfolios', String(second.id))]);
  });

  it('refuses absurd names, balances, fees and ids, and more than the bound of portfolios; trading goes on', async () => {
    t.open();
    const bad: unknown[] = [
      { name: '', exchange: 'upbit' },
      { name: '   ', exchange: 'upbit' },
      { name: 'x'.repeat(41), exchange: 'upbit' },
      { name: 'a'.repeat(100_000), exchange: 'upbit' },
      { name: 'tab\there', exchange: 'upbit' },
      { name: 'evil\u202egpj.exe', exchange: 'upbit' },
      { name: 'line\u2028break', exchange: 'upbit' },
      { name: 'ok', exchange: 'kraken' },
      { name: 'ok', exchange: 'upbit', startingBalances: {} },
      { name: 'ok', exchange: 'upbit', startingBalances: { KRW: -1 } },
      { name: 'ok', exchange: 'upbit', startingBalances: { KRW: 0 } },
      { name: 'ok', exchange: 'upbit', startingBalances: { KRW: 2 ** 53 } },
      { name: 'ok', exchange: 'upbit', startingBalances: { KRW: 1.5 } },
      { name: 'ok', exchange: 'upbit', startingBalances: { DOGE: 5 } },
      { name: 'ok', exchange: 'upbit', makerFeeBps: -1 },
      { name: 'ok', exchange: 'upbit', takerFeeBps: 1_001 },
      { name: 'ok', exchange: 'upbit', takerFeeBps: 2.5 },
      { name: 'ok', exchange: 'upbit', takerFeeBps: Number.MAX_SAFE_INTEGER },
      { name: 'ok', exchange: 'upbit', latencyMs: -5 },
      { name: 'ok', exchange: 'upbit', latencyMs: 10_001 },
      { name: 'ok', exchange: 'upbit', fillModel: 'teleport' },
      { name: 'ok', exchange: 'upbit', extra: true },
    ];
    for (const params of bad) expect(await refused('paper.createPortfolio', params)).toBe('BAD_REQUEST');
    expect(await refused('paper.createPortfolio', { name: 'main', exchange: 'binance' })).toBe('NAME_TAKEN');
    for (const id of [999, 0, -1, 'x', 2 ** 53]) {
      const code = await refused('paper.selectPortfolio', { id });
      expect(['BAD_REQUEST', 'UNKNOWN_PORTFOLIO']).toContain(code);
      expect(['BAD_REQUEST', 'UNKNOWN_PORTFOLIO']).toContain(await refused('paper.resetPortfolio', { id }));
      expect(['BAD_REQUEST', 'UNKNOWN_PORTFOLIO']).toContain(await refused('paper.deletePortfolio', { id }));
    }
    expect(await refused('paper.updatePortfolio', { id: 999, change: { name: 'y' } })).toBe('UNKNOWN_PORTFOLIO');
    expect(await refused('paper.updatePortfolio', { id: 1, change: { exchange: 'binance' } })).toBe('BAD_REQUEST');
    expect(await refused('paper.deletePortfolio', { id: 1 })).toBe('PORTFOLIO_ACTIVE');

    // 10,000 attempts: the first MAX − 1 make portfolios, every other one is refused with the bound's reason.
    const codes = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      let code = 'ok';
      try {
        await call('paper.createPortfolio', { name: `P${i}`, exchange: i % 2 ? 'binance' : 'upbit', latencyMs: 0 });
      } catch (err) {
        code = (err as ApiError).code;
      }
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    expect(Object.fromEntries(codes)).toEqual({
      ok: MAX_PORTFOLIOS - 1,
      TOO_MANY_PORTFOLIOS: 10_000 - MAX_PORTFOLIOS + 1,
    });
    const list = await call<PortfolioList>('paper.portfolios');
    expect(list.portfolios).toHaveLength(MAX_PORTFOLIOS);

    // A deleted portfolio's journal goes with it, and makes room for one more.
    const gone = list.portfolios[1];
    await call('paper.selectPortfolio', { id: gone.id });
    await call('paper.selectPortfolio', { id: 1 });
    expect(existsSync(join(t.dir, 'portfolios', String(gone.id), 'paper.db'))).toBe(true);
    await call('paper.deletePortfolio', { id: gone.id });
    expect(existsSync(join(t.dir, 'portfolios', String(gone.id)))).toBe(false);
    await call('paper.createPortfolio', { name: 'One more', exchange: 'upbit' });

    // The honest user still trades in the first portfolio, with its balances as granted.
    await openMarket();
    const out = await buy(100_000);
    expect(out.fills).toBeGreaterThan(0);
    const state = await call<PaperMarketState>('paper.state', { market: MARKET });
    expect(krw(state).available).toBeLessThan(DEFAULT_GRANTS.KRW);
    expect(state.account.positions.map((p) => p.market)).toEqual([MARKET]);
  }, 120_000);

  it('a Binance portfolio switches the feed to Binance, with its exchange’s published fees', async () => {
    t.open();
    const list = await call<PortfolioList>('paper.createPortfolio', { name: 'Binance', exchange: 'binance' });
    const p = list.portfolios.find((x) => x.name === 'Binance')!;
    // The defaults a new portfolio's form shows are the published schedules the host uses.
    expect(list.feeDefaults).toEqual(EXCHANGE_FEES);
    expect(p).toMatchObject({ makerFeeBps: 10, takerFeeBps: 10, startingBalances: DEFAULT_GRANTS });
    await call('paper.selectPortfolio', { id: p.id });
    expect(await call('feed.source')).toEqual({ source: 'binance' });
    const state = await call<PaperMarketState>('paper.open', { market: 'BTC-USDT' });
    expect(state.market).toMatchObject({ exchange: 'binance', makerFeeBps: 10, takerFeeBps: 10 });
    expect(state.account.balances.find((b) => b.asset === 'USDT')?.available).toBe(DEFAULT_GRANTS.USDT);
    expect(t.frames.some((f) => f.name === 'paper.portfolios' && f.payload.active === p.id)).toBe(true);
    expect(PAPER_USER).toBe(1);
  });

  it('an order resting in another portfolio fills while the first is on screen; its fees cannot rise under it', async () => {
    t.open();
    await openMarket();
    const list = await call<PortfolioList>('paper.createPortfolio', {
      name: 'Patient',
      exchange: 'upbit',
      latencyMs: 0,
      fillModel: 'touch',
    });
    const patient = list.portfolios.find((p) => p.name === 'Patient')!;
    await call('paper.selectPortfolio', { id: patient.id });
    const state = await call<PaperMarketState>('paper.state', { market: MARKET });
    const price = state.bids[0][0];
    const placed = await call<PaperOrderOutcome>('paper.place', {
      market: MARKET,
      side: 'buy',
      orderType: 'limit',
      price,
      quantity: 100_000, // 0.001 BTC
    });
    expect(placed).toMatchObject({ status: 'accepted', fills: 0 });
    // A fee may fall under a live buy, never rise: the buy holds for the fee it was placed under.
    expect(await refused('paper.updatePortfolio', { id: patient.id, change: { takerFeeBps: 6 } })).toBe('FEES_LOCKED');
    expect((await call<PaperMarketState>('paper.state', { market: MARKET })).market.takerFeeBps).toBe(5);
    await call('paper.updatePortfolio', { id: patient.id, change: { makerFeeBps: 1 } });

    await call('paper.selectPortfolio', { id: 1 });
    const from = updates().length;
    await until('a trade at or below the resting price', () =>
      updates()
        .slice(from)
        .some((u) => u.trades.some((tr) => tr.price <= price)),
    );
    await call('paper.selectPortfolio', { id: patient.id });
    const after = await call<PaperMarketState>('paper.state', { market: MARKET });
    expect(after.account.openOrders).toEqual([]);
    expect(after.fills.map((f) => [f.price, f.quantity, f.fee])).toEqual([
      [price, 100_000, Math.floor((after.fills[0].quoteAmount * 1) / 10_000)],
    ]);
  });

  it('an unreadable register is set aside, never overwritten, and the first portfolio trades on', async () => {
    t.open();
    const dir = t.dir;
    await call('paper.createPortfolio', { name: 'Kept', exchange: 'upbit' });
    t.host.close();
    writeFileSync(join(dir, PORTFOLIOS_FILE), '{"version":1,"active":');
    t.open({ dataDir: dir });
    const list = await call<PortfolioList>('paper.portfolios');
    expect(list.portfolios.map((p) => [p.id, p.name])).toEqual([[1, 'Main']]);
    expect(readdirSync(dir).filter((f) => f.startsWith(`${PORTFOLIOS_FILE}.unreadable-`))).toHaveLength(1);
    // The set-aside portfolio's journal keeps its folder: a new portfolio takes the next id, not its id.
    const next = await call<PortfolioList>('paper.createPortfolio', { name: 'New', exchange: 'upbit' });
    expect(next.portfolios.map((p) => p.id)).toEqual([1, 3]);
    await openMarket();
    expect((await buy(100_000)).fills).toBeGreaterThan(0);
  });

  it('changes sent at once are applied one after the other, none lost', async () => {
    t.open();
    const made = await call<PortfolioList>('paper.createPortfolio', { name: 'Busy', exchange: 'upbit' });
    const id = made.portfolios[1].id;
    await Promise.all([
      call('paper.updatePortfolio', { id, change: { makerFeeBps: 1 } }),
      call('paper.updatePortfolio', { id, change: { takerFeeBps: 2 } }),
      call('paper.updatePortfolio', { id, change: { latencyMs: 7 } }),
      call('paper.selectPortfolio', { id }),
    ]);
    const list = await call<PortfolioList>('paper.portfolios');
    expect(list.active).toBe(id);
    expect(list.portfolios[1]).toMatchObject({ makerFeeBps: 1, takerFeeBps: 2, latencyMs: 7 });
  });

  it('deleting the first portfolio removes its journal files and nothing else of the data folder', async () => {
    t.open();
    await openMarket();
    const list = await call<PortfolioList>('paper.createPortfolio', { name: 'Next', exchange: 'upbit' });
    await call('paper.selectPortfolio', { id: list.portfolios[1].id });
    expect(existsSync(join(t.dir, 'paper.db'))).toBe(true);
    await call('paper.deletePortfolio', { id: 1 });
    expect(existsSync(join(t.dir, 'paper.db'))).toBe(false);
    expect(existsSync(join(t.dir, 'practice.db'))).toBe(true);
    expect((await call<PortfolioList>('paper.portfolios')).portfolios.map((p) => p.name)).toEqual(['Next']);
    expect((await buy(100_000)).fills).toBeGreaterThan(0);
  });

  it('the UI’s units of starting balances are the paper engine’s', () => {
    expect(BALANCE_DECIMALS).toEqual({ KRW: QUOTE_DECIMALS.KRW, USDT: QUOTE_DECIMALS.USDT });
  });

  it('practice.reset cancels my practice orders and restores the starting funds', async () => {
    t.open();
    let practice = await call<PracticeState>('practice.state');
    const price = practice.lastPrice > 0 ? practice.lastPrice : 10_000;
    await call('practice.place', { side: 'buy', orderType: 'limit', price: Math.max(1, price - 500), quantity: 1e8 });
    practice = await call<PracticeState>('practice.state');
    expect(practice.openOrders).toHaveLength(1);
    const reset = await call<{ balances: { asset: string; available: number; held: number }[] }>('practice.reset');
    expect(reset.balances.filter((b) => b.available + b.held > 0)).toEqual([
      { asset: 'KRW', available: 10_000_000, held: 0 },
    ]);
    practice = await call<PracticeState>('practice.state');
    expect(practice.openOrders).toEqual([]);
  });
});
