/**
 * A gateway (`--role gateway`): terminates clients' WebSocket and HTTP connections and holds no state that
 * matters. Order operations and sign-ins are requests to the core; public market data and each signed-in
 * account's private updates come from the JetStream stream the core publishes to, fanned out here to this
 * gateway's own sessions by the same WebSocket gateway the single process runs (ws/gateway.ts).
 *
 * What it keeps is a cache rebuilt from the core and the stream: a mirror of each book (snapshot from the core,
 * then the stream's deltas), from which a new subscriber's snapshot is served so that it is consistent with
 * the deltas this gateway sends it next. A gap in the deltas makes it ask the core for a fresh snapshot.
 * HTTP requests are handed to the core whole (`lpj.http`) and answered with its reply, but for the notification
 * stream (SSE), which is served here: signed in through the core, its backlog read from the core, its live
 * notifications taken from the stream, with the resume rules of a single server (http/notification-streams.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pino from 'pino';
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import type { Channel, Notification, ServerMessage } from '../../engine/protocol/sync';
import type { Waiter } from '../../engine/node/store/durable-engine';
import { EngineFaultError, JournalBusyError } from '../../engine/node/store/durable-engine';
import { BookMirror } from '../../engine/node/sync/book-mirror';
import type { SessionsEnded } from '../accounts/accounts';
import { AuthError, type AuthCode } from '../accounts/auth-error';
import type { ServerConfig } from '../config';
import { HttpFailure } from '../http/errors';
import { NotificationStreams, streamRequest } from '../http/notification-streams';
import { guardSockets } from '../http/socket-guard';
import { MarketData } from '../market-data/market-data';
import { Subscribers } from '../market-data/subscribers';
import { Metrics } from '../metrics';
import type { CancelAllResult, OrderResult } from '../trading/exchange';
import {
  CoreUnavailableError,
  Gateway,
  RateLimitedError,
  type GatewayBackend,
  type MarketFeed,
  type SignedIn,
} from '../ws/gateway';
import type { Session } from '../ws/session';
import {
  AUTH,
  EVENTS,
  HTTP,
  INTEREST,
  INTEREST_MS,
  INTEREST_PAGE,
  MAX_REPLY_PARTS,
  NOTE_PREFIX,
  ORDER,
  READ_BOOK,
  READ_NOTES,
  READ_FIRST,
  REQUEST_TIMEOUT_MS,
  SESSIONS_ENDED,
  CORE_STARTED,
  STREAM,
  type AccountEvents,
  type AuthReply,
  type HttpReplyWire,
  type MarketEvents,
  type OrderOp,
  type OrderReplyWire,
} from './wire';
import { ensureStream } from './core-link';

/** The core's HTTP API takes bodies up to this (app.ts bodyLimit); a larger one is refused here. */
const MAX_BODY_BYTES = 256 * 1024;
/** Where the notification stream is served (as the single server's routes.ts serves it). */
const STREAM_PATHS = new Set(['/notifications/stream', '/api/v1/notifications/stream']);
/** Headers a hop must not pass on. */
const HOP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'content-length']);

export interface GatewayNode {
  url: string;
  wsUrl: string;
  port: number;
  close(): Promise<void>;
}

