/**
 * Runs a simulator at a steady pace on an injectable clock: real timers in the app, a manual clock in tests
 * (so a thousand ticks take no time). Ticks are scheduled against a fixed grid; when the process falls behind
 * (a long GC pause, a busy event loop) missed ticks are dropped rather than run in a burst, since a burst
 * would flood the journal and the market with commands at once.
 */
import { systemClock, type Clock } from '../market-data/clock';

export interface Steppable {
  step(now: number): unknown;
  readonly halted: boolean;
}

export interface DriverOptions {
  ticksPerSecond: number;
  clock?: Clock;
}

export class SimulatorDriver {
  private readonly clock: Clock;
  private intervalMs: number;
  private timer: unknown;
  private due = 0;

  constructor(
    private readonly sim: Steppable,
    options: DriverOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.intervalMs = intervalFor(options.ticksPerSecond);
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  /** Starts ticking (the first tick runs on the next timer turn). Does nothing when already running. */
  start(): void {
    if (this.timer !== undefined || this.sim.halted) return;
    this.due = this.clock.now();
    this.schedule();
  }

  stop(): void {
    if (this.timer === undefined) return;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Changes the pace; takes effect from the next tick. */
  setPace(ticksPerSecond: number): void {
    this.intervalMs = intervalFor(ticksPerSecond);
  }

  private schedule(): void {
    this.timer = this.clock.setTimeout(() => this.fire(), Math.max(0, this.due - this.clock.now()));
  }

  private fire(): void {
    this.timer = undefined;
    this.sim.step(this.clock.now());
    if (this.sim.halted) return;
    const end = this.clock.now();
    this.due += this.intervalMs;
    if (this.due <= end) this.due = end + this.intervalMs; // behind: skip the missed ticks
    this.schedule();
  }
}

function intervalFor(ticksPerSecond: number): number {
  if (!(Number.isFinite(ticksPerSecond) && ticksPerSecond > 0 && ticksPerSecond <= 1000)) {
    throw new RangeError(`simulator driver: ticksPerSecond must be within (0, 1000], got ${ticksPerSecond}`);
  }
  return 1000 / ticksPerSecond;
}
