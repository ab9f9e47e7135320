/**
 * Our engine behind its journal (DurableEngine on a temporary SQLite file): the stream is submitted in
 * batches with `submitBatch`, which returns only after the batch's group commit, so the clock stops when
 * every command is in the journal. Periodic snapshots (the journal's default cadence) are part of the cost.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MatchingEngine, type EngineSnapshot } from '../../core/matching/engine';
import type { Command, EngineEvent } from '../../core/matching/types';
import { DurableEngine } from '../../node/store/durable-engine';
import { settleHeap } from './engine-measure';
import type { OrderStream } from './order-stream';

export interface DurableOutcome {
  seconds: number;
  trades: number;
  commits: number;
  snapshots: number;
  committedCommands: number;
  audit: string[];
}

export function runDurable(stream: OrderStream, batchSize: number): DurableOutcome {
  const batches: Command[][] = [];
  for (let i = 0; i < stream.commands.length; i += batchSize) batches.push(stream.commands.slice(i, i + batchSize));
  settleHeap();
  const dir = mkdtempSync(join(tmpdir(), 'engine-bench-'));
  const journal = DurableEngine.open<Command, EngineEvent, EngineSnapshot, MatchingEngine>({
    path: join(dir, 'journal.db'),
    create: () => new MatchingEngine([stream.market]),
    restore: (s) => MatchingEngine.restore(s),
    maxBatch: batchSize,
  });
  try {
    journal.submitBatch(stream.setup);
    const before = journal.stats();
    let trades = 0;
    const start = performance.now();
    for (const batch of batches) {
      for (const events of journal.submitBatch(batch)) {
        for (let j = 0; j < events.length; j++) if (events[j].type === 'trade') trades++;
      }
    }
    const seconds = (performance.now() - start) / 1000;
    const after = journal.stats();
    return {
      seconds,
      trades,
      commits: after.commits - before.commits,
      snapshots: after.snapshots - before.snapshots,
      committedCommands: after.committedCommands - before.committedCommands,
      audit: journal.machine.audit(),
    };
  } finally {
    journal.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
