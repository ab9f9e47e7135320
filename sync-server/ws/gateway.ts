/**
 * The WebSocket endpoint (/ws): validates every message, authenticates, enforces per-connection and
 * per-account rate limits, routes order entry to the exchange and subscriptions to market data, and pushes
 * each account's own orders, fills and balances to its sessions (and the balances of its copy sub-accounts).
 *
 * Nothing a client sends can crash the server or change another account's data: a message that does not
 * parse, does not match the contract, or is not allowed is answered with a `reject` naming why.
 *
 * Nor can clients hold what others need (limits in ServerLimits):
 * - connections per client address are capped; past the cap the upgrade is refused with 429;
 * - a connection that neither signs in nor subscribes within `wsIdleMs` is closed (IDLE_TIMEOUT). Public
 *   market-data readers never sign in, so subscribing is enough to stay; one that unsubscribes from everything
 *   is idle again from then;
 * - at the server's connection cap, a new connection takes the place of the one idle the longest (closed with
 *   1013, try again later), so a flood of idle sockets cannot lock out a trader; with none idle it gets 503;
 * - a protocol ping goes to every connection each `wsHeartbeatMs`, and one that has not answered the previous
 *   ping (nor sent anything since) is cut: a half-open socket does not hold its memory and descriptor for ever.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Logger } from 'pino';
import {
  ClientMessage,
  MAX_WS_FRAME_BYTES,
  type BalanceView,
  type Channel,
  type ClientOp,
  type NewOrder,
  type ServerMessage,
} from '../../engine/protocol/sync';
import { AuthError, type Accounts, type SessionsEnded } from '../accounts/accounts';
import type { ServerConfig } from '../config';
import type { Metrics } from '../metrics';
import { balanceViews, type CancelAllResult, type Exchange, type OrderResult } from '../trading/exchange';
import { EngineFaultError, JournalBusyError, type Waiter } from '../../engine/node/store/durable-engine';
import { ENGINE_VERSION } from '../../engine/core/version';
import { clientAddress } from './client-address';
import { CLOSE_POLICY, Session } from './session';
import { TokenBucket } from './token-bucket';

/** Close code for a connection let go to make room at the connection cap (RFC 6455 "Try Again Later"). */
const CLOSE_TRY_AGAIN_LATER = 1013;

