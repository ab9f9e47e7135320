/**
 * The app host behind a message port: the host side of the desktop app's host process, speaking the messages
 * of engine/protocol/host-channel.ts over anything that can post a message and receive one (Electron's
 * parentPort in the app, a Node IPC channel in tests). The process around it is ./host-process.ts.
 *
 * Rules:
 * - Every message is validated (ToHost); one that is not valid is answered with an error response (under its
 *   id when it has one) and changes nothing. Nothing the port delivers can make this code throw.
 * - The first `start` opens the host and is answered `ready` (with its health) or `failed` (with the reason);
 *   a later `start` is refused. Until the host is open, and after it failed to open, requests are answered
 *   NOT_READY.
 * - Every host event goes out as a push frame, already validated by the host.
 * - `shutdown` closes the host (its databases are closed cleanly) and then ends the process.
 */
import { errorBody, type ApiErrorBody } from '../protocol/errors';
import { ToHost, type FromHost, type HostStart } from '../protocol/host-channel';
import type { ResponseFrame } from '../protocol/wire';
import { AppHost } from './app-host';
import { answerRequest, malformedFrame } from './request-frames';

/** What the host needs of a port: post a message, hear messages. */
export interface MessagePortLike {
  postMessage(message: FromHost | ResponseFrame): void;
  onMessage(listener: (message: unknown) => void): void;
}

/** Serves the host over `port`; `exit` ends the process once the host is closed. Returns the shutdown. */
export function serveHostOverPort(port: MessagePortLike, exit: (code: number) => void): { shutdown(): void } {
  let host: AppHost | null = null;
  let failure: ApiErrorBody | null = null;
  let started = false;
  let stopping = false;

  const refusal = (id: number): ResponseFrame => ({
    type: 'response',
    id,
    ok: false,
    error: stopping
      ? { code: 'NOT_READY', message: 'the local engine is shutting down' }
      : failure
        ? { code: 'NOT_READY', message: `the local engine could not start: ${failure.message}` }
        : { code: 'NOT_READY', message: 'the local engine has not started yet' },
  });

  function start(message: HostStart): void {
    if (started) {
      port.postMessage({
        type: 'response',
        id: -1,
        ok: false,
        error: { code: 'BAD_REQUEST', message: 'the local engine is already started' },
      });
      return;
    }
    started = true;
    try {
      const { dataDir, appVersion, nativeBinding, practice } = message;
      host = AppHost.open({ dataDir, appVersion, nativeBinding, practice, mode: 'desktop' });
    } catch (err) {
      failure = errorBody(err);
      port.postMessage({ type: 'failed', error: failure });
      return;
    }
    host.onEvent((event) => port.postMessage({ type: 'event', ...event }));
    port.postMessage({ type: 'ready', health: host.health() });
  }

  function shutdown(): void {
    if (stopping) return;
    stopping = true;
    try {
      host?.close();
    } catch (err) {
      console.error(`[host] closing the local engine failed: ${errorBody(err).message}`);
      exit(1);
      return;
    }
    exit(0);
  }

  async function handle(raw: unknown): Promise<void> {
    const parsed = ToHost.safeParse(raw);
    if (!parsed.success) return port.postMessage(malformedFrame(raw, parsed.error));
    const message = parsed.data;
    switch (message.type) {
      case 'start':
        return start(message);
      case 'shutdown':
        return shutdown();
      case 'request': {
        const open = stopping ? null : host;
        return port.postMessage(open ? await answerRequest(open, message) : refusal(message.id));
      }
      case 'session.picked': {
        const open = stopping ? null : host;
        if (!open) return port.postMessage(refusal(message.id));
        try {
          return port.postMessage({
            type: 'response',
            id: message.id,
            ok: true,
            result: open.realMarkets.sessions.pickedFile(message.path),
          });
        } catch (err) {
          return port.postMessage({ type: 'response', id: message.id, ok: false, error: errorBody(err) });
        }
      }
    }
  }

  port.onMessage((raw) => {
    handle(raw).catch((err: unknown) => {
      // Only posting can fail here (a result the port cannot carry, say); the caller still gets an answer.
      const id = (raw as { id?: unknown } | null)?.id;
      const error = { code: 'INTERNAL', message: `the answer could not be sent: ${errorBody(err).message}` };
      try {
        port.postMessage({ type: 'response', id: typeof id === 'number' ? id : -1, ok: false, error });
      } catch {
        // The port itself is gone; the process ends when its parent does.
      }
    });
  });
  return { shutdown };
}
