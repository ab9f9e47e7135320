/**
 * How the Results screen arranges kept results: replay runs grouped by the session they played (newest group
 * first, runs in the order they were made so "run 2" stays run 2), running results apart, runs that made the
 * same fills pointed out by their digest, and an equity curve as a chart takes it. Pure.
 */
import type { ResultSummary } from '@protocol/results';

export interface SessionGroup {
  key: string;
  name: string;
  /** Oldest first: run n is runs[n − 1]. */
  runs: ResultSummary[];
}

/** Finished runs by session; runs kept without a session each stand alone under their account. */
export function sessionGroups(runs: readonly ResultSummary[]): SessionGroup[] {
  const groups = new Map<string, SessionGroup>();
  const newest = new Map<string, number>();
  for (const r of runs) {
    if (r.state === 'running') continue;
    const key = r.session?.key ?? `${r.account}:${r.id}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, name: r.session?.name ?? r.account, runs: [] }));
    g.runs.push(r);
    newest.set(key, Math.max(newest.get(key) ?? 0, r.id));
  }
  for (const g of groups.values()) g.runs.sort((a, b) => a.id - b.id);
  return [...groups.values()].sort((a, b) => newest.get(b.key)! - newest.get(a.key)!);
}

export function runningResults(runs: readonly ResultSummary[]): ResultSummary[] {
  return runs.filter((r) => r.state === 'running');
}

/** For each run, the number of the first earlier run of its group with the same digest (none: absent). */
export function sameFills(group: SessionGroup): Map<number, number> {
  const first = new Map<string, number>();
  const out = new Map<number, number>();
  group.runs.forEach((r, i) => {
    const n = first.get(r.digest);
    if (n === undefined) first.set(r.digest, i + 1);
    else out.set(r.id, n);
  });
  return out;
}

/**
 * An equity curve in whole seconds, strictly increasing (the chart's rule; the last value of a second wins), in
 * whole quote units for drawing only: the figures themselves are shown from the exact integers.
 */
export function curvePoints(
  equity: readonly { ts: number; value: string }[],
  decimals: number,
): { time: number; value: number }[] {
  const scale = 10 ** decimals;
  const out: { time: number; value: number }[] = [];
  for (const p of equity) {
    const time = Math.floor(p.ts / 1000);
    const value = Number(BigInt(p.value)) / scale;
    const last = out[out.length - 1];
    if (last && time <= last.time) {
      if (time === last.time) last.value = value;
      continue;
    }
    out.push({ time, value });
  }
  return out;
}
