/**
 * The core's side of a cluster (`--role core`): answers the gateways' requests (sign-in, order operations,
 * first messages, book snapshots, HTTP) from the exchange and accounts of this process, and publishes every
 * commit's public and private messages once to the JetStream stream the gateways fan out from.
 *
 * Order: events are published in the commit's turn, in commit order, on one connection, so the stream holds
 * them in the order the exchange committed them. Each carries an id (market and sequence number, or account and
 * commit) that JetStream's duplicate window uses to keep a second publish of the same commit out. An order's
 * reply goes straight back to the gateway that asked and may overtake its updates on the stream; clients already
 * take acks and updates in either order.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { connect, nuid, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { ClientMessage, type ServerMessage } from '../../engine/protocol/sync';
import { EngineFaultError, JournalBusyError, type Waiter } from '../../engine/node/store/durable-engine';
import { AuthError, type Accounts } from '../accounts/accounts';
import type { MarketData } from '../market-data/market-data';
import type { CancelAllResult, Exchange, OrderResult } from '../trading/exchange';
import { privateUpdates } from '../trading/private-updates';
import type { Channel } from '../../engine/protocol/sync';
import {
  accountSubject,
  AUTH,
  CORE_QUEUE,
  DUPLICATE_WINDOW_NS,
  EVENTS,
  HTTP,
  marketSubject,
  ORDER,
  READ_BOOK,
  READ_FIRST,
  SESSIONS_ENDED,
  CORE_STARTED,
  STREAM,
  STREAM_MAX_AGE_NS,
  type AccountEvents,
  type AuthReply,
  type HttpReplyWire,
  type HttpRequestWire,
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
  app: FastifyInstance;
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
  const publisher = new CommitPublisher(js, d.log);

  // Every public message of a commit, gathered as market data publishes it and sent with the commit's private ones.
  d.marketData.tap((key, msg) => publisher.public(key, msg));
  d.exchange.onCommit((events, changes) => {
    let commit = '';
    for (const e of events) commit = `${e.market}:${e.seq}`;
    publisher.flush(
      commit,
      privateUpdates(d.exchange, changes, () => true),
    );
  });

  // Signed out, refreshed, revoked: the sockets signed in with those sessions close wherever they are.
  d.accounts.onSessionsEnded((e) => publisher.send(SESSIONS_ENDED, e, `ended:${e.accountId}:${nuid.next()}`));

  // The request subjects only: the stream's own subjects (lpj.ev.>) pass through NATS too, and are not for us.
  const subs = ['lpj.cmd.*', 'lpj.read.*', HTTP].map((subject) =>
    nc.subscribe(subject, {
      queue: CORE_QUEUE,
      callback: (err, msg) => {
        if (err) return d.log.error({ err, subject }, 'core request subscription failed');
        try {
          answer(d, msg);
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
      await publisher.idle();
      await nc.drain();
    },
  };
}

const reply = (msg: Msg, body: unknown): void => void msg.respond(JSON.stringify(body));

function answer(d: CoreLinkDeps, msg: Msg): void {
  switch (msg.subject) {
    case AUTH: {
      const { token } = msg.json<{ token: string }>();
      try {
        const a = d.accounts.authenticate(String(token));
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
          reply(msg, {
            status: res.statusCode,
            headers: out,
            body: res.rawPayload.toString('base64'),
          } satisfies HttpReplyWire);
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

/**
 * Gathers one commit's messages and publishes them in its turn: one stream message per market and per account.
 * Publishing does not wait for the stream's acknowledgement before the next commit (that would serialise
 * commits on a round trip); a publish the stream refused is logged.
 */
class CommitPublisher {
  private perMarket = new Map<string, MarketEvents['m']>();
  private pending = new Set<Promise<unknown>>();

  constructor(
    private readonly js: JetStreamClient,
    private readonly log: Logger,
  ) {}

  public(key: string, msg: ServerMessage): void {
    const market = 'market' in msg ? msg.market : undefined;
    if (typeof market !== 'string') return;
    let list = this.perMarket.get(market);
    if (!list) this.perMarket.set(market, (list = []));
    list.push([key, msg]);
  }

  flush(commit: string, updates: { account: number; message: ServerMessage }[]): void {
    for (const [market, m] of this.perMarket) {
      const last = m[m.length - 1][1];
      const seq = 'seq' in last ? last.seq : commit;
      this.send(marketSubject(market), { m } satisfies MarketEvents, `md:${market}:${seq}:${commit}`);
    }
    this.perMarket = new Map();
    const perAccount = new Map<number, ServerMessage[]>();
    for (const u of updates) {
      let list = perAccount.get(u.account);
      if (!list) perAccount.set(u.account, (list = []));
      list.push(u.message);
    }
    for (const [account, m] of perAccount)
      this.send(accountSubject(account), { m } satisfies AccountEvents, `acct:${account}:${commit}`);
  }

  async idle(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  send(subject: string, body: unknown, id: string): void {
    const p = this.js
      .publish(subject, JSON.stringify(body), { msgID: id })
      .catch((err: unknown) => this.log.error({ err, subject }, 'publishing committed events failed'))
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }
}
