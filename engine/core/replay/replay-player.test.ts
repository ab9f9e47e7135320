import { describe, expect, it } from 'vitest';
import type { FeedEvent } from '../market-data/types';
import { ManualClock } from './replay-clock';
import {
  MAX_BATCH,
  MAX_SPEED,
  ReplayPlayer,
  sessionTimeline,
  type PlayerOptions,
  type ReplayTimeline,
} from './replay-player';
import { readSessionFile } from '../../node/replay/session-reader';
import { SAMPLE_SESSION_PATH } from '../../node/replay/sample-session';
import type { SessionRecord } from '../../node/replay/session-format';

const START = Date.UTC(2025, 0, 1);
const trade = (at: number, price: number): SessionRecord => ({
  at,
  event: { type: 'trade', market: 'BTC-KRW', ts: START + at, price, size: 1, side: 'buy', tradeId: `t${at}-${price}` },
});
const ticker = (at: number, last: number): SessionRecord => ({
  at,
  event: {
    type: 'ticker',
    market: 'BTC-KRW',
    ts: START + at,
    last,
    open: 1,
    high: 1000,
    low: 1,
    prevClose: 1,
    volume24h: 0,
  },
});
const TIMELINE: ReplayTimeline = {
  startTime: START,
  endAt: 10_000,
  records: [
    ticker(0, 100),
    trade(1000, 101),
    trade(1000, 102),
    ticker(2000, 102),
    trade(5000, 103),
    ticker(8000, 103),
    trade(9000, 99),
  ],
};

interface Seen {
  wall: number;
  at: number;
  what: string;
  replayed: boolean;
}
const describeEvent = (e: FeedEvent) =>
  e.type === 'trade' ? `trade ${e.price}` : e.type === 'ticker' ? `ticker ${e.last}` : e.type;

function run(timeline: ReplayTimeline, options: PlayerOptions = {}) {
  const clock = new ManualClock(1_000_000);
  const seen: Seen[] = [];
  const ends: number[] = [];
  const player = new ReplayPlayer(timeline, {
    clock,
    onEvent: (e, at, replayed) => seen.push({ wall: clock.now() - 1_000_000, at, what: describeEvent(e), replayed }),
    onEnd: (at) => ends.push(at),
    ...options,
  });
  return { clock, seen, ends, player };
}

