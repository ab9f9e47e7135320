/**
 * What holdings are worth in one quote currency, each at its own market's price: the quote as it is, a coin at
 * the mark of its own market in that quote. One definition for every place a total is shown or kept: the
 * Market screen's balances (renderer/src/lib/valuation), the Portfolio screen and the host's record of the
 * portfolio's value over time.
 *
 * A holding that cannot be valued is not counted and says why: its market has no price yet, or no market prices
 * it in this quote (another quote currency). A total lists what it leaves out, never silently. A zero holding
 * is worth zero, priced or not. Exact: bigint arithmetic in the markets' own units, nothing rounded here.
 */

/** The decimals that turn a market's price × size into its quote units. */
export interface MarketUnits {
  priceDecimals: number;
  sizeDecimals: number;
  quoteDecimals: number;
}

/** A market named with its assets and units, as valuations, results and reports list it. */
export interface UnitsOfMarket extends MarketUnits {
  id: string;
  base: string;
  quote: string;
}

/**
 * An LPJ market's units: prices and amounts in whole won (LPJ's market rule, on the server and in the offline
 * practice market alike), quantities at the market's base decimals. One definition for every place the host
 * values, reports or lists LPJ.
 */
export function lpjUnits(m: { id: string; base: string; quote: string; baseDecimals: number }): UnitsOfMarket {
  return { id: m.id, base: m.base, quote: m.quote, priceDecimals: 0, sizeDecimals: m.baseDecimals, quoteDecimals: 0 };
}

/** A market's price for valuing a holding of its base: its last price in its own units, null/absent while none is known. */
export interface Mark extends MarketUnits {
  market: string;
  base: string;
  quote: string;
  price?: number | null;
}

/** A holding: minimal units of the asset, available and held for orders. */
export interface Holding {
  asset: string;
  available: number;
  held: number;
}

export type HoldingValue =
  | { kind: 'valued'; value: bigint }
  /** Its market has not traded yet, or its price has not arrived. */
  | { kind: 'no_price' }
  /** No market prices it in this quote currency. */
  | { kind: 'no_market' };

export interface Valuation {
  /** Per account given (in order) and per balance of it (in order). */
  values: HoldingValue[][];
  /** The sum of every valued holding, quote units. */
  total: bigint;
  /** Assets held (not zero) that the total leaves out, each once, with the reason. */
  excluded: { asset: string; why: 'no_price' | 'no_market' }[];
}

const NO_PRICE: HoldingValue = { kind: 'no_price' };
const NO_MARKET: HoldingValue = { kind: 'no_market' };

/**
 * The divisor exponent of price × size → quote units: notional = price × size / 10^(sizeDecimals −
 * (quoteDecimals − priceDecimals)), floored, exactly as the engines compute it.
 */
export function valueShift(m: MarketUnits): number {
  return m.sizeDecimals - (m.quoteDecimals - m.priceDecimals);
}

/** Quote value of `size` at `price`, quote units, rounded down as the engines do. */
export function valueOf(m: MarketUnits, price: bigint, size: bigint): bigint {
  return (price * size) / 10n ** BigInt(valueShift(m));
}

/** The value of `units` of `asset` in `quote`, at the mark of the asset's own market in that quote. */
export function markValue(quote: string, marks: readonly Mark[], asset: string, units: bigint): HoldingValue {
  if (asset === quote) return { kind: 'valued', value: units };
  if (units === 0n) return { kind: 'valued', value: 0n };
  const mark = marks.find((m) => m.base === asset && m.quote === quote);
  if (!mark) return NO_MARKET;
  return mark.price ? { kind: 'valued', value: valueOf(mark, BigInt(mark.price), units) } : NO_PRICE;
}

/** The value of `units` of `asset` in `market`'s quote; `lastPrice` is the market's own (0: none yet). */
export function holdingValue(
  market: MarketUnits & { base: string; quote: string },
  lastPrice: number,
  marks: readonly Mark[],
  asset: string,
  units: bigint,
): HoldingValue {
  if (asset === market.base && asset !== market.quote && units !== 0n)
    return lastPrice > 0 ? { kind: 'valued', value: valueOf(market, BigInt(lastPrice), units) } : NO_PRICE;
  return markValue(market.quote, marks, asset, units);
}

/** Values every balance of every account (a main one, then copies') and adds up what can be valued. */
export function valueAccounts(
  market: MarketUnits & { base: string; quote: string },
  lastPrice: number,
  marks: readonly Mark[],
  accounts: readonly (readonly Holding[])[],
): Valuation {
  return sumValues(accounts, (b) =>
    holdingValue(market, lastPrice, marks, b.asset, BigInt(b.available) + BigInt(b.held)),
  );
}

/** An account of a portfolio: its holdings, the marks of its coins, and the decimals of its quote amounts. */
export interface PortfolioInput {
  holdings: readonly Holding[];
  marks: readonly Mark[];
  quoteDecimals: number;
}

/**
 * Accounts whose quote amounts have different decimals (whole won on the LPJ markets, 10^-4 won in paper
 * trading) valued together: each holding at its own account's marks, then scaled up, exactly, to `decimals`
 * (at least every account's own).
 */
export function valuePortfolio(quote: string, decimals: number, accounts: readonly PortfolioInput[]): Valuation {
  const scales = accounts.map((a) => 10n ** BigInt(Math.max(0, decimals - a.quoteDecimals)));
  return sumValues(
    accounts.map((a) => a.holdings),
    (b, account) => {
      const v = markValue(quote, accounts[account].marks, b.asset, BigInt(b.available) + BigInt(b.held));
      return v.kind === 'valued' ? { kind: 'valued', value: v.value * scales[account] } : v;
    },
  );
}

function sumValues(
  accounts: readonly (readonly Holding[])[],
  value: (b: Holding, account: number) => HoldingValue,
): Valuation {
  let total = 0n;
  const excluded = new Map<string, 'no_price' | 'no_market'>();
  const values = accounts.map((balances, account) =>
    balances.map((b) => {
      const v = value(b, account);
      if (v.kind === 'valued') total += v.value;
      else excluded.set(b.asset, v.kind);
      return v;
    }),
  );
  return { values, total, excluded: [...excluded].map(([asset, why]) => ({ asset, why })) };
}
