/**
 * Trailing stops through the durable journal: a journal reopened at any point (a snapshot plus the commands
 * after it, each replayed event checked against the stored one) has every waiting trailing stop at the trigger
 * the uninterrupted engine has, and the stored events alone (accepted, then trigger_moved) say the same.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMatchingJournal } from './journal';
import { MatchingEngine } from '../../core/matching/engine';
import { LPJ } from '../../core/matching/testing/fixtures';
import { commandStream } from '../../core/matching/testing/random-commands';
import type { Command, EngineEvent } from '../../core/matching/types';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'trailing-replay-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ACCOUNTS = [1, 2, 3, 4, 5];

const funding = (): Command[] =>
  ACCOUNTS.flatMap((account): Command[] => [
    { type: 'open_account', account },
    { type: 'deposit', account, asset: 'KRW', amount: 5_000_000 },
    { type: 'deposit', account, asset: 'LPJ', amount: 50_000 },
  ]);

/** Waiting trailing stops and their triggers, as the engine has them. */
function engineTriggers(engine: MatchingEngine): Map<number, number> {
  const out = new Map<number, number>();
  for (const a of ACCOUNTS)
    for (const o of engine.openOrders(a)) if (o.type === 'trailing_stop' && !o.triggered) out.set(o.id, o.stopPrice);
  return out;
}

/** The same, from events alone. */
function foldTriggers(events: readonly EngineEvent[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const e of events) {
    if (e.type === 'accepted' && e.orderType === 'trailing_stop') out.set(e.orderId, e.stopPrice!);
    else if (e.type === 'trigger_moved') out.set(e.orderId, e.stopPrice);
    else if (e.type === 'triggered' || e.type === 'cancelled') out.delete(e.orderId);
  }
  return out;
}

describe('trailing stops in the durable journal', () => {
  it('a reopened journal has every trigger where the engine left it, and its stored events say so', () => {
    let run = 0;
    const seen = { moves: 0, waiting: 0, replayed: 0 };
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.array(fc.integer({ min: 5, max: 120 }), { minLength: 4, maxLength: 12 }),
        (seed, rounds) => {
          const path = join(dir, `markets-${run++}.db`);
          const options = { path, markets: [LPJ], maxBatch: 32, snapshotEvery: 97, snapshotOnClose: false };
          const reference = new MatchingEngine([LPJ]);
          let journal = openMatchingJournal(options);
          journal.submitBatch(funding());
          for (const c of funding()) reference.apply(c);
          const next = commandStream(seed, reference, {
            market: LPJ,
            accounts: ACCOUNTS,
            mid: 10_000,
            spreadTicks: 20,
          });
          try {
            for (const length of rounds) {
              const cmds = Array.from({ length }, () => {
                const c = next();
                reference.apply(c);
                return c;
              });
              journal.submitBatch(cmds);
              journal.close();
              journal = openMatchingJournal(options);
              const triggers = engineTriggers(reference);
              expect(engineTriggers(journal.machine)).toEqual(triggers);
              const stored = journal.eventsSince(LPJ.id, 0, 100_000);
              expect(foldTriggers(stored)).toEqual(triggers);
              seen.waiting += triggers.size;
              seen.replayed += journal.stats().replayedCommands;
              if (length === rounds.at(-1)) seen.moves += stored.filter((e) => e.type === 'trigger_moved').length;
            }
          } finally {
            journal.close();
          }
        },
      ),
      { numRuns: 25 },
    );
    // The streams had trailing stops waiting and moving, and reopening replayed commands after a snapshot.
    expect(seen.moves).toBeGreaterThan(0);
    expect(seen.waiting).toBeGreaterThan(0);
    expect(seen.replayed).toBeGreaterThan(0);
  });
});
