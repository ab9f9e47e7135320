/**
 * The typed API over the web bridge's WebSocket, for when the UI runs in a browser rather than Electron.
 * It keeps the same contract as the preload: requests resolve or reject with the host's error body, and pushed
 * events reach subscribers. A dropped link is retried with backoff; calls made meanwhile wait for it.
 */
import type { EventFrame, Method, Params, Result } from '../../../engine/protocol/api';
import type { LpjApi } from '../../../engine/protocol/client';
import type { ApiErrorBody } from '../../../engine/protocol/errors';
import { parseServerFrame } from '../../../engine/protocol/server-frame';

export class RemoteError extends Error {
  readonly code: string;
  constructor(body: ApiErrorBody) {
    super(body.message);
    this.code = body.code;
  }
}

type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void };

export function createWsApi(url: string): LpjApi {
  const pending = new Map<number, Pending>();
  const listeners = new Set<(e: EventFrame) => void>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let ready: Promise<WebSocket> | null = null;
  let retry = 0;

  const connect = (): Promise<WebSocket> =>
    new Promise((resolve) => {
      const attempt = () => {
        const ws = new WebSocket(url);
        ws.onopen = () => {
          retry = 0;
          socket = ws;
          resolve(ws);
        };
        ws.onmessage = (msg) => {
          let frame;
          try {
            frame = parseServerFrame(JSON.parse(String(msg.data)));
          } catch {
            frame = null;
          }
          if (!frame) return; // not ours: ignore rather than act on it
          if (frame.type === 'event') {
            for (const l of listeners) l(frame as EventFrame);
            return;
          }
          const p = pending.get(frame.id);
          if (!p) return;
          pending.delete(frame.id);
          if (frame.ok) p.resolve(frame.result);
          else p.reject(new RemoteError(frame.error));
        };
        ws.onclose = () => {
          if (socket === ws) {
            socket = null;
            ready = null;
            for (const p of pending.values()) p.reject(new RemoteError({ code: 'TRANSPORT', message: 'connection to the local engine lost' }));
            pending.clear();
            return;
          }
          // Never opened: try again with capped exponential backoff and jitter.
          const delay = Math.min(5000, 200 * 2 ** retry++) * (0.5 + Math.random() / 2);
          setTimeout(attempt, delay);
        };
      };
      attempt();
    });

  const open = () => (socket ? Promise.resolve(socket) : (ready ??= connect()));
  // Connect early, but in a task of its own: this runs while the app's start-up script is evaluated.
  setTimeout(() => void open(), 0);

  return {
    async invoke<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
      const ws = await open();
      const id = nextId++;
      return new Promise<Result<M>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        ws.send(JSON.stringify({ type: 'request', id, method, params }));
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
