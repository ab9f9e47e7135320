/**
 * The authoritative LPJ exchange: the durable matching engine (markets.db), the order history read model, and
 * the fan-out of committed events to whoever listens (WebSocket sessions, market data, notifications).
 *
 * Order entry is idempotent by client order id: a resend of an order the server already has (after a
 * reconnect, say) answers with the original order instead of placing a second one.
 */
import { join } from 'node:path';
import { openMatchingJournal, type MatchingJournal } from '../../engine/matching/journal';
import type { Command, EngineEvent, MarketConfig, RejectReason } from '../../engine/matching/types';
import type { NewOrder, OrderView } from '../../engine/protocol/sync';
import type { OrderProjection, ProjectedChanges } from './order-projection';

export type OrderResult =
  | { ok: true; orderId: number; duplicate: boolean; events: EngineEvent[] }
  | { ok: false; reason: RejectReason; events: EngineEvent[] };

export interface CommitListener {
  (events: EngineEvent[], changes: ProjectedChanges): void;
}

export class Exchange {
  readonly journal: MatchingJournal;
  private readonly listeners = new Set<CommitListener>();
  /**
   * Orders submitted and not yet committed, by account:cid. A resend that arrives meanwhile waits for the first
   * copy rather than looking for it in the engine (where an order that filled at once is already gone) or the
   * read model (which only has it after the commit).
   */
  private readonly inFlight = new Map<string, Promise<OrderResult>>();

  constructor(
    dataDir: string,
    readonly markets: readonly MarketConfig[],
    private readonly grant: Record<string, number>,
    private readonly projection: OrderProjection,
    private readonly now: () => number,
    onCommitTimed?: (ms: number, commands: number) => void,
  ) {
    this.journal = openMatchingJournal({
      path: join(dataDir, 'markets.db'),
      manualCheckpoints: true, // see WalCheckpointer in app.ts
      markets,
      onCommit: (events) => this.committed(events),
      onCommitTimed,
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

  async place(accountId: number, order: NewOrder): Promise<OrderResult> {
    const key = `${accountId}:${order.clientOrderId}`;
    // Once an earlier copy is settled it is committed and projected, so the lookup below finds it (if accepted).
    for (let earlier = this.inFlight.get(key); earlier; earlier = this.inFlight.get(key)) await earlier.catch(() => undefined);
    const existing = this.findByClientId(accountId, order.clientOrderId);
    if (existing !== undefined) return { ok: true, orderId: existing, duplicate: true, events: [] };
    const cmd: Command = {
      type: 'place',
      ts: this.now(),
      market: order.market,
      account: accountId,
      clientOrderId: order.clientOrderId,
      side: order.side,
      orderType: order.type,
      timeInForce: order.timeInForce,
      postOnly: order.postOnly,
      price: order.price,
      stopPrice: order.stopPrice,
      quantity: order.quantity,
      quoteAmount: order.quoteAmount,
    };
    const placed = this.journal.submit(cmd).then((events): OrderResult => {
      const accepted = events.find((e) => e.type === 'accepted');
      if (accepted && accepted.type === 'accepted') return { ok: true, orderId: accepted.orderId, duplicate: false, events };
      return { ok: false, reason: rejectReason(events), events };
    });
    // Registered before anything awaits: the command was applied inside submit, a resend must now wait for it.
    this.inFlight.set(key, placed);
    try {
      return await placed;
    } finally {
      if (this.inFlight.get(key) === placed) this.inFlight.delete(key);
    }
  }

  async cancel(accountId: number, market: string, orderId: number): Promise<OrderResult> {
    return this.simple({ type: 'cancel', ts: this.now(), market, account: accountId, orderId }, orderId);
  }

  async amend(accountId: number, market: string, orderId: number, quantity?: number, price?: number): Promise<OrderResult> {
    return this.simple({ type: 'amend', ts: this.now(), market, account: accountId, orderId, quantity, price }, orderId);
  }

  async cancelAll(accountId: number, market?: string): Promise<{ ok: true; cancelled: number } | { ok: false; reason: RejectReason }> {
    const events = await this.journal.submit({ type: 'cancel_all', ts: this.now(), market, account: accountId });
    if (events.some((e) => e.type === 'rejected')) return { ok: false, reason: rejectReason(events) };
    return { ok: true, cancelled: events.filter((e) => e.type === 'cancelled').length };
  }

  order(accountId: number, orderId: number): OrderView | undefined {
    return this.projection.order(accountId, orderId);
  }

  close(): void {
    this.journal.close();
  }

  private async simple(cmd: Command, orderId: number): Promise<OrderResult> {
    const events = await this.journal.submit(cmd);
    if (events.some((e) => e.type === 'rejected')) return { ok: false, reason: rejectReason(events), events };
    return { ok: true, orderId, duplicate: false, events };
  }

  private findByClientId(accountId: number, clientOrderId: string): number | undefined {
    return this.engine.orderByClientId(accountId, clientOrderId)?.id ?? this.projection.orderIdByClientId(accountId, clientOrderId);
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

function rejectReason(events: EngineEvent[]): RejectReason {
  const r = events.find((e) => e.type === 'rejected');
  return r && r.type === 'rejected' ? r.reason : 'INVALID_COMMAND';
}
