/**
 * Market metadata: which markets each exchange serves here and their decimals.
 *
 * The app id is BASE-QUOTE ("BTC-KRW"); Upbit's code is QUOTE-BASE ("KRW-BTC"), Binance's symbol is the two
 * joined ("BTCUSDT", lower case in stream names). priceDecimals must cover the finest tick a market can have:
 * a price with more decimals than its market allows is rejected as malformed rather than rounded, so a wrong
 * table entry shows up as malformed frames, never as silently wrong prices.
 */
import type { ExchangeId, FeedMarket } from './types';

export class UnknownMarketError extends Error {
  constructor(
    readonly exchange: ExchangeId,
    readonly market: string,
    why: string,
  ) {
    super(`unknown market "${market}" on ${exchange}: ${why}`);
    this.name = 'UnknownMarketError';
  }
}

/** Quote currency each exchange adapter serves. */
export const QUOTE_OF: Record<ExchangeId, string> = { upbit: 'KRW', binance: 'USDT' };

export const SIZE_DECIMALS = 8;

/**
 * Well-known markets' price decimals. Upbit KRW ticks shrink with the price (1000 won above 1M won, 1 won from
 * 100 to 1000, 0.01 from 1 to 10, …), so the entries allow for the price range each coin has traded in;
 * Binance entries match the symbols' tickSize.
 */
const WELL_KNOWN: Record<ExchangeId, Record<string, number>> = {
  upbit: { BTC: 0, ETH: 0, SOL: 0, BCH: 0, XRP: 1, ADA: 1, DOGE: 1, TRX: 1, LINK: 1, DOT: 1, AVAX: 0, ETC: 1, USDT: 1 },
  binance: {
    BTC: 2,
    ETH: 2,
    SOL: 2,
    BNB: 2,
    BCH: 2,
    XRP: 4,
    ADA: 4,
    DOGE: 5,
    TRX: 5,
    LINK: 3,
    DOT: 3,
    AVAX: 2,
    ETC: 2,
  },
};

/**
 * The rule for other markets: enough decimals for the finest tick the exchange uses on ordinary coins (Upbit KRW
 * down to 0.0001 won; Binance USDT down to 1e-8), while keeping price units far below 2^53.
 */
const DEFAULT_PRICE_DECIMALS: Record<ExchangeId, number> = { upbit: 4, binance: 8 };

const ASSET = /^[A-Z0-9]{1,15}$/;

function build(exchange: ExchangeId, base: string, quote: string, priceDecimals?: number): FeedMarket {
  return {
    exchange,
    id: `${base}-${quote}`,
    symbol: exchange === 'upbit' ? `${quote}-${base}` : `${base}${quote}`,
    base,
    quote,
    priceDecimals: priceDecimals ?? WELL_KNOWN[exchange][base] ?? DEFAULT_PRICE_DECIMALS[exchange],
    sizeDecimals: SIZE_DECIMALS,
  };
}

/**
 * Resolves app ids for one exchange. Explicit entries (from options, e.g. exchange metadata the host loaded)
 * override the table and the rule.
 */
export class MarketRegistry {
  private readonly explicit = new Map<string, FeedMarket>();
  private readonly cache = new Map<string, FeedMarket>();

  constructor(
    readonly exchange: ExchangeId,
    markets: readonly FeedMarket[] = [],
  ) {
    for (const m of markets) {
      if (m.exchange !== exchange) throw new Error(`market ${m.id} belongs to ${m.exchange}, not ${exchange}`);
      this.explicit.set(m.id, m);
    }
  }

  /** The market for an app id ("BTC-KRW"); throws UnknownMarketError for an id this exchange cannot serve. */
  resolve(id: string): FeedMarket {
    const hit = this.explicit.get(id) ?? this.cache.get(id);
    if (hit) return hit;
    const parts = typeof id === 'string' ? id.split('-') : [];
    if (parts.length !== 2 || !ASSET.test(parts[0]) || !ASSET.test(parts[1])) {
      throw new UnknownMarketError(this.exchange, String(id), 'expected BASE-QUOTE in upper case, e.g. "BTC-KRW"');
    }
    const [base, quote] = parts;
    if (quote !== QUOTE_OF[this.exchange]) {
      throw new UnknownMarketError(this.exchange, id, `this feed serves ${QUOTE_OF[this.exchange]} markets only`);
    }
    if (base === quote) throw new UnknownMarketError(this.exchange, id, 'base and quote are the same asset');
    const market = build(this.exchange, base, quote);
    this.cache.set(id, market);
    return market;
  }
}

/** The market for an app id with the built-in table and rule. */
export function resolveMarket(exchange: ExchangeId, id: string): FeedMarket {
  return new MarketRegistry(exchange).resolve(id);
}
