/**
 * A sync server for the live-market specs: `sync-server/main.ts` started the way an operator would, on a free
 * port with a fresh data folder and the shipped markets file (which grants every new account both KRW and LPJ,
 * so one player can sell to another right after signing up).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './fixtures';
import { startListening } from './listening-process';

export interface TestSyncServer {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** What the shipped markets file grants every new account (KRW and LPJ in minimal units). */
export const GRANT = (JSON.parse(readFileSync(join(root, 'sync-server', 'markets.json'), 'utf8')) as { grant: { KRW: number; LPJ: number } }).grant;

/** `flags` are passed to `sync-server/main.ts` as an operator would (e.g. a shorter ranking schedule). */
export async function startTestSyncServer(flags: string[] = []): Promise<TestSyncServer> {
  const dir = mkdtempSync(join(tmpdir(), 'lpj-e2e-sync-'));
  const { url, process: child } = await startListening(
    ['sync-server/main.ts', '--port', '0', '--data-dir', join(dir, 'data'), '--log-level', 'warn', ...flags],
    /sync server: (http:\/\/\S+)/,
    'sync server',
  );
  return {
    url,
    process: child,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
