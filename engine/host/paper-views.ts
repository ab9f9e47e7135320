/**
 * The paper account as the UI sees it: balances with the decimals to format them, open orders, positions
 * with PnL, and an order's outcome from the matcher's events.
 */
import { QUOTE_DECIMALS, type PaperEvent, type PaperMarketConfig } from '../core/paper';
import { orderLinks } from '../protocol/order-links';
import type { PaperTrader } from '../node/paper/paper-trader';
import type { PaperAccount, PaperMarketInfo, PaperOrderOutcome, PaperPosition } from '../protocol/api';

/** The local user's account in both paper journals (exchange sources and replay). */
export const PAPER_USER = 1;

export function marketInfo(c: PaperMarketConfig): PaperMarketInfo {
  return {
    id: c.id,
    exchange: c.exchange,
    base: c.base,
    quote: c.quote,
    priceDecimals: c.priceDecimals,
    sizeDecimals: c.sizeDecimals,
    quoteDecimals: c.quoteDecimals,
    makerFeeBps: c.makerFeeBps,
    takerFeeBps: c.takerFeeBps,
    minNotional: c.minNotional,
  };
}

/**
 * Decimals of each asset's balance unit: a quote asset's is its markets' quoteDecimals, a base asset's their
 * sizeDecimals. The grants' quote assets are known before any market of theirs is added.
 */
function assetDecimals(trader: PaperTrader): Map<string, number> {
  const out = new Map<string, number>(Object.entries(QUOTE_DECIMALS));
  for (const id of trader.engine.marketIds) {
    const c = trader.engine.marketConfig(id);
    if (!c) continue;
    out.set(c.quote, c.quoteDecimals);
    out.set(c.base, c.sizeDecimals);
  }
  return out;
}

export function positionView(p: ReturnType<PaperTrader['positions']>[number]): PaperPosition {
  return {
    market: p.market,
    quantity: p.quantity,
    costBasis: p.costBasis,
    averagePrice: p.averagePrice,
    realisedPnl: p.realisedPnl,
    feesPaid: p.feesPaid,
    ...(p.markPrice !== undefined ? { markPrice: p.markPrice } : {}),
    ...(p.unrealisedPnl !== undefined ? { unrealisedPnl: p.unrealisedPnl } : {}),
    netPnl: p.netPnl,
  };
}

export function accountView(trader: PaperTrader): PaperAccount {
  const decimals = assetDecimals(trader);
  return {
    balances: Object.entries(trader.balances(PAPER_USER)).map(([asset, b]) => ({
      asset,
      available: b.available,
      held: b.held,
      decimals: decimals.get(asset) ?? 8,
    })),
    openOrders: trader.openOrders(PAPER_USER).map((o) => ({
      id: o.id,
      market: o.market,
      side: o.side,
      type: o.type,
      price: o.price,
      stopPrice: o.stopPrice,
      quantity: o.quantity,
      remaining: o.remaining,
      held: o.held,
      triggered: o.triggered,
      ...(o.clientOrderId !== undefined ? { clientOrderId: o.clientOrderId } : {}),
      ts: o.ts,
      // A trailing stop's trigger distance, an entry's pending exits, an exit's entry and OCO partner.
      ...orderLinks(o),
    })),
    positions: trader.positions(PAPER_USER).map(positionView),
  };
}

/** An order's result: refusals are answers with the matcher's reason, not errors. */
export function orderOutcome(events: readonly PaperEvent[]): PaperOrderOutcome {
  const fills = events.filter((e) => e.type === 'trade').length;
  for (const e of events) {
    if (e.type === 'rejected')
      return { status: 'rejected', reason: e.reason, fills, ...(e.orderId ? { orderId: e.orderId } : {}) };
  }
  const accepted = events.find((e) => e.type === 'accepted' || e.type === 'cancelled');
  const orderId = accepted && 'orderId' in accepted ? accepted.orderId : undefined;
  return { status: 'accepted', fills, ...(orderId ? { orderId } : {}) };
}
