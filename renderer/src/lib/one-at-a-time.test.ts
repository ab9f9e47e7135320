import { describe, expect, it } from 'vitest';
import { oneAtATime } from './one-at-a-time';

/** A run whose reads the test finishes by hand, recording what each read saw. */
function reads(source: { value: number }) {
  const seen: number[] = [];
  const pending: (() => void)[] = [];
  const run = () =>
    new Promise<void>((resolve) => {
      const at = source.value;
      pending.push(() => {
        seen.push(at);
        resolve();
      });
    });
  return { run, seen, finishNext: () => pending.shift()!(), pending };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('oneAtATime', () => {
  it('runs once for a call, and again for calls made while it ran, once however many they were', async () => {
    const source = { value: 1 };
    const r = reads(source);
    const refresh = oneAtATime(r.run);
    const first = refresh();
    source.value = 2; // a change after the read began: the first read cannot see it
    const second = refresh();
    const third = refresh();
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(r.pending).toHaveLength(1);
    r.finishNext();
    await first;
    await settle();
    // One more read, started after the first finished, sees the change.
    expect(r.pending).toHaveLength(1);
    r.finishNext();
    await settle();
    expect(r.seen).toEqual([1, 2]);
    expect(r.pending).toHaveLength(0);
  });

  it('starts a fresh run for a call made after the last one finished', async () => {
    const r = reads({ value: 7 });
    const refresh = oneAtATime(r.run);
    const a = refresh();
    r.finishNext();
    await a;
    await settle();
    const b = refresh();
    expect(b).not.toBe(a);
    r.finishNext();
    await b;
    expect(r.seen).toEqual([7, 7]);
  });
});
