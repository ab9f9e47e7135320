/**
 * The matching engine made durable: commands journaled in group commits to SQLite, start-up from the latest
 * snapshot plus a verified replay (see ../store/durable-engine).
 */
import { DurableEngine, type DurableEngineOptions } from '../store/durable-engine';
import { MatchingEngine, type EngineSnapshot } from '../../core/matching/engine';
import type { Command, EngineEvent, MarketConfig } from '../../core/matching/types';

export type MatchingJournal = DurableEngine<Command, EngineEvent, EngineSnapshot, MatchingEngine>;

export type MatchingJournalOptions = Omit<
  DurableEngineOptions<Command, EngineEvent, EngineSnapshot, MatchingEngine>,
  'create' | 'restore'
> & {
  /** Markets of a new journal. An existing journal keeps the markets it was created with. */
  markets: readonly MarketConfig[];
};

export function openMatchingJournal(options: MatchingJournalOptions): MatchingJournal {
  const { markets, ...rest } = options;
  return DurableEngine.open({
    ...rest,
    create: () => new MatchingEngine(markets),
    restore: (s) => MatchingEngine.restore(s),
  });
}
