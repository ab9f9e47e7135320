/**
 * `npm run server`: starts the sync server.
 *
 *   --host 127.0.0.1   (SYNC_HOST)      address to bind
 *   --port 7780        (SYNC_PORT)      port
 *   --data-dir DIR     (SYNC_DATA_DIR)  where server.db and markets.db live (default ./sync-data)
 *   --markets FILE     (SYNC_MARKETS)   markets and grant policy (default sync-server/markets.json)
 *   --log-level info   (SYNC_LOG_LEVEL)
 *   --ws-rate 50:100   (SYNC_WS_RATE)     messages/s per connection : burst
 *   --order-rate 200:400 (SYNC_ORDER_RATE) orders/s per account : burst
 *   --mark-interval-ms 3600000 (SYNC_MARK_INTERVAL_MS)   how often equity is marked and the leaderboards re-ranked
 *   --min-trades 5     (SYNC_MIN_TRADES)        fills within a period to appear on its leaderboard
 *   --min-account-age-ms 86400000 (SYNC_MIN_ACCOUNT_AGE_MS) account age to appear on a leaderboard
 *   --schedule-every-ms 60000 (SYNC_SCHEDULE_EVERY_MS) how often copy settlement and stop-loss checks run
 *   --liquidity on|off (SYNC_LIQUIDITY)  run the markets file's liquidity provider (simulated traders trading as
 *                                        labelled accounts) or not; default: the file's `liquidity.enabled`
 *   --sync full        (SYNC_SYNCHRONOUS) `full`: an acknowledged order survives power loss (each group commit is
 *                                         synced); `normal`: only a crash of the process (for measuring the cost)
 *
 * Limits on what clients can hold or make the server do (config.ts ServerLimits says each in full):
 *   --ws-per-ip 256            (SYNC_WS_PER_IP)          WebSocket connections per client address (IPv6: per /64)
 *   --ws-max N                 (SYNC_WS_MAX)             WebSocket connections in all; default: the open-file limit
 *                                                        less 1,024. At the cap the longest idle one makes room
 *   --ws-idle-ms 15000         (SYNC_WS_IDLE_MS)         close a connection that neither signs in nor subscribes
 *   --ws-heartbeat-ms 30000    (SYNC_WS_HEARTBEAT_MS)    ping interval; a connection silent for one is cut
 *   --connections N            (SYNC_CONNECTIONS)        TCP connections in all; default: the open-file limit less
 *                                                        256. At the cap the longest idle one makes room
 *   --http-idle-ms 15000       (SYNC_HTTP_IDLE_MS)       close a connection with no HTTP request in progress
 *   --http-rate 1200:60000     (SYNC_HTTP_RATE)          HTTP requests per client address : per window of ms
 *   --http-account-rate 600:60000 (SYNC_HTTP_ACCOUNT_RATE) HTTP requests per signed-in account : per window of ms
 *   --practice-quota 20000:16777216 (SYNC_PRACTICE_QUOTA) practice-backup entries : bytes per account
 *   --notifications-kept 1000  (SYNC_NOTIFICATIONS_KEPT) notifications kept per account (oldest deleted first)
 *   --sessions-per-account 10  (SYNC_SESSIONS_PER_ACCOUNT) live sign-ins per account (a new one signs out the oldest)
 *
 * A cluster (docs/cluster.md): one core and any number of gateways joined by a NATS server with JetStream.
 *   --nats nats://HOST:4222 (SYNC_NATS)   the NATS server
 *   --role core|gateway     (SYNC_ROLE)   core: the markets, accounts and journal of this data directory;
 *                                         gateway: WebSocket and HTTP for clients, no data directory of its own
 * Without --nats the server runs alone, as it always has.
 *
 * SIGTERM/SIGINT: stop accepting, close connections with a reason, commit what is pending, close the files.
 *
 * Errors: an exception nobody caught or a promise rejection nobody handled is a bug. It is logged (JSON, with
 * its stack) and the process exits 1 at once, so a supervisor restarts it into recovery from the journal; it is
 * never swallowed to leave a server running in a state nobody planned. Exiting at once loses nothing a client
 * was told: an order is acknowledged only after its commit. A store that cannot go on (see `fatal` in app.ts)
 * also ends in exit 1, after closing what can be closed.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { startSyncServer } from './app';
import { startGatewayNode } from './cluster/gateway-node';
import { DEFAULT_MARKETS_FILE, defaultConfig, loadMarketsFile } from './config';

const { values } = parseArgs({
  options: {
    host: { type: 'string' },
    port: { type: 'string' },
    'data-dir': { type: 'string' },
    markets: { type: 'string' },
    'log-level': { type: 'string' },
    'ws-rate': { type: 'string' },
    'order-rate': { type: 'string' },
    'mark-interval-ms': { type: 'string' },
    'min-trades': { type: 'string' },
    'min-account-age-ms': { type: 'string' },
    'schedule-every-ms': { type: 'string' },
    liquidity: { type: 'string' },
    sync: { type: 'string' },
    'ws-per-ip': { type: 'string' },
    'ws-max': { type: 'string' },
    'ws-idle-ms': { type: 'string' },
    'ws-heartbeat-ms': { type: 'string' },
    connections: { type: 'string' },
    'http-idle-ms': { type: 'string' },
    'http-rate': { type: 'string' },
    'http-account-rate': { type: 'string' },
    'practice-quota': { type: 'string' },
    'notifications-kept': { type: 'string' },
    'sessions-per-account': { type: 'string' },
    nats: { type: 'string' },
    role: { type: 'string' },
  },
});
const env = process.env;
const logLevel = values['log-level'] ?? env.SYNC_LOG_LEVEL ?? 'info';
const processLog = pino({ level: logLevel });
process.on('uncaughtException', (err, origin) => {
  processLog.fatal({ err, origin }, 'uncaught exception: exiting');
  process.exit(1);
});
process.on('unhandledRejection', (reason) => {
  processLog.fatal({ err: reason }, 'unhandled promise rejection: exiting');
  process.exit(1);
});
const port = Number(values.port ?? env.SYNC_PORT ?? 7780);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`--port must be 0..65535, got ${values.port ?? env.SYNC_PORT}`);
  process.exit(2);
}
/** "perSecond:burst" (burst defaults to twice the rate); undefined keeps the default. */
function rate(flag: string, value: string | undefined): { perSecond: number; burst: number } | undefined {
  if (value === undefined) return undefined;
  const [perSecond, burst = perSecond * 2] = value.split(':').map(Number);
  if (!Number.isInteger(perSecond) || !Number.isInteger(burst) || perSecond < 1 || burst < 1) {
    console.error(`--${flag} must be PER_SECOND[:BURST] with positive integers, got ${value}`);
    process.exit(2);
  }
  return { perSecond, burst };
}
const wsRate = rate('ws-rate', values['ws-rate'] ?? env.SYNC_WS_RATE);
const accountOrderRate = rate('order-rate', values['order-rate'] ?? env.SYNC_ORDER_RATE);
/** A non-negative whole number, or undefined to keep the default. */
function whole(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) {
    console.error(`--${flag} must be a non-negative whole number, got ${value}`);
    process.exit(2);
  }
  return n;
}
const ranking = {
  markIntervalMs: whole('mark-interval-ms', values['mark-interval-ms'] ?? env.SYNC_MARK_INTERVAL_MS),
  minTrades: whole('min-trades', values['min-trades'] ?? env.SYNC_MIN_TRADES),
  minAccountAgeMs: whole('min-account-age-ms', values['min-account-age-ms'] ?? env.SYNC_MIN_ACCOUNT_AGE_MS),
};
/** A positive whole number, or undefined to keep the default. */
function positive(flag: string, value: string | undefined): number | undefined {
  const n = whole(flag, value);
  if (n === 0) {
    console.error(`--${flag} must be at least 1`);
    process.exit(2);
  }
  return n;
}
/** "A:B", two positive whole numbers, or undefined to keep the default. */
function pair(flag: string, value: string | undefined): [number, number] | undefined {
  if (value === undefined) return undefined;
  const [a, b] = value.split(':');
  if (b === undefined) {
    console.error(`--${flag} must be two numbers joined by ':', got ${value}`);
    process.exit(2);
  }
  return [positive(flag, a)!, positive(flag, b)!];
}
const flag = (name: string, envName: string) => (values as Record<string, string | undefined>)[name] ?? env[envName];
const httpPerIp = pair('http-rate', flag('http-rate', 'SYNC_HTTP_RATE'));
const httpPerAccount = pair('http-account-rate', flag('http-account-rate', 'SYNC_HTTP_ACCOUNT_RATE'));
const practiceQuota = pair('practice-quota', flag('practice-quota', 'SYNC_PRACTICE_QUOTA'));
const limits = Object.fromEntries(
  Object.entries({
    wsConnectionsPerIp: positive('ws-per-ip', flag('ws-per-ip', 'SYNC_WS_PER_IP')),
    wsConnections: positive('ws-max', flag('ws-max', 'SYNC_WS_MAX')),
    wsIdleMs: positive('ws-idle-ms', flag('ws-idle-ms', 'SYNC_WS_IDLE_MS')),
    wsHeartbeatMs: positive('ws-heartbeat-ms', flag('ws-heartbeat-ms', 'SYNC_WS_HEARTBEAT_MS')),
    connections: positive('connections', flag('connections', 'SYNC_CONNECTIONS')),
    httpIdleMs: positive('http-idle-ms', flag('http-idle-ms', 'SYNC_HTTP_IDLE_MS')),
    httpPerIp: httpPerIp && { max: httpPerIp[0], windowMs: httpPerIp[1] },
    httpPerAccount: httpPerAccount && { max: httpPerAccount[0], windowMs: httpPerAccount[1] },
    practiceEntries: practiceQuota?.[0],
    practiceBytes: practiceQuota?.[1],
    notifications: positive('notifications-kept', flag('notifications-kept', 'SYNC_NOTIFICATIONS_KEPT')),
    sessions: positive('sessions-per-account', flag('sessions-per-account', 'SYNC_SESSIONS_PER_ACCOUNT')),
  }).filter(([, v]) => v !== undefined),
);
const scheduleEveryMs = whole('schedule-every-ms', values['schedule-every-ms'] ?? env.SYNC_SCHEDULE_EVERY_MS);
const synchronous = values.sync ?? env.SYNC_SYNCHRONOUS ?? 'full';
if (synchronous !== 'full' && synchronous !== 'normal') {
  console.error(`--sync must be full or normal, got ${synchronous}`);
  process.exit(2);
}
const file = loadMarketsFile(resolve(values.markets ?? env.SYNC_MARKETS ?? DEFAULT_MARKETS_FILE));
const liquidityFlag = values.liquidity ?? env.SYNC_LIQUIDITY;
if (liquidityFlag !== undefined && liquidityFlag !== 'on' && liquidityFlag !== 'off') {
  console.error(`--liquidity must be on or off, got ${liquidityFlag}`);
  process.exit(2);
}
if (liquidityFlag === 'on' && !file.liquidity) {
  console.error('--liquidity on: the markets file has no liquidity section (sync-server/markets.json has one to copy)');
  process.exit(2);
}
const natsUrl = flag('nats', 'SYNC_NATS');
const role = flag('role', 'SYNC_ROLE') ?? (natsUrl ? undefined : 'single');
if (role !== undefined && role !== 'single' && role !== 'core' && role !== 'gateway') {
  console.error(`--role ${role}: the roles are core and gateway (with --nats URL); without either, one process`);
  process.exit(2);
}
if ((role === 'core' || role === 'gateway') !== (natsUrl !== undefined)) {
  console.error('a cluster needs both --nats URL and --role core|gateway (neither runs the server alone)');
  process.exit(2);
}
const config = defaultConfig({
  host: values.host ?? env.SYNC_HOST ?? '127.0.0.1',
  port,
  dataDir: resolve(values['data-dir'] ?? env.SYNC_DATA_DIR ?? 'sync-data'),
  markets: file.markets,
  grant: file.grant,
  liquidity: file.liquidity && {
    ...file.liquidity,
    enabled: liquidityFlag === undefined ? file.liquidity.enabled : liquidityFlag === 'on',
  },
  logLevel,
  synchronous,
  ...(wsRate && { wsRate }),
  ...(accountOrderRate && { accountOrderRate }),
  ranking: Object.fromEntries(Object.entries(ranking).filter(([, v]) => v !== undefined)),
  ...(scheduleEveryMs !== undefined && { scheduleEveryMs }),
  limits,
  ...(role === 'core' && { natsUrl }),
});
if (role === 'gateway') {
  const node = await startGatewayNode(config, natsUrl!);
  console.error(`sync server: ${node.url} (WebSocket ${node.wsUrl}) gateway`);
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.once(signal, () => void node.close().then(() => process.exit(0)));
} else {
  await runServer();
}

async function runServer(): Promise<void> {
  const server = await startSyncServer(config);
  console.error(`sync server: ${server.url} (WebSocket ${server.wsUrl})${role === 'core' ? ' core' : ''}`);
  void server.fatal.then(async () => {
    // Already logged with its reason. Close what can be closed (a failed close must not keep the process up).
    const deadline = setTimeout(() => process.exit(1), 10_000);
    try {
      await server.close();
    } catch (err) {
      processLog.error({ err }, 'closing after a fatal store failure failed');
    }
    clearTimeout(deadline);
    process.exit(1);
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void server.close().then(() => process.exit(0));
    });
  }
}
