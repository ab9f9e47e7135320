/**
 * Test servers on a free port in a temporary data directory, and the HTTP calls tests make against them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Session } from '../../engine/protocol/sync';
import { startSyncServer, type SyncServer } from '../app';
import { defaultConfig, loadMarketsFile, DEFAULT_MARKETS_FILE, type ServerConfig } from '../config';

export const MARKET = 'LPJ-KRW';
/** One whole LPJ in minimal units (baseDecimals 8), and the lot size (0.01 LPJ). */
export const LPJ = 100_000_000;
export const LOT = 1_000_000;
/**
 * What every new account receives on the shipped configuration (sync-server/markets.json): 10,000,000 KRW and
 * 100 LPJ. Tests read it from the file rather than writing their own, so they see what users get.
 */
export const TEST_GRANT = shippedGrant();

function shippedGrant(): { KRW: number; LPJ: number } {
  const { grant } = loadMarketsFile(DEFAULT_MARKETS_FILE);
  if (!grant.KRW || !grant.LPJ)
    throw new Error(`the shipped markets file must grant both KRW and LPJ, it grants ${JSON.stringify(grant)}`);
  return { KRW: grant.KRW, LPJ: grant.LPJ };
}

export function tempDir(prefix = 'sync-server-test-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface TestServer extends SyncServer {
  config: ServerConfig;
}

/** Starts a server with the shipped configuration (markets and grant) and silent logs, unless overridden. */
export async function startTestServer(dataDir: string, overrides: Partial<ServerConfig> = {}): Promise<TestServer> {
  const config = defaultConfig({ dataDir, port: 0, logLevel: 'silent', ...overrides });
  const server = await startSyncServer(config);
  return Object.assign(server, { config });
}

export interface HttpResult<T = unknown> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export async function http<T = unknown>(
  base: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; rawBody?: string } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.rawBody !== undefined || opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = opts.rawBody ?? JSON.stringify(opts.body);
  }
  const res = await fetch(base + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed as T, text, headers: res.headers };
}

export async function signUp(base: string, nickname: string, password = `pw-${nickname}-secret`): Promise<Session> {
  const r = await http<Session>(base, 'POST', '/api/v1/auth/signup', { body: { nickname, password } });
  if (r.status !== 201) throw new Error(`sign-up of ${nickname} failed: ${r.status} ${r.text}`);
  return r.body;
}

export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

/** A Server-Sent-Events reader over plain node:http, so tests can send Last-Event-ID and read every field. */
export class SseClient {
  readonly events: SseEvent[] = [];
  status = 0;
  private buffer = '';
  private waiters: (() => void)[] = [];
  private res: IncomingMessage | undefined;
  readonly ended: Promise<void>;
  private endedResolve!: () => void;

  private constructor(private readonly req: ReturnType<typeof httpRequest>) {
    this.ended = new Promise((r) => (this.endedResolve = r));
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(url, { headers: { accept: 'text/event-stream', ...headers } });
      const client = new SseClient(req);
      req.on('response', (res) => {
        client.res = res;
        client.status = res.statusCode ?? 0;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => client.feed(chunk));
        res.on('end', () => client.endedResolve());
        res.on('close', () => client.endedResolve());
        resolve(client);
      });
      req.on('error', (err) => {
        client.endedResolve();
        reject(err);
      });
      req.end();
    });
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let at: number;
    while ((at = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, at);
      this.buffer = this.buffer.slice(at + 2);
      const e: SseEvent = { data: '' };
      let hasData = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') e.id = value;
        else if (field === 'event') e.event = value;
        else if (field === 'data') {
          e.data += (hasData ? '\n' : '') + value;
          hasData = true;
        }
      }
      if (hasData) this.events.push(e);
    }
    for (const w of this.waiters.splice(0)) w();
  }

  async waitForCount(n: number, timeoutMs = 5_000): Promise<SseEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.events.length < n) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${n} SSE events, have ${this.events.length}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.events;
  }

  close(): void {
    this.req.destroy();
    this.res?.destroy();
  }
}

/** Polls `check` until it returns true, or fails after the timeout. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * The check every attack test ends with: two brand-new accounts on the server's configuration sign up and trade
 * one lot of LPJ with each other over WebSocket — the exchange still works for an honest user. `price` defaults
 * to the last trade price (or 100,000 KRW on a market that has not traded), so the order is inside any band.
 */
export async function honestPairTrades(server: SyncServer, price?: number): Promise<void> {
  await honestPairTradesAt(server.url, server.wsUrl, price ?? server.exchange.engine.lastPrice(MARKET));
}

/** `honestPairTrades` against a server known only by its address (one running as its own process, say). */
export async function honestPairTradesAt(url: string, wsUrl: string, price?: number): Promise<void> {
  const { TestWsClient } = await import('./ws-client');
  const tag = `${(Date.now() % 1e9).toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const seller = await signUp(url, `hs_${tag}`);
  const buyer = await signUp(url, `hb_${tag}`);
  const at =
    price ?? ((await http<{ last: number }>(url, 'GET', `/api/v1/markets/${MARKET}/ticker`)).body.last || 100_000);
  const s = await TestWsClient.connect(wsUrl);
  const b = await TestWsClient.connect(wsUrl);
  try {
    await s.ok({ op: 'auth', token: seller.accessToken });
    await b.ok({ op: 'auth', token: buyer.accessToken });
    // The fewest lots worth the market's minimum notional at this price (one lot at 100,000 KRW and above).
    const { minNotional } = loadMarketsFile(DEFAULT_MARKETS_FILE).markets.find((m) => m.id === MARKET)!;
    const quantity = Math.max(1, Math.ceil((minNotional * LPJ) / (at * LOT))) * LOT;
    const order = (side: 'buy' | 'sell') => ({
      op: 'order.new' as const,
      order: {
        market: MARKET,
        clientOrderId: `${side}-${tag}`,
        side,
        type: 'limit' as const,
        price: at,
        quantity,
        ...(side === 'buy' ? { timeInForce: 'IOC' as const } : {}),
      },
    });
    // The seller rests the order at the price, the buyer takes it: a fill for both.
    await s.ok(order('sell'));
    await b.ok(order('buy'));
    await s.waitFor((m) => m.type === 'fill', 'the honest seller’s fill');
    await b.waitFor((m) => m.type === 'fill', 'the honest buyer’s fill');
  } finally {
    await Promise.all([s.close(), b.close()]);
  }
}
