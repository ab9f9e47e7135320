/**
 * The core's side of a cluster (`--role core`): answers the gateways' requests (sign-in, order operations,
 * first messages, book snapshots, HTTP) from the exchange and accounts of this process, and publishes every
 * commit's public and private messages once to the JetStream stream the gateways fan out from.
 *
 * Order: events are published in the commit's turn, in commit order, on one connection, so the stream holds
 * them in the order the exchange committed them. Each carries an id (market and sequence number, or account and
 * commit) that JetStream's duplicate window uses to keep a second publish of the same commit out; what the stream
 * refuses is held, with everything after it, and sent again in order with the same ids. An order's reply goes
 * straight back to the gateway that asked and may overtake its updates on the stream; clients already take acks
 * and updates in either order.
 */
import type { CloudLog } from '../cloud/cloud-log';
import type { FastifyInstance } from 'fastify';
import { LEDGER_STREAM, type EngineEvent } from '../../engine/core/matching/types';
import type { Logger } from 'pino';
import { connect, nuid, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { ClientMessage, type ServerMessage } from '../../engine/protocol/sync';
import { EngineFaultError, JournalBusyError, type Waiter } from '../../engine/node/store/durable-engine';
import { AuthError, type Accounts } from '../accounts/accounts';
import { bookAndTrades, MarketData } from '../market-data/market-data';
import { balanceViews, type CancelAllResult, type Exchange, type OrderResult } from '../trading/exchange';
import { privateUpdates, type PrivateUpdate } from '../trading/private-updates';
import { fillsOf, type ProjectedChanges } from '../trading/order-projection';
import type { Channel } from '../../engine/protocol/sync';
import { SSE_BACKLOG_PAGE } from '../http/notification-streams';
import type { Notifications } from '../notifications/notifications';
import type { Metrics } from '../metrics';
import { TokenBucket } from '../ws/token-bucket';
import {
  accountSubject,
  AUTH,
  CORE_QUEUE,
  DUPLICATE_WINDOW_NS,
  EVENTS,
  HTTP,
  marketSubject,
  noteSubject,
  ORDER,
  READ_NOTES,
  READ_BOOK,
  READ_FIRST,
  SESSIONS_ENDED,
  CORE_STARTED,
  STREAM,
  STREAM_MAX_AGE_NS,
  type AccountEvents,
  type AuthReply,
  type CommitPosition,
  ACCOUNT_PREFIX,
  MARKET_PREFIX,
  type HttpReplyWire,
  type HttpRequestWire,
  DEFAULT_MAX_PAYLOAD,
  INTEREST,
  INTEREST_PAGE,
  INTEREST_TTL_MS,
  MAX_REPLY_PARTS,
  type MarketEvents,
  type OrderReplyWire,
  type OrderRequest,
} from './wire';

export interface CoreLinkDeps {
  natsUrl: string;
  log: Logger;
  accounts: Accounts;
  exchange: Exchange;
  marketData: MarketData;
  notifications: Notifications;
  cloud: CloudLog;
  metrics: Metrics;
  app: FastifyInstance;
  /** Each account's order budget, kept here for all the gateways it sends through. */
  accountOrderRate: { perSecond: number; burst: number };
  now: () => number;
}

export interface CoreLink {
  close(): Promise<void>;
}

/** Creates the events stream, or brings an existing one to this configuration. */
export async function ensureStream(nc: NatsConnection): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const config = {
    name: STREAM,
    subjects: [EVENTS],
    max_age: STREAM_MAX_AGE_NS,
    duplicate_window: DUPLICATE_WINDOW_NS,
  };
  try {
    await jsm.streams.info(STREAM);
    await jsm.streams.update(STREAM, config);
  } catch {
    await jsm.streams.add(config);
  }
}