export async function startGatewayNode(config: ServerConfig, natsUrl: string): Promise<GatewayNode> {
  const log = config.logDestination
    ? pino({ level: config.logLevel }, config.logDestination)
    : pino({ level: config.logLevel });
  const nc = await connect({ servers: natsUrl, name: 'lpj-gateway', maxReconnectAttempts: -1 });
  await ensureStream(nc);
  const markets = new Set(config.markets.map((m) => m.id));
  const feed = new StreamFeed(nc, markets, log);
  const metrics = new Metrics('gateway');
  // While NATS is away the gateway says so at once (orders, sign-ins, HTTP, /readyz) rather than after a timeout;
  // its clients stay connected and the stream resumes where it stopped when NATS is back.
  const link = { up: true, reconnected: () => undefined as void };
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') link.up = false;
      else if (s.type === 'reconnect') {
        link.up = true;
        link.reconnected(); // the core may have forgotten this gateway's accounts, or started again, meanwhile
      }
      if (s.type === 'disconnect' || s.type === 'reconnect') log.warn({ nats: s.type }, `NATS ${s.type}`);
    }
  })();
  const backend = remoteBackend(nc, markets, link);
  const gateway = new Gateway(config, backend, feed, metrics, log);
  feed.privateUpdates = (account, messages) => {
    if (!gateway.online(account)) return;
    for (const m of messages) gateway.toAccount(account, m);
  };
  // Notification streams: the backlog from the core, live notifications from the events stream.
  const streams = new NotificationStreams(
    {
      since: async (account, after, limit) => {
        const r = await nc.request(READ_NOTES, JSON.stringify({ account, after, limit }), {
          timeout: REQUEST_TIMEOUT_MS,
        });
        const body = r.json<{ notifications?: Notification[] }>();
        if (!body.notifications) throw new Error('the core refused the notification query');
        return body.notifications;
      },
      listen: (account, listener) => feed.listenNotes(account, listener),
    },
    config.now,
  );
  // The accounts signed in here, so that the core publishes their balances (wire.ts, INTEREST).
  const tellInterest = () => {
    if (!link.up) return;
    const accounts = gateway.onlineAccounts();
    for (let i = 0; i < accounts.length; i += INTEREST_PAGE)
      nc.publish(INTEREST, JSON.stringify({ accounts: accounts.slice(i, i + INTEREST_PAGE) }));
  };
  const interest = setInterval(tellInterest, INTEREST_MS);
  interest.unref();
  feed.coreStarted = tellInterest;
  link.reconnected = tellInterest;
  feed.sessionsEnded = (e) => {
    gateway.sessionsEnded(e);
    streams.sessionsEnded(e);
  };
  await feed.start();

  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    // A gateway's own health, readiness and metrics; everything else is the core's.
    if (path === '/healthz') return json(res, 200, { status: 'ok' });
    if (path === '/metrics')
      return void metrics.registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(text);
      });
    if (!link.up && path === '/readyz')
      return json(res, 503, { status: 'not ready', reason: 'this gateway has lost its connection to NATS' });
    if (!link.up) return unavailable(res, 'this gateway has lost its connection to the exchange: try another or wait');
    if (STREAM_PATHS.has(path) && req.method === 'GET') return void openStream(req, res);
    void forwardHttp(nc, req, res, log);
  });
  // A notification stream is served here, as the single server serves it (notification-streams.ts): the reader
  // signs in through the core with its ticket or token, then reads the backlog and the live stream from here.
  const openStream = async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const q = streamRequest(
        Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams),
        req.headers['last-event-id'],
      );
      const h = req.headers.authorization;
      if (q.ticket === undefined && !(typeof h === 'string' && h.startsWith('Bearer ')))
        throw new HttpFailure(401, 'NOT_AUTHENTICATED', 'send "Authorization: Bearer <access token>"');
      const a = await backend.authenticateStream(
        q.ticket !== undefined ? { ticket: q.ticket } : { token: (h as string).slice(7) },
      );
      await streams.open(res, { id: a.accountId, sessionId: a.sessionId, expiresAt: a.expiresAt }, q.after, log);
    } catch (err) {
      if (res.headersSent) return void res.destroy();
      if (err instanceof AuthError && err.retryAfterMs !== undefined)
        res.setHeader('retry-after', String(Math.max(1, Math.ceil(err.retryAfterMs / 1000))));
      if (err instanceof HttpFailure || err instanceof AuthError)
        return json(res, err.status, { error: { code: err.code, message: err.message } });
      log.error({ err }, 'a notification stream could not be opened');
      json(res, 500, { error: { code: 'INTERNAL', message: 'the gateway could not open this stream' } });
    }
  };
  guardSockets(server, config.limits);
  server.on('upgrade', (req, socket, head) => {
    if ((req.url ?? '').split('?')[0] !== '/ws') {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    gateway.handleUpgrade(req, socket, head);
  });
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  log.info({ port, nats: natsUrl }, 'gateway listening');
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    wsUrl: `ws://${host}:${port}/ws`,
    port,
    close: () =>
      (closing ??= (async () => {
        gateway.closeAll(1001, 'SHUTDOWN', 'this gateway is shutting down: reconnect (to any gateway)');
        streams.endAll();
        clearInterval(interest);
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        feed.stop();
        await nc.drain();
      })()),
  };
}

