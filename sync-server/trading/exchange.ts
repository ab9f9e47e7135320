/**
 * The authoritative LPJ exchange: the durable matching engine (markets.db), the order history read model, and
 * the fan-out of committed events to whoever listens (WebSocket sessions, market data, notifications).
 *
 * Order entry is idempotent by client order id: a resend of an order the server already has (after a
 * reconnect, say) answers with the original order instead of placing a second one.
 */
import { join } from 'node:path';
import {
  openMatchingJournal,
  type MatchingJournal,
  type MatchingJournalOptions,
} from '../../engine/node/matching-journal/journal';
import type { Waiter } from '../../engine/node/store/durable-engine';
import type { Command, EngineEvent, MarketConfig, PlaceCommand, RejectReason } from '../../engine/core/matching/types';
import type { BalanceView, NewOrder, OrderView } from '../../engine/protocol/sync';
import type { OrderProjection, ProjectedChanges } from './order-projection';

export type OrderResult =
  | { ok: true; orderId: number; duplicate: boolean; events: EngineEvent[] }
  | { ok: false; reason: RejectReason; events: EngineEvent[] };

export type CancelAllResult = { ok: true; cancelled: number } | { ok: false; reason: RejectReason };

/** Runs one of the exchange's order operations as a promise (for callers that handle one at a time). */
export function settled<T>(operation: (reply: Waiter<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => operation({ resolve, reject }));
}

/** An account's ledger balances as the contract shows them (mine over HTTP and WebSocket, my copies'). */
export function balanceViews(exchange: Exchange, accountId: number): BalanceView[] {
  return Object.entries(exchange.engine.balances(accountId)).map(([asset, b]) => ({
    asset,
    available: b.available,
    held: b.held,
  }));
}

/** How the exchange's journal commits and whom it tells of commit times, engine faults and a journal that cannot go on. */
export type ExchangeJournalOptions = Pick<
  MatchingJournalOptions,
  'synchronous' | 'onCommitTimed' | 'onSyncTimed' | 'onFault' | 'onFatal'
>;

export interface CommitListener {
  (events: EngineEvent[], changes: ProjectedChanges): void;
}

export class Exchange {
  readonly journal: MatchingJournal;
  private readonly listeners = new Set<CommitListener>();
  /**
   * Orders submitted and not yet committed, by account:cid, with the resends waiting for them. A resend that
   * arrives meanwhile waits for the first copy rather than looking for it in the engine (where an order that
   * filled at once is already gone) or the read model (which only has it after the commit).
   */
  private readonly inFlight = new Map<string, Placement>();

  constructor(
    dataDir: string,
    readonly markets: readonly MarketConfig[],
    private readonly grant: Record<string, number>,
    private readonly projection: OrderProjection,
    private readonly now: () => number,
    journalOptions: ExchangeJournalOptions = {},
  ) {
    this.journal = openMatchingJournal({
      path: join(dataDir, 'markets.db'),
      manualCheckpoints: true, // see WalCheckpointer in app.ts
      markets,
      onCommit: (events) => this.committed(events),
      ...journalOptions,
    });
    this.catchUp();
  }

  get engine() {
    return this.journal.machine;
  }