export async function startCoreLink(d: CoreLinkDeps): Promise<CoreLink> {
  const nc = await connect({ servers: d.natsUrl, name: 'lpj-core', maxReconnectAttempts: -1 });
  await ensureStream(nc);
  const js = jetstream(nc);
  const stored = await lastStoredCommit(await jetstreamManager(nc));
  // From here to the listeners, one turn: no commit can fall between what is republished and what is published.
  const publisher = new CommitPublisher(js, d.log, d.exchange, d.marketData, d.metrics);
  const republished = publisher.republish(stored);
  if (republished > 0) d.log.warn({ events: republished }, 'republished committed events the stream had not got');

  // Every public message of a commit, gathered as market data publishes it and sent with the commit's private ones.
  d.marketData.tap((key, msg) => publisher.public(key, msg));
  const killAfter = process.env.LPJ_CORE_KILL_BEFORE_PUBLISH;
  const watching = new Watching(d.now);
  d.exchange.onCommit((events, changes) => {
    // Tests only: dies as a crash would, between the commit (on disk) and its publish.
    if (killAfter && events.some((e) => e.type === killAfter)) process.kill(process.pid, 'SIGKILL');
    publisher.commit(
      events,
      privateUpdates(d.exchange, changes, (account) => watching.has(account)),
    );
  });
  const sweep = setInterval(() => watching.sweep(), INTEREST_TTL_MS);
  sweep.unref();
  const interest = nc.subscribe(INTEREST, {
    callback: (err, msg) => {
      if (err) return d.log.error({ err }, 'interest subscription failed');
      try {
        const { accounts } = msg.json<{ accounts: unknown }>();
        if (!Array.isArray(accounts)) return;
        for (const account of accounts.slice(0, INTEREST_PAGE)) {
          // An account this core did not watch (it started since, or the gateway's word came late) may have
          // missed balance updates meanwhile: its balances as they are now go out first.
          if (Number.isSafeInteger(account) && watching.mark(account as number))
            publisher.send(
              accountSubject(account as number),
              { m: [{ type: 'balance', balances: balanceViews(d.exchange, account as number) }] },
              `bal:${account}:${nuid.next()}`,
            );
        }
      } catch (err) {
        d.log.warn({ err }, 'an interest message could not be read');
      }
    },
  });

  // Every notification, as it is pushed to this process's own streams: the gateways serve theirs from these.
  d.notifications.tap((account, n) => publisher.send(noteSubject(account), n, `note:${n.id}`));

  // Another device uploaded: the account's sockets, on every gateway, are told to pull (a private message).
  d.cloud.onStored((account, cursor, device) =>
    publisher.send(
      accountSubject(account),
      { m: [{ type: 'cloud.changed', cursor, device }] },
      `cloud:${account}:${cursor}`,
    ),
  );

  // Signed out, refreshed, revoked: the sockets signed in with those sessions close wherever they are.
  d.accounts.onSessionsEnded((e) => publisher.send(SESSIONS_ENDED, e, `ended:${e.accountId}:${nuid.next()}`));

  // An account's order budget, whichever gateways its orders come through (each gateway also holds it to the
  // budget on its own connections, which refuses no order this one would take: it sees a part of the same orders).
  const buckets = new Map<number, TokenBucket>();
  const budgets = (account: number): boolean => {
    let b = buckets.get(account);
    if (!b) buckets.set(account, (b = new TokenBucket(d.accountOrderRate.perSecond, d.accountOrderRate.burst, d.now)));
    return b.take();
  };

  // The request subjects only: the stream's own subjects (lpj.ev.>) pass through NATS too, and are not for us.
  const subs = ['lpj.cmd.*', 'lpj.read.*', HTTP].map((subject) =>
    nc.subscribe(subject, {
      queue: CORE_QUEUE,
      callback: (err, msg) => {
        if (err) return d.log.error({ err, subject }, 'core request subscription failed');
        try {
          answer(d, msg, nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD, budgets, watching);
        } catch (err) {
          d.log.error({ err, subject: msg.subject }, 'a gateway request failed');
          reply(msg, { error: 'INTERNAL', message: 'the core could not handle this request' });
        }
      },
    }),
  );
  // The server has the subscriptions before the core says it is up: a gateway's next request finds it.
  await nc.flush();
  publisher.send(CORE_STARTED, { at: Date.now() }, `started:${nuid.next()}`);
  d.log.info({ nats: d.natsUrl }, 'core linked to NATS');
  return {
    close: async () => {
      for (const sub of subs) sub.unsubscribe();
      interest.unsubscribe();
      clearInterval(sweep);
      await publisher.idle();
      publisher.stop();
      await nc.drain();
    },
  };
}

const reply = (msg: Msg, body: unknown): void => void msg.respond(JSON.stringify(body));

