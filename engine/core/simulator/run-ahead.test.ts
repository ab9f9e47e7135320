import { describe, expect, it } from 'vitest';
import type { Steppable } from './driver';
import { runAhead, runAheadTicks } from './run-ahead';
import { harness } from './testing/harness';

class Recorder implements Steppable {
  readonly times: number[] = [];
  halted = false;
  constructor(private readonly haltAfter = Infinity) {}
  step(now: number): void {
    this.times.push(now);
    if (this.times.length >= this.haltAfter) this.halted = true;
  }
}

const HOUR = 3_600_000;

/** What a past looks like from outside: its trades' prices, sizes and sides, and their times from `offset`. */
function tradesOf(events: ReturnType<typeof harness>['events'], offset: number) {
  return events.flatMap((e) =>
    e.type === 'trade' ? [{ price: e.price, quantity: e.quantity, side: e.takerSide, at: e.ts - offset }] : [],
  );
}

describe('running a simulator ahead through simulated time', () => {
  it('runs every tick of the span at its past time, in slices with a pause between them, reporting progress', async () => {
    const rec = new Recorder();
    const progress: [number, number][] = [];
    let pauses = 0;
    const ran = await runAhead(rec, {
      from: 1_000,
      to: 11_000,
      stepMs: 1_000,
      sliceTicks: 4,
      pause: async () => {
        pauses++;
      },
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(ran).toBe(10);
    expect(rec.times).toEqual([1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 7_000, 8_000, 9_000, 10_000]);
    expect(progress).toEqual([
      [4, 10],
      [8, 10],
      [10, 10],
    ]);
    expect(pauses).toBe(2);
  });

  it('gives the same past for the same seed wherever it ends, and another past for another seed', async () => {
    const past = async (seed: number, to: number) => {
      const h = harness({ seed });
      await runAhead(h.sim, { from: to - 2 * HOUR, to, stepMs: 5_000 });
      return tradesOf(h.events, to);
    };
    const a = await past(777, 1_700_000_000_000);
    const b = await past(777, 1_800_000_123_456);
    expect(a.length).toBeGreaterThan(100);
    expect(b).toEqual(a);
    expect(await past(778, 1_700_000_000_000)).not.toEqual(a);
    // Every trade is stamped inside the span, oldest first.
    expect(a[0].at).toBeGreaterThanOrEqual(-2 * HOUR);
    expect(a[a.length - 1].at).toBeLessThan(0);
    expect(a.every((t, i) => i === 0 || t.at >= a[i - 1].at)).toBe(true);
  });

  it('stops where it is when told, or when the simulator halts', async () => {
    const told = new Recorder();
    let slices = 0;
    const ran = await runAhead(told, {
      from: 0,
      to: 100_000,
      stepMs: 1_000,
      sliceTicks: 10,
      pause: async () => {
        slices++;
      },
      stopped: () => slices >= 2,
    });
    expect(ran).toBe(20);
    expect(told.times).toHaveLength(20);

    const halting = new Recorder(7);
    expect(await runAhead(halting, { from: 0, to: 100_000, stepMs: 1_000, sliceTicks: 5 })).toBe(7);
  });

  it('runs nothing for an empty span, and refuses a step or slice that is not a positive integer', async () => {
    const rec = new Recorder();
    const progress: [number, number][] = [];
    expect(
      await runAhead(rec, { from: 5_000, to: 5_000, stepMs: 1_000, onProgress: (d, t) => progress.push([d, t]) }),
    ).toBe(0);
    expect(rec.times).toEqual([]);
    expect(progress).toEqual([[0, 0]]);
    expect(runAheadTicks(0, 10_001, 1_000)).toBe(11);
    for (const stepMs of [0, -5, 1.5, Number.NaN, Infinity])
      expect(() => runAheadTicks(0, 10_000, stepMs)).toThrow(RangeError);
    expect(() => runAheadTicks(0, Number.NaN, 1_000)).toThrow(RangeError);
    await expect(runAhead(rec, { from: 0, to: 10_000, stepMs: 1_000, sliceTicks: 0 })).rejects.toThrow(RangeError);
  });
});