  onCommit(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Opens the ledger account of a new user and credits the practice grant (a no-op for an existing one). */
  async openAccount(accountId: number): Promise<void> {
    if (this.engine.hasAccount(accountId)) return;
    const ts = this.now();
    const pending: Promise<EngineEvent[]>[] = [this.journal.submit({ type: 'open_account', account: accountId, ts })];
    for (const [asset, amount] of Object.entries(this.grant)) {
      if (amount > 0) pending.push(this.journal.submit({ type: 'deposit', account: accountId, asset, amount, ts }));
    }
    await Promise.all(pending);
  }

  /**
   * Places an order; `reply` is told in the turn its batch commits, after the commit listeners (see
   * DurableEngine.submitWith). A resend of an order already placed answers with the original.
   */
  place(accountId: number, order: NewOrder, reply: Waiter<OrderResult>): void {
    const key = `${accountId}:${order.clientOrderId}`;
    // An earlier copy still waiting for its commit: try again once it is committed and projected, when the
    // lookup below finds it (if it was accepted).
    const waiting = this.inFlight.get(key);
    if (waiting) return void waiting.resends.push(() => this.place(accountId, order, reply));
    const existing = this.findByClientId(accountId, order.clientOrderId);
    if (existing !== undefined) return reply.resolve({ ok: true, orderId: existing, duplicate: true, events: [] });
    const cmd = placeCommand(accountId, order, this.now());
    // Registered before the command is applied: from then on a resend must wait for it.
    const placement = new Placement(this.inFlight, key, reply);
    this.inFlight.set(key, placement);
    this.journal.submitWith(cmd, placement);
  }

  cancel(accountId: number, market: string, orderId: number, reply: Waiter<OrderResult>): void {
    this.simple({ type: 'cancel', ts: this.now(), market, account: accountId, orderId }, orderId, reply);
  }

  amend(
    accountId: number,
    market: string,
    orderId: number,
    quantity: number | undefined,
    price: number | undefined,
    reply: Waiter<OrderResult>,
  ): void {
    this.simple(
      { type: 'amend', ts: this.now(), market, account: accountId, orderId, quantity, price },
      orderId,
      reply,
    );
  }

  cancelAll(accountId: number, market: string | undefined, reply: Waiter<CancelAllResult>): void {
    this.journal.submitWith(
      { type: 'cancel_all', ts: this.now(), market, account: accountId },
      {
        resolve: (events) =>
          reply.resolve(
            events.some(refusal)
              ? { ok: false, reason: rejectReason(events) }
              : { ok: true, cancelled: events.filter((e) => e.type === 'cancelled').length },
          ),
        reject: (err) => reply.reject(err),
      },
    );
  }

  /** The highest ledger account id in [from, below), or from − 1 when there is none (for id allocation). */
  highestAccountIn(from: number, below: number): number {
    let highest = from - 1;
    for (const id of this.engine.ledger.accounts.keys()) if (id >= from && id < below && id > highest) highest = id;
    return highest;
  }

  order(accountId: number, orderId: number): OrderView | undefined {
    return this.projection.order(accountId, orderId);
  }

  close(): void {
    this.journal.close();
  }

  private simple(cmd: Command, orderId: number, reply: Waiter<OrderResult>): void {
    this.journal.submitWith(cmd, {
      resolve: (events) =>
        reply.resolve(
          events.some(refusal)
            ? { ok: false, reason: rejectReason(events), events }
            : { ok: true, orderId, duplicate: false, events },
        ),
      reject: (err) => reply.reject(err),
    });
  }

  private findByClientId(accountId: number, clientOrderId: string): number | undefined {
    return (
      this.engine.orderByClientId(accountId, clientOrderId)?.id ??
      this.projection.orderIdByClientId(accountId, clientOrderId)
    );
  }

  private committed(events: EngineEvent[]): void {
    const changes = this.projection.apply(events);
    for (const listener of this.listeners) listener(events, changes);
  }

  /** Applies to the read model whatever the journal committed that the projection has not seen (after a crash). */
  private catchUp(): void {
    const cursors = this.projection.cursors();
    for (const market of [...this.markets.map((m) => m.id)]) {
      let after = cursors.get(market) ?? 0;
      for (;;) {
        const events = this.journal.eventsSince(market, after, 10_000);
        if (events.length === 0) break;
        this.projection.apply(events);
        this.projection.flush();
        after = events[events.length - 1].seq;
      }
    }
  }
}

/**
 * The journal's command for a new order, holding only the fields the order has: the journal encodes every key
 * of every command, and a limit order leaves nine of its eleven optional ones out. Each field is copied by
 * name, so nothing else an order object might carry reaches the engine.
 */
function placeCommand(account: number, order: NewOrder, ts: number): PlaceCommand {
  const cmd: PlaceCommand = {
    type: 'place',
    ts,
    market: order.market,
    account,
    clientOrderId: order.clientOrderId,
    side: order.side,
    orderType: order.type,
  };
  if (order.timeInForce !== undefined) cmd.timeInForce = order.timeInForce;
  if (order.postOnly !== undefined) cmd.postOnly = order.postOnly;
  if (order.price !== undefined) cmd.price = order.price;
  if (order.stopPrice !== undefined) cmd.stopPrice = order.stopPrice;
  if (order.quantity !== undefined) cmd.quantity = order.quantity;
  if (order.quoteAmount !== undefined) cmd.quoteAmount = order.quoteAmount;
  if (order.trailAmount !== undefined) cmd.trailAmount = order.trailAmount;
  if (order.trailBps !== undefined) cmd.trailBps = order.trailBps;
  if (order.takeProfitPrice !== undefined) cmd.takeProfitPrice = order.takeProfitPrice;
  if (order.stopLossPrice !== undefined) cmd.stopLossPrice = order.stopLossPrice;
  if (order.stopLossLimitPrice !== undefined) cmd.stopLossLimitPrice = order.stopLossLimitPrice;
  return cmd;
}

/**
 * The journal's waiter for one placed order: it replies, then lets the resends that waited for the order try
 * again. An object rather than closures because it is made for every order, and the server runs under tsx,
 * whose transform names each closure as it is created (esbuild keepNames): a cost paid per order.
 */
class Placement implements Waiter<EngineEvent[]> {
  readonly resends: (() => void)[] = [];

  constructor(
    private readonly inFlight: Map<string, Placement>,
    private readonly key: string,
    private readonly reply: Waiter<OrderResult>,
  ) {}

  resolve(events: EngineEvent[]): void {
    const accepted = events.find((e) => e.type === 'accepted');
    this.reply.resolve(
      accepted && accepted.type === 'accepted'
        ? { ok: true, orderId: accepted.orderId, duplicate: false, events }
        : { ok: false, reason: rejectReason(events), events },
    );
    this.settled();
  }

  reject(err: Error): void {
    this.reply.reject(err);
    this.settled();
  }

  private settled(): void {
    this.inFlight.delete(this.key);
    for (const resend of this.resends) resend();
  }
}

/**
 * A rejection of the command itself. The exits of someone's bracket entry that the command's trades filled can
 * be refused in the same events (command 'bracket'); that is the entry owner's news, not a refusal of this.
 */
const refusal = (e: EngineEvent): boolean => e.type === 'rejected' && e.command !== 'bracket';

function rejectReason(events: EngineEvent[]): RejectReason {
  const r = events.find(refusal);
  return r && r.type === 'rejected' ? r.reason : 'INVALID_COMMAND';
}
