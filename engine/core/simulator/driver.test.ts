import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MatchingEngine, type EngineSnapshot } from '../matching/engine';
import type { Command, EngineEvent } from '../matching/types';
import { DurableEngine } from '../../node/store/durable-engine';
import { SimulatorDriver, type Steppable } from './driver';
import { LiquiditySimulator } from './liquidity-simulator';
import { LPJ_KRW } from './testing/harness';
import { ManualClock } from './testing/manual-clock';

class Recorder implements Steppable {
  readonly times: number[] = [];
  halted = false;
  constructor(private readonly onStep: (n: number) => void = () => {}) {}
  step(now: number): void {
    this.times.push(now);
    this.onStep(this.times.length);
  }
}

describe('SimulatorDriver', () => {
  it('ticks at the configured pace on the injected clock, and stops', () => {
    const clock = new ManualClock(1000);
    const rec = new Recorder();
    const driver = new SimulatorDriver(rec, { ticksPerSecond: 10, clock });
    driver.start();
    driver.start(); // a second start changes nothing
    clock.advance(1000);
    expect(rec.times).toEqual([1000, 1100, 1200, 1300, 1400, 1500, 1600, 1700, 1800, 1900, 2000]);
    driver.stop();
    expect(driver.running).toBe(false);
    expect(clock.pending).toBe(0);
    clock.advance(5000);
    expect(rec.times.length).toBe(11);
  });

  it('changes pace on the fly', () => {
    const clock = new ManualClock(0);
    const rec = new Recorder();
    const driver = new SimulatorDriver(rec, { ticksPerSecond: 2, clock });
    driver.start();
    clock.advance(1000);
    driver.setPace(4);
    clock.advance(1000);
    expect(rec.times).toEqual([0, 500, 1000, 1500, 1750, 2000]);
  });

  it('drops the ticks it missed while the process was busy instead of running them in a burst', () => {
    const clock = new ManualClock(0);
    const rec = new Recorder((n) => n === 3 && clock.stall(1050));
    const driver = new SimulatorDriver(rec, { ticksPerSecond: 10, clock });
    driver.start();
    clock.advance(1500);
    // Step 3 (at 200) took 1050 ms; the next runs one interval after it ended (1250), not ten times at once.
    expect(rec.times).toEqual([0, 100, 200, 1350, 1450]);
  });

  it('stops when the simulator halts', () => {
    const clock = new ManualClock(0);
    const rec = new Recorder((n) => {
      if (n === 4) rec.halted = true;
    });
    const driver = new SimulatorDriver(rec, { ticksPerSecond: 10, clock });
    driver.start();
    clock.advance(2000);
    expect(rec.times.length).toBe(4);
    expect(driver.running).toBe(false);
  });

  it('refuses a pace that is not a positive rate', () => {
    const rec = new Recorder();
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => new SimulatorDriver(rec, { ticksPerSecond: bad })).toThrow(RangeError);
  });
});

describe('the simulator driven through the journal', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  const open = (path: string) =>
    DurableEngine.open<Command, EngineEvent, EngineSnapshot, MatchingEngine>({
      path,
      create: () => new MatchingEngine([LPJ_KRW]),
      restore: (s) => MatchingEngine.restore(s),
    });

  it('journals every agent command, and the journal replays to the same market', async () => {
    dir = mkdtempSync(join(tmpdir(), 'simulator-'));
    const path = join(dir, 'markets.db');
    const journal = open(path);
    const errors: Error[] = [];
    const sim = new LiquiditySimulator(
      { reader: journal.machine, submit: (cmd) => journal.submit(cmd), onError: (e) => errors.push(e) },
      { market: 'LPJ-KRW', seed: 9 },
    );
    const clock = new ManualClock(1_700_000_000_000);
    const driver = new SimulatorDriver(sim, { ticksPerSecond: 5, clock });
    driver.start();
    clock.advance(60_000);
    driver.stop();
    await new Promise((r) => setImmediate(r)); // let the last group commit land and its acks settle
    await new Promise((r) => setImmediate(r));

    const stats = sim.stats();
    expect(stats.ticks).toBe(300); // 301 steps, the first of which opened the accounts
    expect(stats.rejected).toBe(0);
    expect(errors).toEqual([]);
    expect(journal.stats().committedCommands).toBe(stats.commands);
    expect(journal.machine.lastPrice('LPJ-KRW')).toBeDefined();
    const before = journal.machine.snapshot();
    journal.close();

    const reopened = open(path); // replays and verifies every event against the stored one
    try {
      expect(reopened.machine.snapshot()).toEqual(before);
      expect(reopened.machine.audit()).toEqual([]);
    } finally {
      reopened.close();
    }
  });

  it('halts and reports when the journal refuses commands', async () => {
    dir = mkdtempSync(join(tmpdir(), 'simulator-'));
    const journal = open(join(dir, 'markets.db'));
    const errors: Error[] = [];
    const sim = new LiquiditySimulator(
      { reader: journal.machine, submit: (cmd) => journal.submit(cmd), onError: (e) => errors.push(e) },
      { market: 'LPJ-KRW', seed: 9 },
    );
    const clock = new ManualClock(0);
    const driver = new SimulatorDriver(sim, { ticksPerSecond: 5, clock });
    driver.start();
    clock.advance(2000);
    journal.close();
    clock.advance(1000); // submits now fail; the rejection arrives asynchronously
    await new Promise((r) => setImmediate(r));
    clock.advance(1000);
    expect(errors.length).toBe(1);
    expect(sim.halted).toBe(true);
    expect(driver.running).toBe(false);
  });
});
