/** Public surface of stored candle history: the SQLite store and the loader that fills it from an exchange. */
export { CandleStore, CandleStoreCorruptError, type MarketKey } from './candle-store';
export { candleMigrations } from './migrations';
export {
  CandleHistoryLoader,
  CandlePageError,
  chartRange,
  type ChartHistory,
  type HistoryLoaderOptions,
  type HistoryProgress,
  type HistoryRequest,
  type HistoryResult,
  type HistoryState,
} from './history-loader';
