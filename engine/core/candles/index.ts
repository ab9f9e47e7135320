/** Public surface of candle arithmetic: intervals, aggregation, live candles (pure; the store is engine/node/candles). */
export { LiveCandles, storeClosedMinutes, type ClosedMinutes, type LiveCandlesOptions } from './live-candles';
export { CandleAggregator, aggregateAll, aggregateCandles, aggregateMinutes, aggregateColumns } from './aggregate';
export { toColumns, fromColumns, type CandleColumns } from './columns';
export {
  CANDLE_INTERVALS,
  INTERVAL_MS,
  MINUTE_MS,
  intervalStart,
  intervalsBefore,
  isCandleInterval,
  longestCandleStart,
  nextIntervalStart,
  type BoundaryOptions,
} from './intervals';
export { candlePage } from './page';
export { mergeRanges, subtractRanges, type TimeRange } from './time-ranges';
