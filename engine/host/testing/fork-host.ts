/**
 * The desktop host process (../host-process.ts) forked under Node with an IPC channel, the way its tests and
 * the relay's drive it. Messages go by structured clone (`serialization: 'advanced'`), as Electron's
 * utilityProcess sends them. The sync server it would reach by default is pointed at a closed port, so a
 * test never talks to a server someone happens to run on this machine.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const HOST_PROCESS_ENTRY = resolve(import.meta.dirname, '../host-process.ts');

export interface ForkedHost {
  process: ChildProcess;
  /** Every message the host has sent, in order. */
  received: unknown[];
  /** What it wrote to stderr. */
  stderr(): string;
  send(message: unknown): void;
  /** Settles when the process has ended: its exit code, or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The process as the relay drives it (electron/main/host-relay.ts's HostChild). */
  asChild(): {
    postMessage(message: unknown): void;
    onMessage(listener: (message: unknown) => void): void;
    onExit(listener: (how: number | string | null) => void): void;
    kill(): void;
  };
}

export function forkHost(env: NodeJS.ProcessEnv = {}): ForkedHost {
  const child = fork(HOST_PROCESS_ENTRY, [], {
    execArgv: ['--import', 'tsx'],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, LPJ_SYNC_URL: 'http://127.0.0.1:9', ...env },
  });
  const received: unknown[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.on('message', (m) => received.push(m));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  // A message to a process that has just died is dropped, as Electron drops it.
  const send = (message: unknown) => {
    if (child.connected) child.send(message as object, () => {});
  };
  return {
    process: child,
    received,
    stderr: () => stderr,
    send,
    exited,
    asChild: () => ({
      postMessage: send,
      onMessage: (listener) => void child.on('message', listener),
      onExit: (listener) => void exited.then(({ code, signal }) => listener(code ?? signal)),
      kill: () => void child.kill(),
    }),
  };
}