/**
 * Answers an HTTP request: in one message when it fits the server's message limit, else a head that says how
 * many parts follow and the body in parts of at most that limit, all on this connection to the one reply subject
 * (NATS keeps one publisher's messages to a subject in order), which the gateway joins (`httpReply`).
 */
function replyHttp(msg: Msg, reply: Omit<HttpReplyWire, 'body'>, body: Buffer, maxPayload: number): void {
  const whole = JSON.stringify({ ...reply, body: body.toString('base64') } satisfies HttpReplyWire);
  if (Buffer.byteLength(whole) <= maxPayload) return void msg.respond(whole);
  const parts = Math.ceil(body.length / maxPayload);
  if (parts > MAX_REPLY_PARTS) throw new Error(`an HTTP reply of ${body.length} bytes is past what a reply may carry`);
  msg.respond(JSON.stringify({ ...reply, body: '', parts, size: body.length } satisfies HttpReplyWire));
  for (let i = 0; i < parts; i++) msg.respond(body.subarray(i * maxPayload, (i + 1) * maxPayload));
}

function answer(
  d: CoreLinkDeps,
  msg: Msg,
  maxPayload: number,
  budget: (account: number) => boolean,
  watching: Watching,
): void {
  switch (msg.subject) {
    case AUTH: {
      // An access token, or (for a notification stream, which an EventSource opens without headers) a ticket.
      const { token, ticket } = msg.json<{ token?: string; ticket?: string }>();
      try {
        const a =
          ticket !== undefined ? d.accounts.redeemStreamTicket(String(ticket)) : d.accounts.authenticate(String(token));
        // Signed in through a gateway: its balances from now on go out with every commit that moves them (the
        // ones read here are the client's starting point).
        watching.mark(a.id);
        const balances = Object.entries(d.exchange.engine.balances(a.id)).map(([asset, b]) => ({
          asset,
          available: b.available,
          held: b.held,
        }));
        reply(msg, {
          ok: true,
          accountId: a.id,
          nickname: a.nickname,
          expiresAt: a.expiresAt,
          sessionId: a.sessionId,
          balances,
        } satisfies AuthReply);
      } catch (err) {
        if (!(err instanceof AuthError)) throw err;
        reply(msg, { ok: false, code: err.code, message: err.message } satisfies AuthReply);
      }
      return;
    }
    case ORDER: {
      const req = msg.json<OrderRequest>();
      const parsed = ClientMessage.safeParse(req.msg);
      if (!Number.isSafeInteger(req.account) || !parsed.success || !parsed.data.op.startsWith('order.'))
        return reply(msg, { error: 'INTERNAL', message: 'not an order operation' } satisfies OrderReplyWire);
      const op = parsed.data as OrderRequest['msg'];
      if (!budget(req.account))
        return reply(msg, {
          error: 'RATE_LIMITED',
          message: `more than ${d.accountOrderRate.perSecond} orders/s for this account`,
        } satisfies OrderReplyWire);
      const waiter = new WireReply(msg);
      if (op.op === 'order.new') d.exchange.place(req.account, op.order, waiter);
      else if (op.op === 'order.cancel') d.exchange.cancel(req.account, op.market, op.orderId, waiter);
      else if (op.op === 'order.amend')
        d.exchange.amend(req.account, op.market, op.orderId, op.quantity, op.price, waiter);
      else d.exchange.cancelAll(req.account, op.market, waiter);
      return;
    }
    case READ_FIRST: {
      const { channel, market, interval } = msg.json<{ channel: Channel; market: string; interval?: string }>();
      const messages: ServerMessage[] = [];
      if (d.exchange.engine.marketConfig(market))
        d.marketData.sendFirst({ send: (m) => messages.push(m) }, channel, market, interval);
      return reply(msg, { messages });
    }
    case READ_BOOK: {
      const { market } = msg.json<{ market: string }>();
      const messages: ServerMessage[] = [];
      if (d.exchange.engine.marketConfig(market)) d.marketData.sendSnapshot({ send: (m) => messages.push(m) }, market);
      return reply(msg, { messages });
    }
    case READ_NOTES: {
      const { account, after, limit } = msg.json<{ account: number; after: number; limit: number }>();
      if (![account, after, limit].every(Number.isSafeInteger))
        return reply(msg, { error: 'INTERNAL', message: 'not a notification query' });
      return reply(msg, { notifications: d.notifications.since(account, after, Math.min(limit, SSE_BACKLOG_PAGE)) });
    }
    case HTTP: {
      const r = msg.json<HttpRequestWire>();
      void d.app
        .inject({
          method: r.method as 'GET',
          url: r.url,
          headers: r.headers,
          payload: r.body ? Buffer.from(r.body, 'base64') : undefined,
          remoteAddress: r.remoteAddress,
        })
        .then((res) => {
          const out: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = String(v);
          replyHttp(msg, { status: res.statusCode, headers: out }, res.rawPayload, maxPayload);
        })
        .catch((err: unknown) => {
          d.log.error({ err }, 'an HTTP request from a gateway failed');
          reply(msg, {
            status: 500,
            headers: { 'content-type': 'application/json' },
            body: Buffer.from(JSON.stringify({ error: { code: 'INTERNAL', message: 'the core failed' } })).toString(
              'base64',
            ),
          } satisfies HttpReplyWire);
        });
      return;
    }
    default:
      reply(msg, { error: 'INTERNAL', message: `no such request: ${msg.subject}` });
  }
}

