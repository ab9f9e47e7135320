/**
 * One user's orders and fills, folded from an engine's committed events: the offline practice market's and
 * paper trading's (both engines' order events have the matching engine's shape). What it keeps is bounded: the
 * latest `keep` finished orders and fills, and every order still working, however old. Every fill is also folded
 * into its market's position (average cost, ../core/portfolio/pnl), which the Portfolio screen's PnL reads.
 *
 * Events can reach it twice (read back from the journal at start, then pushed as committed): each stream's
 * sequence number tells what was already folded in, so nothing counts twice.
 */
import type { EngineEvent } from '../core/matching/types';
import { PositionBook } from '../core/portfolio/pnl';
import type { HistoryFill, HistoryOrder, HistoryVenue, PracticeFill } from '../protocol/api';

type Order = Omit<HistoryOrder, 'venue'>;
type Fill = Omit<HistoryFill, 'venue'>;

const WORKING = new Set<HistoryOrder['status']>(['open', 'partial', 'waiting']);

/** A fill as a market view lists it (the venue and market are the view's own). */
export function marketFill(f: HistoryFill): PracticeFill {
  return {
    tradeId: f.tradeId,
    orderId: f.orderId,
    side: f.side,
    price: f.price,
    quantity: f.quantity,
    quoteAmount: f.quoteAmount,
    fee: f.fee,
    ts: f.ts,
  };
}

export class OrderHistory {
  /** By market and id, in the order they were placed. */
  private readonly orders = new Map<string, Order>();
  /** Oldest first. */
  private fills: Fill[] = [];
  private readonly seen = new Map<string, number>();
  /** Every fill of mine folded into positions (average cost), kept whole however many fills are trimmed. */
  readonly positions = new PositionBook();

  constructor(
    readonly venue: HistoryVenue,
    private readonly user: number,
    private readonly keep = 500,
  ) {}

  /** Folds in committed events of any stream, in order; events already folded in are skipped. */
  apply(events: readonly { type: string; market: string; seq: number }[]): void {
    for (const raw of events) {
      const e = raw as EngineEvent;
      const last = this.seen.get(e.market) ?? 0;
      if (e.seq <= last) continue;
      this.seen.set(e.market, e.seq);
      this.fold(e);
    }
    this.trim();
  }

  /** The side of one of my orders, while it is kept. */
  sideOf(market: string, orderId: number): HistoryOrder['side'] | undefined {
    return this.orders.get(`${market}:${orderId}`)?.side;
  }

  /** Newest first. */
  latestOrders(limit: number): HistoryOrder[] {
    const out: HistoryOrder[] = [];
    const all = [...this.orders.values()];
    for (let i = all.length - 1; i >= 0 && out.length < limit; i--) out.push({ venue: this.venue, ...all[i] });
    return out;
  }

  /** Newest first, of one market or all. */
  latestFills(limit: number, market?: string): HistoryFill[] {
    const out: HistoryFill[] = [];
    for (let i = this.fills.length - 1; i >= 0 && out.length < limit; i--) {
      const f = this.fills[i];
      if (market === undefined || f.market === market) out.push({ venue: this.venue, ...f });
    }
    return out;
  }

  private fold(e: EngineEvent): void {
    switch (e.type) {
      case 'accepted': {
        if (e.account !== this.user) return;
        const stop = e.orderType === 'stop_limit' || e.orderType === 'stop_market' || e.orderType === 'trailing_stop';
        this.orders.set(`${e.market}:${e.orderId}`, {
          market: e.market,
          id: e.orderId,
          side: e.side,
          type: e.orderType,
          price: e.price ?? 0,
          stopPrice: e.stopPrice ?? 0,
          quantity: e.quantity ?? 0,
          filled: 0,
          status: stop ? 'waiting' : 'open',
          ts: e.ts,
          updatedAt: e.ts,
        });
        return;
      }
      case 'trade': {
        // Both legs may be mine (a self-trade the engine let through): each is a fill of its own order.
        if (e.makerAccount === this.user) this.fill(e, 'maker');
        if (e.takerAccount === this.user) this.fill(e, 'taker');
        return;
      }
      case 'triggered':
        this.update(e, (o) => ({ status: o.filled > 0 ? 'partial' : 'open' }));
        return;
      case 'amended':
        this.update(e, () => ({ price: e.price, quantity: e.quantity }));
        return;
      case 'trigger_moved':
        // A trailing stop's trigger follows the price: its row shows where it is now.
        this.update(e, () => ({ stopPrice: e.stopPrice }));
        return;
      case 'filled':
        this.update(e, () => ({ status: 'filled' }));
        return;
      case 'cancelled':
      case 'expired':
        this.update(e, () => ({ status: e.type, reason: e.reason }));
        return;
      default:
        return;
    }
  }

  private fill(e: Extract<EngineEvent, { type: 'trade' }>, liquidity: 'maker' | 'taker'): void {
    const maker = liquidity === 'maker';
    const orderId = maker ? e.makerOrderId : e.takerOrderId;
    const takerSide = e.takerSide;
    this.fills.push({
      market: e.market,
      tradeId: e.tradeId,
      orderId,
      side: maker ? (takerSide === 'buy' ? 'sell' : 'buy') : takerSide,
      price: e.price,
      quantity: e.quantity,
      quoteAmount: e.quoteAmount,
      fee: maker ? e.makerFee : e.takerFee,
      liquidity,
      ts: e.ts,
    });
    const fill = this.fills[this.fills.length - 1];
    this.positions.add(fill);
    const o = this.orders.get(`${e.market}:${orderId}`);
    if (!o) return;
    o.filled += e.quantity;
    o.updatedAt = e.ts;
    if (o.status === 'open') o.status = 'partial';
  }

  private update(e: EngineEvent & { account: number; orderId: number }, change: (o: Order) => Partial<Order>): void {
    if (e.account !== this.user) return;
    const o = this.orders.get(`${e.market}:${e.orderId}`);
    if (!o) return;
    Object.assign(o, change(o), { updatedAt: e.ts });
  }

  /** Drops the oldest finished orders and fills past `keep` (working orders stay, however old). */
  private trim(): void {
    if (this.fills.length > this.keep * 2) this.fills = this.fills.slice(-this.keep);
    if (this.orders.size <= this.keep * 2) return;
    for (const [key, o] of this.orders) {
      if (this.orders.size <= this.keep) break;
      if (!WORKING.has(o.status)) this.orders.delete(key);
    }
  }
}
