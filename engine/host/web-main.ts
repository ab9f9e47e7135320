/**
 * Starts web mode: the app host plus the web bridge, in one Node process.
 *   tsx engine/host/web-main.ts [--port 7777] [--host 127.0.0.1] [--data-dir DIR]
 *     [--practice-pace TICKS_PER_S] [--practice-publish-ms MS]
 * Environment: LPJ_PORT, LPJ_HOST, LPJ_DATA_DIR, LPJ_PRACTICE_PACE, LPJ_PRACTICE_PUBLISH_MS.
 *
 * The bridge answers only to its own names (127.0.0.1, localhost, [::1] on its port, and --host when given)
 * and lets in only the page it served (see ./web-bridge).
 *
 * The practice settings drive the offline LPJ market harder than a user would see it, for load tests of the
 * UI (npm run bench:ui): the pace is the simulated traders' ticks per second (0-1000; 0 = no traders;
 * default 2), the publish interval the least time between two `practice.update` pushes (1-10000 ms;
 * default 100). Left unset, the host's defaults apply.
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AppHost } from './app-host';
import { defaultUserDataDir } from './user-data-dir';
import { startWebBridge } from './web-bridge';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'data-dir': { type: 'string' },
    'static-dir': { type: 'string' },
    'practice-pace': { type: 'string' },
    'practice-publish-ms': { type: 'string' },
  },
});

const port = Number(values.port ?? process.env.LPJ_PORT ?? 7777);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`invalid port "${values.port ?? process.env.LPJ_PORT}": expected an integer 0-65535`);
  process.exit(2);
}
const hostname = values.host ?? process.env.LPJ_HOST ?? '127.0.0.1';
const dataDir = resolve(values['data-dir'] ?? process.env.LPJ_DATA_DIR ?? defaultUserDataDir());
const staticDir = resolve(values['static-dir'] ?? join(root, 'out/renderer'));
if (!existsSync(join(staticDir, 'index.html'))) {
  console.error(`no built renderer in ${staticDir}: run "npm run build:renderer" first`);
  process.exit(2);
}

/** A number option from its flag or environment variable; undefined when neither is set, exit 2 when invalid. */
function numberOption(
  flag: string,
  envName: string,
  valid: (n: number) => boolean,
  expected: string,
): number | undefined {
  const raw = (values as Record<string, string | undefined>)[flag] ?? process.env[envName];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!valid(n)) {
    console.error(`invalid --${flag} / ${envName} "${raw}": expected ${expected}`);
    process.exit(2);
  }
  return n;
}
// The simulator driver accepts (0, 1000] ticks per second; 0 here means no simulated traders at all.
const practicePace = numberOption(
  'practice-pace',
  'LPJ_PRACTICE_PACE',
  (n) => Number.isFinite(n) && n >= 0 && n <= 1000,
  'a number of ticks per second, 0-1000',
);
const practicePublishMs = numberOption(
  'practice-publish-ms',
  'LPJ_PRACTICE_PUBLISH_MS',
  (n) => Number.isInteger(n) && n >= 1 && n <= 10_000,
  'an integer number of milliseconds, 1-10000',
);

const appVersion = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
const host = AppHost.open({
  dataDir,
  appVersion,
  mode: 'web',
  practice: {
    ...(practicePace !== undefined && { ticksPerSecond: practicePace }),
    ...(practicePublishMs !== undefined && { publishEveryMs: practicePublishMs }),
  },
});
const bridge = await startWebBridge({ host, staticDir, hostname, port });
if (hostname !== '127.0.0.1' && hostname !== 'localhost' && hostname !== '::1') {
  // The bridge admits the page it serves under this address (with its key), whoever loads it.
  console.warn(
    `warning: listening on ${hostname}: anyone who can reach this address can open the app and trade, sign in and copy as you`,
  );
}
console.log(`Playground 777 (web mode) is running: open ${bridge.url}`);
console.log(`data folder: ${dataDir}`);
if (practicePace !== undefined || practicePublishMs !== undefined) {
  console.log(
    `practice market: ${practicePace ?? 'default'} ticks/s, updates at most every ${practicePublishMs ?? 'default'} ms`,
  );
}

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await bridge.close();
  host.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
