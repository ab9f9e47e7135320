/**
 * The HTTP API under /api/v1 (JSON), health and metrics endpoints, and the notification stream (SSE).
 * Every body and query is validated with the contract's schemas before a handler uses it. Tokens are taken
 * from the Authorization header only; the stream, which an EventSource opens without headers, also takes a
 * single-use ticket (POST /api/v1/notifications/ticket) in its URL. A stream lives as long as its session: it
 * ends when the session is signed out, refreshed, revoked or its account deleted, or its access token expires.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  PracticeUpload,
  RefreshBody,
  SignInBody,
  SignUpBody,
  type BalanceView,
  type MarketInfo,
  type StreamTicket,
} from '../../engine/protocol/sync';
import { AuthError, type Accounts, type Authenticated } from '../accounts/accounts';
import type { Metrics } from '../metrics';
import type { MarketData } from '../market-data/market-data';
import type { Notifications } from '../notifications/notifications';
import { QuotaExceeded, type PracticeJournal } from '../practice/practice-journal';
import { balanceViews, type Exchange } from '../trading/exchange';
import type { OrderProjection } from '../trading/order-projection';
import { TokenBucket } from '../ws/token-bucket';
import { HttpFailure, parse, send } from './errors';
import { openApiDocument } from './openapi';
import { NotificationStreams, streamRequest } from './notification-streams';

export interface RouteDeps {
  accounts: Accounts;
  exchange: Exchange;
  projection: OrderProjection;
  notifications: Notifications;
  practice: PracticeJournal;
  marketData: MarketData;
  metrics: Metrics;
  now: () => number;
  isReady: () => boolean;
  /** Why the server is not ready (starting, shutting down, or a store that cannot go on), for /readyz. */
  notReadyReason: () => string;
}

const Paging = z.object({
  market: z.string().max(40).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const OrdersQuery = Paging.extend({ status: z.enum(['open', 'closed']).optional() });
/** Levels per side a book snapshot returns at most: a request costs what it returns, and no screen shows more. */
const BookQuery = z.object({ levels: z.coerce.number().int().min(1).max(1_000).default(50) });
/** A page of the practice backup: after the entry (time, then local id) the last page ended with. */
const PracticeListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(500),
  afterTs: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  afterId: z.string().min(1).max(100).optional(),
});
const PracticeDeleteQuery = z.object({
  beforeTs: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});
const AfterQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const AUTH_RATE = { perSecond: 5, burst: 20 };

