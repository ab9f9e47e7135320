/** The paper matcher: paper trading on real markets against the live book (see ./paper-trader). */
export { PaperTrader, PAPER_DB_FILE, MAX_BOOK_LEVELS, type PaperTraderOptions } from './paper-trader';
export {
  PaperEngine,
  DEFAULT_MAX_BOOK_AGE_MS,
  type PaperEngineOptions,
  type PaperSnapshot,
  type TradeEffect,
} from './paper-engine';
export {
  paperMarket,
  validatePaperMarket,
  PaperMarketConfigError,
  DEFAULT_GRANTS,
  EXCHANGE_FEES,
  QUOTE_DECIMALS,
} from './market-config';
export * from './types';