describe('ReplayPlayer', () => {
  it('emits each event when the session clock reaches it, at 1×, and ends once', () => {
    const { clock, seen, ends, player } = run(TIMELINE);
    expect(player.state).toBe('paused');
    player.play();
    expect(seen.map((s) => s.what)).toEqual(['ticker 100']);
    clock.advance(999);
    expect(seen).toHaveLength(1);
    clock.advance(1);
    expect(seen.slice(1)).toEqual([
      { wall: 1000, at: 1000, what: 'trade 101', replayed: false },
      { wall: 1000, at: 1000, what: 'trade 102', replayed: false },
    ]);
    clock.advance(8999);
    expect(seen).toHaveLength(7);
    expect(ends).toEqual([]);
    expect(player.position).toBe(9999);
    clock.advance(1);
    expect(ends).toEqual([10_000]);
    expect(player.state).toBe('ended');
    clock.advance(60_000);
    expect(ends).toHaveLength(1);
    expect(clock.pending).toBe(0);
    expect(seen.map((s) => s.wall)).toEqual([0, 1000, 1000, 2000, 5000, 8000, 9000]);
  });

  it('runs N times faster at N× (never early), and speed can change mid-play', () => {
    const { clock, seen, player } = run(TIMELINE, { speed: 100 });
    player.play();
    clock.runAll();
    expect(seen.map((s) => s.wall)).toEqual([0, 10, 10, 20, 50, 80, 90]);
    const second = run(TIMELINE, { speed: 3 });
    second.player.play();
    second.clock.runAll();
    for (const s of second.seen) {
      expect(s.wall * 3).toBeGreaterThanOrEqual(s.at);
      expect(s.wall - s.at / 3).toBeLessThan(1);
    }
    const third = run(TIMELINE);
    third.player.play();
    third.clock.advance(2000); // at 2000 in the session
    third.player.setSpeed(10);
    third.clock.runAll();
    expect(third.seen.map((s) => s.wall)).toEqual([0, 1000, 1000, 2000, 2300, 2600, 2700]);
    expect(() => third.player.setSpeed(1001)).toThrow(/between 1 and 1000/);
    expect(() => run(TIMELINE, { speed: 0.5 })).toThrow(/between 1 and 1000/);
  });

  it('pauses and resumes without losing or bunching events', () => {
    const { clock, seen, player } = run(TIMELINE);
    player.play();
    clock.advance(1500);
    player.pause();
    expect(player.position).toBe(1500);
    clock.advance(100_000);
    expect(seen).toHaveLength(3);
    expect(player.position).toBe(1500);
    player.play(); // resumes at 1500: ticker at 2000 comes 500 ms later
    clock.advance(500);
    expect(seen.at(-1)).toEqual({ wall: 102_000, at: 2000, what: 'ticker 102', replayed: false });
  });

  it('seeks forward and back: re-sends the latest state before the target, skips the trades, plays on', () => {
    const { clock, seen, player } = run(TIMELINE);
    player.seek(6000); // paused seek
    expect(seen).toEqual([{ wall: 0, at: 2000, what: 'ticker 102', replayed: true }]);
    expect(player.state).toBe('paused');
    player.play();
    clock.advance(1999);
    expect(seen).toHaveLength(1);
    clock.advance(1);
    expect(seen.at(-1)).toMatchObject({ at: 8000, what: 'ticker 103', replayed: false, wall: 2000 });
    player.seek(1000); // back, while playing: both trades at 1000 play again
    expect(seen.slice(2)).toEqual([
      { wall: 2000, at: 0, what: 'ticker 100', replayed: true },
      { wall: 2000, at: 1000, what: 'trade 101', replayed: false },
      { wall: 2000, at: 1000, what: 'trade 102', replayed: false },
    ]);
    expect(player.state).toBe('playing');
    player.seekTime(START + 99_999); // clamped to the end
    clock.advance(1);
    expect(player.state).toBe('ended');
    player.seek(8500); // from the end: paused at the target
    expect(player.state).toBe('paused');
    expect(player.position).toBe(8500);
  });

  it('lets a listener pause on an event: nothing after it is emitted until play', () => {
    const clock = new ManualClock();
    const seen: string[] = [];
    const player: ReplayPlayer = new ReplayPlayer(TIMELINE, {
      clock,
      onEvent: (e) => {
        seen.push(describeEvent(e));
        if (e.type === 'trade' && e.price === 101) player.pause();
      },
    });
    player.play();
    clock.advance(5000);
    expect(seen).toEqual(['ticker 100', 'trade 101']);
    expect(player.position).toBe(1000);
    player.play();
    expect(seen).toEqual(['ticker 100', 'trade 101', 'trade 102']);
  });

  it('at max speed emits in batches, one clock turn apart, taking no clock time, and stops where a listener pauses', () => {
    const records = Array.from({ length: MAX_BATCH * 2 + 10 }, (_, i) => trade(i * 10, 100 + (i % 7)));
    const long: ReplayTimeline = { startTime: START, endAt: records.at(-1)!.at + 5, records };
    const { clock, seen, ends, player } = run(long, { speed: MAX_SPEED });
    player.play();
    expect(seen).toHaveLength(MAX_BATCH);
    expect(player.position).toBe(records[MAX_BATCH - 1].at);
    expect(clock.pending).toBe(1);
    // The rest follows on zero timers, without the clock moving.
    clock.advance(0);
    expect(seen).toHaveLength(records.length);
    expect(ends).toEqual([long.endAt]);
    expect(player.state).toBe('ended');
    expect(seen.every((s) => s.wall === 0)).toBe(true);

    // A listener pausing mid-batch stops it there; play resumes after that record, at max speed still.
    const paused = run(long, { speed: MAX_SPEED });
    let stopped = false;
    const p = new ReplayPlayer(long, {
      clock: paused.clock,
      speed: MAX_SPEED,
      onEvent: (_e, at) => {
        paused.seen.push({ wall: 0, at, what: '', replayed: false });
        if (at === 1000 && !stopped) {
          stopped = true;
          p.pause();
        }
      },
    });
    p.play();
    expect(paused.seen.at(-1)!.at).toBe(1000);
    expect(p.state).toBe('paused');
    paused.clock.runAll();
    expect(paused.seen).toHaveLength(101);
    p.play();
    paused.clock.runAll();
    expect(paused.seen.map((x) => x.at)).toEqual(records.map((r) => r.at));
    // And a timed speed can be set again.
    p.setSpeed(1000);
    expect(p.speed).toBe(1000);
  });

  it('is deterministic: the same file at the same speed gives the same events at the same relative times', () => {
    const session = readSessionFile(SAMPLE_SESSION_PATH);
    const playOnce = (speed: number) => {
      const { clock, seen, ends, player } = run(sessionTimeline(session), { speed });
      player.play();
      clock.advance(1234);
      player.pause();
      clock.advance(777);
      player.play();
      clock.runAll();
      return { seen, ends };
    };
    const a = playOnce(37);
    const b = playOnce(37);
    expect(a.seen.length).toBe(session.records.length);
    expect(a).toEqual(b);
    expect(a.ends).toHaveLength(1);
    // And the timing follows the recording: wall time × speed tracks the record's time (pause excluded).
    for (const s of a.seen) {
      const played = s.wall >= 1234 + 777 ? s.wall - 777 : s.wall;
      expect(played * 37).toBeGreaterThanOrEqual(s.at);
      expect(played - s.at / 37).toBeLessThan(1);
    }
  });
});
