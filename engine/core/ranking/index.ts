/** Leaderboards and return figures: the live service, the batch recompute and their shared record stream. */
export { RankingService } from './service';
export { BatchRanking, recomputeRanking, recomputeRankingAsync, type BatchOptions, type BatchProgress } from './batch';
export { PERIODS, type Period } from './core';
export type { BoardRow } from './figures';
export type { EquityFlow, EquityHistory, EquityPoint, RankingBoards } from './read-model';
export { RankingError, type RankingConfig, type RankingErrorCode, type RankingMarket, HOUR_MS, DAY_MS } from './config';
export { rankingRecordOf, FLOW_KINDS, type FlowKind, type RankingRecord, type RankingRecordType } from './records';
export { UNIT } from './accounts';
