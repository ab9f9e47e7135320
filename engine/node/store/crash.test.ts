import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Synchronous } from '../db/database';
import { DurableEngine } from './durable-engine';
import {
  TallyMachine,
  tallyStream,
  type TallyCommand,
  type TallyEvent,
  type TallySnapshot,
} from './testing/tally-machine';

const child = resolve(import.meta.dirname, 'testing/crash-child.ts');
const SEED = 42;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'journal-crash-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the writer until it has acknowledged `minAcks` commands, then SIGKILLs it; returns the highest ack. */
function runAndKill(
  path: string,
  synchronous: Synchronous,
  minAcks: number,
  extraDelayMs: number,
): Promise<{ start: number; maxAck: number }> {
  return new Promise((done, fail) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, path, String(SEED), synchronous], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffered = '';
    let start = -1;
    let maxAck = -1;
    let acks = 0;
    let killing = false;
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [word, num] = line.split(' ');
        if (word === 'ready') start = Number(num);
        else if (word === 'ack') {
          maxAck = Math.max(maxAck, Number(num));
          acks++;
        }
      }
      if (!killing && acks >= minAcks) {
        killing = true;
        setTimeout(() => proc.kill('SIGKILL'), extraDelayMs);
      }
    });
    proc.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') fail(new Error(`writer exited with ${code ?? signal} before it was killed: ${stderr}`));
      else done({ start, maxAck });
    });
  });
}

describe('crash safety', () => {
  // `full` acknowledges from the callback of a sync on the thread pool, `normal` from the commit itself.
  it.each(['normal', 'full'] as const)(
    'a writer (synchronous %s) killed with SIGKILL mid-stream loses no acknowledged command and leaves no half batch',
    async (synchronous) => {
      const path = join(dir, 'markets.db');
      const stream = tallyStream(SEED);
      const expected: TallyCommand[] = [];
      let committedBefore = 0;
      for (const [minAcks, delay] of [
        [1500, 0],
        [4000, 3],
        [2500, 11],
      ]) {
        const { start, maxAck } = await runAndKill(path, synchronous, minAcks, delay);
        // Each run resumes exactly after what the previous run had committed.
        expect(start).toBe(committedBefore);
        expect(maxAck).toBeGreaterThanOrEqual(start + minAcks - 1);

        const journal = DurableEngine.open<TallyCommand, TallyEvent, TallySnapshot, TallyMachine>({
          path,
          create: () => new TallyMachine(),
          restore: (s) => TallyMachine.restore(s),
          snapshotOnClose: false,
        });
        const stored = [...journal.commands()];
        // Every acknowledged command is there...
        expect(stored.length).toBeGreaterThan(maxAck);
        // ...and the log is exactly the stream's prefix: nothing lost, reordered or torn.
        while (expected.length < stored.length) expected.push(stream());
        expect(stored).toEqual(expected);
        journal.machine.checkInvariants();
        const fresh = new TallyMachine();
        for (const c of stored) fresh.apply(c);
        expect(journal.machine.snapshot()).toEqual(fresh.snapshot());
        committedBefore = stored.length;
        journal.close();
      }
    },
    60_000,
  );
});
