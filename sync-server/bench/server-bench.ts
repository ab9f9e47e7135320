/**
 * `npm run bench:server`: the sync server under load, each side in its own process.
 *
 * Builds the server and starts it as `npm run server` does (`node out/sync-server/main.js`) on a free port of 127.0.0.1 in a temporary data
 * directory, with a grant in both assets and message budgets high enough that the bench measures the server,
 * not its rate limits. Then runs, one after the other:
 *   - load-fanout.ts: 10,000 WebSocket clients on the LPJ book and trades while orders match;
 *   - load-orders.ts: 1,000 signed-in clients sending orders as fast as acks return, in passes that alternate
 *     the server's durability (`--sync full`, the default, syncs every group commit so an acked order survives
 *     power loss; `--sync normal` survives only a crash of the process): full, normal, normal, full, … so drift
 *     in what else the machine is doing falls on both alike. Each pass restarts the server on the same data
 *     folder and reuses the same accounts; the figures of each mode are averaged and printed side by side;
 *   - the same loads against transport-floor.ts, a bare `ws` server that acks every message at once and writes
 *     the fan-out clients the frames a match would: the most this machine's loopback and the `ws` library allow
 *     for those loads, printed beside the server's figures.
 * Each prints one JSON line; this prints the figures and, last, one JSON object with all of them. Everything
 * is killed at the end, or when `--timeout` seconds have passed (the 1,000 order accounts alone take minutes
 * to create: each sign-up is a scrypt hash of 128 MiB).
 *
 *   --clients 10000  --rate 20  --fanout-seconds 10  --order-clients 1000  --order-seconds 10  --sync-passes 2 (per mode)
 *   --only fanout|orders   --no-floor (skip the transport floor)   --profile DIR (the server writes a .cpuprofile there)   --timeout 1800
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'vite';
import { DEFAULT_MARKETS_FILE, loadMarketsFile } from '../config';

const LPJ = 100_000_000;
const ROOT = resolve(import.meta.dirname, '../..');

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '20' },
    'fanout-seconds': { type: 'string', default: '10' },
    'order-clients': { type: 'string', default: '1000' },
    'order-seconds': { type: 'string', default: '10' },
    'sync-passes': { type: 'string', default: '2' },
    only: { type: 'string' },
    'no-floor': { type: 'boolean', default: false },
    profile: { type: 'string' },
    timeout: { type: 'string', default: '1800' },
  },
});

const children = new Set<ChildProcess>();
const dataDir = mkdtempSync(join(tmpdir(), 'server-bench-'));

function cleanUp(): void {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
}

const deadline = setTimeout(
  () => {
    console.error(`bench: gave up after ${values.timeout} s`);
    cleanUp();
    process.exit(1);
  },
  Number(values.timeout) * 1000,
);
deadline.unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    cleanUp();
    process.exit(130);
  });
}

/** Runs `node <args>`, with the tsx loader when the program (the first argument not a flag) is TypeScript. */
function node(args: string[], onStderr?: (line: string) => void): ChildProcess {
  const loader = args.find((a) => !a.startsWith('--'))?.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...loader, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let buffered = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) onStderr ? onStderr(line) : console.error(`  ${line}`);
  });
  return child;
}

