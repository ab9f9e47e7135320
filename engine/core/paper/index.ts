/** The paper matcher: paper trading on real markets against the live book (its durable host is engine/node/paper). */
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
export { FILL_MODELS } from './resting-fills';
export * from './types';
