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
 *   - with `--gateways N`, the same loads against a cluster in the same run: its own nats-server (started as
 *     the cluster tests start theirs), a core on the single process's data folder (so the same accounts, no
 *     second round of sign-ups) and N gateways of the built server; the fan-out clients split across the
 *     gateways, the order traders too. One order pass, with the shipped durability (FULL).
 *   - the same loads against transport-floor.ts, a bare `ws` server that acks every message at once and writes
 *     the fan-out clients the frames a match would: the most this machine's loopback and the `ws` library allow
 *     for order entry, printed beside the server's figures (for fan-out it writes every order's frames at once,
 *     where a lagging server coalesces several matches per write: a floor for latency, not for CPU).
 * Each process's CPU is read from /proc over each load's measured window, so the bench prints per role (the
 * single process; the core, the gateways together and nats-server; the floor) the CPU per acknowledged order
 * and per delivery (one trade to one subscriber), deliveries per CPU-second of whatever fans out (the single
 * process, the gateways, the floor) and the cluster's figures as a ratio of the single process's.
 * `--only memory` measures instead what a connection holds: the resident memory of the single process (or,
 * with `--gateways`, of one gateway) with `--memory-clients` idle connections, then subscribed (load-memory.ts).
 *
 * Each load prints one JSON line; this prints the figures and, last, one JSON object with all of them (report.ts
 * says which keys it adds). Everything is killed at the end, or when `--timeout` seconds have passed (the 1,000
 * order accounts alone take minutes to create: each sign-up is a scrypt hash of 128 MiB).
 *
 *   --clients 10000  --rate 20  --fanout-seconds 10  --order-clients 1000  --order-seconds 10  --sync-passes 2 (per mode)
 *   --gateways 0  --memory-clients 5000  --connections-per-account 1 (K: one account signed up per K order traders)
 *   --only fanout|orders|memory   --no-floor (skip the transport floor)   --profile DIR (the server writes a .cpuprofile there)   --timeout 1800
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { DEFAULT_MARKETS_FILE, loadMarketsFile } from '../config';
import { startNatsServer, type NatsServer } from '../testing/nats-server';
import { deliveryCost, orderCost, parseBenchArgs, summary } from './report';

const LPJ = 100_000_000;
const ROOT = resolve(import.meta.dirname, '../..');

let options: ReturnType<typeof parseBenchArgs>;
try {
  options = parseBenchArgs(process.argv.slice(2));
} catch (err) {
  console.error(`bench: ${(err as Error).message}`);
  process.exit(2);
}
const o = options;

const children = new Set<ChildProcess>();
const dataDir = mkdtempSync(join(tmpdir(), 'server-bench-'));
let nats: NatsServer | undefined;

function cleanUp(): void {
  for (const child of children) child.kill('SIGKILL');
  nats?.proc.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
}

const deadline = setTimeout(() => {
  console.error(`bench: gave up after ${o.timeoutSeconds} s`);
  cleanUp();
  process.exit(1);
}, o.timeoutSeconds * 1000);
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

interface Running {
  child: ChildProcess;
  url: string;
}

