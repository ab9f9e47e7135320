/**
 * Starts web mode: the app host plus the web bridge, in one Node process.
 *   tsx engine/host/web-main.ts [--port 7777] [--host 127.0.0.1] [--data-dir DIR]
 * Environment: LPJ_PORT, LPJ_HOST, LPJ_DATA_DIR.
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

const appVersion = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
const host = AppHost.open({ dataDir, appVersion, mode: 'web' });
const bridge = await startWebBridge({ host, staticDir, hostname, port });
if (hostname !== '127.0.0.1' && hostname !== 'localhost' && hostname !== '::1') {
  console.warn(`warning: listening on ${hostname}, reachable from other machines; the local engine has no login`);
}
console.log(`Playground 777 (web mode) is running: open ${bridge.url}`);
console.log(`data folder: ${dataDir}`);

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
