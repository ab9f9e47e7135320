/**
 * What the load generators share: percentiles, sign-up over plain node:http (so a request can leave from a
 * chosen loopback address), and the one-JSON-line result protocol with the orchestrator.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import type { Session } from '../../engine/protocol/sync';

/** Nearest-rank percentile of unsorted samples; NaN when there are none. */
export function percentile(samples: ArrayLike<number>, p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = Float64Array.from(samples).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Whole-millisecond latencies counted per bucket: millions of deliveries without keeping each one. */
export class MsHistogram {
  private readonly counts: Float64Array;
  count = 0;
  sum = 0;

  constructor(private readonly maxMs = 60_000) {
    this.counts = new Float64Array(maxMs + 1);
  }

  add(ms: number): void {
    const i = Math.min(this.maxMs, Math.max(0, Math.round(ms)));
    this.counts[i]++;
    this.count++;
    this.sum += ms;
  }

  percentile(p: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (let i = 0; i <= this.maxMs; i++) {
      seen += this.counts[i];
      if (seen >= rank) return i;
    }
    return this.maxMs;
  }
}

/**
 * The sign-up endpoint allows a burst of 20 per client address. A bench user signs up from its own loopback
 * address (127.0.0.2, .3, …, all of which reach a server on 127.0.0.1), as distinct users would from their
 * own machines, instead of lifting the limit.
 */
export function loopbackAddress(i: number): string {
  return `127.0.${1 + Math.floor(i / 250)}.${2 + (i % 250)}`;
}

export function signUp(baseUrl: string, nickname: string, localAddress: string): Promise<Session> {
  return postSession(
    baseUrl,
    '/api/v1/auth/signup',
    { nickname, password: `bench-${nickname}-password` },
    localAddress,
    201,
    `sign-up ${nickname}`,
  );
}

/** A fresh session for a stored one (no password hash: cheap), so stored sessions outlive their access tokens. */
export function refreshSession(baseUrl: string, session: Session, localAddress: string): Promise<Session> {
  return postSession(
    baseUrl,
    '/api/v1/auth/refresh',
    { refreshToken: session.refreshToken },
    localAddress,
    200,
    'refresh',
  );
}

function postSession(
  baseUrl: string,
  path: string,
  payload: object,
  localAddress: string,
  status: number,
  what: string,
): Promise<Session> {
  const body = JSON.stringify(payload);
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseUrl}${path}`,
      {
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          res.statusCode === status
            ? resolve(JSON.parse(text) as Session)
            : reject(new Error(`${what}: ${res.statusCode} ${text}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs `task(i)` for i in [0, count) with at most `limit` running at once. */
export async function bounded<T>(count: number, limit: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      out[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return out;
}

/** Flags as `--name value` pairs, with numeric defaults. */
export function numberArgs<K extends string>(defaults: Record<K, number>): Record<K, number> {
  const out = { ...defaults };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '') as K;
    if (!(key in defaults)) continue;
    const value = Number(argv[i + 1]);
    if (!Number.isFinite(value)) throw new Error(`--${key} needs a number, got ${argv[i + 1]}`);
    out[key] = value;
  }
  return out;
}

export function stringArg(name: string): string {
  const value = optionalStringArg(name);
  if (!value) throw new Error(`--${name} is required`);
  return value;
}

export function optionalStringArg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Progress goes to stderr; the result is the last line of stdout, as one JSON object. */
export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

export function finish(result: object): never {
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

export const round = (x: number, digits = 1) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : null);

/**
 * CPU seconds used so far by the server (its /metrics) and by this process. Differences over a measured window,
 * divided by the work done, give a cost per order or per message that does not depend on what else shares the
 * machine, unlike throughput.
 */
export async function cpuSeconds(baseUrl: string): Promise<{ server: number; load: number }> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const m = /^process_cpu_seconds_total (\S+)$/m.exec(text);
  if (!m) throw new Error('the server reports no process_cpu_seconds_total');
  const own = process.cpuUsage();
  return { server: Number(m[1]), load: (own.user + own.system) / 1e6 };
}

/**
 * The journal's group commits so far, from the server's /metrics: how many, the seconds spent in them and the
 * commands they held. Differences over a measured window say how often the server committed, how long a
 * commit took (under synchronous=FULL, mostly the sync of the log) and how many orders shared one. Zeros for a
 * server that does not report them (the transport floor).
 */
export async function journalCommits(
  baseUrl: string,
): Promise<{ commits: number; seconds: number; commands: number; syncs: number; syncSeconds: number }> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return {
    commits: value('lpj_db_commit_seconds_count'),
    seconds: value('lpj_db_commit_seconds_sum'),
    commands: value('lpj_committed_commands_total'),
    syncs: value('lpj_db_log_sync_seconds_count'),
    syncSeconds: value('lpj_db_log_sync_seconds_sum'),
  };
}

/** Server URLs: `--url` takes one, or several separated by commas (the gateways of a cluster). */
export function urlsArg(): string[] {
  return stringArg('url').split(',');
}

/**
 * `--pids role:pid,role:pid,…`: the server's processes (in a cluster the core, each gateway and nats-server),
 * whose CPU the load generator reads itself over its measured window. Several processes may share a role.
 */
export function watchedArg(): { role: string; pid: number }[] {
  const value = optionalStringArg('pids');
  if (!value) return [];
  return value.split(',').map((pair) => {
    const [role, pid] = pair.split(':');
    if (!role || !/^\d+$/.test(pid ?? '')) throw new Error(`--pids takes role:pid pairs, got ${pair}`);
    return { role, pid: Number(pid) };
  });
}

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on every Linux this runs on). */
const CLOCK_TICKS = 100;

/** CPU seconds (user + system) a process has used so far, read from /proc/<pid>/stat (Linux). */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces, hence the last ')'): state is the first, utime the 12th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Resident memory of a process in bytes, from /proc/<pid>/status (Linux). */
export function processRssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for process ${pid}`);
  return Number(m[1]) * 1024;
}

/** CPU seconds so far of each watched process, summed by role. */
export function cpuByRole(watched: { role: string; pid: number }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { role, pid } of watched) out[role] = (out[role] ?? 0) + processCpuSeconds(pid);
  return out;
}

/** What each role used between two `cpuByRole` readings, in CPU seconds (3 decimals). */
export function cpuUsed(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.keys(after).map((role) => [role, round(after[role] - (before[role] ?? 0), 3)!]));
}
