/**
 * Runs a simulator through a stretch of simulated time at once: the ticks it would have run at `stepMs` apart
 * from `from` up to `to`, stamped with those past times, as fast as the machine goes. A market opened for the
 * first time gets the hours of trading a newcomer expects to find behind it.
 *
 * The ticks run in slices; between two slices `pause` lets other work of the process run (the host answers the
 * window and writes the journal meanwhile), and `onProgress` hears how far it got. What the simulator does
 * depends only on its seed, configuration and the tick times, so the same seed gives the same history; `to`
 * only shifts when it happened.
 */
import type { Steppable } from './driver';

export interface RunAheadOptions {
  /** First tick time (ms). */
  from: number;
  /** Ticks run while their time is before this (ms). */
  to: number;
  /** Simulated time between two ticks (ms, a positive integer). */
  stepMs: number;
  /** Ticks per slice (default 250). */
  sliceTicks?: number;
  /** Awaited between slices (default: nothing, the slices follow at once). */
  pause?: () => Promise<void>;
  /** Ticks done so far and in all, after every slice (the last call has done = total). */
  onProgress?: (done: number, total: number) => void;
  /** Checked before every slice: true stops the run where it is. */
  stopped?: () => boolean;
}

/** Ticks a run over [from, to) at `stepMs` makes. */
export function runAheadTicks(from: number, to: number, stepMs: number): number {
  if (!Number.isSafeInteger(stepMs) || stepMs <= 0)
    throw new RangeError(`run ahead: stepMs must be a positive integer, got ${stepMs}`);
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to))
    throw new RangeError('run ahead: from and to must be integer times');
  return to > from ? Math.ceil((to - from) / stepMs) : 0;
}

/** Runs the ticks; resolves with how many ran (fewer when stopped, or when the simulator halted). */
export async function runAhead(sim: Steppable, o: RunAheadOptions): Promise<number> {
  const total = runAheadTicks(o.from, o.to, o.stepMs);
  const slice = o.sliceTicks ?? 250;
  if (!Number.isSafeInteger(slice) || slice <= 0)
    throw new RangeError(`run ahead: sliceTicks must be a positive integer, got ${slice}`);
  let done = 0;
  while (done < total) {
    if (o.stopped?.() || sim.halted) break;
    const end = Math.min(total, done + slice);
    for (; done < end && !sim.halted; done++) sim.step(o.from + done * o.stepMs);
    o.onProgress?.(done, total);
    if (done < total && o.pause) await o.pause();
  }
  if (total === 0) o.onProgress?.(0, 0);
  return done;
}
