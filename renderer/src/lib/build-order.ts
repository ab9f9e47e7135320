/**
 * The order form's text → an order the engine accepts, checked here first with the same rules (tick, lot,
 * minimum total, funds) so that the user sees why at once; the engine still has the last word and its
 * rejections are shown too. All amounts are bigint minimal units until the API call.
 */
import type { OrderRequest } from '@protocol/api';
import type { MessageKey } from '../i18n';
import { formatPrice, formatQuote, valueOf, valueShift } from './market-format';
import type { ViewMarket } from './market-view';
import { BPS, affordableQuantity, feeOf, floorToLot, formatUnits, isDecimal, parseUnits, toSafeNumber } from './units';

export type Side = 'buy' | 'sell';
export type FormType = 'limit' | 'market' | 'stop_limit';

export interface FormMessage {
  kind: 'error' | 'success';
  key: MessageKey;
  /** Filled into the message's {n} placeholder. */
  detail?: string;
}

/** What the order form holds. */
export interface FormInput {
  side: Side;
  type: FormType;
  /** Typed text, kept as typed; converted to units only when the order is built. */
  price: string;
  stopPrice: string;
  /** Base amount (LPJ) for limit, stop-limit and market sells. */
  amount: string;
  /** Quote amount (KRW) for market buys, which spend a sum rather than buy a size. */
  total: string;
}

export interface MarketContext {
  market: ViewMarket;
  bestBid?: number;
  bestAsk?: number;
  /** The last trade price, price units (0 or absent before the market's first trade). */
  lastPrice?: number;
  /** Available (not held) balances by asset, in minimal units. */
  available: Record<string, bigint>;
}

export interface Preview {
  /** Quote value of the order (for market sells: at the best bid now, so an estimate). */
  notional: bigint | null;
  fee: bigint | null;
  feeKind: 'maker' | 'taker';
  feeBps: number;
  /** True when the figures depend on where the order will fill. */
  estimated: boolean;
}

export type Built = { ok: true; order: OrderRequest; preview: Preview } | { ok: false; error: FormMessage };

const err = (key: FormMessage['key'], detail?: string): Built => ({ ok: false, error: { kind: 'error', key, detail } });

function feeBpsOf(kind: 'maker' | 'taker', m: ViewMarket): number {
  return kind === 'maker' ? m.makerFeeBps : m.takerFeeBps;
}

/** Total and fee for whatever has been typed so far; nulls where a field is still missing. */
export function preview(input: FormInput, ctx: MarketContext): Preview {
  const m = ctx.market;
  const price = parseUnits(input.price, m.priceDecimals);
  const qty = parseUnits(input.amount, m.sizeDecimals);
  if (input.type === 'market') {
    const bps = m.takerFeeBps;
    if (input.side === 'buy') {
      const spend = parseUnits(input.total, m.quoteDecimals);
      // A market buy spends a sum fee included: the fee is the part of it above the traded value.
      const fee = spend === null ? null : spend - (spend * BPS) / (BPS + BigInt(bps));
      return { notional: spend, fee, feeKind: 'taker', feeBps: bps, estimated: true };
    }
    const value = qty !== null && ctx.bestBid ? valueOf(m, BigInt(ctx.bestBid), qty) : null;
    return {
      notional: value,
      fee: value === null ? null : feeOf(value, bps),
      feeKind: 'taker',
      feeBps: bps,
      estimated: true,
    };
  }
  // A limit that crosses the book takes liquidity (taker fee); one that rests pays the maker fee when hit.
  const crosses =
    price !== null &&
    (input.side === 'buy'
      ? ctx.bestAsk !== undefined && price >= BigInt(ctx.bestAsk)
      : ctx.bestBid !== undefined && price <= BigInt(ctx.bestBid));
  const kind = input.type === 'stop_limit' || crosses ? 'taker' : 'maker';
  const bps = feeBpsOf(kind, m);
  const value = price !== null && qty !== null ? valueOf(m, price, qty) : null;
  return {
    notional: value,
    fee: value === null ? null : feeOf(value, bps),
    feeKind: kind,
    feeBps: bps,
    estimated: input.type === 'stop_limit',
  };
}

