/**
 * Web mode: serves the built renderer over HTTP and carries the app host's API over a WebSocket at /api, with
 * the same frames as Electron IPC. Bound to loopback by default: the host holds the user's data and must not
 * be reachable from the network unless asked for.
 *
 * Who gets in. The host can trade, sign in and read files for the user, so only the page this bridge served
 * may drive it:
 * - Host names. Every HTTP request and WebSocket upgrade must name the bridge itself in its Host header —
 *   127.0.0.1, localhost or [::1] with its port, and the address it was bound to when the user chose one.
 *   A DNS-rebinding page (attacker.test re-resolved to 127.0.0.1) still sends `Host: attacker.test`, so it is
 *   refused on every request: it never loads our page, and never sees the key in it.
 * - A per-launch key (256 random bits) is written into the served index.html (a meta tag, BRIDGE_KEY_META).
 *   The page offers it as a WebSocket subprotocol and sends it as a Bearer token on uploads; a WebSocket
 *   without it is refused with 403 before the upgrade, whatever its Origin — programs, which send none, need
 *   it too (as a subprotocol or an Authorization header). Why the page and not a cookie: no other origin can
 *   read our responses (same-origin policy; this server sends no CORS headers) and a rebinding page cannot
 *   load them at all (Host check above), whereas a cookie is scoped to the host name and not the port — one
 *   for 127.0.0.1 would be sent to every other local server the browser visits, and SameSite does not tell
 *   ports apart (a page on http://127.0.0.1:8080 is same-site with us and would have it attached).
 * - Origin, when present (browsers send it on every WebSocket and POST), must be one of our own.
 * - The page is never cached (its key changes each launch) and may not be framed (frame-ancestors 'none').
 * - Session files reach the host only as uploads of a file the user picked (SESSION_UPLOAD_PATH), at most
 *   MAX_SESSION_FILE_BYTES, checked by the host before it keeps them; the API never takes a path.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import sirv from 'sirv';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { ApiError, errorBody, type ApiErrorBody } from '../protocol/errors';
import { MAX_SESSION_FILE_BYTES } from '../protocol/session-files';
import {
  API_PATH,
  API_SUBPROTOCOL,
  BRIDGE_KEY_META,
  KEY_SUBPROTOCOL_PREFIX,
  SESSION_UPLOAD_PATH,
} from '../protocol/web-bridge';
import { MAX_FRAME_BYTES, type PushFrame, type ResponseFrame } from '../protocol/wire';
import type { AppHost } from './app-host';
import { answerFrame } from './request-frames';

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
  /** Address to listen on (default 127.0.0.1). Another address is also a Host name the bridge answers to. */
  hostname?: string;
  port?: number;
}

export interface WebBridge {
  url: string;
  port: number;
  close(): Promise<void>;
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];
const WILDCARD = new Set(['0.0.0.0', '::', '']);

/**
 * The Host header values the bridge answers to (lower case): its loopback names and the bound address, with
 * its port (and without, on port 80). Bound to every interface, the machine's own addresses count as bound.
 */
export function ownHostNames(bindHost: string, port: number, interfaces = networkInterfaces()): Set<string> {
  const bracket = (h: string) => (h.includes(':') ? `[${h}]` : h);
  const names = new Set(LOOPBACK_NAMES);
  const bind = bindHost
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (WILDCARD.has(bind)) {
    for (const list of Object.values(interfaces)) {
      // Link-local IPv6 addresses need a zone (fe80::1%eth0), which a Host header cannot carry.
      for (const i of list ?? []) if (!i.address.includes('%')) names.add(bracket(i.address.toLowerCase()));
    }
  } else {
    names.add(bracket(bind));
  }
  const out = new Set<string>();
  for (const n of names) {
    out.add(`${n}:${port}`);
    if (port === 80) out.add(n);
  }
  return out;
}

