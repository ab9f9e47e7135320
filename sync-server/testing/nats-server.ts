/**
 * A `nats-server` with JetStream for the cluster tests: its own process on a free 127.0.0.1 port with a store
 * in a temporary directory, stopped (and the store removed) by `stop()`. No service on the machine is assumed.
 * Where no nats-server can be had (`natsServerPath()` is undefined) the tests that need one skip, naming why;
 * `npm test` installs Debian's package first where it can (build/scripts/find-nats-server.mjs).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CANDIDATES = [
  process.env.NATS_SERVER_PATH,
  '/usr/sbin/nats-server',
  '/usr/bin/nats-server',
  '/usr/local/bin/nats-server',
];

/** The nats-server executable, or undefined when none is installed. */
export function natsServerPath(): string | undefined {
  return CANDIDATES.find((p): p is string => !!p && existsSync(p));
}

/** Why the cluster tests skip here, or undefined when they can run. */
export const NO_NATS_SERVER = natsServerPath()
  ? undefined
  : "no nats-server installed (npm test installs Debian's package when run as root; or set NATS_SERVER_PATH)";

export interface NatsServer {
  url: string;
  port: number;
  proc: ChildProcess;
  /** Kills it (SIGKILL) and keeps its store, as a crash would. */
  kill(): Promise<void>;
  /** Starts it again on the same port and store (after `kill`). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A port free on 127.0.0.1 just now (nats-server takes no port 0 and says nothing of the one it picked). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

interface Running {
  proc: ChildProcess;
  exited: Promise<number | null>;
}

/** Runs nats-server on the port with JetStream in the store; undefined (and the log) if it did not come up. */
async function run(bin: string, port: number, store: string, startTimeoutMs: number): Promise<Running | string> {
  const proc = spawn(bin, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), startTimeoutMs);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Server is ready')) {
        clearTimeout(timer);
        resolve(true);
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  if (ready) return { proc, exited };
  proc.kill('SIGKILL');
  await exited;
  return log;
}

/** Starts nats-server with JetStream; resolves once it accepts clients. */
export async function startNatsServer(startTimeoutMs = 20_000): Promise<NatsServer> {
  const bin = natsServerPath();
  if (!bin) throw new Error(NO_NATS_SERVER);
  // Its own temporary folder, not the server harness's: the e2e specs start one too, without the server's modules.
  const storePath = mkdtempSync(join(tmpdir(), 'nats-store-'));
  const store = { path: storePath, remove: () => rmSync(storePath, { recursive: true, force: true }) };
  // A port taken between the probe and the bind makes the server exit: try a few times.
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const r = await run(bin, port, store.path, startTimeoutMs);
    if (typeof r === 'string') {
      if (attempt < 2) continue;
      store.remove();
      throw new Error(`nats-server did not start: ${r}`);
    }
    let current: Running = r;
    const alive = () => current.proc.exitCode === null && current.proc.signalCode === null;
    const server: NatsServer = {
      url: `nats://127.0.0.1:${port}`,
      port,
      proc: current.proc,
      kill: async () => {
        if (alive()) current.proc.kill('SIGKILL');
        await current.exited;
      },
      restart: async () => {
        const again = await run(bin, port, store.path, startTimeoutMs);
        if (typeof again === 'string') throw new Error(`nats-server did not start again: ${again}`);
        current = again;
        server.proc = again.proc;
      },
      stop: async () => {
        if (alive()) current.proc.kill('SIGTERM');
        await current.exited;
        store.remove();
      },
    };
    return server;
  }
}
