/**
 * The batch check: every board recomputed from the ranking log from scratch, compared with the incremental
 * service carried to the same time. They must agree exactly — row for row, figure for figure.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  recomputeRanking,
  RankingService,
  type RankingBoards,
  type RankingConfig,
  type RankingRecord,
} from '../../engine/core/ranking';

export interface RankingCheck {
  agree: boolean;
  records: number;
  asOf: number;
  incremental: RankingBoards;
  batch: RankingBoards;
  /** The first difference found, for the report. */
  difference?: string;
}

/** Compares `live` (fed record by record as things happened) with a batch recompute of `records` up to `until`. */
export function compareWithBatch(
  config: RankingConfig,
  live: RankingService,
  records: Iterable<RankingRecord>,
  until: number,
  onProgress?: (n: number) => void,
): RankingCheck {
  live.advanceTo(until);
  let n = 0;
  const batch = recomputeRanking(config, records, {
    until,
    progressEvery: 100_000,
    onProgress: (p) => onProgress?.((n = p.records)),
  });
  const a = live.boards();
  const b = batch.boards();
  const check: RankingCheck = { agree: isDeepStrictEqual(a, b), records: n, asOf: a.asOf, incremental: a, batch: b };
  if (!check.agree) check.difference = firstDifference(a, b);
  return check;
}

/** The incremental service replayed record by record from the log, then compared with the batch. */
export async function verifyLog(
  config: RankingConfig,
  records: () => Iterable<RankingRecord>,
  until: number,
): Promise<RankingCheck> {
  const live = await RankingService.replay(config, records());
  return compareWithBatch(config, live, records(), until);
}

function firstDifference(a: RankingBoards, b: RankingBoards): string {
  if (a.asOf !== b.asOf) return `asOf ${a.asOf} vs ${b.asOf}`;
  for (const p of Object.keys(a.boards) as (keyof RankingBoards['boards'])[]) {
    const x = a.boards[p];
    const y = b.boards[p];
    if (x.length !== y.length) return `${p}: ${x.length} rows vs ${y.length}`;
    for (let i = 0; i < x.length; i++) {
      if (!isDeepStrictEqual(x[i], y[i])) return `${p} row ${i}: ${JSON.stringify(x[i])} vs ${JSON.stringify(y[i])}`;
    }
  }
  return 'none found';
}
