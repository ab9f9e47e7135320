/**
 * A hybrid logical clock (Kulkarni et al., 2014): a time stamp that follows the wall clock where it can and
 * never goes back, so a change made after another was seen always stamps later than it, whatever the two
 * machines' clocks say. Pure: the wall time is handed in.
 *
 * A stamp is text, `<wall ms, 15 digits>:<counter, 6 digits>:<node>`, so stamps compare as strings (in SQL
 * too) in the order (wall, counter, node); the node (a device id) breaks ties between devices.
 */

import { HLC_PATTERN } from '../../protocol/cloud';

export interface Hlc {
  wall: number;
  counter: number;
  node: string;
}

/** Largest counter a stamp holds; past it the wall part moves on by 1 ms instead. */
export const HLC_COUNTER_MAX = 999_999;

export function formatHlc(h: Hlc): string {
  return `${String(h.wall).padStart(15, '0')}:${String(h.counter).padStart(6, '0')}:${h.node}`;
}

/** The stamp's parts, or undefined for text that is not a stamp. */
export function parseHlc(text: string): Hlc | undefined {
  if (!HLC_PATTERN.test(text)) return undefined;
  const [wall, counter, node] = text.split(':');
  return { wall: Number(wall), counter: Number(counter), node };
}

/** The clock of one device. `now` reads the machine's wall clock (ms). */
export class HybridClock {
  private wall = 0;
  private counter = 0;

  constructor(
    readonly node: string,
    private readonly now: () => number,
    /** The last stamp this device issued or saw (kept across restarts), so its clock never goes back. */
    last?: string,
  ) {
    const h = last === undefined ? undefined : parseHlc(last);
    if (h) {
      this.wall = h.wall;
      this.counter = h.counter;
    }
  }

  /** A stamp for a change made here now: later than every stamp issued or seen before. */
  tick(): string {
    const pt = Math.floor(this.now());
    if (pt > this.wall) {
      this.wall = pt;
      this.counter = 0;
    } else this.bump();
    return this.stamp();
  }

  /** Takes in a stamp seen from elsewhere (a change, or the server's time), so later ticks stamp after it. */
  receive(text: string): void {
    const h = parseHlc(text);
    if (!h) return;
    const pt = Math.floor(this.now());
    if (pt > this.wall && pt > h.wall) {
      this.wall = pt;
      this.counter = 0;
    } else if (h.wall > this.wall) {
      this.wall = h.wall;
      this.counter = h.counter;
      this.bump();
    } else if (h.wall === this.wall) {
      this.counter = Math.max(this.counter, h.counter);
      this.bump();
    }
  }

  /**
   * Starts again from `text` (the server's time) even if it is earlier than stamps issued before: for stamps
   * the server refused as ahead of its clock, which no other device has seen, so nothing relies on them.
   */
  rebase(text: string): void {
    const h = parseHlc(text);
    if (!h) return;
    this.wall = h.wall;
    this.counter = h.counter;
  }

  /** The last stamp issued or seen, to keep across restarts. */
  last(): string {
    return this.stamp();
  }

  private bump(): void {
    if (this.counter < HLC_COUNTER_MAX) this.counter++;
    else {
      this.wall++;
      this.counter = 0;
    }
  }

  private stamp(): string {
    return formatHlc({ wall: this.wall, counter: this.counter, node: this.node });
  }
}
