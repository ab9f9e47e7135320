/**
 * The typed API over the web bridge's WebSocket, for when the UI runs in a browser rather than Electron.
 * It keeps the same contract as the preload: requests resolve or reject with the host's error body, and pushed
 * events reach subscribers. A dropped link is retried with backoff; calls made meanwhile wait for it.
 *
 * The bridge admits only its own page: every connection and upload carries the key the bridge wrote into the
 * page (engine/host/web-bridge.ts says why). A session file the user picks is uploaded, never named by path.
 */
import type { EventFrame, Method, Params, PickedSession, Result } from '@protocol/api';
import type { LpjApi } from '@protocol/client';
import { ApiError, type ApiErrorBody } from '@protocol/errors';
import { parseServerFrame } from '@protocol/server-frame';
import { MAX_SESSION_FILE_BYTES, parsePickedSession } from '@protocol/session-files';
import { API_SUBPROTOCOL, KEY_SUBPROTOCOL_PREFIX, SESSION_UPLOAD_PATH } from '@protocol/web-bridge';

type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void };

/** `apiUrl`: the bridge's API address (http: or https:, as the page); `key`: the one the page was served with. */
export function createWsApi(apiUrl: URL, key: string): LpjApi {
  const url = new URL(apiUrl);
  url.protocol = apiUrl.protocol === 'https:' ? 'wss:' : 'ws:';
  const pending = new Map<number, Pending>();
  const listeners = new Set<(e: EventFrame) => void>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let ready: Promise<WebSocket> | null = null;
  let retry = 0;

  const connect = (): Promise<WebSocket> =>
    new Promise((resolve) => {
      const attempt = () => {
        const ws = new WebSocket(url, [API_SUBPROTOCOL, `${KEY_SUBPROTOCOL_PREFIX}${key}`]);
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
          else p.reject(ApiError.fromBody(frame.error));
        };
        ws.onclose = () => {
          if (socket === ws) {
            socket = null;
            ready = null;
            for (const p of pending.values())
              p.reject(new ApiError('TRANSPORT', 'connection to the local engine lost'));
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
    async pickSession() {
      const file = await chooseFile();
      if (!file) return null;
      return uploadSession(new URL(SESSION_UPLOAD_PATH, apiUrl), key, file);
    },
    // A browser tab has the notifications centre only: its permission to notify is not asked for.
    notify() {},
  };
}

/** The browser's file picker, opened at once (within the user's click); null if cancelled. */
function chooseFile(): Promise<File | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = '.p777s,.gz';
    input.hidden = true;
    const done = (file: File | null) => {
      input.remove();
      resolve(file);
    };
    input.addEventListener('change', () => done(input.files?.[0] ?? null), { once: true });
    input.addEventListener('cancel', () => done(null), { once: true });
    document.body.append(input);
    input.click();
  });
}

/** Sends a picked file's bytes to the host, which checks and keeps it; resolves with its handle. */
async function uploadSession(url: URL, key: string, file: File): Promise<PickedSession> {
  // The bridge refuses larger files too; refused here, the browser does not send them first.
  if (file.size > MAX_SESSION_FILE_BYTES) {
    throw new ApiError(
      'SESSION_TOO_LARGE',
      `${file.name} is larger than ${MAX_SESSION_FILE_BYTES / (1024 * 1024)} MiB`,
    );
  }
  url.searchParams.set('name', file.name);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      body: file,
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/octet-stream' },
    });
  } catch {
    throw new ApiError('TRANSPORT', 'could not send the file to the local engine');
  }
  const body: unknown = await res.json().catch(() => null);
  const picked = res.ok ? parsePickedSession(body) : null;
  if (picked) return picked;
  const error = body as Partial<ApiErrorBody> | null;
  throw ApiError.fromBody({
    code: typeof error?.code === 'string' ? error.code : 'TRANSPORT',
    message: typeof error?.message === 'string' ? error.message : `the local engine answered ${res.status}`,
  });
}