/** Answers an upgrade that will not be accepted with a status and the contract's error body, then hangs up. */
function refuseUpgrade(socket: Duplex, status: 429 | 503, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  const text = status === 429 ? 'Too Many Requests' : 'Service Unavailable';
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nRetry-After: 5\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** The messages that enter or change orders. */
type OrderMessage = Extract<ClientMessage, { op: `order.${string}` }>;

/** A connection that keeps sending over its budget this many times in a row is cut off. */
const MAX_STRIKES = 50;

const OPS = new Set<string>(ClientMessage.options.map((o) => o.shape.op.value));

/** The id and op of a message that will not be handled, as far as they can be read (frames are at most 16 KiB). */
function requestOf(data: RawData, isBinary: boolean): { id: string | number | null; op: ClientOp | null } {
  if (isBinary) return { id: null, op: null };
  try {
    const r = JSON.parse(data.toString()) as { id?: unknown; op?: unknown } | null;
    if (!r || typeof r !== 'object') return { id: null, op: null };
    const id = (typeof r.id === 'string' && r.id.length <= 64) || typeof r.id === 'number' ? r.id : null;
    return { id, op: typeof r.op === 'string' && OPS.has(r.op) ? (r.op as ClientOp) : null };
  } catch {
    return { id: null, op: null };
  }
}

/** A signed-in account as the gateway needs it: who, until when, through which sign-in, and its balances. */
export interface SignedIn {
  accountId: number;
  nickname: string;
  expiresAt: number;
  sessionId: number;
  balances: BalanceView[];
}

/**
 * What the gateway asks of the markets: in one process the exchange and accounts themselves (`localBackend`),
 * in a cluster the core over NATS (cluster/gateway-link.ts). Authentication may answer later (a promise); order
 * operations answer their waiter, with an error a resend can follow (JournalBusyError) when the core is away.
 */
export interface GatewayBackend {
  hasMarket(market: string): boolean;
  /** Throws (or rejects with) AuthError for a token that does not sign in. */
  authenticate(token: string): SignedIn | Promise<SignedIn>;
  place(accountId: number, order: NewOrder, reply: Waiter<OrderResult>): void;
  cancel(accountId: number, market: string, orderId: number, reply: Waiter<OrderResult>): void;
  amend(
    accountId: number,
    market: string,
    orderId: number,
    quantity: number | undefined,
    price: number | undefined,
    reply: Waiter<OrderResult>,
  ): void;
  cancelAll(accountId: number, market: string | undefined, reply: Waiter<CancelAllResult>): void;
}

/** Public market data as the gateway serves it to its sessions (market-data.ts here, a stream-fed feed in a cluster). */
export interface MarketFeed {
  subscribe(session: Session, channel: Channel, market: string, interval?: string): void;
  unsubscribe(session: Session, channel: Channel, market: string, interval?: string): void;
  drop(session: Session): void;
  sendSnapshot(session: Session, market: string): void;
}

/**
 * The core did not answer an order operation in time (it is restarting, or NATS is away). Unlike a busy journal,
 * the operation may have been placed all the same: a resend with the same client order id says which.
 */
export class CoreUnavailableError extends Error {}

/**
 * The account's order budget is spent: in a cluster the core keeps it for the account across every gateway, and
 * refuses with this (the message says the rate).
 */
export class RateLimitedError extends Error {}

/** The single process's backend: the exchange and the accounts in this process. */
export function localBackend(accounts: Accounts, exchange: Exchange): GatewayBackend {
  return {
    hasMarket: (market) => exchange.engine.marketConfig(market) !== undefined,
    authenticate: (token) => {
      const a = accounts.authenticate(token);
      return {
        accountId: a.id,
        nickname: a.nickname,
        expiresAt: a.expiresAt,
        sessionId: a.sessionId,
        balances: balanceViews(exchange, a.id),
      };
    },
    place: (accountId, order, reply) => exchange.place(accountId, order, reply),
    cancel: (accountId, market, orderId, reply) => exchange.cancel(accountId, market, orderId, reply),
    amend: (accountId, market, orderId, quantity, price, reply) =>
      exchange.amend(accountId, market, orderId, quantity, price, reply),
    cancelAll: (accountId, market, reply) => exchange.cancelAll(accountId, market, reply),
  };
}

export class Gateway {
  private readonly wss: WebSocketServer;
  private readonly sessions = new Set<Session>();
  private readonly byAccount = new Map<number, Set<Session>>();
  private readonly accountBuckets = new Map<number, TokenBucket>();
  /** Open sockets (upgrading or connected) per client address, and in all. */
  private readonly perAddress = new Map<string, number>();
  private sockets = 0;
  /** Connections neither signed in nor subscribed, longest idle first (a Set keeps insertion order). */
  private readonly idle = new Set<Session>();
  private readonly idleSweep: NodeJS.Timeout;
  private readonly heartbeat: NodeJS.Timeout;
  private nextId = 1;

  constructor(
    private readonly config: ServerConfig,
    private readonly backend: GatewayBackend,
    private readonly marketData: MarketFeed,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_FRAME_BYTES, perMessageDeflate: false });
    const { wsIdleMs, wsHeartbeatMs } = config.limits;
    this.idleSweep = setInterval(() => this.closeIdle(), Math.min(1_000, Math.max(10, wsIdleMs / 4)));
    this.idleSweep.unref();
    this.heartbeat = setInterval(() => this.beat(), wsHeartbeatMs);
    this.heartbeat.unref();
  }

  get connectionCount(): number {
    return this.sessions.size;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { wsConnectionsPerIp, wsConnections } = this.config.limits;
    const address = clientAddress(req.socket.remoteAddress);
    const fromAddress = this.perAddress.get(address) ?? 0;
    if (fromAddress >= wsConnectionsPerIp) {
      return refuseUpgrade(
        socket,
        429,
        'TOO_MANY_CONNECTIONS',
        `${wsConnectionsPerIp} connections from this address are open already: close one first`,
      );
    }
    if (this.sockets >= wsConnections) {
      const longestIdle = this.idle.values().next();
      if (longestIdle.done)
        return refuseUpgrade(socket, 503, 'SERVER_FULL', 'the server is at its connection limit: try again shortly');
      this.setBusy(longestIdle.value);
      longestIdle.value.drop(
        CLOSE_TRY_AGAIN_LATER,
        'SERVER_FULL',
        'the server needed this idle connection for another: reconnect when you need it',
      );
    }
    // Counted from the upgrade request until the socket is gone, whether or not the handshake completes.
    this.perAddress.set(address, fromAddress + 1);
    this.sockets++;
    socket.once('close', () => {
      this.sockets--;
      const n = (this.perAddress.get(address) ?? 1) - 1;
      if (n > 0) this.perAddress.set(address, n);
      else this.perAddress.delete(address);
    });
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connected(ws, socket));
  }

  /** Closes every connection with a reason (server shutdown). */
  closeAll(code: number, reason: string, message: string): void {
    clearInterval(this.idleSweep);
    clearInterval(this.heartbeat);
    for (const s of this.sessions) s.close(code, reason, message);
    this.wss.close();
  }

  /** Idle connections past `wsIdleMs` are closed, longest idle first (the set is in that order). */
  private closeIdle(): void {
    const cutoff = Date.now() - this.config.limits.wsIdleMs;
    for (const s of this.idle) {
      if (s.idleSince > cutoff) break;
      this.idle.delete(s);
      s.drop(
        CLOSE_POLICY,
        'IDLE_TIMEOUT',
        `neither signed in nor subscribed within ${this.config.limits.wsIdleMs} ms: send "auth" or "subscribe" after connecting`,
      );
    }
  }

  /** Pings every connection; one that stayed silent since the last ping is gone (half open) and is cut. */
  private beat(): void {
    for (const s of this.sessions) {
      if (!s.alive) {
        this.log.debug({ session: s.id }, 'ws heartbeat missed');
        s.drop(CLOSE_POLICY, 'HEARTBEAT_TIMEOUT', 'no answer to the last ping');
        continue;
      }
      s.alive = false;
      s.ping();
    }
  }

  /** Signed in or subscribed: no longer subject to the idle timeout. */
  private setBusy(session: Session): void {
    this.idle.delete(session);
  }

  /** Neither signed in nor subscribed (any more): the idle clock starts now. */
  private setIdleIfUnused(session: Session): void {
    if (session.closed || session.account || session.subscriptions.size > 0 || this.idle.has(session)) return;
    session.idleSince = Date.now();
    this.idle.add(session);
  }

  private connected(ws: WebSocket, socket: Duplex): void {
    const session = new Session(
      this.nextId++,
      ws,
      this.config.wsRate,
      this.config.maxBufferedBytes,
      this.config.now,
      (n) => this.metrics.messagesOut.inc(n),
      socket,
    );
    this.sessions.add(session);
    this.setIdleIfUnused(session);
    this.metrics.connections.inc();
    let strikes = 0;
    ws.on('pong', () => (session.alive = true));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      session.alive = true;
      this.metrics.messagesIn.inc();
      // Closed by the server (signed out, shut down, too slow, too many messages): the socket still delivers
      // what the client sent before it read the close, and none of it is acted on.
      if (session.closed) return;
      if (!session.bucket.take()) {
        this.metrics.badMessages.inc({ reason: 'RATE_LIMITED' });
        if (++strikes >= MAX_STRIKES)
          return session.close(CLOSE_POLICY, 'RATE_LIMITED', 'too many messages: slow down and reconnect');
        // Named by its id when it has one, so the client knows which request to retry instead of waiting for it.
        const { id, op } = requestOf(data, isBinary);
        return session.send({
          type: 'reject',
          id,
          op,
          reason: 'RATE_LIMITED',
          message: `more than ${this.config.wsRate.perSecond} messages/s on this connection`,
        });
      }
      strikes = 0;
      try {
        this.handle(session, data, isBinary);
      } catch (err) {
        failed(this.log, session, err);
      }
    });
    ws.on('error', (err) => this.log.debug({ err: err.message, session: session.id }, 'ws error'));
    ws.on('close', () => {
      session.closed = true;
      this.sessions.delete(session);
      this.idle.delete(session);
      this.marketData.drop(session);
      if (session.account) this.byAccount.get(session.account.id)?.delete(session);
      this.metrics.connections.dec();
    });
    session.send({ type: 'welcome', serverTime: this.config.now(), version: ENGINE_VERSION });
  }

  private handle(session: Session, data: RawData, isBinary: boolean): void {
    if (isBinary) return this.refuse(session, null, 'BAD_MESSAGE', 'binary frames are not accepted: send JSON text');
    let raw: unknown;
    try {
      raw = JSON.parse(data.toString());
    } catch {
      return this.refuse(session, null, 'BAD_JSON', 'the message is not valid JSON');
    }
    const parsed = ClientMessage.safeParse(raw);
    if (!parsed.success) {
      const r = raw as { id?: unknown; op?: unknown } | null;
      const id = r && (typeof r.id === 'string' || typeof r.id === 'number') ? r.id : null;
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ');
      const unknownOp =
        r && typeof r.op === 'string' && parsed.error.issues.some((i) => i.path.length === 1 && i.path[0] === 'op');
      return this.refuse(session, id, unknownOp ? 'UNKNOWN_OP' : 'BAD_MESSAGE', issues);
    }
    const msg = parsed.data;
    switch (msg.op) {
      case 'ping':
        return session.send({ type: 'pong', id: msg.id, serverTime: this.config.now() });
      case 'auth': {
        const failedAuth = (err: unknown) => {
          if (err instanceof AuthError) return this.refuse(session, msg.id, err.code, err.message, 'auth');
          throw err;
        };
        const signedIn = (account: SignedIn) => {
          if (session.closed) return;
          if (session.account && session.account.id !== account.accountId)
            this.byAccount.get(session.account.id)?.delete(session);
          session.account = { id: account.accountId, nickname: account.nickname };
          session.tokenExpiresAt = account.expiresAt;
          session.authSession = account.sessionId;
          let set = this.byAccount.get(account.accountId);
          if (!set) this.byAccount.set(account.accountId, (set = new Set()));
          set.add(session);
          this.setBusy(session);
          session.send({
            type: 'ack',
            id: msg.id,
            op: 'auth',
            result: { accountId: account.accountId, nickname: account.nickname },
          });
          session.send({ type: 'balance', balances: account.balances });
        };
        let outcome: SignedIn | Promise<SignedIn>;
        try {
          outcome = this.backend.authenticate(msg.token);
        } catch (err) {
          return failedAuth(err);
        }
        // In one process the answer is at hand and given in this turn; from a core it comes later.
        if (!(outcome instanceof Promise)) return signedIn(outcome);
        outcome.then(signedIn, failedAuth).catch((err: unknown) => failed(this.log, session, err));
        return;
      }
      case 'subscribe':
      case 'unsubscribe': {
        if (!this.backend.hasMarket(msg.market))
          return this.refuse(session, msg.id, 'UNKNOWN_MARKET', `no market ${msg.market}`, msg.op);
        if ((msg.channel === 'candles') !== (msg.interval !== undefined)) {
          return this.refuse(
            session,
            msg.id,
            'BAD_MESSAGE',
            'candles need an interval, and only candles take one',
            msg.op,
          );
        }
        if (msg.op === 'unsubscribe') {
          this.marketData.unsubscribe(session, msg.channel, msg.market, msg.interval);
          this.setIdleIfUnused(session);
          return session.send({ type: 'ack', id: msg.id, op: msg.op });
        }
        session.send({ type: 'ack', id: msg.id, op: msg.op });
        this.marketData.subscribe(session, msg.channel, msg.market, msg.interval);
        this.setBusy(session);
        return;
      }
      case 'snapshot':
        if (!this.backend.hasMarket(msg.market))
          return this.refuse(session, msg.id, 'UNKNOWN_MARKET', `no market ${msg.market}`, msg.op);
        return this.marketData.sendSnapshot(session, msg.market);
    }
    // Order entry from here on: signed-in sessions only, within the account's order budget.
    const account = session.account;
    if (!account)
      return this.refuse(session, msg.id, 'NOT_AUTHENTICATED', 'sign in (op "auth") before trading', msg.op);
    if (session.tokenExpiresAt <= this.config.now()) {
      return this.refuse(
        session,
        msg.id,
        'TOKEN_EXPIRED',
        'the access token has expired: refresh it and send "auth" again',
        msg.op,
      );
    }
    if (!this.accountBucket(account.id).take()) {
      this.metrics.orders.inc({ result: 'rate_limited' });
      return this.refuse(
        session,
        msg.id,
        'RATE_LIMITED',
        `more than ${this.config.accountOrderRate.perSecond} orders/s for this account`,
        msg.op,
      );
    }
    const reply = new OrderReply(session, msg, this.metrics, this.log);
    if (msg.op === 'order.new') this.backend.place(account.id, msg.order, reply);
    else if (msg.op === 'order.cancel') this.backend.cancel(account.id, msg.market, msg.orderId, reply);
    else if (msg.op === 'order.amend')
      this.backend.amend(account.id, msg.market, msg.orderId, msg.quantity, msg.price, reply);
    else this.backend.cancelAll(account.id, msg.market, reply);
  }

  private refuse(
    session: Session,
    id: string | number | null,
    reason: string,
    message: string,
    op: ClientMessage['op'] | null = null,
  ): void {
    refuse(this.metrics, session, id, reason, message, op);
  }

  private accountBucket(accountId: number): TokenBucket {
    let b = this.accountBuckets.get(accountId);
    if (!b)
      this.accountBuckets.set(
        accountId,
        (b = new TokenBucket(
          this.config.accountOrderRate.perSecond,
          this.config.accountOrderRate.burst,
          this.config.now,
        )),
      );
    return b;
  }

  /**
   * Closes the connections signed in through sessions that just ended (signed out, refreshed, revoked, or all
   * of a deleted account's), saying why; the account's other devices stay.
   */
  sessionsEnded(e: SessionsEnded): void {
    for (const s of [...(this.byAccount.get(e.accountId) ?? [])]) {
      if (e.sessionIds === 'all' || e.sessionIds.includes(s.authSession)) s.close(CLOSE_POLICY, e.code, e.message);
    }
  }

  /**
   * Sends messages to every session of an account, serialised once however many devices are signed in (one
   * already serialised string, or messages to serialise).
   */
  toAccount(account: number, message: ServerMessage | string): void {
    const sessions = this.byAccount.get(account);
    if (!sessions || sessions.size === 0) return;
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    for (const s of sessions) s.sendRaw(text);
  }

  /** Someone is signed in to this account here. */
  online(account: number): boolean {
    return (this.byAccount.get(account)?.size ?? 0) > 0;
  }

  /** Every account someone is signed in to here. */
  onlineAccounts(): number[] {
    const out: number[] = [];
    for (const [account, sessions] of this.byAccount) if (sessions.size > 0) out.push(account);
    return out;
  }
}

