/** Public surface of candle history (what the app host imports). */
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
export { LiveCandles, storeClosedMinutes, type ClosedMinutes, type LiveCandlesOptions } from './live-candles';
export { CandleAggregator, aggregateAll, aggregateCandles, aggregateMinutes, aggregateColumns } from './aggregate';
export { toColumns, fromColumns, type CandleColumns } from './columns';
export {
  CANDLE_INTERVALS,
  INTERVAL_MS,
  MINUTE_MS,
  intervalStart,
  isCandleInterval,
  type BoundaryOptions,
} from './intervals';
export { mergeRanges, subtractRanges, type TimeRange } from './time-ranges';