/** Answers one order operation with its result, or with why it was not journaled. */
class WireReply implements Waiter<OrderResult | CancelAllResult> {
  constructor(private readonly msg: Msg) {}

  resolve(result: OrderResult | CancelAllResult): void {
    // The engine's events stay here: the gateway needs the answer, the events go out on the stream.
    const { events: _events, ...rest } = result as OrderResult;
    reply(this.msg, { result: rest } as OrderReplyWire);
  }

  reject(err: Error): void {
    const error =
      err instanceof JournalBusyError ? 'BUSY' : err instanceof EngineFaultError ? 'ENGINE_FAULT' : 'INTERNAL';
    reply(this.msg, { error, message: err.message } satisfies OrderReplyWire);
  }
}

/** The newest commit the stream holds, and the ids of that commit's messages it holds (it may not hold them all). */
interface StoredCommit {
  position: CommitPosition;
  ids: Set<string>;
}

/** How far back from the stream's end a starting core looks for the last commit it published. */
const STORED_SCAN_LIMIT = 10_000;

/**
 * Reads the stream from its end back to the newest message that carries a commit position, then on over the
 * messages of that same commit (a commit is several messages, published one after the other).
 */
async function lastStoredCommit(jsm: JetStreamManager): Promise<StoredCommit | undefined> {
  const { state } = await jsm.streams.info(STREAM);
  let found: StoredCommit | undefined;
  for (let seq = state.last_seq; seq >= Math.max(1, state.first_seq, state.last_seq - STORED_SCAN_LIMIT); seq--) {
    const msg = await jsm.streams.getMessage(STREAM, { seq }).catch(() => null);
    if (!msg || !(msg.subject.startsWith(MARKET_PREFIX) || msg.subject.startsWith(ACCOUNT_PREFIX))) continue;
    const p = msg.json<MarketEvents | AccountEvents>().p;
    if (!p) continue;
    if (found && p.commit !== found.position.commit) break;
    found ??= { position: p, ids: new Set() };
    const id = msg.header?.get('Nats-Msg-Id');
    if (id) found.ids.add(id);
  }
  return found;
}

/**
 * The accounts some gateway has someone signed in to, each until `INTEREST_TTL_MS` after a gateway last said
 * so (or the core signed it in for a gateway): the accounts whose balances a commit reads and publishes.
 */
class Watching {
  private readonly until = new Map<number, number>();
  constructor(private readonly now: () => number) {}

  has(account: number): boolean {
    return (this.until.get(account) ?? 0) > this.now();
  }

  /** Watches the account for another TTL; true if it was not watched until now. */
  mark(account: number): boolean {
    const was = this.has(account);
    this.until.set(account, this.now() + INTEREST_TTL_MS);
    return !was;
  }

  /** Forgets the accounts no gateway has spoken of in time (memory stays bounded by those watched). */
  sweep(): void {
    const now = this.now();
    for (const [account, until] of this.until) if (until <= now) this.until.delete(account);
  }
}

/** A stream message as the core sends it, kept until the stream has stored it. */
interface Outgoing {
  subject: string;
  data: string;
  id: string;
  stored: boolean;
}

/** Waits between rounds of sending held messages again while the stream refuses them (ms). */
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 2_000;

