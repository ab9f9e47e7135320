/**
 * Long tasks in a Chromium performance trace (as Playwright's browser.startTracing writes it), each with what
 * it spent its time on: trace events by self time (script evaluation, compiling, style, layout, paint, GC…)
 * and, from the trace's CPU profile samples, the functions that were running. Each task also has its CPU time:
 * on a busy machine a task's duration includes waiting for a core, its CPU time is what it cost.
 *
 * Used by the UI bench for its --trace files; also runs alone:  npx tsx e2e/bench/trace-tasks.ts FILE [ms]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time, where the event has it: what the task cost, however long it waited for a core. */
  tdur?: number;
  pid: number;
  tid: number;
  id?: string;
  args?: Record<string, unknown>;
}

interface ProfileNode {
  id: number;
  parent?: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}

export interface TraceTask {
  /** ms since the first event of the page's main thread. */
  atMs: number;
  durationMs: number;
  /** CPU time of the main thread in the task; far below the duration when the thread waited for a core. */
  cpuMs: number;
  /** Trace events by self time (CPU time where the trace has it), longest first. */
  events: { name: string; ms: number }[];
  /** Functions on top of the stack in the task's CPU samples, longest first. */
  functions: { name: string; ms: number }[];
}

const file = (url: string) => url.replace(/^.*\//, '').replace(/-[\w-]{8}\.js$/, '.js');

/** Tasks of the page's renderer main thread longer than `thresholdMs`. */
export function traceLongTasks(path: string, thresholdMs = 50): TraceTask[] {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(raw) ? raw : raw.traceEvents;

  // The page's main thread: of the renderer main threads, the busiest.
  const mains = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const busy = new Map<string, number>();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (e.ph === 'X' && e.name === 'RunTask' && mains.has(key)) busy.set(key, (busy.get(key) ?? 0) + (e.dur ?? 0));
  }
  const main = [...busy.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (!main) return [];
  const [pid] = main.split(':').map(Number);
  const onMain = events
    .filter((e) => `${e.pid}:${e.tid}` === main && (e.ph === 'X' || e.ph === 'B' || e.ph === 'E'))
    .sort((a, b) => a.ts - b.ts);
  const origin = onMain[0]?.ts ?? 0;

  // Complete events only (B/E pairs are rare on this thread); a stack gives each its self time.
  const complete = onMain.filter((e) => e.ph === 'X' && e.dur !== undefined);

  // CPU profile samples of the page's process: timestamps and the node on top of the stack.
  const nodes = new Map<number, ProfileNode>();
  const samples: { ts: number; node: number }[] = [];
  const profiles = new Map<string, number>();
  for (const e of events) {
    if (e.pid !== pid) continue;
    if (e.name === 'Profile' && e.id)
      profiles.set(e.id, Number((e.args?.data as { startTime?: number })?.startTime ?? 0));
  }
  const clock = new Map<string, number>();
  for (const e of events) {
    if (e.pid !== pid || e.name !== 'ProfileChunk' || !e.id) continue;
    const data = e.args?.data as
      { cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] }; timeDeltas?: number[] } | undefined;
    for (const n of data?.cpuProfile?.nodes ?? []) nodes.set(n.id, n);
    let t = clock.get(e.id) ?? profiles.get(e.id) ?? 0;
    const ids = data?.cpuProfile?.samples ?? [];
    const deltas = data?.timeDeltas ?? [];
    for (let i = 0; i < ids.length; i++) {
      t += deltas[i] ?? 0;
      samples.push({ ts: t, node: ids[i] });
    }
    clock.set(e.id, t);
  }
  samples.sort((a, b) => a.ts - b.ts);
  const frameName = (id: number): string => {
    const n = nodes.get(id);
    if (!n) return '?';
    const f = n.callFrame;
    if (!f.url) return f.functionName || '(program)';
    return `${f.functionName || '(anonymous)'} (${file(f.url)}:${f.lineNumber + 1})`;
  };

  const tasks: TraceTask[] = [];
  for (const task of complete) {
    if (task.name !== 'RunTask' || task.dur! < thresholdMs * 1000) continue;
    const end = task.ts + task.dur!;
    const inside = complete.filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur! <= end);
    // Self time: an event's duration less that of its direct children (events are nested, never overlapping).
    const self = new Map<string, number>();
    const stack: TraceEvent[] = [];
    const add = (name: string, us: number) => self.set(name, (self.get(name) ?? 0) + us);
    const cost = (e: TraceEvent) => e.tdur ?? e.dur!;
    let covered = 0;
    for (const e of inside) {
      while (stack.length && stack[stack.length - 1].ts + stack[stack.length - 1].dur! <= e.ts) stack.pop();
      const parent = stack[stack.length - 1];
      if (parent) add(parent.name, -cost(e));
      else covered += cost(e);
      add(e.name, cost(e));
      stack.push(e);
    }
    add('(task itself)', cost(task) - covered);
    const fns = new Map<string, number>();
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i];
      if (s.ts < task.ts || s.ts > end) continue;
      const next = samples[i + 1]?.ts ?? s.ts;
      const name = frameName(s.node);
      fns.set(name, (fns.get(name) ?? 0) + Math.min(next - s.ts, end - s.ts));
    }
    const top = (m: Map<string, number>) =>
      [...m.entries()]
        .filter(([, us]) => us >= 1000)
        .sort((a, b) => b[1] - a[1])
        .map(([name, us]) => ({ name, ms: Math.round(us / 100) / 10 }));
    tasks.push({
      atMs: Math.round((task.ts - origin) / 1000),
      durationMs: Math.round(task.dur! / 1000),
      cpuMs: Math.round((task.tdur ?? task.dur!) / 1000),
      events: top(self),
      functions: top(fns),
    });
  }
  return tasks;
}

export function describeTask(t: TraceTask, limit = 6): string {
  const list = (xs: { name: string; ms: number }[]) =>
    xs
      .slice(0, limit)
      .map((x) => `${x.name} ${x.ms}`)
      .join(', ');
  return `${t.durationMs} ms (cpu ${t.cpuMs}) at +${t.atMs} ms — events: ${list(t.events)}${t.functions.length ? ` — functions: ${list(t.functions)}` : ''}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [path, threshold] = process.argv.slice(2);
  if (!path) {
    console.error('usage: tsx e2e/bench/trace-tasks.ts TRACE.json [threshold-ms]');
    process.exit(2);
  }
  const tasks = traceLongTasks(path, threshold ? Number(threshold) : 50);
  const cpu = tasks.filter((t) => t.cpuMs > (threshold ? Number(threshold) : 50)).length;
  console.log(`${tasks.length} task(s) over ${threshold ?? 50} ms, ${cpu} of them over it in CPU time`);
  for (const t of tasks) console.log(`  ${describeTask(t, 10)}`);
}
