/**
 * Display of a market's integer amounts, exact (string/bigint arithmetic only, see lib/units). One rule per
 * market, everywhere a price or an amount is shown: a price has the fraction digits of the market's tick and a
 * size those of its lot, always (zeros included), so a column of them lines up on the decimal point in the
 * tabular digits the UI uses. A value finer than the tick or lot (an average, a remainder) keeps its further
 * digits rather than being shown as something it is not.
 */
import { formatUnits } from './units';
import type { ViewMarket } from './market-view';

/** Fraction digits shown for quote amounts: won are read whole, other currencies to the cent. */
function quoteDigits(quote: string, decimals: number): number {
  return Math.min(decimals, quote === 'KRW' ? 0 : 2);
}

/** Fraction digits of a step of `decimals`-decimal units: a tick of 10 units at 2 decimals is 0.1, one digit. */
function stepDigits(step: number, decimals: number): number {
  let digits = decimals;
  for (let s = step; digits > 0 && s % 10 === 0; s /= 10) digits--;
  return digits;
}

/** Fraction digits of the market's prices: those of its tick. */
export function priceDigits(m: Pick<ViewMarket, 'priceDecimals' | 'tickSize'>): number {
  return stepDigits(m.tickSize, m.priceDecimals);
}

/** Fraction digits of the market's sizes: those of its lot. */
export function sizeDigits(m: Pick<ViewMarket, 'sizeDecimals' | 'lotSize'>): number {
  return stepDigits(m.lotSize, m.sizeDecimals);
}

export function formatPrice(m: Pick<ViewMarket, 'priceDecimals' | 'tickSize'>, price: number | bigint): string {
  return formatUnits(price, m.priceDecimals, { minFraction: priceDigits(m) });
}

/**
 * A size to the lot. `maxFraction` cuts a summary figure shorter (a day's volume), never below what the reader
 * needs to tell it from zero.
 */
export function formatSize(m: ViewMarket, size: number | bigint, maxFraction?: number): string {
  const digits = sizeDigits(m);
  if (maxFraction === undefined) return formatUnits(size, m.sizeDecimals, { minFraction: digits });
  const cut = Math.min(digits, maxFraction);
  return formatUnits(size, m.sizeDecimals, { minFraction: cut, maxFraction: cut });
}

/**
 * A plotted price (a study's float, in whole quote per coin) at the market's price rule: rounded to the nearest
 * tick, then written as a price.
 */
export function formatPlottedPrice(m: ViewMarket, plotted: number): string {
  if (!Number.isFinite(plotted)) return '—';
  const ticks = Math.round((plotted * 10 ** m.priceDecimals) / m.tickSize);
  return formatPrice(m, ticks * m.tickSize);
}

/** A quote amount (balance, total, fee, PnL), cut (never rounded up) to the digits people read. */
export function formatQuote(m: Pick<ViewMarket, 'quote' | 'quoteDecimals'>, units: number | bigint): string {
  const digits = quoteDigits(m.quote, m.quoteDecimals);
  return formatUnits(units, m.quoteDecimals, { maxFraction: digits, minFraction: digits });
}

/**
 * A balance of any asset in its own decimals: the market's coin to its lot, a quote currency as quote amounts
 * are read. Another market's asset has no rule known here (its lot or quote role): its digits are shown as they
 * are, at least two.
 */
export function formatBalance(
  m: ViewMarket,
  asset: string,
  units: number | bigint,
  decimals: number,
  quoteAssets: readonly string[],
): string {
  if (asset === m.base && decimals === m.sizeDecimals) return formatSize(m, units);
  if (quoteAssets.includes(asset)) return formatQuote({ quote: asset, quoteDecimals: decimals }, units);
  return formatUnits(units, decimals, { minFraction: Math.min(2, decimals) });
}

/** A signed quote amount with its sign always shown ("+1,200", "-300"). */
export function formatSignedQuote(m: Pick<ViewMarket, 'quote' | 'quoteDecimals'>, units: number | bigint): string {
  const text = formatQuote(m, units);
  return BigInt(units) > 0n && /[1-9]/.test(text) ? `+${text}` : text;
}

// Valuing a size at a price is one definition in the protocol, shared with the host's portfolio.
export { valueShift, valueOf } from '@protocol/valuation';

/** Quote units per whole quote currency. */
export function quoteUnit(m: ViewMarket): bigint {
  return 10n ** BigInt(m.quoteDecimals);
}
