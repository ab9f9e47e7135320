/**
 * A trader's equity curve as the profile draws it: one series from the server's two resolutions, and the money
 * moved in or out (grants, deposits, copy allocations) placed on the points whose step they explain. The return
 * leaves those flows out; marking them is what lets the curve and the return agree to the eye.
 */
import type { EquityFlow, TraderProfile } from '@protocol/api';

/** A point of the curve: whole seconds (the chart's time) and equity in quote minimal units. */
export interface CurvePoint {
  time: number;
  value: number;
}

/** The flows that made one point's step: their summed value, and each of them. */
export interface FlowMark {
  time: number;
  value: number;
  flows: EquityFlow[];
}

/**
 * One curve from the server's two resolutions: the day starts kept, then the marks of the last day (the finer
 * points win where both cover a time). Whole seconds, strictly increasing, as the chart wants them.
 */
export function equitySeries(equity: TraderProfile['equity']): CurvePoint[] {
  const firstHourly = equity.hourly[0]?.ts ?? Number.POSITIVE_INFINITY;
  const points = [...equity.daily.filter((p) => p.ts < firstHourly), ...equity.hourly];
  // Marks taken before the account's first money arrived say nothing about trading: the curve starts after them.
  const funded = points.findIndex((p) => p.equity !== 0);
  if (funded > 0) points.splice(0, funded);
  const out: CurvePoint[] = [];
  for (const p of points) {
    const time = Math.floor(p.ts / 1000);
    const last = out[out.length - 1];
    if (last && time <= last.time) {
      if (time === last.time) last.value = p.equity;
      continue;
    }
    out.push({ time, value: p.equity });
  }
  return out;
}

/**
 * Each flow on the first point after it: a point at mark time T values everything before T, so a flow at or
 * after T shows in the next point. Flows before the curve's first point belong to it (the money the curve
 * starts from); flows after its last point are not on the curve yet and are left out.
 */
export function flowMarks(points: readonly CurvePoint[], flows: readonly EquityFlow[]): FlowMark[] {
  const marks: FlowMark[] = [];
  let i = 0;
  for (const f of [...flows].sort((a, b) => a.ts - b.ts)) {
    while (i < points.length && points[i].time * 1000 <= f.ts) i++;
    if (i === points.length) break;
    const time = points[i].time;
    const last = marks[marks.length - 1];
    if (last && last.time === time) {
      last.value += f.value;
      last.flows.push(f);
    } else marks.push({ time, value: f.value, flows: [f] });
  }
  return marks;
}
