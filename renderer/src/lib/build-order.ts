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
export type FormType = 'limit' | 'market' | 'stop_market' | 'stop_limit' | 'trailing_stop';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK';
/** The order types of every engine; trailing stops, time in force, post-only and exits only where the engine has them. */
const BASIC_TYPES: readonly FormType[] = ['limit', 'market', 'stop_market', 'stop_limit'];
export const ALL_TYPES: readonly FormType[] = [...BASIC_TYPES, 'trailing_stop'];
/** The widest trailing distance the engine takes, in percent (its MAX_TRAIL_BPS). */
const MAX_TRAIL_BPS = 5_000n;

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
  /** Limit and stop-limit orders: GTC when absent. */
  timeInForce?: TimeInForce;
  /** Limit GTC orders: refuse rather than take liquidity. */
  postOnly?: boolean;
  /** A trailing stop's distance: a price, or a percent of the last price (two decimals). */
  trail?: string;
  trailUnit?: 'amount' | 'percent';
  /** Exits attached to the entry (empty: none): a take-profit limit and a stop-loss stop-market. */
  takeProfit?: string;
  stopLoss?: string;
}

/** True when the entry carries a take-profit or a stop-loss. */
export const hasExits = (input: FormInput): boolean =>
  (input.takeProfit ?? '').trim() !== '' || (input.stopLoss ?? '').trim() !== '';

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
  const triggered = input.type !== 'limit';
  const kind = triggered || crosses ? 'taker' : 'maker';
  const bps = feeBpsOf(kind, m);
  // A stop-market is valued at its stop price, a trailing stop at the last price (where its trigger starts).
  const at =
    input.type === 'stop_market'
      ? parseUnits(input.stopPrice, m.priceDecimals)
      : input.type === 'trailing_stop'
        ? ctx.lastPrice
          ? BigInt(ctx.lastPrice)
          : null
        : price;
  const value = at !== null && qty !== null ? valueOf(m, at, qty) : null;
  return {
    notional: value,
    fee: value === null ? null : feeOf(value, bps),
    feeKind: kind,
    feeBps: bps,
    estimated: triggered,
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
      if (hasExits(input)) return err('form.err.exitsSpend');
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
    const exits = exitFields(input, ctx, priceField);
    if (failed(exits)) return exits;
    return { ok: true, order: { side: 'sell', orderType: 'market', quantity, ...exits }, preview: view };
  }

  const exits = exitFields(input, ctx, priceField);
  if (failed(exits)) return exits;

  if (input.type === 'stop_market' || input.type === 'trailing_stop') {
    const qty = amountField();
    if (failed(qty)) return qty;
    const order: OrderRequest = { side: input.side, orderType: input.type };
    if (input.type === 'stop_market') {
      const stop = priceField(input.stopPrice, 'form.err.stopPrice');
      if (failed(stop)) return stop;
      const s = num(stop);
      if (failed(s)) return s;
      order.stopPrice = s;
    } else {
      const trail = trailField(input, m, priceField);
      if (failed(trail)) return trail;
      Object.assign(order, trail);
    }
    if (view.notional !== null && view.notional < minTotal) return err('form.err.minNotional', minText);
    // A buy holds what it may cost when it runs (the engine adds the band); a sell holds the coins.
    if (input.side === 'buy' ? (view.notional ?? 0n) > quoteAvail : qty > baseAvail) return err('form.err.funds');
    const q = num(qty);
    if (failed(q)) return q;
    order.quantity = q;
    return { ok: true, order: { ...order, ...exits }, preview: view };
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
  const tif = input.timeInForce ?? 'GTC';
  if (tif !== 'GTC') order.timeInForce = tif;
  if (input.postOnly && input.type === 'limit' && tif === 'GTC') order.postOnly = true;
  return { ok: true, order: { ...order, ...exits }, preview: view };
}

type PriceField = (text: string, missing: FormMessage['key']) => bigint | Built;
const isBuilt = (v: unknown): v is Built => typeof v === 'object' && v !== null && 'ok' in v;

/** A trailing stop's distance as the engine takes it: an amount on the tick, or basis points up to 50%. */
function trailField(
  input: FormInput,
  m: ViewMarket,
  priceField: PriceField,
): { trailAmount: number } | { trailBps: number } | Built {
  const text = input.trail ?? '';
  if (input.trailUnit === 'percent') {
    if (text.trim() === '') return err('form.err.trail');
    // A percent with two decimals is a number of basis points.
    const bps = parseUnits(text, 2);
    if (bps === null || bps <= 0n || bps > MAX_TRAIL_BPS) return err('form.err.trail');
    return { trailBps: Number(bps) };
  }
  const amount = priceField(text, 'form.err.trail');
  if (isBuilt(amount)) return amount;
  const n = toSafeNumber(amount);
  return n === null ? err('form.err.tooLarge') : { trailAmount: n };
}

/**
 * The exits typed for an entry, checked as the engine checks them: closing a buy, the take-profit above the
 * entry's price and the stop-loss below (a sell, the reverse). The entry's price is its limit, its stop, or the
 * last price for market and trailing orders.
 */
function exitFields(
  input: FormInput,
  ctx: MarketContext,
  priceField: PriceField,
): { takeProfitPrice?: number; stopLossPrice?: number } | Built {
  if (!hasExits(input)) return {};
  if (input.type === 'market' && input.side === 'buy') return err('form.err.exitsSpend');
  const m = ctx.market;
  const out: { takeProfitPrice?: number; stopLossPrice?: number } = {};
  let tp: bigint | null = null;
  let sl: bigint | null = null;
  if ((input.takeProfit ?? '').trim() !== '') {
    const v = priceField(input.takeProfit ?? '', 'form.err.price');
    if (isBuilt(v)) return v;
    tp = v;
  }
  if ((input.stopLoss ?? '').trim() !== '') {
    const v = priceField(input.stopLoss ?? '', 'form.err.price');
    if (isBuilt(v)) return v;
    sl = v;
  }
  const entryText = input.type === 'limit' || input.type === 'stop_limit' ? input.price : input.stopPrice;
  const entry =
    input.type === 'market' || input.type === 'trailing_stop'
      ? ctx.lastPrice
        ? BigInt(ctx.lastPrice)
        : null
      : parseUnits(entryText, m.priceDecimals);
  const up = input.side === 'buy';
  if (entry !== null && tp !== null && (up ? tp <= entry : tp >= entry)) return err('form.err.bracket');
  if (entry !== null && sl !== null && (up ? sl >= entry : sl <= entry)) return err('form.err.bracket');
  if (tp !== null && sl !== null && (up ? tp <= sl : tp >= sl)) return err('form.err.bracket');
  if (tp !== null) {
    const n = toSafeNumber(tp);
    if (n === null) return err('form.err.tooLarge');
    out.takeProfitPrice = n;
  }
  if (sl !== null) {
    const n = toSafeNumber(sl);
    if (n === null) return err('form.err.tooLarge');
    out.stopLossPrice = n;
  }
  return out;
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
