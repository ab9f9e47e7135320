/**
 * A sync server for the live-market specs: `sync-server/main.ts` started the way an operator would, on a free
 * port with a fresh data folder and a markets file that grants every new account both KRW and LPJ (so one
 * player can sell to another right after signing up).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './fixtures';
import { startListening } from './listening-process';

export interface TestSyncServer {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** 10,000,000 KRW and 100 LPJ (1e8 units each) for every new account. */
export const GRANT = { KRW: 10_000_000, LPJ: 100 * 100_000_000 };

/** `flags` are passed to `sync-server/main.ts` as an operator would (e.g. a shorter ranking schedule). */
export async function startTestSyncServer(flags: string[] = []): Promise<TestSyncServer> {
  const dir = mkdtempSync(join(tmpdir(), 'lpj-e2e-sync-'));
  const shipped = JSON.parse(readFileSync(join(root, 'sync-server', 'markets.json'), 'utf8')) as { markets: unknown[] };
  const marketsFile = join(dir, 'markets.json');
  writeFileSync(marketsFile, JSON.stringify({ markets: shipped.markets, grant: GRANT }));
  const { url, process: child } = await startListening(
    ['sync-server/main.ts', '--port', '0', '--data-dir', join(dir, 'data'), '--markets', marketsFile, '--log-level', 'warn', ...flags],
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
