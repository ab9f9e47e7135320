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
 *
 * SIGTERM/SIGINT: stop accepting, close connections with a reason, commit what is pending, close the files.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startSyncServer } from './app';
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
  },
});
const env = process.env;
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
const scheduleEveryMs = whole('schedule-every-ms', values['schedule-every-ms'] ?? env.SYNC_SCHEDULE_EVERY_MS);
const file = loadMarketsFile(resolve(values.markets ?? env.SYNC_MARKETS ?? DEFAULT_MARKETS_FILE));
const server = await startSyncServer(
  defaultConfig({
    host: values.host ?? env.SYNC_HOST ?? '127.0.0.1',
    port,
    dataDir: resolve(values['data-dir'] ?? env.SYNC_DATA_DIR ?? 'sync-data'),
    markets: file.markets,
    grant: file.grant,
    logLevel: values['log-level'] ?? env.SYNC_LOG_LEVEL ?? 'info',
    ...(wsRate && { wsRate }),
    ...(accountOrderRate && { accountOrderRate }),
    ranking: Object.fromEntries(Object.entries(ranking).filter(([, v]) => v !== undefined)),
    ...(scheduleEveryMs !== undefined && { scheduleEveryMs }),
  }),
);
console.error(`sync server: ${server.url} (WebSocket ${server.wsUrl})`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}
