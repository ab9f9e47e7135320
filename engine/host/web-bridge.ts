/**
 * Web mode: serves the built renderer over HTTP and carries the app host's API over a WebSocket at /api, with
 * the same frames as Electron IPC. Bound to loopback by default: the host holds the user's data and must not
 * be reachable from the network unless asked for.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sirv from 'sirv';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { ApiError, errorBody } from '../protocol/errors';
import { MAX_FRAME_BYTES, RequestFrame, type PushFrame, type ResponseFrame } from '../protocol/wire';
import type { AppHost } from './app-host';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface WebBridgeOptions {
  host: AppHost;
  /** Folder holding the built renderer (index.html and assets). */
  staticDir: string;
  hostname?: string;
  port?: number;
}

export interface WebBridge {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startWebBridge(options: WebBridgeOptions): Promise<WebBridge> {
  const hostname = options.hostname ?? '127.0.0.1';
  const serveStatic = sirv(options.staticDir, { single: true, dev: false, etag: true, gzip: false });

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    serveStatic(req, res, () => {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // A page from another site must not drive the user's local engine: only our own origin may connect.
    if (url.pathname !== '/api' || !isOwnOrigin(req)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveConnection(ws, options.host));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, hostname, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = hostname === '0.0.0.0' || hostname === '::' ? '127.0.0.1' : hostname;
  return {
    url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.close(1001, 'server shutting down');
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function isOwnOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true; // not a browser page (e.g. a test client or CLI); browsers always send Origin
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

function serveConnection(ws: WebSocket, host: AppHost): void {
  const send = (frame: ResponseFrame | PushFrame) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  };
  const unsubscribe = host.onEvent((event) => send({ type: 'event', ...event }));
  ws.on('close', unsubscribe);
  // Protocol violations (oversized or invalid frames) close the socket with a code; they must not crash the host.
  ws.on('error', () => ws.terminate());
  ws.on('message', (data: RawData, isBinary: boolean) => {
    void handleMessage(host, data, isBinary).then((reply) => reply && send(reply));
  });
}

/** Parses one incoming frame and answers it; a frame that is not a valid request gets an error, never a crash. */
export async function handleMessage(host: AppHost, data: RawData, isBinary: boolean): Promise<ResponseFrame | null> {
  let raw: unknown;
  try {
    if (isBinary) throw new ApiError('BAD_REQUEST', 'binary frames are not accepted');
    raw = JSON.parse(data.toString());
  } catch (err) {
    return { type: 'response', id: -1, ok: false, error: err instanceof ApiError ? err.toBody() : { code: 'BAD_REQUEST', message: 'frame is not valid JSON' } };
  }
  const frame = RequestFrame.safeParse(raw);
  if (!frame.success) {
    const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : -1;
    const detail = frame.error.issues.map((i) => `${i.path.join('.') || '(frame)'}: ${i.message}`).join('; ');
    return { type: 'response', id, ok: false, error: { code: 'BAD_REQUEST', message: `malformed request frame: ${detail}` } };
  }
  try {
    const result = await host.invoke(frame.data.method, frame.data.params);
    return { type: 'response', id: frame.data.id, ok: true, result };
  } catch (err) {
    return { type: 'response', id: frame.data.id, ok: false, error: errorBody(err) };
  }
}