/** The core, asked over NATS. A core that does not answer in time is CORE_UNAVAILABLE to the client. */
function remoteBackend(
  nc: NatsConnection,
  markets: Set<string>,
  link: { up: boolean },
): GatewayBackend & { authenticateStream(credential: { token: string } | { ticket: string }): Promise<SignedIn> } {
  const authenticate = async (credential: { token: string } | { ticket: string }): Promise<SignedIn> => {
    if (!link.up)
      throw new AuthError('BUSY', 'this gateway has lost its connection to the exchange: try again shortly', 1_000);
    let r: AuthReply;
    try {
      r = (await nc.request(AUTH, JSON.stringify(credential), { timeout: REQUEST_TIMEOUT_MS })).json<AuthReply>();
    } catch {
      throw new AuthError('BUSY', 'the exchange did not answer: sign in again shortly', 1_000);
    }
    if (!r.ok) throw new AuthError(r.code as AuthCode, r.message);
    return r;
  };
  const request = (msg: OrderOp, account: number, reply: Waiter<OrderResult> | Waiter<CancelAllResult>) => {
    if (!link.up) return reply.reject(new CoreUnavailableError('this gateway has lost its connection to the exchange'));
    nc.request(ORDER, JSON.stringify({ account, msg }), { timeout: REQUEST_TIMEOUT_MS }).then(
      (m) => {
        const r = m.json<OrderReplyWire>();
        if ('result' in r) return (reply as Waiter<unknown>).resolve({ ...r.result, events: [] });
        if (r.error === 'BUSY') return reply.reject(new JournalBusyError(r.message, 'BUSY', {}));
        if (r.error === 'ENGINE_FAULT') return reply.reject(new EngineFaultError(r.message, {}));
        if (r.error === 'RATE_LIMITED') return reply.reject(new RateLimitedError(r.message));
        reply.reject(new Error(r.message));
      },
      () => reply.reject(new CoreUnavailableError('the exchange did not answer in time')),
    );
  };
  return {
    hasMarket: (market) => markets.has(market),
    authenticate: (token) => authenticate({ token }),
    authenticateStream: authenticate,
    place: (account, order, reply) => request({ op: 'order.new', id: 0, order } as OrderOp, account, reply),
    cancel: (account, market, orderId, reply) =>
      request({ op: 'order.cancel', id: 0, market, orderId } as OrderOp, account, reply),
    amend: (account, market, orderId, quantity, price, reply) =>
      request({ op: 'order.amend', id: 0, market, orderId, quantity, price } as OrderOp, account, reply),
    cancelAll: (account, market, reply) =>
      request({ op: 'order.cancel_all', id: 0, market } as OrderOp, account, reply),
  };
}

/**
 * Public market data from the stream, fanned out to this gateway's subscribers, each message serialised and
 * framed once for all of them (as market-data.ts does in one process).
 */
