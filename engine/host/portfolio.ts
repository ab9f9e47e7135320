/**
 * The portfolio: every account of mine — the offline practice market, the paper accounts (the exchanges' and a
 * replay's), the live LPJ account and my copies' sub-accounts — valued in won, each holding at its own market's
 * mark (@protocol/valuation, the one definition the Market screen's balances use too), with PnL from each
 * account's fills (../core/portfolio/pnl: the paper engine's average-cost accounting) and the total over time.
 *
 * - Each account is read on its own: one that cannot be read (signed out, the server unreachable, a journal that
 *   failed) says why and is left out of the total; the others still show.
 * - The total is recorded at start and every `recordEveryMs` (five minutes by default) while the app runs, only
 *   when it is whole: every account there is was read and no holding waits for its price. A coin no won market
 *   prices is left out of every record alike, so it makes no step in the curve. Until a record can be taken it
 *   is tried again every `retryMs`.
 */
import type { Db } from '../node/db/database';
import type { PositionView } from '../core/paper/types';
import { positionView } from '../core/paper/position';
import { positionsFromFills } from '../core/portfolio/pnl';
import { ApiError } from '../protocol/errors';
import {
  lpjUnits,
  valuePortfolio,
  valueShift,
  type Holding,
  type Mark,
  type UnitsOfMarket,
} from '../protocol/valuation';
import type { Portfolio, PortfolioAccount, PortfolioPnl, PortfolioPosition } from '../protocol/portfolio';
import type { LiveMarket } from './live-market';
import { PRACTICE_USER, type PracticeMarket } from './practice-market';
import type { RealMarkets } from './real-markets';
import { PortfolioEquity } from './portfolio-equity';

const QUOTE = 'KRW';
/** The live account's fills read for its PnL at most (20 pages of the server's). */
const LIVE_FILLS_READ = 10_000;

export interface PortfolioOptions {
  db: Db;
  practice: PracticeMarket;
  realMarkets: RealMarkets;
  live: LiveMarket;
  /** Between two records of the total (default five minutes). */
  recordEveryMs?: number;
  /** Between two tries while a record cannot be taken whole (default 30 s). */
  retryMs?: number;
  now?: () => number;
  onError?: (err: unknown) => void;
}

/** An account as read, before it is valued. */
interface AccountRead {
  id: string;
  kind: PortfolioAccount['kind'];
  leader?: string;
  portfolio?: PortfolioAccount['portfolio'];
  state: PortfolioAccount['state'];
  reason?: string;
  holdings: (Holding & { decimals: number })[];
  marks: Mark[];
  /** Decimals of its won amounts. */
  quoteDecimals: number;
  /** Absent: its fills are not mine to read. */
  positions?: { market: UnitsOfMarket; view: PositionView }[];
  pnlPartial?: boolean;
}