export function registerRoutes(app: FastifyInstance, d: RouteDeps): void {
  const authBuckets = new Map<string, TokenBucket>();
  const authLimited = (req: FastifyRequest) => {
    let b = authBuckets.get(req.ip);
    if (!b) {
      if (authBuckets.size > 10_000) authBuckets.clear(); // bounded memory under a spray of addresses
      authBuckets.set(req.ip, (b = new TokenBucket(AUTH_RATE.perSecond, AUTH_RATE.burst, d.now)));
    }
    if (!b.take())
      throw new AuthError('RATE_LIMITED', 'too many sign-in attempts: wait a moment', 1_000 / AUTH_RATE.perSecond);
  };

  const bearer = (req: FastifyRequest): string => {
    const h = req.headers.authorization;
    if (typeof h === 'string' && h.startsWith('Bearer ')) return h.slice(7);
    throw new HttpFailure(401, 'NOT_AUTHENTICATED', 'send "Authorization: Bearer <access token>"');
  };
  const authed = (req: FastifyRequest): Authenticated => d.accounts.authenticate(bearer(req));
  const market = (id: string) => {
    const m = d.exchange.engine.marketConfig(id);
    if (!m) throw new HttpFailure(404, 'UNKNOWN_MARKET', `no market ${id}`);
    return m;
  };

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof HttpFailure) return send(reply, err.status, err.code, err.message);
    if (err instanceof AuthError) {
      if (err.retryAfterMs !== undefined)
        reply.header('retry-after', String(Math.max(1, Math.ceil(err.retryAfterMs / 1000))));
      return send(reply, err.status, err.code, err.message);
    }
    const e = err as { statusCode?: number; code?: string; message?: string };
    if (e.statusCode && e.statusCode < 500)
      return send(reply, e.statusCode, e.code ?? 'BAD_REQUEST', e.message ?? 'bad request');
    req.log.error({ err }, 'request failed');
    return send(reply, 500, 'INTERNAL', 'the server could not handle this request');
  });
  app.setNotFoundHandler((req, reply) =>
    send(reply, 404, 'NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`),
  );
  app.addHook('onResponse', async (_req, reply) => {
    d.metrics.httpRequests.inc({ status: `${Math.floor(reply.statusCode / 100)}xx` });
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) =>
    d.isReady() ? { status: 'ready' } : reply.code(503).send({ status: 'not ready', reason: d.notReadyReason() }),
  );
  app.get('/metrics', async (_req, reply) =>
    reply.type(d.metrics.registry.contentType).send(await d.metrics.registry.metrics()),
  );
  app.get('/api/v1/openapi.json', async () => openApiDocument());

  app.post('/api/v1/auth/signup', async (req, reply) => {
    authLimited(req);
    const body = parse(SignUpBody, req.body);
    const session = await d.accounts.signUp(body.nickname, body.password);
    await d.exchange.openAccount(session.accountId);
    return reply.code(201).send(session);
  });
  app.post('/api/v1/auth/signin', async (req) => {
    authLimited(req);
    const body = parse(SignInBody, req.body);
    return d.accounts.signIn(body.nickname, body.password);
  });
  app.post('/api/v1/auth/refresh', async (req) => {
    authLimited(req);
    return d.accounts.refresh(parse(RefreshBody, req.body).refreshToken);
  });
  app.post('/api/v1/auth/signout', async (req, reply) => {
    d.accounts.signOut(bearer(req)); // its sockets and streams close (onSessionsEnded)
    return reply.code(204).send();
  });

  app.get('/api/v1/me', async (req) => {
    const a = authed(req);
    return { accountId: a.id, nickname: a.nickname, createdAt: a.created_at };
  });
  app.get('/api/v1/balances', async (req): Promise<BalanceView[]> => balanceViews(d.exchange, authed(req).id));
  app.get('/api/v1/orders', async (req) => {
    const a = authed(req);
    const q = parse(OrdersQuery, req.query);
    d.exchange.journal.flush(); // the read model is current up to the last acknowledged order
    const orders = d.projection.orders(a.id, q);
    return { orders, nextBefore: orders.length === q.limit ? orders[orders.length - 1].orderId : undefined };
  });
  app.get<{ Params: { id: string } }>('/api/v1/orders/:id', async (req) => {
    const a = authed(req);
    const id = parse(z.coerce.number().int().positive(), req.params.id);
    d.exchange.journal.flush();
    const order = d.projection.order(a.id, id);
    if (!order) throw new HttpFailure(404, 'UNKNOWN_ORDER', `no order ${id}`);
    return order;
  });
  app.get('/api/v1/trades', async (req) => {
    const a = authed(req);
    const q = parse(Paging, req.query);
    d.exchange.journal.flush();
    const fills = d.projection.fills(a.id, q);
    return { fills, nextBefore: fills.length === q.limit ? fills[fills.length - 1].tradeId : undefined };
  });

  app.get('/api/v1/markets', async (): Promise<MarketInfo[]> => d.exchange.markets.map((m) => ({ ...m })));
  app.get<{ Params: { id: string } }>('/api/v1/markets/:id/book', async (req) => {
    market(req.params.id);
    const q = parse(BookQuery, req.query);
    d.exchange.journal.flush();
    return d.exchange.engine.depth(req.params.id, q.levels);
  });
  app.get<{ Params: { id: string } }>('/api/v1/markets/:id/ticker', async (req) => {
    market(req.params.id);
    return d.marketData.ticker(req.params.id);
  });

  app.get('/api/v1/notifications', async (req) => {
    const a = authed(req);
    const q = parse(AfterQuery, req.query);
    return d.notifications.since(a.id, q.after, q.limit);
  });
  app.post('/api/v1/notifications/ticket', async (req): Promise<StreamTicket> =>
    d.accounts.issueStreamTicket(bearer(req)),
  );

  const streams = new NotificationStreams(d.notifications, d.now);
  d.accounts.onSessionsEnded((e) => streams.sessionsEnded(e));
  const stream = async (req: FastifyRequest, reply: import('fastify').FastifyReply) => {
    const q = streamRequest(req.query, req.headers['last-event-id']);
    const a = q.ticket !== undefined ? d.accounts.redeemStreamTicket(q.ticket) : authed(req);
    streams.checkRoom();
    reply.hijack();
    await streams.open(reply.raw, a, q.after, req.log);
  };
  // A stream never ends by itself, and the server cannot close while a response is open: end them on shutdown
  // (the client's EventSource reconnects, with Last-Event-ID, to wherever the service comes back).
  app.addHook('preClose', async () => streams.endAll());
  app.get('/notifications/stream', stream);
  app.get('/api/v1/notifications/stream', stream);

  // Bounded per account (limits.practiceEntries / practiceBytes): a full backup refuses uploads with 413
  // QUOTA_EXCEEDED until old entries are deleted.
  app.post('/api/v1/practice/journal', async (req) => {
    const a = authed(req);
    const entries = parse(PracticeUpload, req.body).entries;
    try {
      return d.practice.upload(a.id, entries);
    } catch (err) {
      if (err instanceof QuotaExceeded) throw new HttpFailure(413, err.code, err.message);
      throw err;
    }
  });
  app.get('/api/v1/practice/journal', async (req) => {
    const a = authed(req);
    const q = parse(PracticeListQuery, req.query);
    return d.practice.list(a.id, { ts: q.afterTs, localId: q.afterId }, q.limit);
  });
  app.delete('/api/v1/practice/journal', async (req) => {
    const a = authed(req);
    return d.practice.deleteBefore(a.id, parse(PracticeDeleteQuery, req.query).beforeTs);
  });
}