/**
 * Gathers one commit's messages and publishes them in its turn: one stream message per market and per account,
 * each carrying the commit's position. Publishing does not wait for the stream's acknowledgement before the next
 * commit (that would serialise commits on a round trip); every message is kept until the stream has stored it.
 * Once the stream refuses one (NATS away from the core, or no answer in time), every message from it on is held,
 * newer ones included, and sent again one at a time in commit order, each with the id it had (so one the stream
 * stored after all is not stored twice), until all are stored; then publishing goes on as before.
 */
class CommitPublisher {
  private perMarket = new Map<string, MarketEvents['m']>();
  private pending = new Set<Promise<unknown>>();
  /** The last event's seq per event stream, as published. */
  private at: Record<string, number> = {};
  /** The last book delta's seq per market, as published. */
  private delta: Record<string, number> = {};
  /** Sent and not yet stored, in the order sent. */
  private outbox: Outgoing[] = [];
  /** True while held messages are being sent again: new ones wait behind them. */
  private retrying = false;
  private stopped = false;

  constructor(
    private readonly js: JetStreamClient,
    private readonly log: Logger,
    private readonly exchange: Exchange,
    private readonly marketData: MarketData,
    private readonly metrics: Metrics,
  ) {}

  public(key: string, msg: ServerMessage): void {
    const market = 'market' in msg ? msg.market : undefined;
    if (typeof market !== 'string') return;
    let list = this.perMarket.get(market);
    if (!list) this.perMarket.set(market, (list = []));
    list.push([key, msg]);
  }

  /** Publishes one commit: the public messages gathered since the last one, and its private updates. */
  commit(events: EngineEvent[], updates: PrivateUpdate[], id?: string, skip?: Set<string>): void {
    if (events.length === 0) return;
    const last = events[events.length - 1];
    const commit = id ?? `${last.market}:${last.seq}`;
    const before = { ...this.at };
    for (const e of events) this.at[e.market] = e.seq;
    const p: CommitPosition = { commit, before, after: { ...this.at }, delta: { ...this.delta } };
    const send = (subject: string, body: MarketEvents | AccountEvents, msgId: string) => {
      if (!skip?.has(msgId)) this.send(subject, body, msgId);
    };
    for (const [market, m] of this.perMarket) {
      for (const [, msg] of m) if (msg.type === 'book.delta') this.delta[market] = msg.seq;
      send(marketSubject(market), { m, p }, `md:${market}:${this.at[market]}:${commit}`);
    }
    this.perMarket = new Map();
    const perAccount = new Map<number, ServerMessage[]>();
    for (const u of updates) {
      let list = perAccount.get(u.account);
      if (!list) perAccount.set(u.account, (list = []));
      list.push(u.message);
    }
    for (const [account, m] of perAccount) send(accountSubject(account), { m, p }, `acct:${account}:${commit}`);
  }

  /**
   * Publishes what the journal committed after the stream's newest commit (a core killed between a commit and
   * its publish, or events committed before this link started): that newest commit again, with the ids it had,
   * so the messages of it the stream already holds are not stored twice, then what follows in pages per event
   * stream. Orders are sent in their state now, once per page; balances as they are now. Returns how many
   * events it covered. Without a stored commit (a new stream, or one that kept none this old) there is no
   * reference, and nothing is republished: the gateways take snapshots when the core starts.
   */
  republish(stored: StoredCommit | undefined): number {
    const engine = this.exchange.engine;
    const markets = this.exchange.markets.map((m) => m.id);
    const streams = [...markets, LEDGER_STREAM];
    if (!stored) {
      this.at = Object.fromEntries(streams.map((s) => [s, engine.lastSeq(s)]));
      this.delta = Object.fromEntries(markets.map((m) => [m, engine.lastSeq(m)]));
      return 0;
    }
    const { position } = stored;
    this.at = { ...Object.fromEntries(streams.map((s) => [s, 0])), ...position.before };
    this.delta = { ...Object.fromEntries(markets.map((m) => [m, 0])), ...position.delta };
    let count = 0;
    const page = (events: EngineEvent[], id?: string, skip?: Set<string>) => {
      count += events.length;
      const lastDelta = new Map(Object.entries(this.delta));
      const traded = bookAndTrades(events, lastDelta, (key, msg) => this.public(key, msg));
      // The ticker as it is now (the running candle goes out with the next commit that trades).
      for (const market of traded) {
        const ticker = this.marketData.ticker(market);
        if (ticker) this.public(MarketData.key('ticker', market), { type: 'ticker', ...ticker });
      }
      this.commit(
        events,
        privateUpdates(this.exchange, changesOf(this.exchange, events), () => true),
        id,
        skip,
      );
    };
    // The newest stored commit, exactly as it was.
    const again: EngineEvent[] = [];
    for (const s of streams) {
      const to = position.after[s] ?? 0;
      for (let from = position.before[s] ?? 0; from < to;) {
        const events = this.exchange.journal.eventsSince(s, from, Math.min(to - from, REPUBLISH_PAGE));
        if (events.length === 0) break;
        again.push(...events);
        from = events[events.length - 1].seq;
      }
    }
    if (again.length > 0) page(again, position.commit, stored.ids);
    count = 0;
    // Everything after it.
    for (const s of streams) {
      for (;;) {
        const events = this.exchange.journal.eventsSince(s, this.at[s] ?? 0, REPUBLISH_PAGE);
        if (events.length === 0) break;
        const last = events[events.length - 1];
        page(events, `re:${last.market}:${last.seq}`);
      }
    }
    return count;
  }

