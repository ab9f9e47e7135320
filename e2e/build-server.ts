/**
 * Playwright's global set-up: builds the sync server (`npm run build:server`) before any spec starts one, so the
 * specs run the JavaScript `npm run server` runs, and never a bundle older than the source beside it.
 */
import { join } from 'node:path';
import { build } from 'vite';
import { root } from './fixtures';

export default async function buildSyncServer(): Promise<void> {
  await build({ configFile: join(root, 'sync-server', 'vite.config.ts'), logLevel: 'warn' });
}
