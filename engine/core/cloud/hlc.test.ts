import { describe, expect, it } from 'vitest';
import { formatHlc, HybridClock, parseHlc } from './hlc';

describe('hybrid logical clock', () => {
  it('stamps a change made after another was seen later than it, whichever machine has the slower clock', () => {
    let aNow = 1_000_000;
    let bNow = aNow - 3_600_000; // B's clock is an hour behind
    const a = new HybridClock('dev-a', () => aNow);
    const b = new HybridClock('dev-b', () => bNow);
    const first = a.tick();
    b.receive(first);
    const second = b.tick();
    expect(second > first).toBe(true);
    // And back again: A, an hour ahead, sees B's and stamps after it too.
    aNow += 1;
    bNow += 1;
    a.receive(second);
    expect(a.tick() > second).toBe(true);
  });

  it('never goes back when the wall clock does, and keeps its last stamp across a restart', () => {
    let now = 5_000;
    const c = new HybridClock('n1', () => now);
    const s1 = c.tick();
    now = 1_000; // the clock was set back
    const s2 = c.tick();
    expect(s2 > s1).toBe(true);
    const restarted = new HybridClock('n1', () => now, c.last());
    expect(restarted.tick() > s2).toBe(true);
  });

  it('orders stamps as text the way it orders their parts, and reads back what it writes', () => {
    const a = formatHlc({ wall: 9, counter: 999_999, node: 'z' });
    const b = formatHlc({ wall: 10, counter: 0, node: 'a' });
    expect(a < b).toBe(true);
    expect(parseHlc(b)).toEqual({ wall: 10, counter: 0, node: 'a' });
    expect(parseHlc('10:0:a')).toBeUndefined();
    expect(parseHlc(`${b}x y`)).toBeUndefined();
  });

  it('moves the wall on by a millisecond rather than overflow the counter', () => {
    const c = new HybridClock('n', () => 7, formatHlc({ wall: 7, counter: 999_999, node: 'n' }));
    expect(parseHlc(c.tick())).toEqual({ wall: 8, counter: 0, node: 'n' });
  });

  it('starts again from the server’s time after stamps ran ahead, and counts on from it', () => {
    const c = new HybridClock('n', () => 10_000, formatHlc({ wall: 9_000_000, counter: 3, node: 'n' }));
    c.rebase(formatHlc({ wall: 10_000, counter: 0, node: 'server' }));
    expect(parseHlc(c.tick())).toEqual({ wall: 10_000, counter: 1, node: 'n' });
  });
});