  async idle(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  stop(): void {
    this.stopped = true;
  }

  send(subject: string, body: unknown, id: string): void {
    const o: Outgoing = { subject, data: JSON.stringify(body), id, stored: false };
    this.outbox.push(o);
    if (this.retrying) return this.metrics.streamHeld.set(this.outbox.length);
    const p = this.js
      .publish(subject, o.data, { msgID: id })
      .then(
        () => this.stored(o),
        (err: unknown) => {
          this.log.error({ err, subject }, 'the events stream refused a commit: holding it and what follows');
          void this.retry();
        },
      )
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  private stored(o: Outgoing): void {
    o.stored = true;
    let done = 0;
    while (done < this.outbox.length && this.outbox[done].stored) done++;
    if (done > 0) this.outbox.splice(0, done);
  }

  /** Sends what the stream has not stored, in order, one at a time, until it has stored them all. */
  private async retry(): Promise<void> {
    if (this.retrying) return;
    this.retrying = true;
    this.metrics.streamHeld.set(this.outbox.length);
    let wait = RETRY_FIRST_MS;
    while (!this.stopped && this.outbox.length > 0) {
      await new Promise((r) => setTimeout(r, wait).unref());
      try {
        while (!this.stopped && this.outbox.length > 0) {
          const o = this.outbox[0];
          if (!o.stored) await this.js.publish(o.subject, o.data, { msgID: o.id });
          this.stored(o);
          this.metrics.streamHeld.set(this.outbox.length);
        }
      } catch (err) {
        this.log.warn({ err, held: this.outbox.length }, 'the events stream still refuses: trying again');
        wait = Math.min(wait * 2, RETRY_MAX_MS);
      }
    }
    if (!this.stopped) this.log.warn('the events stream has every held commit again, in order');
    this.retrying = false;
    this.metrics.streamHeld.set(0);
  }
}

/** Events per stream message when republishing: well under NATS's message size with their private updates. */
const REPUBLISH_PAGE = 200;

/**
 * What a run of committed events changed for each account, for republishing: every order they touched in its
 * state now, every fill, every account whose balances they moved. The live path has the projection's changes;
 * after a restart the projection has applied these events long since, so they are read back from it.
 */
function changesOf(exchange: Exchange, events: EngineEvent[]): ProjectedChanges {
  const orders = new Map<number, number>();
  const changes: ProjectedChanges = { orders: [], fills: [], accounts: new Set() };
  for (const e of events) {
    if (e.type === 'trade') {
      for (const f of fillsOf(e)) {
        changes.fills.push(f);
        changes.accounts.add(f.account);
        orders.set(f.fill.orderId, f.account);
      }
      continue;
    }
    if ('account' in e && typeof e.account === 'number') {
      changes.accounts.add(e.account);
      if ('orderId' in e && typeof e.orderId === 'number') orders.set(e.orderId, e.account);
    }
    if (e.type === 'transferred') changes.accounts.add(e.to);
  }
  for (const [orderId, account] of orders) {
    const order = exchange.order(account, orderId);
    if (order) changes.orders.push({ account, order });
  }
  return changes;
}
