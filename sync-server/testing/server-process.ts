/**
 * The sync server as its own process (sync-server/main.ts under tsx), for tests that kill it, signal it or
 * restart it on the same data directory: started on a free port, ready once it prints where it listens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const MAIN = resolve(import.meta.dirname, '..', 'main.ts');

export interface ServerProcess {
  proc: ChildProcess;
  url: string;
  wsUrl: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything it has written to stderr so far. */
  stderr: () => string;
  /** Everything it has written to stdout (its JSON log) so far. */
  stdout: () => string;
}

/**
 * Starts main.ts with `--port 0 --data-dir <dataDir> --log-level warn` and `args` (and `env` beside this one's), and waits for the line that
 * says where it listens. The process is pushed to `children` at once, so the caller can kill whatever is left.
 */
export function startServerProcess(
  dataDir: string,
  children: ChildProcess[],
  args: readonly string[] = [],
  startTimeoutMs = 30_000,
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', MAIN, '--port', '0', '--data-dir', dataDir, '--log-level', 'warn', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
  );
  children.push(proc);
  let err = '';
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    proc.on('exit', (code, signal) => r({ code, signal })),
  );
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`the server did not start within ${startTimeoutMs} ms: ${err}`));
    }, startTimeoutMs);
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (chunk: string) => {
      err += chunk;
      const m = /sync server: (http:\/\/\S+) \(WebSocket (ws:\/\/\S+)\)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolvePromise({ proc, url: m[1], wsUrl: m[2], exited, stderr: () => err, stdout: () => out });
      }
    });
    proc.stdout!.setEncoding('utf8');
    proc.stdout!.on('data', (chunk: string) => (out += chunk));
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code ?? signal}) before listening: ${err}`));
    });
  });
}
