/**
 * Plays a timeline of feed events as if live, at 1×–1000× speed or as fast as possible, with pause, resume
 * and seek.
 *
 * Events are emitted unchanged (their `ts` is the time they happened, not the time they are replayed), in
 * timeline order, each when the session clock reaches its `at`. The session clock runs at `speed` times the
 * player's clock while playing and stands still while paused. At MAX_SPEED (Infinity) it jumps from record to
 * record, emitting MAX_BATCH records per turn of the clock so whatever else runs on it (a user's order, a
 * pause) gets in between; what the events do depends only on their order, never on the speed.
 *
 * Seeking jumps without emitting the trades in between; instead, so that a consumer's view matches the new
 * position, it re-emits the latest ticker, book, status and candle (per market, and per interval for candles)
 * from before the target, in their original order, then plays on from the target.
 */
import type { FeedEvent } from '../market-data/types';
import { systemClock, type ReplayClock } from './replay-clock';
import type { SessionRecord } from './session-record';

export interface ReplayTimeline {
  /** ms UTC that `at` 0 stands for. */
  startTime: number;
  /** Oldest first, `at` never decreasing. */
  records: readonly SessionRecord[];
  /** Where the session ends, ms since its start (≥ the last record's `at`). */
  endAt: number;
}

export type PlayerState = 'paused' | 'playing' | 'ended';

export interface PlayerListener {
  /** An event is due. `at` is its place in the session; `replayed` marks the state re-sent by a seek. */
  onEvent?: (event: FeedEvent, at: number, replayed: boolean) => void;
  /** The session reached its end (once per time it is reached). */
  onEnd?: (at: number) => void;
  onState?: (state: PlayerState, position: number) => void;
}

export interface PlayerOptions extends PlayerListener {
  clock?: ReplayClock;
  /** 1–1000, or MAX_SPEED (as fast as possible); default 1. */
  speed?: number;
}

export const MIN_SPEED = 1;
/** The fastest timed speed. */
export const TOP_SPEED = 1000;
/** As fast as possible. */
export const MAX_SPEED = Infinity;
/** Records emitted per turn of the clock at MAX_SPEED. */
export const MAX_BATCH = 4096;

function checkSpeed(speed: number): number {
  if (speed === MAX_SPEED) return speed;
  if (!Number.isFinite(speed) || speed < MIN_SPEED || speed > TOP_SPEED) {
    throw new RangeError(`replay speed must be between ${MIN_SPEED} and ${TOP_SPEED} (or max), got ${speed}`);
  }
  return speed;
}

export class ReplayPlayer {
  private readonly clock: ReplayClock;
  private readonly records: readonly SessionRecord[];
  private speedValue: number;
  private stateValue: PlayerState = 'paused';
  /** Session position at `anchorWall` on the player's clock. */
  private anchorPos = 0;
  private anchorWall = 0;
  /** Next record to emit. */
  private next = 0;
  private timer: unknown;
  /** Bumped by every pause/seek/speed change, so a loop emitting events notices a listener changed course. */
  private generation = 0;

  constructor(
    private readonly timeline: ReplayTimeline,
    private readonly options: PlayerOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.records = timeline.records;
    this.speedValue = checkSpeed(options.speed ?? 1);
    const last = this.records.at(-1)?.at ?? 0;
    if (timeline.endAt < last) throw new RangeError(`endAt ${timeline.endAt} is before the last record (${last})`);
  }

  get state(): PlayerState {
    return this.stateValue;
  }

  get speed(): number {
    return this.speedValue;
  }

  /** Session position, ms since its start. */
  get position(): number {
    if (this.stateValue !== 'playing' || this.speedValue === MAX_SPEED) return this.anchorPos;
    return Math.min(this.timeline.endAt, this.anchorPos + (this.clock.now() - this.anchorWall) * this.speedValue);
  }

  play(): void {
    if (this.stateValue === 'playing') return;
    if (this.stateValue === 'ended') return;
    this.anchor(this.anchorPos);
    this.setState('playing');
    this.pump();
  }

  pause(): void {
    if (this.stateValue !== 'playing') return;
    this.anchor(this.position);
    this.setState('paused');
  }

