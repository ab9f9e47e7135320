/**
 * Notifications per account: stored (so a client that reconnects with Last-Event-ID misses nothing) and pushed
 * live to the account's open Server-Sent-Events streams. Fills notify both sides; copy trading and ranking
 * add their own kinds through `add`. A notification is its kind and that kind's data (engine/protocol/
 * notification-kinds.ts), which the app puts into the user's language; the title and body columns hold text
 * only for notifications stored before that, and are left empty.
 *
 * Bounded per account: the newest `keep` (limits.notifications) are kept and older ones deleted as new ones
 * arrive, never the other way round — a user must not miss a new fill because old notices piled up. The
 * deletion runs once per tenth of `keep` new notifications of an account (and at its first one after start),
 * so an account holds at most `keep` plus a tenth between two deletions.
 */
import type { Db } from '../../engine/node/db/database';
import type { NotificationData, NotificationKind } from '../../engine/protocol/notification-kinds';
import type { Fill, Notification } from '../../engine/protocol/sync';
import type { WriteBehind } from '../db/write-behind';

type Listener = (n: Notification) => void;

interface Row {
  id: number;
  ts: number;
  kind: string;
  title: string;
  body: string;
  data: string | null;
}

const toNotification = (r: Row): Notification => ({
  id: r.id,
  ts: r.ts,
  kind: r.kind,
  ...(r.title && { title: r.title }),
  ...(r.body && { body: r.body }),
  data: r.data ? (JSON.parse(r.data) as Record<string, unknown>) : undefined,
});

export class Notifications {
  private readonly listeners = new Map<number, Set<Listener>>();
  /** Told of every account's notifications as they are pushed (a core publishes them for its gateways). */
  private readonly taps: ((account: number, n: Notification) => void)[] = [];
  private readonly insert;
  /** The same insert, for fill notifications, which are written with their fills (see recordFill). */
  private readonly insertQueued: number;
  private readonly selectSince;
  private readonly prune: number;
  /** Notifications added per account since its last prune (none yet: prune at the next). */
  private readonly sincePrune = new Map<number, number>();
  private readonly pruneEvery: number;

  /** Fill notifications written in the projection's transaction, pushed to live streams after its commit. */
  private unpublished: { account: number; n: Notification }[] = [];

  constructor(
    db: Db,
    /** The read models' write-behind queue (fill notifications are written in its flushes). */
    private readonly writes: WriteBehind,
    private readonly now: () => number,
    /** Notifications kept per account. */
    private readonly keep: number,
  ) {
    this.pruneEvery = Math.max(1, Math.floor(keep / 10));
    // Everything older than the account's keep-th newest: one walk of `keep` index entries, then the excess.
    this.prune = writes.statement(
      'DELETE FROM notifications WHERE account_id = ? AND id <= (SELECT id FROM notifications WHERE account_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)',
    );
    this.insert = db.prepare(
      'INSERT INTO notifications (account_id, ts, kind, title, body, data) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.insertQueued = writes.statement(
      'INSERT INTO notifications (account_id, ts, kind, title, body, data) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.selectSince = db.prepare(
      'SELECT id, ts, kind, title, body, data FROM notifications WHERE account_id = ? AND id > ? ORDER BY id LIMIT ?',
    );
  }

  /**
   * Records a fill's notification. Queued with the order projection's rows, so the notification is committed
   * together with the fill it tells of (a crash loses both or neither, and the catch-up after a restart writes
   * both); `publishCommitted` then pushes it live.
   */
  recordFill(account: number, fill: Fill, ts: number): void {
    const data: NotificationData<'fill'> = {
      market: fill.market,
      orderId: fill.orderId,
      tradeId: fill.tradeId,
      side: fill.side,
      price: fill.price,
      quantity: fill.quantity,
      fee: fill.fee,
    };
    this.writes.run(this.insertQueued, [account, ts, 'fill', '', '', JSON.stringify(data)], (id) =>
      this.unpublished.push({ account, n: { id, ts, kind: 'fill', data } }),
    );
    this.added(account);
  }

  /** Counts a new notification of the account, and queues the deletion of its oldest when one is due. */
  private added(account: number): void {
    const n = this.sincePrune.get(account);
    if (n !== undefined && n + 1 < this.pruneEvery) {
      this.sincePrune.set(account, n + 1);
      return;
    }
    this.sincePrune.set(account, 0);
    this.writes.run(this.prune, [account, account, this.keep]);
  }

  /** Pushes the fill notifications of the last flush to the accounts' open streams. */
  publishCommitted(): void {
    const batch = this.unpublished;
    this.unpublished = [];
    for (const { account, n } of batch) this.push(account, n);
  }

  private push(account: number, n: Notification): void {
    for (const tap of this.taps) tap(account, n);
    for (const l of this.listeners.get(account) ?? []) l(n);
  }

  /** Listens to every account's notifications, in the order they are pushed. */
  tap(listener: (account: number, n: Notification) => void): void {
    this.taps.push(listener);
  }

  add<K extends NotificationKind>(accountId: number, kind: K, data: NotificationData<K>): Notification {
    const ts = this.now();
    const { lastInsertRowid } = this.insert.run(accountId, ts, kind, '', '', JSON.stringify(data));
    const n: Notification = { id: Number(lastInsertRowid), ts, kind, data };
    this.added(accountId);
    this.push(accountId, n);
    return n;
  }

  since(accountId: number, afterId: number, limit = 500): Notification[] {
    this.writes.flush();
    return (this.selectSince.all(accountId, afterId, limit) as Row[]).map(toNotification);
  }

  listen(accountId: number, listener: Listener): () => void {
    let set = this.listeners.get(accountId);
    if (!set) this.listeners.set(accountId, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }
}