export async function startWebBridge(options: WebBridgeOptions): Promise<WebBridge> {
  const hostname = options.hostname ?? '127.0.0.1';
  const key = randomBytes(32).toString('base64url');
  const page = pageWithKey(readFileSync(join(options.staticDir, 'index.html'), 'utf8'), key);
  const serveStatic = sirv(options.staticDir, { dev: false, etag: true, gzip: false });
  // Known once listening (the port may be chosen by the system).
  let hosts = new Set<string>();

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    const refused = refusal(req, hosts);
    if (refused) return sendError(res, 403, { code: 'FORBIDDEN', message: refused });
    const path = pathOf(req);
    if (path === SESSION_UPLOAD_PATH) return void upload(req, res, options.host, key);
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendError(res, 405, { code: 'BAD_REQUEST', message: 'only GET and HEAD here' }, { Allow: 'GET, HEAD' });
    if (path === '/' || path === '/index.html') return servePage(req, res, page);
    serveStatic(req, res, () => {
      // Paths without a file extension are the UI's own routes: the page handles them.
      if (!/\.[A-Za-z0-9]+$/.test(path)) return servePage(req, res, page);
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    });
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    // The page offers [API_SUBPROTOCOL, its key]: answer with the first, never echo the key.
    handleProtocols: (protocols) => (protocols.has(API_SUBPROTOCOL) ? API_SUBPROTOCOL : false),
  });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const refused =
      pathOf(req) !== API_PATH
        ? 'no WebSocket here'
        : (refusal(req, hosts) ?? (hasKey(req, key, true) ? null : 'the key of this app window is missing or wrong'));
    if (refused) {
      socket.end(
        `HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(refused)}\r\n\r\n${refused}`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveConnection(ws, options.host));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, hostname, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  hosts = ownHostNames(hostname, port);
  const shownHost = WILDCARD.has(hostname) ? '127.0.0.1' : hostname;
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

/** Why a request may not come in (null: it may): a Host that is not ours, or an Origin of another site. */
function refusal(req: IncomingMessage, hosts: ReadonlySet<string>): string | null {
  const host = req.headers.host?.toLowerCase();
  if (!host || !hosts.has(host))
    return `this app answers only to its own address (${[...hosts][0]}), not "${(req.headers.host ?? '').slice(0, 100)}"`;
  // Programs send no Origin; they still need the key where it matters.
  const origin = req.headers.origin?.toLowerCase();
  if (origin !== undefined && !(origin.startsWith('http://') && hosts.has(origin.slice('http://'.length)))) {
    return 'requests from other sites are not accepted';
  }
  return null;
}

/** The request carries this launch's key: as a WebSocket subprotocol (browsers) or a Bearer token. */
function hasKey(req: IncomingMessage, key: string, viaSubprotocol: boolean): boolean {
  const offered: string[] = [];
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) offered.push(auth.slice(7).trim());
  if (viaSubprotocol) {
    for (const p of (req.headers['sec-websocket-protocol'] ?? '').split(',')) {
      const t = p.trim();
      if (t.startsWith(KEY_SUBPROTOCOL_PREFIX)) offered.push(t.slice(KEY_SUBPROTOCOL_PREFIX.length));
    }
  }
  const expected = Buffer.from(key);
  return offered.some((k) => {
    const given = Buffer.from(k);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

function pathOf(req: IncomingMessage): string {
  try {
    return new URL(req.url ?? '/', 'http://bridge').pathname;
  } catch {
    return '';
  }
}

/** index.html with the key in a meta tag at the top of its head. */
function pageWithKey(html: string, key: string): Buffer {
  const meta = `<meta name="${BRIDGE_KEY_META}" content="${key}" />`;
  const head = /<head[^>]*>/i.exec(html);
  const doctype = /^\s*<!doctype[^>]*>/i.exec(html);
  const at = head ? head.index + head[0].length : doctype ? doctype[0].length : 0;
  return Buffer.from(html.slice(0, at) + meta + html.slice(at));
}

function servePage(req: IncomingMessage, res: ServerResponse, page: Buffer): void {
  res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': page.length,
    'Cache-Control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : page);
}

/** A refusal; the connection closes after it, so a request body nobody read cannot hold it open. */
function sendError(
  res: ServerResponse,
  status: number,
  body: ApiErrorBody,
  headers: Record<string, string> = {},
): void {
  res
    .writeHead(status, { 'Content-Type': 'application/json', Connection: 'close', ...headers })
    .end(JSON.stringify(body));
}

/** POST SESSION_UPLOAD_PATH: a session file's bytes, at most MAX_SESSION_FILE_BYTES, handed to the host. */
async function upload(req: IncomingMessage, res: ServerResponse, host: AppHost, key: string): Promise<void> {
  if (req.method !== 'POST')
    return sendError(res, 405, { code: 'BAD_REQUEST', message: 'upload a session with POST' }, { Allow: 'POST' });
  if (!hasKey(req, key, false))
    return sendError(res, 403, { code: 'FORBIDDEN', message: 'the key of this app window is missing or wrong' });
  const tooLarge = {
    code: 'SESSION_TOO_LARGE',
    message: `a session file may be at most ${MAX_SESSION_FILE_BYTES / (1024 * 1024)} MiB`,
  };
  const declared = Number(req.headers['content-length'] ?? 0);
  // Refused before a byte is read (the connection closes rather than take the rest of the body).
  if (!(declared <= MAX_SESSION_FILE_BYTES)) return sendError(res, 413, tooLarge);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_SESSION_FILE_BYTES) {
        sendError(res, 413, tooLarge);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    }
  } catch {
    return; // the client went away mid-upload: nothing was kept
  }
  const name = new URL(req.url ?? '/', 'http://bridge').searchParams.get('name') ?? 'session';
  try {
    const picked = host.realMarkets.sessions.uploaded(Buffer.concat(chunks, size), name.slice(0, 1000));
    res.writeHead(201, { 'Content-Type': 'application/json' }).end(JSON.stringify(picked));
  } catch (err) {
    sendError(res, err instanceof ApiError ? (err.code === 'SESSION_TOO_LARGE' ? 413 : 400) : 500, errorBody(err));
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
    return {
      type: 'response',
      id: -1,
      ok: false,
      error: err instanceof ApiError ? err.toBody() : { code: 'BAD_REQUEST', message: 'frame is not valid JSON' },
    };
  }
  return answerFrame(host, raw);
}
