/**
 * The HTTP API under /api/v1 (JSON), health and metrics endpoints, and the notification stream (SSE).
 * Every body and query is validated with the contract's schemas before a handler uses it.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { PracticeUpload, RefreshBody, SignInBody, SignUpBody, type BalanceView, type MarketInfo } from '../../engine/protocol/sync';
import { AuthError, type Accounts, type AccountRow } from '../accounts/accounts';
import type { Metrics } from '../metrics';
import type { MarketData } from '../market-data/market-data';
import type { Notifications } from '../notifications/notifications';
import type { PracticeJournal } from '../practice/practice-journal';
import type { Exchange } from '../trading/exchange';
import type { OrderProjection } from '../trading/order-projection';
import { TokenBucket } from '../ws/token-bucket';
import { HttpFailure, parse, send } from './errors';
import { openApiDocument } from './openapi';

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
  /** A sign-out ended one session: its connections close, the account's other devices stay signed in. */
  onSessionRevoked: (accountId: number, sessionId: number) => void;
}

const Paging = z.object({
  market: z.string().max(40).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const OrdersQuery = Paging.extend({ status: z.enum(['open', 'closed']).optional() });
const BookQuery = z.object({ levels: z.coerce.number().int().min(1).max(5_000).default(50) });
const AfterQuery = z.object({ after: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(500).default(100) });

const AUTH_RATE = { perSecond: 5, burst: 20 };
/** Bytes an SSE stream may have waiting before its reader is considered gone. */
const SSE_MAX_BUFFERED = 1 << 20;

export function registerRoutes(app: FastifyInstance, d: RouteDeps): void {
  const authBuckets = new Map<string, TokenBucket>();
  const authLimited = (req: FastifyRequest) => {
    let b = authBuckets.get(req.ip);
    if (!b) {
      if (authBuckets.size > 10_000) authBuckets.clear(); // bounded memory under a spray of addresses
      authBuckets.set(req.ip, (b = new TokenBucket(AUTH_RATE.perSecond, AUTH_RATE.burst, d.now)));
    }
    if (!b.take()) throw new HttpFailure(429, 'RATE_LIMITED', 'too many sign-in attempts: wait a moment');
  };

  const bearer = (req: FastifyRequest): string => {
    const h = req.headers.authorization;
    if (typeof h === 'string' && h.startsWith('Bearer ')) return h.slice(7);
    const q = (req.query as Record<string, unknown> | undefined)?.token;
    if (typeof q === 'string' && q.length > 0) return q; // EventSource cannot set headers
    throw new HttpFailure(401, 'NOT_AUTHENTICATED', 'send "Authorization: Bearer <access token>"');
  };
  const authed = (req: FastifyRequest): AccountRow => {
    try {
      return d.accounts.authenticate(bearer(req));
    } catch (err) {
      if (err instanceof AuthError) throw new HttpFailure(401, err.code, err.message);
      throw err;
    }
  };
  const market = (id: string) => {
    const m = d.exchange.engine.marketConfig(id);
    if (!m) throw new HttpFailure(404, 'UNKNOWN_MARKET', `no market ${id}`);
    return m;
  };

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof HttpFailure) return send(reply, err.status, err.code, err.message);
    if (err instanceof AuthError) return send(reply, err.code === 'NICKNAME_TAKEN' ? 409 : 401, err.code, err.message);
    const e = err as { statusCode?: number; code?: string; message?: string };
    if (e.statusCode && e.statusCode < 500) return send(reply, e.statusCode, e.code ?? 'BAD_REQUEST', e.message ?? 'bad request');
    req.log.error({ err }, 'request failed');
    return send(reply, 500, 'INTERNAL', 'the server could not handle this request');
  });
  app.setNotFoundHandler((req, reply) => send(reply, 404, 'NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`));
  app.addHook('onResponse', async (_req, reply) => {
    d.metrics.httpRequests.inc({ status: `${Math.floor(reply.statusCode / 100)}xx` });
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => (d.isReady() ? { status: 'ready' } : reply.code(503).send({ status: 'not ready', reason: d.notReadyReason() })));
  app.get('/metrics', async (_req, reply) => reply.type(d.metrics.registry.contentType).send(await d.metrics.registry.metrics()));
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
    const token = bearer(req);
    const account = authed(req);
    d.onSessionRevoked(account.id, d.accounts.signOut(token));
    return reply.code(204).send();
  });

  app.get('/api/v1/me', async (req) => {
    const a = authed(req);
    return { accountId: a.id, nickname: a.nickname, createdAt: a.created_at };
  });
  app.get('/api/v1/balances', async (req): Promise<BalanceView[]> => {
    const a = authed(req);
    return Object.entries(d.exchange.engine.balances(a.id)).map(([asset, b]) => ({ asset, available: b.available, held: b.held }));
  });
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
  const stream = async (req: FastifyRequest, reply: import('fastify').FastifyReply) => {
    const a = authed(req);
    const header = req.headers['last-event-id'];
    const q = parse(z.object({ after: z.coerce.number().int().min(0).optional(), token: z.string().optional() }), req.query);
    const after = parse(z.coerce.number().int().min(0), typeof header === 'string' ? header : String(q.after ?? 0));
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    // A reader that stops reading is let go rather than buffered for without bound: it resumes from its
    // Last-Event-ID when it reconnects, so it misses nothing.
    const write = (n: { id: number; kind: string }) => {
      if (res.writableLength > SSE_MAX_BUFFERED) {
        res.end();
        return;
      }
      res.write(`id: ${n.id}\nevent: ${n.kind}\ndata: ${JSON.stringify(n)}\n\n`);
    };
    res.write('retry: 3000\n\n');
    let last = after;
    for (;;) {
      const backlog = d.notifications.since(a.id, last, 500);
      for (const n of backlog) write(n);
      if (backlog.length < 500) break;
      last = backlog[backlog.length - 1].id;
    }
    const stop = d.notifications.listen(a.id, write);
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    keepAlive.unref();
    const end = () => {
      stop();
      clearInterval(keepAlive);
      openStreams.delete(end);
      res.end();
    };
    openStreams.add(end);
    req.raw.on('close', end);
  };
  // A stream never ends by itself, and the server cannot close while a response is open: end them on shutdown
  // (the client's EventSource reconnects, with Last-Event-ID, to wherever the service comes back).
  const openStreams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...openStreams]) end();
  });
  app.get('/notifications/stream', stream);
  app.get('/api/v1/notifications/stream', stream);

  app.post('/api/v1/practice/journal', async (req) => {
    const a = authed(req);
    return d.practice.upload(a.id, parse(PracticeUpload, req.body).entries);
  });
  app.get('/api/v1/practice/journal', async (req) => {
    const a = authed(req);
    const q = parse(z.object({ limit: z.coerce.number().int().min(1).max(1000).default(500), afterTs: z.coerce.number().int().min(0).default(0) }), req.query);
    return d.practice.list(a.id, q.afterTs, q.limit);
  });
}
