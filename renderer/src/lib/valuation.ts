/**
 * What my holdings are worth in the quote currency of the market on screen, each at its own market's price: the
 * quote as it is, the market's own coin at its last price, any other coin at the mark of its own market in this
 * quote (paper trading holds several coins in one account). So the total is the same whichever market of that
 * quote is on screen.
 *
 * A holding that cannot be valued is not counted and says why: its market has no price yet, or no market prices
 * it in this quote (another quote currency). The total lists what it leaves out, never silently. A zero holding
 * is worth zero, priced or not. Exact: bigint arithmetic in the markets' own units, nothing rounded here.
 */
import { valueOf } from './market-format';
import type { ViewBalance, ViewMark, ViewMarket } from './market-view';

export type HoldingValue =
  | { kind: 'valued'; value: bigint }
  /** Its market has not traded yet, or its price has not arrived. */
  | { kind: 'no_price' }
  /** No market prices it in this quote currency. */
  | { kind: 'no_market' };

export interface Valuation {
  /** Per account given (in order) and per balance of it (in order). */
  values: HoldingValue[][];
  /** The sum of every valued holding, quote units of the market on screen. */
  total: bigint;
  /** Assets held (not zero) that the total leaves out, each once, with the reason. */
  excluded: { asset: string; why: 'no_price' | 'no_market' }[];
}

const NO_PRICE: HoldingValue = { kind: 'no_price' };
const NO_MARKET: HoldingValue = { kind: 'no_market' };

/** The value of `units` of `asset` in `market`'s quote; `lastPrice` is the market's own (0: none yet). */
export function holdingValue(
  market: ViewMarket,
  lastPrice: number,
  marks: readonly ViewMark[],
  asset: string,
  units: bigint,
): HoldingValue {
  if (asset === market.quote) return { kind: 'valued', value: units };
  if (units === 0n) return { kind: 'valued', value: 0n };
  if (asset === market.base)
    return lastPrice > 0 ? { kind: 'valued', value: valueOf(market, BigInt(lastPrice), units) } : NO_PRICE;
  const mark = marks.find((m) => m.base === asset && m.quote === market.quote);
  if (!mark) return NO_MARKET;
  return mark.price ? { kind: 'valued', value: valueOf(mark, BigInt(mark.price), units) } : NO_PRICE;
}

/** Values every balance of every account (my main one, then my copies') and adds up what can be valued. */
export function valueAccounts(
  market: ViewMarket,
  lastPrice: number,
  marks: readonly ViewMark[],
  accounts: readonly (readonly ViewBalance[])[],
): Valuation {
  let total = 0n;
  const excluded = new Map<string, 'no_price' | 'no_market'>();
  const values = accounts.map((balances) =>
    balances.map((b) => {
      const v = holdingValue(market, lastPrice, marks, b.asset, BigInt(b.available) + BigInt(b.held));
      if (v.kind === 'valued') total += v.value;
      else excluded.set(b.asset, v.kind);
      return v;
    }),
  );
  return { values, total, excluded: [...excluded].map(([asset, why]) => ({ asset, why })) };
}
