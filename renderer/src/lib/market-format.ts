/**
 * Display of a market's integer amounts, exact (string/bigint arithmetic only, see lib/units).
 */
import { formatUnits, notional } from './units';
import type { ViewMarket } from './market-view';

/** The decimals that turn a market's price × size into its quote units (a ViewMarket's, or a ViewMark's). */
type MarketUnits = Pick<ViewMarket, 'priceDecimals' | 'sizeDecimals' | 'quoteDecimals'>;

/** Fraction digits shown for quote amounts: won are read whole, other currencies to the cent. */
function quoteDigits(quote: string, decimals: number): number {
  return Math.min(decimals, quote === 'KRW' ? 0 : 2);
}

export function formatPrice(m: ViewMarket, price: number | bigint): string {
  return formatUnits(price, m.priceDecimals, { minFraction: m.priceDecimals });
}

export function formatSize(m: ViewMarket, size: number | bigint, maxFraction?: number): string {
  return formatUnits(size, m.sizeDecimals, {
    minFraction: Math.min(2, m.sizeDecimals),
    ...(maxFraction !== undefined ? { maxFraction } : {}),
  });
}

/** A quote amount (balance, total, fee, PnL), cut (never rounded up) to the digits people read. */
export function formatQuote(m: Pick<ViewMarket, 'quote' | 'quoteDecimals'>, units: number | bigint): string {
  const digits = quoteDigits(m.quote, m.quoteDecimals);
  return formatUnits(units, m.quoteDecimals, { maxFraction: digits, minFraction: digits });
}

/** A balance of any asset in its own decimals. */
export function formatBalance(
  asset: string,
  units: number | bigint,
  decimals: number,
  quoteAssets: readonly string[],
): string {
  if (quoteAssets.includes(asset)) return formatQuote({ quote: asset, quoteDecimals: decimals }, units);
  return formatUnits(units, decimals, { minFraction: Math.min(2, decimals) });
}

/** A signed quote amount with its sign always shown ("+1,200", "-300"). */
export function formatSignedQuote(m: ViewMarket, units: number | bigint): string {
  const text = formatQuote(m, units);
  return BigInt(units) > 0n && /[1-9]/.test(text) ? `+${text}` : text;
}

/**
 * The divisor exponent of price × size → quote units: notional = price × size / 10^(sizeDecimals −
 * (quoteDecimals − priceDecimals)), floored, exactly as the engines compute it.
 */
export function valueShift(m: MarketUnits): number {
  return m.sizeDecimals - (m.quoteDecimals - m.priceDecimals);
}

/** Quote value of `size` at `price`, quote units. */
export function valueOf(m: MarketUnits, price: bigint, size: bigint): bigint {
  return notional(price, size, valueShift(m));
}

/** Quote units per whole quote currency. */
export function quoteUnit(m: ViewMarket): bigint {
  return 10n ** BigInt(m.quoteDecimals);
}