/** Starts a process that prints "sync server: <url>" on stderr once it listens, and resolves with the URL. */
function listening(args: string[], name = 'server'): Promise<Running> {
  return new Promise((resolvePromise, reject) => {
    const child = node(args, (line) => {
      const m = /^sync server: (http:\/\/\S+)/.exec(line);
      if (m) resolvePromise({ child, url: m[1] });
      else console.error(`  ${name}: ${line}`);
    });
    child.stdout!.pipe(process.stderr); // its log (warnings only), drained so the server never blocks on it
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before listening`)));
  });
}

type Sync = 'full' | 'normal';

/** The markets file every server of the run reads: both assets granted, so every bench user can sell as well as buy. */
function marketsFile(): string {
  const { markets } = loadMarketsFile(DEFAULT_MARKETS_FILE);
  const file = join(dataDir, 'markets.json');
  writeFileSync(file, JSON.stringify({ markets, grant: { KRW: 1_000_000_000, LPJ: 1_000 * LPJ } }));
  return file;
}

/**
 * Starts the built server: the single process (no `cluster`), or one role of a cluster. The single process and
 * the core run on the same data folder each time, so every pass and the cluster share the accounts.
 */
function startServer(
  sync: Sync,
  cluster?: { natsUrl: string; role: 'core' | 'gateway'; name: string },
): Promise<Running> {
  const profile = o.profile ? ['--cpu-prof', '--cpu-prof-dir', resolve(o.profile)] : [];
  const args = [
    ...profile,
    // As `npm run server` starts it: a young generation big enough that the garbage of one turn (parsed orders,
    // events, messages) dies young without a scavenge per few hundred orders.
    '--max-semi-space-size=64',
    'out/sync-server/main.js',
    ...['--port', '0', '--markets', marketsFile(), '--log-level', 'warn', '--sync', sync],
    // A gateway keeps nothing on disk; it is given a folder of its own all the same, never the core's.
    ...['--data-dir', join(dataDir, cluster?.role === 'gateway' ? cluster.name : 'data')],
    ...(cluster ? ['--nats', cluster.natsUrl, '--role', cluster.role] : []),
    // Budgets far above what one bench connection or account sends, so no request is refused for pace.
    ...['--ws-rate', '100000', '--order-rate', '100000'],
    // The fan-out clients connect from 16 loopback addresses, 625 each: past the per-address cap's default (256).
    ...['--ws-per-ip', '1000'],
  ];
  return listening(args, cluster?.name);
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

/** `--pids` for the load generators: which process plays which role. */
const pids = (roles: [string, ChildProcess][]) => ['--pids', roles.map(([role, c]) => `${role}:${c.pid}`).join(',')];

const fanoutArgs = (urls: string[]) => [
  '--url',
  urls.join(','),
  '--clients',
  String(o.clients),
  '--rate',
  String(o.rate),
  '--duration',
  String(o.fanoutSeconds),
];

const sessions = join(dataDir, 'order-sessions.json');
const ordersArgs = (urls: string[], withSessions: boolean) => [
  '--url',
  urls.join(','),
  '--clients',
  String(o.orderClients),
  '--duration',
  String(o.orderSeconds),
  ...['--connectionsPerAccount', String(o.connectionsPerAccount)],
  ...(withSessions ? ['--sessions', sessions] : []),
];

/** CPU per unit of each role, as printed: "core 41.2 µs, gateway 30.1 µs, nats 12.0 µs". */
const byRole = (micros: Record<string, number | null>) =>
  Object.entries(micros)
    .map(([role, us]) => `${role} ${us} µs`)
    .join(', ');

function fanoutLine(label: string, f: Record<string, unknown>, fanOutRole: string): string {
  const cost = deliveryCost(f, fanOutRole);
  return (
    `fan-out (${label}): ${f.connected}/${f.clients} connected (${(Number(f.connectSuccessRate) * 100).toFixed(2)}%), ` +
    `connect p50 ${f.connectP50Ms} ms p99 ${f.connectP99Ms} ms; ${f.matchesPerSec} matches/s, ` +
    `${f.updatesPerSecPerClient} updates/s per client, delivery p50 ${f.deliveryP50Ms} ms p99 ${f.deliveryP99Ms} ms ` +
    `(max ${f.deliveryMaxMs} ms, ${(Number(f.tradesDeliveredShare) * 100).toFixed(1)}% of the ${f.trades} trades' deliveries made, ${f.closedEarly} dropped; ` +
    `${f.tradesSeen} distinct trades seen, ${f.tradesRepeated} received again); ` +
    `CPU per delivery: ${byRole(cost.microsPerDelivery)}; ${cost.deliveriesPerCpuSec} deliveries per CPU-second of ${fanOutRole}`
  );
}

/** One order pass's figures as printed. */
function ordersLine(label: string, r: Record<string, unknown>): string {
  return (
    `orders (${label}): ${r.orderClients} clients, ${r.ordersPerSec} orders/s acked (durable), ack p50 ${r.ackP50Ms} ms p99 ${r.ackP99Ms} ms ` +
    `(max ${r.ackMaxMs} ms), rejects ${JSON.stringify(r.rejects)}; CPU per order: ${byRole(orderCost(r).microsPerOrder)}, ` +
    `load generator ${r.loadCpuMicrosPerOrder} µs; ${r.commitsPerSec} commits/s of ${r.commandsPerCommit} commands, ${r.commitMeanMs} ms each; ` +
    `${r.syncsPerSec} syncs/s of the log, ${r.syncMeanMs} ms each`
  );
}

function memoryLine(label: string, m: Record<string, unknown>): string {
  const mib = (bytes: unknown) => (Number(bytes) / 2 ** 20).toFixed(1);
  return (
    `memory (${label}): RSS ${mib(m.rssBaselineBytes)} MiB alone, ${mib(m.rssIdleBytes)} MiB with ${m.memoryConnections} idle connections, ` +
    `${mib(m.rssSubscribedBytes)} MiB with ${m.memorySubscribed} subscribed to the book and trades → ` +
    `${(Number(m.bytesPerIdleConnection) / 1024).toFixed(1)} KiB per idle connection, ${(Number(m.bytesPerSubscribedConnection) / 1024).toFixed(1)} KiB per subscribed one`
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

const runFanout = o.only === undefined || o.only === 'fanout';
const runOrders = o.only === undefined || o.only === 'orders';
const runMemory = o.only === 'memory';
const progress = (line: string) => console.log(`bench: ${line}`);

let server: Running | undefined;
const cluster: Running[] = [];
try {
  progress('building the server');
  await build({ configFile: join(ROOT, 'sync-server', 'vite.config.ts'), logLevel: 'warn' });
  server = await startServer('full');
  progress(`single process at ${server.url}`);
  let fanout: Record<string, unknown> | undefined;
  let orders: Record<string, unknown> | undefined;
  let durability: Record<string, unknown> = {};
  let memory: Record<string, unknown> = {};
  if (runFanout) {
    progress(`fan-out, single process: ${o.clients} clients`);
    fanout = await load('load-fanout.ts', [...fanoutArgs([server.url]), ...pids([['single', server.child]])]);
    console.log(fanoutLine('single process', fanout, 'single'));
  }
  if (runOrders) {
    const schedule = syncSchedule(o.syncPasses);
    const runs: Record<Sync, Record<string, unknown>[]> = { full: [], normal: [] };
    const passes: { sync: Sync; ordersPerSec: unknown; ackP99Ms: unknown }[] = [];
    for (const [i, sync] of schedule.entries()) {
      if (i > 0) {
        await stopServer(server.child);
        server = await startServer(sync);
      }
      progress(`orders, single process, pass ${i + 1}/${schedule.length}: ${o.orderClients} traders`);
      const r = await load('load-orders.ts', [...ordersArgs([server.url], true), ...pids([['single', server.child]])]);
      runs[sync].push(r);
      passes.push({ sync, ordersPerSec: r.ordersPerSec, ackP99Ms: r.ackP99Ms });
      console.log(ordersLine(`single process, synchronous=${sync.toUpperCase()}, pass ${i + 1}/${schedule.length}`, r));
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
  if (runMemory && o.gateways === 0) {
    progress(`memory, single process: ${o.memoryClients} connections`);
    memory = await load('load-memory.ts', [
      ...['--url', server.url, '--pid', String(server.child.pid), '--clients', String(o.memoryClients)],
    ]);
    console.log(memoryLine('single process', memory));
  }
  await stopServer(server.child);

  let clusterFanout: Record<string, unknown> | undefined;
  let clusterOrders: Record<string, unknown> | undefined;
  if (o.gateways > 0) {
    progress('cluster: starting nats-server');
    nats = await startNatsServer();
    const core = await startServer('full', { natsUrl: nats.url, role: 'core', name: 'core' });
    cluster.push(core);
    for (let i = 1; i <= o.gateways; i++)
      cluster.push(await startServer('full', { natsUrl: nats.url, role: 'gateway', name: `gateway${i}` }));
    const gateways = cluster.slice(1);
    const urls = gateways.map((g) => g.url);
    const roles = pids([
      ['core', core.child],
      ...gateways.map((g): [string, ChildProcess] => ['gateway', g.child]),
      ['nats', nats.proc],
    ]);
    progress(`cluster: nats-server ${nats.url}, core ${core.url}, gateways ${urls.join(' ')}`);
    if (runFanout) {
      progress(`fan-out, cluster: ${o.clients} clients across ${o.gateways} gateways`);
      clusterFanout = await load('load-fanout.ts', [...fanoutArgs(urls), ...roles]);
      console.log(fanoutLine(`cluster, ${o.gateways} gateways`, clusterFanout, 'gateway'));
    }
    if (runOrders) {
      progress(`orders, cluster: ${o.orderClients} traders across ${o.gateways} gateways`);
      clusterOrders = await load('load-orders.ts', [...ordersArgs(urls, true), '--journal-url', core.url, ...roles]);
      console.log(ordersLine(`cluster, ${o.gateways} gateways, synchronous=FULL`, clusterOrders));
    }
    if (runMemory) {
      progress(`memory, one gateway: ${o.memoryClients} connections`);
      memory = await load('load-memory.ts', [
        ...['--url', gateways[0].url, '--pid', String(gateways[0].child.pid), '--clients', String(o.memoryClients)],
      ]);
      console.log(memoryLine('one gateway', memory));
    }
    for (const c of cluster.reverse()) await stopServer(c.child);
    await nats.stop();
    nats = undefined;
  }

  let floorFanout: Record<string, unknown> | undefined;
  let floorOrders: Record<string, unknown> | undefined;
  let floor: Record<string, unknown> = {};
  if (o.floor && !runMemory) {
    const bare = await listening(['sync-server/bench/transport-floor.ts'], 'floor');
    try {
      if (runFanout) {
        progress(`fan-out, transport floor: ${o.clients} clients`);
        const r = await load('load-fanout.ts', [...fanoutArgs([bare.url]), ...pids([['floor', bare.child]])]);
        floorFanout = r;
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
            `connect p99 ${r.connectP99Ms} ms; delivery p50 ${r.deliveryP50Ms} ms p99 ${r.deliveryP99Ms} ms; ` +
            `CPU per delivery ${deliveryCost(r, 'floor').microsPerDelivery.floor} µs, ${deliveryCost(r, 'floor').deliveriesPerCpuSec} deliveries per CPU-second`,
        );
      }
      if (runOrders) {
        progress(`orders, transport floor: ${o.orderClients} clients`);
        const r = await load('load-orders.ts', [...ordersArgs([bare.url], false), ...pids([['floor', bare.child]])]);
        floorOrders = r;
        floor = {
          ...floor,
          floorOrdersPerSec: r.ordersPerSec,
          floorAckP99Ms: r.ackP99Ms,
          floorServerCpuMicrosPerOrder: r.serverCpuMicrosPerOrder,
          floorLoadCpuMicrosPerOrder: r.loadCpuMicrosPerOrder,
        };
        console.log(
          `transport floor, orders (bare ws server acking at once, same load): ${r.ordersPerSec} acks/s, ack p99 ${r.ackP99Ms} ms; CPU per ack: server ` +
            `${r.serverCpuMicrosPerOrder} µs, load generator ${r.loadCpuMicrosPerOrder} µs` +
            (orders
              ? ` → the single process reaches ${Math.round((Number(orders.ordersPerSec) / Number(r.ordersPerSec)) * 100)}% of the floor`
              : ''),
        );
      }
    } finally {
      await stopServer(bare.child);
    }
  }
  const added = summary({
    fanout,
    orders,
    floorFanout,
    floorOrders,
    clusterFanout,
    clusterOrders,
    gateways: o.gateways,
  });
  const ratio = (a: unknown, b: unknown) => (Number(a) / Number(b)).toFixed(2);
  if (orders && floorOrders)
    console.log(
      `CPU per order: single process ${added.serverCpuMicrosPerOrder} µs = ${ratio(added.serverCpuMicrosPerOrder, added.floorServerCpuMicrosPerOrder)}× the floor's ${added.floorServerCpuMicrosPerOrder} µs` +
        (clusterOrders
          ? `; cluster (all roles) ${added.clusterServerCpuMicrosPerOrder} µs = ${added.clusterToSingleCpuPerOrder}× the single process`
          : ''),
    );
  if (fanout && floorFanout)
    console.log(
      `deliveries per CPU-second: single process ${added.gatewayDeliveriesPerCpuSec}, floor ${added.floorDeliveriesPerCpuSec}` +
        (clusterFanout
          ? `; gateways ${added.clusterGatewayDeliveriesPerCpuSec} (${added.clusterToSingleDeliveriesPerCpuSec}× the single process), all cluster roles ${added.clusterDeliveriesPerCpuSec}`
          : ''),
    );
  // Each load's CPU by role under its own name (both loads report `cpuByRole`).
  const { cpuByRole: fanoutCpuByRole, ...fanoutKeys } = fanout ?? {};
  const { cpuByRole: ordersCpuByRole, ...ordersKeys } = orders ?? {};
  console.log(
    JSON.stringify({
      ...fanoutKeys,
      ...ordersKeys,
      ...durability,
      ...floor,
      ...memory,
      ...(fanout && { fanoutCpuByRole }),
      ...(orders && { ordersCpuByRole }),
      ...added,
    }),
  );
} catch (err) {
  console.error(`bench failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  if (server) await stopServer(server.child);
  for (const c of cluster) await stopServer(c.child);
  await nats?.stop();
  cleanUp();
  clearTimeout(deadline);
}