export function buildOrder(input: FormInput, ctx: MarketContext): Built {
  const m = ctx.market;
  const maxFeeBps = Math.max(0, m.makerFeeBps, m.takerFeeBps);
  const quoteAvail = ctx.available[m.quote] ?? 0n;
  const baseAvail = ctx.available[m.base] ?? 0n;
  const minTotal = BigInt(m.minNotional);
  const lotText = formatUnits(m.lotSize, m.sizeDecimals);
  const minText = formatQuote(m, minTotal);

  const priceField = (text: string, missing: FormMessage['key']): bigint | Built => {
    if (text.trim() === '') return err(missing);
    const v = parseUnits(text, m.priceDecimals);
    // More decimals than the price has is a price off its step, and said so: the step is what to type.
    if (v === null && isDecimal(text)) return err('form.err.tick', formatPrice(m, m.tickSize));
    if (v === null || v <= 0n) return err('form.err.number');
    if (v % BigInt(m.tickSize) !== 0n) return err('form.err.tick', formatPrice(m, m.tickSize));
    return v;
  };
  const amountField = (): bigint | Built => {
    if (input.amount.trim() === '') return err('form.err.amount');
    const v = parseUnits(input.amount, m.sizeDecimals);
    if (v === null && isDecimal(input.amount)) return err('form.err.lot', lotText);
    if (v === null || v <= 0n) return err('form.err.number');
    if (v % BigInt(m.lotSize) !== 0n) return err('form.err.lot', lotText);
    return v;
  };
  const num = (v: bigint): number | Built => toSafeNumber(v) ?? err('form.err.tooLarge');
  const failed = (v: unknown): v is Built => typeof v === 'object' && v !== null && 'ok' in v;

  const view = preview(input, ctx);

  if (input.type === 'market') {
    if (input.side === 'buy') {
      if (input.total.trim() === '') return err('form.err.total');
      const spend = parseUnits(input.total, m.quoteDecimals);
      if (spend === null && isDecimal(input.total)) return err('form.err.spendStep', formatUnits(1, m.quoteDecimals));
      if (spend === null || spend <= 0n) return err('form.err.number');
      if (spend < minTotal) return err('form.err.minNotional', minText);
      if (spend > quoteAvail) return err('form.err.funds');
      const quoteAmount = num(spend);
      if (failed(quoteAmount)) return quoteAmount;
      return { ok: true, order: { side: 'buy', orderType: 'market', quoteAmount }, preview: view };
    }
    const qty = amountField();
    if (failed(qty)) return qty;
    if (qty > baseAvail) return err('form.err.funds');
    if (view.notional !== null && view.notional < minTotal) return err('form.err.minNotional', minText);
    const quantity = num(qty);
    if (failed(quantity)) return quantity;
    return { ok: true, order: { side: 'sell', orderType: 'market', quantity }, preview: view };
  }

  let stop: bigint | undefined;
  if (input.type === 'stop_limit') {
    const s = priceField(input.stopPrice, 'form.err.stopPrice');
    if (failed(s)) return s;
    stop = s;
  }
  const price = priceField(input.price, 'form.err.price');
  if (failed(price)) return price;
  const qty = amountField();
  if (failed(qty)) return qty;
  const value = valueOf(m, price, qty);
  if (value < minTotal) return err('form.err.minNotional', minText);
  // The engine holds a buy's value plus the highest fee it could pay; a sell holds the coins.
  if (input.side === 'buy' ? value + feeOf(value, maxFeeBps) > quoteAvail : qty > baseAvail)
    return err('form.err.funds');
  const p = num(price);
  const q = num(qty);
  if (failed(p)) return p;
  if (failed(q)) return q;
  const order: OrderRequest = { side: input.side, orderType: input.type, price: p, quantity: q };
  if (stop !== undefined) {
    const s = num(stop);
    if (failed(s)) return s;
    order.stopPrice = s;
  }
  return { ok: true, order, preview: view };
}

/**
 * The amount for a percent button: a share of the available balance, in whole lots for sizes; for limit buys
 * the most the share affords at the price with the fee held.
 */
export function amountForPercent(
  percent: number,
  input: FormInput,
  ctx: MarketContext,
  price: bigint | null,
): { amount?: string; total?: string } {
  const m = ctx.market;
  const pct = BigInt(percent);
  if (input.side === 'sell') {
    const qty = floorToLot(((ctx.available[m.base] ?? 0n) * pct) / 100n, m.lotSize);
    return { amount: formatUnits(qty, m.sizeDecimals, { group: false }) };
  }
  const budget = ((ctx.available[m.quote] ?? 0n) * pct) / 100n;
  if (input.type === 'market') return { total: formatUnits(budget, m.quoteDecimals, { group: false }) };
  if (price === null || price <= 0n) return {};
  const qty = affordableQuantity(budget, price, valueShift(m), Math.max(0, m.makerFeeBps, m.takerFeeBps), m.lotSize);
  return { amount: formatUnits(qty, m.sizeDecimals, { group: false }) };
}