function refuse(
  metrics: Metrics,
  session: Session,
  id: string | number | null,
  reason: string,
  message: string,
  op: ClientMessage['op'] | null,
): void {
  metrics.badMessages.inc({ reason });
  session.send({ type: 'reject', id, op, reason, message });
}

function failed(log: Logger, session: Session, err: unknown): void {
  log.error({ err, session: session.id }, 'ws handler failed');
  session.send({
    type: 'reject',
    id: null,
    op: null,
    reason: 'INTERNAL',
    message: 'the server could not handle this message',
  });
}

/**
 * Acknowledges or refuses one order operation, in the turn its batch commits (after its own updates). An
 * object rather than closures, for the reason given at Placement (exchange.ts).
 */
class OrderReply implements Waiter<OrderResult | CancelAllResult> {
  private readonly started = performance.now();

  constructor(
    private readonly session: Session,
    private readonly msg: OrderMessage,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  resolve(result: OrderResult | CancelAllResult): void {
    const { session, msg, metrics } = this;
    metrics.orderLatency.observe((performance.now() - this.started) / 1000);
    if (!result.ok) {
      metrics.orders.inc({ result: 'rejected' });
      return refuse(metrics, session, msg.id, result.reason, `refused: ${result.reason}`, msg.op);
    }
    metrics.orders.inc({ result: 'accepted' });
    if ('orderId' in result)
      session.send({
        type: 'ack',
        id: msg.id,
        op: msg.op,
        orderId: result.orderId,
        duplicate: result.duplicate || undefined,
      });
    else session.send({ type: 'ack', id: msg.id, op: msg.op, result: { cancelled: result.cancelled } });
  }

  /**
   * The operation was not journaled. Named by the request's own id so the client knows which one failed: a
   * busy journal is worth a resend (idempotent by client order id), a fault in the engine or a stopped journal
   * is not.
   */
  reject(err: Error): void {
    const { session, msg, metrics, log } = this;
    if (err instanceof RateLimitedError) {
      metrics.orders.inc({ result: 'rate_limited' });
      return refuse(metrics, session, msg.id, 'RATE_LIMITED', err.message, msg.op);
    }
    metrics.orders.inc({ result: 'failed' });
    if (err instanceof CoreUnavailableError) {
      return refuse(
        metrics,
        session,
        msg.id,
        'CORE_UNAVAILABLE',
        `${err.message}: send it again (an order already placed is answered, not placed twice)`,
        msg.op,
      );
    }
    if (err instanceof JournalBusyError) {
      return refuse(
        metrics,
        session,
        msg.id,
        'BUSY',
        'the exchange was busy and did not take this order: send it again',
        msg.op,
      );
    }
    log.error({ err, session: session.id, op: msg.op }, 'order operation failed');
    const fault = err instanceof EngineFaultError;
    refuse(
      metrics,
      session,
      msg.id,
      fault ? 'ENGINE_FAULT' : 'INTERNAL',
      fault
        ? 'the exchange could not handle this order; it was not placed'
        : 'the exchange could not take this order now',
      msg.op,
    );
  }
}