class StreamFeed implements MarketFeed {
  private readonly subscribers = new Subscribers();
  private readonly books = new Map<string, BookMirror>();
  /** Book subscribers waiting for this gateway's first snapshot of their market. */
  private readonly waiting = new Map<string, Session[]>();
  private stopped = false;
  privateUpdates: (account: number, messages: ServerMessage[]) => void = () => undefined;
  /** This gateway's notification streams' listeners, by account. */
  private readonly notes = new Map<number, Set<(n: Notification) => void>>();
  sessionsEnded: (e: SessionsEnded) => void = () => undefined;
  /** A core (re)started: it knows nothing of who is signed in where. */
  coreStarted: () => void = () => undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly markets: Set<string>,
    private readonly log: pino.Logger,
  ) {
    for (const m of markets) this.books.set(m, new BookMirror(m));
  }

  /**
   * Follows the stream from now on (an ordered consumer: gap-free, recreated at the next sequence after a
   * disconnect), then takes each book's snapshot from the core; deltas the snapshot already holds are stale.
   */
  async start(): Promise<void> {
    const js = jetstream(this.nc);
    const consumer = await js.consumers.get(STREAM, { filter_subjects: EVENTS, deliver_policy: DeliverPolicy.New });
    // Pull requests that expire every 5 s carry heartbeats every 2.5 s: a consumer lost with a restarted NATS
    // server is noticed (and recreated at the next sequence) within seconds rather than the default minute.
    const messages = await consumer.consume({ expires: 5_000 });
    void (async () => {
      for await (const m of messages) {
        if (this.stopped) break;
        try {
          if (m.subject.startsWith('lpj.ev.md.')) this.marketEvents(m.json<MarketEvents>());
          else if (m.subject.startsWith('lpj.ev.acct.'))
            this.privateUpdates(Number(m.subject.slice('lpj.ev.acct.'.length)), m.json<AccountEvents>().m);
          else if (m.subject.startsWith(NOTE_PREFIX)) {
            const listeners = this.notes.get(Number(m.subject.slice(NOTE_PREFIX.length)));
            if (listeners) for (const l of [...listeners]) l(m.json<Notification>());
          } else if (m.subject === SESSIONS_ENDED) this.sessionsEnded(m.json<SessionsEnded>());
          else if (m.subject === CORE_STARTED) {
            this.coreStarted();
            for (const market of this.markets) void this.resync(market);
          }
        } catch (err) {
          this.log.error({ err, subject: m.subject }, 'a stream message could not be fanned out');
        }
      }
    })();
    this.stopMessages = () => void messages.close();
    await Promise.all([...this.markets].map((m) => this.resync(m)));
  }

  private stopMessages = () => undefined as void;

  /** Listens to an account's notifications as the stream brings them. */
  listenNotes(account: number, listener: (n: Notification) => void): () => void {
    let set = this.notes.get(account);
    if (!set) this.notes.set(account, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.notes.get(account) === set) this.notes.delete(account);
    };
  }

  stop(): void {
    this.stopped = true;
    this.stopMessages();
  }

  subscribe(session: Session, channel: Channel, market: string, interval?: string): void {
    const key = MarketData.key(channel, market, interval);
    this.subscribers.add(session, key);
    if (channel === 'book') return this.sendSnapshot(session, market);
    // The ticker's 24 h window and the running candle move with the clock: the core says what they are now.
    void this.nc
      .request(READ_FIRST, JSON.stringify({ channel, market, interval }), { timeout: REQUEST_TIMEOUT_MS })
      .then((r) => {
        if (!session.subscriptions.has(key)) return;
        for (const m of r.json<{ messages: ServerMessage[] }>().messages) session.send(m);
      })
      .catch((err: unknown) => this.log.warn({ err, key }, 'first messages for a subscriber did not come'));
  }

  unsubscribe(session: Session, channel: Channel, market: string, interval?: string): void {
    this.subscribers.remove(session, MarketData.key(channel, market, interval));
  }

  drop(session: Session): void {
    this.subscribers.drop(session);
  }

  sendSnapshot(session: Session, market: string): void {
    const book = this.books.get(market)!;
    if (book.seq < 0) {
      const list = this.waiting.get(market) ?? [];
      list.push(session);
      this.waiting.set(market, list);
      return;
    }
    const { bids, asks } = book.levels();
    session.send({ type: 'book.snapshot', market, seq: book.seq, bids, asks });
  }

  private marketEvents(e: MarketEvents): void {
    for (const [key, msg] of e.m) {
      if (msg.type === 'book.delta') {
        const outcome = this.books.get(msg.market)?.delta(msg);
        if (outcome === 'gap') void this.resync(msg.market);
      }
      this.subscribers.publish(key, msg);
    }
  }

  /** A book snapshot from the core; then whoever waited for one gets it. */
  private async resync(market: string): Promise<void> {
    try {
      const r = await this.nc.request(READ_BOOK, JSON.stringify({ market }), { timeout: REQUEST_TIMEOUT_MS });
      const snapshot = r.json<{ messages: ServerMessage[] }>().messages[0];
      if (snapshot?.type !== 'book.snapshot') return;
      const book = this.books.get(market)!;
      if (snapshot.seq >= book.seq) book.snapshot(snapshot);
      const waiting = this.waiting.get(market) ?? [];
      this.waiting.delete(market);
      for (const s of waiting)
        if (!s.closed && s.subscriptions.has(MarketData.key('book', market))) this.sendSnapshot(s, market);
    } catch (err) {
      this.log.warn({ err, market }, 'a book snapshot from the core did not come: trying again');
      if (!this.stopped) setTimeout(() => void this.resync(market), 1_000).unref();
    }
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function unavailable(res: ServerResponse, message: string): void {
  res.setHeader('retry-after', '1');
  json(res, 503, { error: { code: 'CORE_UNAVAILABLE', message } });
}

/**
 * Sends an HTTP request to the core and gathers its reply: one message, or a head and the parts it announces
 * (wire.ts), joined in the order NATS delivers them and checked against the size the head gave. Unanswered
 * when no core answers in time (or none listens); broken when the parts do not add up.
 */
async function askCore(
  nc: NatsConnection,
  request: string,
): Promise<{ head: HttpReplyWire; body: Buffer } | 'unanswered' | 'broken'> {
  let replies: AsyncIterable<Msg>;
  try {
    replies = await nc.requestMany(HTTP, request, {
      strategy: 'count',
      maxMessages: 1 + MAX_REPLY_PARTS,
      maxWait: REQUEST_TIMEOUT_MS,
    });
  } catch {
    return 'unanswered';
  }
  let head: HttpReplyWire | undefined;
  const parts: Uint8Array[] = [];
  try {
    for await (const m of replies) {
      if (!head) {
        head = m.json<HttpReplyWire>();
        if (!head.parts) return { head, body: Buffer.from(head.body, 'base64') };
        if (!(head.parts <= MAX_REPLY_PARTS)) return 'broken';
        continue;
      }
      parts.push(m.data);
      if (parts.length === head.parts) break;
    }
  } catch {
    // no core listening, or the connection went: as if it had not answered
  }
  if (!head) return 'unanswered';
  const body = Buffer.concat(parts);
  return parts.length === head.parts && body.length === head.size ? { head, body } : 'broken';
}

/** Hands an HTTP request to the core whole and answers with its reply. */
async function forwardHttp(nc: NatsConnection, req: IncomingMessage, res: ServerResponse, log: pino.Logger) {
  const fail = (status: number, code: string, message: string) => {
    if (res.headersSent) return res.destroy();
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code, message } }));
  };
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES)
        return fail(413, 'BODY_TOO_LARGE', `request bodies are limited to ${MAX_BODY_BYTES} bytes`);
      chunks.push(chunk as Buffer);
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (v !== undefined && !HOP_HEADERS.has(k)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const r = await askCore(
      nc,
      JSON.stringify({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers,
        body: Buffer.concat(chunks).toString('base64'),
        remoteAddress: req.socket.remoteAddress ?? '',
      }),
    );
    if (r === 'unanswered') return unavailable(res, 'the exchange did not answer: try again in a moment');
    if (r === 'broken') return fail(502, 'BAD_REPLY', 'the exchange’s reply came incomplete: try again');
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.head.headers)) if (!HOP_HEADERS.has(k)) out[k] = v;
    res.writeHead(r.head.status, out);
    res.end(r.body);
  } catch (err) {
    log.error({ err }, 'forwarding an HTTP request failed');
    fail(500, 'INTERNAL', 'the gateway could not forward this request');
  }
}