/** Starts a process that prints "sync server: <url>" on stderr once it listens, and resolves with the URL. */
function listening(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = node(args, (line) => {
      const m = /^sync server: (http:\/\/\S+)/.exec(line);
      if (m) resolvePromise({ child, url: m[1] });
      else console.error(`  server: ${line}`);
    });
    child.stdout!.pipe(process.stderr); // its log (warnings only), drained so the server never blocks on it
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code} before listening`)));
  });
}

type Sync = 'full' | 'normal';

/** Starts the server (on the same data folder each time) and resolves with its base URL once it listens. */
function startServer(sync: Sync): Promise<{ child: ChildProcess; url: string }> {
  const { markets } = loadMarketsFile(DEFAULT_MARKETS_FILE);
  const marketsFile = join(dataDir, 'markets.json');
  // Both assets, so every bench user can sell as well as buy; plenty for a bench run's orders.
  writeFileSync(marketsFile, JSON.stringify({ markets, grant: { KRW: 1_000_000_000, LPJ: 1_000 * LPJ } }));
  const profile = values.profile ? ['--cpu-prof', '--cpu-prof-dir', resolve(values.profile)] : [];
  const args = [
    ...profile,
    // As `npm run server` starts it: a young generation big enough that the garbage of one turn (parsed orders,
    // events, messages) dies young without a scavenge per few hundred orders.
    '--max-semi-space-size=64',
    'out/sync-server/main.js',
    ...[
      '--port',
      '0',
      '--data-dir',
      join(dataDir, 'data'),
      '--markets',
      marketsFile,
      '--log-level',
      'warn',
      '--sync',
      sync,
    ],
    // Budgets far above what one bench connection or account sends, so no request is refused for pace.
    ...['--ws-rate', '100000', '--order-rate', '100000'],
    // The fan-out clients connect from 16 loopback addresses, 625 each: past the per-address cap's default (256).
    ...['--ws-per-ip', '1000'],
  ];
  return listening(args);
}

/** Runs a load generator to completion and returns its last stdout line, parsed. */
function load(script: string, args: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolvePromise, reject) => {
    const child = node([`sync-server/bench/${script}`, ...args]);
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.once('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      try {
        if (code !== 0) throw new Error(`exit code ${code}`);
        resolvePromise(JSON.parse(last) as Record<string, unknown>);
      } catch (err) {
        reject(new Error(`${script}: ${(err as Error).message}; output: ${out.slice(-500)}`));
      }
    });
  });
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM'); // graceful: the profile (if any) is written on exit
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** One order pass's figures as printed. */
function ordersLine(label: string, o: Record<string, unknown>): string {
  return (
    `orders (${label}): ${o.orderClients} clients, ${o.ordersPerSec} orders/s acked (durable), ack p50 ${o.ackP50Ms} ms p99 ${o.ackP99Ms} ms ` +
    `(max ${o.ackMaxMs} ms), rejects ${JSON.stringify(o.rejects)}; CPU per order: server ${o.serverCpuMicrosPerOrder} µs, ` +
    `load generator ${o.loadCpuMicrosPerOrder} µs; ${o.commitsPerSec} commits/s of ${o.commandsPerCommit} commands, ${o.commitMeanMs} ms each; ` +
    `${o.syncsPerSec} syncs/s of the log, ${o.syncMeanMs} ms each`
  );
}

const mean = (runs: Record<string, unknown>[], key: string) =>
  runs.reduce((sum, r) => sum + Number(r[key]), 0) / runs.length;

/** full, normal, normal, full, … (`passes` of each), so that a drift in the machine's load falls on both modes alike. */
function syncSchedule(passes: number): Sync[] {
  const out: Sync[] = [];
  for (let i = 0; i < passes; i++)
    out.push(...(i % 2 === 0 ? (['full', 'normal'] as const) : (['normal', 'full'] as const)));
  return out;
}

let server: { child: ChildProcess; url: string } | undefined;
try {
  await build({ configFile: join(ROOT, 'sync-server', 'vite.config.ts'), logLevel: 'warn' });
  server = await startServer('full');
  console.log(`bench: server at ${server.url}`);
  let fanout: Record<string, unknown> = {};
  let orders: Record<string, unknown> = {};
  let durability: Record<string, unknown> = {};
  if (values.only !== 'orders') {
    fanout = await load('load-fanout.ts', [
      '--url',
      server.url,
      '--clients',
      values.clients!,
      '--rate',
      values.rate!,
      '--duration',
      values['fanout-seconds']!,
    ]);
    console.log(
      `fan-out: ${fanout.connected}/${fanout.clients} connected (${(Number(fanout.connectSuccessRate) * 100).toFixed(2)}%), ` +
        `connect p50 ${fanout.connectP50Ms} ms p99 ${fanout.connectP99Ms} ms; ${fanout.matchesPerSec} matches/s, ` +
        `${fanout.updatesPerSecPerClient} updates/s per client, delivery p50 ${fanout.deliveryP50Ms} ms p99 ${fanout.deliveryP99Ms} ms ` +
        `(max ${fanout.deliveryMaxMs} ms, ${(Number(fanout.tradesDeliveredShare) * 100).toFixed(1)}% of the ${fanout.trades} trades' deliveries made, ${fanout.closedEarly} dropped); ` +
        `cores busy: server ${fanout.serverCores}, clients ${fanout.clientCores}`,
    );
  }
  if (values.only !== 'fanout') {
    const schedule = syncSchedule(Number(values['sync-passes']));
    const sessions = join(dataDir, 'order-sessions.json');
    const runs: Record<Sync, Record<string, unknown>[]> = { full: [], normal: [] };
    const passes: { sync: Sync; ordersPerSec: unknown; ackP99Ms: unknown }[] = [];
    for (const [i, sync] of schedule.entries()) {
      if (i > 0) {
        await stopServer(server.child);
        server = await startServer(sync);
      }
      const r = await load('load-orders.ts', [
        '--url',
        server.url,
        '--clients',
        values['order-clients']!,
        '--duration',
        values['order-seconds']!,
        '--sessions',
        sessions,
      ]);
      runs[sync].push(r);
      passes.push({ sync, ordersPerSec: r.ordersPerSec, ackP99Ms: r.ackP99Ms });
      console.log(ordersLine(`synchronous=${sync.toUpperCase()}, pass ${i + 1}/${schedule.length}`, r));
    }
    // The figures of record are the shipped setting's (FULL): its first pass, as a single run always reported.
    orders = runs.full[0];
    const [full, normal] = [runs.full, runs.normal].map((rs) => ({
      ordersPerSec: Math.round(mean(rs, 'ordersPerSec')),
      ackP50Ms: Number(mean(rs, 'ackP50Ms').toFixed(2)),
      ackP99Ms: Number(mean(rs, 'ackP99Ms').toFixed(2)),
      commitMeanMs: Number(mean(rs, 'commitMeanMs').toFixed(3)),
      commandsPerCommit: Number(mean(rs, 'commandsPerCommit').toFixed(1)),
      syncMeanMs: Number(mean(rs, 'syncMeanMs').toFixed(3)),
    }));
    const ratio = full.ordersPerSec / normal.ordersPerSec;
    durability = {
      syncPasses: passes,
      fullOrdersPerSec: full.ordersPerSec,
      normalOrdersPerSec: normal.ordersPerSec,
      fullToNormalThroughput: Number(ratio.toFixed(3)),
      fullAckP50Ms: full.ackP50Ms,
      normalAckP50Ms: normal.ackP50Ms,
      fullAckP99Ms: full.ackP99Ms,
      normalAckP99Ms: normal.ackP99Ms,
      fullCommitMeanMs: full.commitMeanMs,
      normalCommitMeanMs: normal.commitMeanMs,
      fullCommandsPerCommit: full.commandsPerCommit,
      normalCommandsPerCommit: normal.commandsPerCommit,
      fullLogSyncMeanMs: full.syncMeanMs,
    };
    console.log(
      `cost of synchronous=FULL (mean of ${runs.full.length} passes each, interleaved): ${full.ordersPerSec} vs ${normal.ordersPerSec} orders/s with NORMAL ` +
        `(${(ratio * 100).toFixed(1)}%: ${ratio >= 0.85 ? 'within' : 'NOT within'} 15%); ack p50 ${full.ackP50Ms} vs ${normal.ackP50Ms} ms, ` +
        `p99 ${full.ackP99Ms} vs ${normal.ackP99Ms} ms; a group commit takes ${full.commitMeanMs} vs ${normal.commitMeanMs} ms and holds ` +
        `${full.commandsPerCommit} vs ${normal.commandsPerCommit} commands; with FULL each sync of the log takes ${full.syncMeanMs} ms, off the event loop`,
    );
  }
  await stopServer(server.child);
  let floor: Record<string, unknown> = {};
  if (!values['no-floor']) {
    const bare = await listening(['sync-server/bench/transport-floor.ts']);
    try {
      if (values.only !== 'orders') {
        const r = await load('load-fanout.ts', [
          '--url',
          bare.url,
          '--clients',
          values.clients!,
          '--rate',
          values.rate!,
          '--duration',
          values['fanout-seconds']!,
        ]);
        floor = {
          ...floor,
          floorConnectP99Ms: r.connectP99Ms,
          floorDeliveryP50Ms: r.deliveryP50Ms,
          floorDeliveryP99Ms: r.deliveryP99Ms,
          floorFanoutServerCores: r.serverCores,
          floorFanoutClientCores: r.clientCores,
        };
        console.log(
          `transport floor, fan-out (bare ws server writing the same frames per order to every subscriber): ${r.connected}/${r.clients} connected, ` +
            `connect p99 ${r.connectP99Ms} ms; delivery p50 ${r.deliveryP50Ms} ms p99 ${r.deliveryP99Ms} ms; cores busy: server ${r.serverCores}, clients ${r.clientCores}`,
        );
      }
      if (values.only !== 'fanout') {
        const r = await load('load-orders.ts', [
          '--url',
          bare.url,
          '--clients',
          values['order-clients']!,
          '--duration',
          values['order-seconds']!,
        ]);
        floor = {
          ...floor,
          floorOrdersPerSec: r.ordersPerSec,
          floorAckP99Ms: r.ackP99Ms,
          floorServerCpuMicrosPerOrder: r.serverCpuMicrosPerOrder,
          floorLoadCpuMicrosPerOrder: r.loadCpuMicrosPerOrder,
        };
        console.log(
          `transport floor, orders (bare ws server acking at once, same load): ${r.ordersPerSec} acks/s, ack p99 ${r.ackP99Ms} ms; CPU per ack: server ` +
            `${r.serverCpuMicrosPerOrder} µs, load generator ${r.loadCpuMicrosPerOrder} µs → the server reaches ` +
            `${Math.round((Number(orders.ordersPerSec) / Number(r.ordersPerSec)) * 100)}% of the floor`,
        );
      }
    } finally {
      await stopServer(bare.child);
    }
  }
  console.log(JSON.stringify({ ...fanout, ...orders, ...durability, ...floor }));
} catch (err) {
  console.error(`bench failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  if (server) await stopServer(server.child);
  cleanUp();
  clearTimeout(deadline);
}
