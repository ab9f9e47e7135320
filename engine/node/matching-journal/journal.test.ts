import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMatchingJournal } from './journal';
import { MatchingEngine } from '../../core/matching/engine';
import { CRASH_ACCOUNTS, CRASH_MARKET } from './testing/crash-setup';
import { LPJ } from '../../core/matching/testing/fixtures';
import { commandStream } from '../../core/matching/testing/random-commands';
import type { Command } from '../../core/matching/types';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'matching-journal-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ACCOUNTS = [1, 2, 3, 4, 5];

function funding(): Command[] {
  return ACCOUNTS.flatMap((account): Command[] => [
    { type: 'open_account', account },
    { type: 'deposit', account, asset: 'KRW', amount: 5_000_000 },
    { type: 'deposit', account, asset: 'LPJ', amount: 50_000 },
  ]);
}

describe('the durable matching engine', () => {
  it('reopens to the same books, balances and sequence numbers, from snapshot plus replay', () => {
    const path = join(dir, 'markets.db');
    const reference = new MatchingEngine([LPJ]);
    let journal = openMatchingJournal({
      path,
      markets: [LPJ],
      maxBatch: 64,
      snapshotEvery: 500,
      snapshotOnClose: false,
    });
    journal.submitBatch(funding());
    for (const c of funding()) reference.apply(c);
    const next = commandStream(11, reference, { market: LPJ, accounts: ACCOUNTS, mid: 10_000, spreadTicks: 20 });
    for (let round = 0; round < 3; round++) {
      const cmds = Array.from({ length: 700 }, () => {
        const c = next();
        reference.apply(c);
        return c;
      });
      journal.submitBatch(cmds);
      journal.close();
      journal = openMatchingJournal({ path, markets: [LPJ], snapshotOnClose: false });
      // Some of the log was replayed on top of a snapshot, and the result is identical.
      expect(journal.stats().replayedCommands).toBeGreaterThan(0);
      expect(journal.machine.snapshot()).toEqual(reference.snapshot());
      expect(journal.machine.audit()).toEqual([]);
    }
    // Market data after a given sequence number comes from the stored events.
    const events = journal.eventsSince(LPJ.id, 0, 100_000);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)!.seq).toBe(reference.lastSeq(LPJ.id));
    journal.close();
  });
});

/** Runs the writer until it has acknowledged `minAcks` orders, then SIGKILLs it; returns the acknowledged ids. */
function runAndKill(path: string, run: number, minAcks: number, delayMs: number): Promise<string[]> {
  const child = resolve(import.meta.dirname, 'testing/crash-child.ts');
  return new Promise((done, fail) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, path, String(run)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked: string[] = [];
    let buffered = '';
    let stderr = '';
    let killing = false;
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('ack ')) acked.push(line.slice(4));
      if (!killing && acked.length >= minAcks) {
        killing = true;
        setTimeout(() => proc.kill('SIGKILL'), delayMs);
      }
    });
    proc.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') fail(new Error(`writer exited with ${code ?? signal} before it was killed: ${stderr}`));
      else done(acked);
    });
  });
}

describe('crash safety', () => {
  it('an engine killed with SIGKILL mid-stream loses no acknowledged order and never applies half of one', async () => {
    const path = join(dir, 'markets.db');
    for (const [run, minAcks, delay] of [
      [1, 2_000, 0],
      [2, 3_000, 5],
      [3, 1_000, 13],
    ]) {
      const acked = await runAndKill(path, run, minAcks, delay);
      const journal = openMatchingJournal({ path, markets: [CRASH_MARKET], snapshotOnClose: false });
      const stored = new Set<string>();
      for (const c of journal.commands()) if (c.type === 'place' && c.clientOrderId) stored.add(c.clientOrderId);
      expect(acked.length).toBeGreaterThanOrEqual(minAcks);
      for (const id of acked) expect(stored.has(id), `acknowledged order ${id} survives`).toBe(true);
      // The state is a whole number of commands: holds match orders and money is conserved.
      expect(journal.machine.audit()).toEqual([]);
      const totals = Object.fromEntries(journal.machine.ledger.totals());
      expect(totals).toEqual({ KRW: 1e12 * CRASH_ACCOUNTS.length, LPJ: 1e10 * CRASH_ACCOUNTS.length });
      journal.close();
    }
  }, 90_000);
});
