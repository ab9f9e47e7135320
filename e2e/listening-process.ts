/**
 * Starting one of the project's Node programs (web mode, the sync server) the way a user or operator would,
 * and reading the address it prints once it listens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface ListeningProcess {
  url: string;
  process: ChildProcess;
}

/** The sync server as `npm run server` runs it: built JavaScript (e2e/build-server.ts builds it before the specs). */
export const SYNC_SERVER_MAIN = 'out/sync-server/main.js';

/**
 * Runs `node <args>` from the project root (with the tsx loader when the program is TypeScript source, as
 * `npm run web` does) and resolves with the first URL its output matches (`printed` captures it); rejects with
 * that output if it exits first or prints nothing within 30 s.
 */
export function startListening(
  args: string[],
  printed: RegExp,
  what: string,
  env: Record<string, string> = {},
): Promise<ListeningProcess> {
  const loader = args[0].endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...loader, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let output = '';
  return new Promise<ListeningProcess>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start in 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = printed.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl({ url: match[1], process: child });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}:\n${output}`));
    });
  });
}