  setSpeed(speed: number): void {
    checkSpeed(speed);
    this.anchor(this.position);
    this.speedValue = speed;
    if (this.stateValue === 'playing') this.pump();
  }

  /**
   * Moves to `at` (ms since the session's start, clamped to the session). Keeps playing if it was; a player
   * at its end becomes paused at the target.
   */
  seek(at: number): void {
    const target = Math.max(0, Math.min(this.timeline.endAt, at));
    const wasPlaying = this.stateValue === 'playing';
    this.anchor(target);
    this.next = lowerBound(this.records, target);
    const generation = this.generation;
    for (const r of this.stateBefore(this.next)) {
      this.options.onEvent?.(r.event, r.at, true);
      if (generation !== this.generation) return; // a listener moved the player again
    }
    if (wasPlaying) this.pump();
    else this.setState('paused');
  }

  /** Seeks to an absolute time (ms UTC). */
  seekTime(time: number): void {
    this.seek(time - this.timeline.startTime);
  }

  dispose(): void {
    this.anchor(this.position);
    if (this.stateValue === 'playing') this.stateValue = 'paused';
  }

  private anchor(position: number): void {
    this.generation++;
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.anchorPos = position;
    this.anchorWall = this.clock.now();
  }

  private setState(state: PlayerState): void {
    if (state === this.stateValue) return;
    this.stateValue = state;
    this.options.onState?.(state, this.anchorPos);
  }

  /** Emits everything due, then sets one timer for the next record (or the end). */
  private pump(): void {
    if (this.speedValue === MAX_SPEED) return this.pumpMax();
    this.timer = undefined;
    const generation = this.generation;
    const position = this.position;
    while (this.next < this.records.length && this.records[this.next].at <= position) {
      const r = this.records[this.next++];
      this.options.onEvent?.(r.event, r.at, false);
      if (generation !== this.generation) return;
    }
    const dueAt = this.next < this.records.length ? this.records[this.next].at : this.timeline.endAt;
    if (position >= this.timeline.endAt && this.next >= this.records.length) {
      this.anchor(this.timeline.endAt);
      this.setState('ended');
      this.options.onEnd?.(this.timeline.endAt);
      return;
    }
    // Wake at the wall time the next record falls due; round up so it is never early.
    const wait = Math.max(0, Math.ceil((dueAt - position) / this.speedValue));
    this.timer = this.clock.setTimer(() => {
      if (generation === this.generation) this.pump();
    }, wait);
  }

  /** At MAX_SPEED: the next MAX_BATCH records at once, then a zero timer for the rest (or the end). */
  private pumpMax(): void {
    this.timer = undefined;
    const generation = this.generation;
    const stop = Math.min(this.records.length, this.next + MAX_BATCH);
    while (this.next < stop) {
      const r = this.records[this.next++];
      this.anchorPos = r.at;
      this.options.onEvent?.(r.event, r.at, false);
      if (generation !== this.generation) return;
    }
    if (this.next >= this.records.length) {
      this.anchor(this.timeline.endAt);
      this.setState('ended');
      this.options.onEnd?.(this.timeline.endAt);
      return;
    }
    this.timer = this.clock.setTimer(() => {
      if (generation === this.generation) this.pump();
    }, 0);
  }

  /** The latest non-trade event per stream before record `index`, in original order. */
  private stateBefore(index: number): SessionRecord[] {
    const seen = new Set<string>();
    const picked: SessionRecord[] = [];
    for (let i = index - 1; i >= 0; i--) {
      const e = this.records[i].event;
      if (e.type === 'trade') continue;
      const key = e.type === 'candle' ? `candle\u0000${e.market}\u0000${e.interval}` : `${e.type}\u0000${e.market}`;
      if (seen.has(key)) continue;
      seen.add(key);
      picked.push(this.records[i]);
    }
    return picked.reverse();
  }
}

/** First index whose `at` ≥ target. */
function lowerBound(records: readonly SessionRecord[], target: number): number {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (records[mid].at < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A session file's records as a timeline that ends at its last record. */
export function sessionTimeline(session: {
  header: { startTime: number };
  records: readonly SessionRecord[];
}): ReplayTimeline {
  return { startTime: session.header.startTime, records: session.records, endAt: session.records.at(-1)?.at ?? 0 };
}