const unreadable = (id: string, kind: AccountRead['kind'], state: AccountRead['state'], reason?: string) => ({
  id,
  kind,
  state,
  ...(reason ? { reason } : {}),
  holdings: [],
  marks: [],
  quoteDecimals: 0,
});

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class PortfolioService {
  readonly recordEveryMs: number;
  private readonly retryMs: number;
  private readonly equity: PortfolioEquity;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private recording = false;
  private closed = false;

  constructor(private readonly o: PortfolioOptions) {
    this.recordEveryMs = o.recordEveryMs ?? 5 * 60_000;
    this.retryMs = o.retryMs ?? 30_000;
    this.equity = new PortfolioEquity(o.db);
    this.now = o.now ?? Date.now;
  }

  /** Records the total now (or as soon as it is whole) and every `recordEveryMs` after. */
  start(): void {
    void this.record();
    this.timer = setInterval(() => void this.record(), this.recordEveryMs);
    this.timer.unref();
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    clearTimeout(this.retry);
  }

  async get(): Promise<Portfolio> {
    const accounts = await this.readAll();
    const view = this.value(accounts);
    return { ...view, equity: this.points(view.decimals), recordEveryMs: this.recordEveryMs };
  }

  /** Takes a record of the total when it is whole; tries again soon when it is not. */
  private async record(): Promise<void> {
    if (this.recording || this.closed) return;
    this.recording = true;
    clearTimeout(this.retry);
    try {
      const accounts = await this.readAll();
      const view = this.value(accounts);
      const whole =
        accounts.every((a) => a.state === 'ok' || a.state === 'signed_out') &&
        view.unvalued.every((x) => x.why === 'no_market');
      if (this.closed) return;
      if (whole) this.equity.record(this.now(), BigInt(view.value), view.decimals);
      else {
        this.retry = setTimeout(() => void this.record(), this.retryMs);
        this.retry.unref();
      }
    } catch (err) {
      (this.o.onError ?? ((e) => console.warn('[portfolio]', reasonOf(e))))(err);
    } finally {
      this.recording = false;
    }
  }

  private points(decimals: number): Portfolio['equity'] {
    return this.equity.points(decimals).map((p) => ({ ts: p.ts, value: p.value.toString() }));
  }

  private async readAll(): Promise<AccountRead[]> {
    const [paper, live] = await Promise.all([
      this.paperAccounts().catch((err: unknown) => [unreadable('paper', 'paper', 'error', reasonOf(err))]),
      this.liveAccounts().catch((err: unknown) => [unreadable('live', 'live', 'error', reasonOf(err))]),
    ]);
    return [this.practiceAccount(), ...paper, ...live];
  }

  private practiceAccount(): AccountRead {
    const p = this.o.practice;
    const m = p.market;
    const market = lpjUnits(m);
    const last = p.engine.lastPrice(m.id) ?? 0;
    const divisor = 10 ** valueShift(market);
    return {
      id: 'practice',
      kind: 'practice',
      state: 'ok',
      holdings: Object.entries(p.engine.balances(PRACTICE_USER)).map(([asset, b]) => ({
        asset,
        available: b.available,
        held: b.held,
        decimals: asset === m.base ? m.baseDecimals : 0,
      })),
      marks: [{ ...market, market: m.id, price: last || null }],
      quoteDecimals: 0,
      positions: [...p.history.positions.positions].map(([id, pos]) => ({
        market,
        view: positionView(id, pos, divisor, id === m.id && last > 0 ? last : undefined),
      })),
      pnlPartial: p.history.positions.outOfRange.size > 0,
    };
  }

  private async paperAccounts(): Promise<AccountRead[]> {
    const accounts = await this.o.realMarkets.portfolioAccounts();
    return accounts.map(({ kind, portfolio, account, marks, markets }) => {
      const won = [...markets.values()].find((m) => m.quote === QUOTE);
      const krw = account.balances.find((b) => b.asset === QUOTE);
      return {
        // Each paper portfolio is an account of its own, named as its selector names it.
        id: portfolio ? `paper-${portfolio.id}` : kind,
        kind,
        ...(portfolio ? { portfolio: { name: portfolio.name, exchange: portfolio.exchange } } : {}),
        state: 'ok' as const,
        holdings: account.balances,
        marks,
        quoteDecimals: won?.quoteDecimals ?? krw?.decimals ?? 0,
        positions: account.positions.flatMap((view) => {
          const market = markets.get(view.market);
          return market ? [{ market, view }] : [];
        }),
      };
    });
  }

  private async liveAccounts(): Promise<AccountRead[]> {
    const live = this.o.live;
    const st = await live.state();
    if (!st.status.account) return [unreadable('live', 'live', 'signed_out')];
    if (st.status.connection !== 'online' || !st.market)
      return [unreadable('live', 'live', 'offline', st.status.reason ?? st.status.connection)];
    const m = st.market;
    const market = lpjUnits(m);
    const marks: Mark[] = [{ ...market, market: m.id, price: st.lastPrice || null }];
    const holdings = (rows: typeof st.balances) =>
      rows.map((b) => ({ ...b, decimals: b.asset === m.base ? m.baseDecimals : 0 }));
    let positions: AccountRead['positions'];
    let pnlPartial: boolean;
    try {
      const { fills, complete } = await live.fillsForPnl(LIVE_FILLS_READ);
      const folded = positionsFromFills(fills);
      const divisor = 10 ** valueShift(market);
      positions = [...folded.positions].map(([id, pos]) => ({
        market: { ...market, id },
        view: positionView(id, pos, divisor, id === m.id && st.lastPrice > 0 ? st.lastPrice : undefined),
      }));
      pnlPartial = !complete || folded.outOfRange.size > 0;
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      // The balances were read: the account is counted, its PnL says it could not be read.
      positions = [];
      pnlPartial = true;
    }
    return [
      {
        id: 'live',
        kind: 'live',
        state: 'ok',
        holdings: holdings(st.balances),
        marks,
        quoteDecimals: 0,
        positions,
        pnlPartial,
      },
      ...st.copies.map((c) => ({
        id: `copy-${c.subscriptionId}`,
        kind: 'copy' as const,
        leader: c.leader,
        state: 'ok' as const,
        holdings: holdings(c.balances),
        marks,
        quoteDecimals: 0,
      })),
    ];
  }

  /** Values the accounts read, in won at the finest decimals among them. */
  private value(accounts: AccountRead[]): Omit<Portfolio, 'equity' | 'recordEveryMs'> {
    const counted = accounts.filter((a) => a.state === 'ok');
    const decimals = Math.max(0, ...counted.map((a) => a.quoteDecimals));
    const valuation = valuePortfolio(QUOTE, decimals, counted);
    const scale = (units: number, from: number) => BigInt(units) * 10n ** BigInt(Math.max(0, decimals - from));
    const byAsset = new Map<string, { value: bigint; realised: bigint; unrealised: bigint; fees: bigint }>();
    const assetOf = (asset: string) => {
      let a = byAsset.get(asset);
      if (!a) byAsset.set(asset, (a = { value: 0n, realised: 0n, unrealised: 0n, fees: 0n }));
      return a;
    };
    const text = (p: { realised: bigint; unrealised: bigint; fees: bigint }): PortfolioPnl => ({
      realised: p.realised.toString(),
      unrealised: p.unrealised.toString(),
      fees: p.fees.toString(),
    });

    const out = accounts.map((a): PortfolioAccount => {
      const i = counted.indexOf(a);
      const values = i >= 0 ? valuation.values[i] : [];
      let value = 0n;
      const holdings = a.holdings.map((h, j) => {
        const v = values[j];
        const units = (BigInt(h.available) + BigInt(h.held)).toString();
        if (v?.kind === 'valued') {
          value += v.value;
          assetOf(h.asset).value += v.value;
          return { asset: h.asset, units, decimals: h.decimals, value: v.value.toString() };
        }
        return { asset: h.asset, units, decimals: h.decimals, ...(v ? { unvalued: v.kind } : {}) };
      });
      let pnl: PortfolioAccount['pnl'];
      const positions: PortfolioPosition[] = [];
      if (a.positions && i >= 0) {
        const sum = { realised: 0n, unrealised: 0n, fees: 0n };
        for (const { market, view } of a.positions) {
          positions.push({
            market: view.market,
            base: market.base,
            quote: market.quote,
            priceDecimals: market.priceDecimals,
            sizeDecimals: market.sizeDecimals,
            quoteDecimals: market.quoteDecimals,
            quantity: String(view.quantity),
            averagePrice: String(view.averagePrice),
            ...(view.markPrice !== undefined ? { markPrice: String(view.markPrice) } : {}),
            realisedPnl: String(view.realisedPnl),
            ...(view.unrealisedPnl !== undefined ? { unrealisedPnl: String(view.unrealisedPnl) } : {}),
            feesPaid: String(view.feesPaid),
          });
          // PnL in another quote currency stays on its own row: no won figure is made up for it.
          if (market.quote !== QUOTE) continue;
          const realised = scale(view.realisedPnl, market.quoteDecimals);
          const unrealised = scale(view.unrealisedPnl ?? 0, market.quoteDecimals);
          const fees = scale(view.feesPaid, market.quoteDecimals);
          sum.realised += realised;
          sum.unrealised += unrealised;
          sum.fees += fees;
          const asset = assetOf(market.base);
          asset.realised += realised;
          asset.unrealised += unrealised;
          asset.fees += fees;
        }
        pnl = text(sum);
      }
      return {
        id: a.id,
        kind: a.kind,
        ...(a.leader !== undefined ? { leader: a.leader } : {}),
        ...(a.portfolio ? { portfolio: a.portfolio } : {}),
        state: a.state,
        ...(a.reason ? { reason: a.reason } : {}),
        holdings,
        value: value.toString(),
        positions,
        ...(pnl ? { pnl } : {}),
        ...(a.pnlPartial ? { pnlPartial: true } : {}),
      };
    });
    return {
      quote: QUOTE,
      decimals,
      asOf: this.now(),
      value: valuation.total.toString(),
      unvalued: valuation.excluded,
      accounts: out,
      assets: [...byAsset].map(([asset, a]) => ({ asset, value: a.value.toString(), pnl: text(a) })),
    };
  }
}
