/**
 * My notifications from the sync server (fills, and whatever else the server tells the account): a backlog
 * read over HTTP when an account signs in, then the server's SSE stream, resumed with Last-Event-ID after
 * every drop so nothing is missed. Each stream is opened with a single-use ticket asked for just before (the
 * access token never goes into a URL). The server ends a stream when its session ends or its access token
 * expires; while the stream is down the list is polled over HTTP instead, which also refreshes an expired
 * access token before the stream is tried again.
 *
 * The server keeps no read flags, so what has been read is kept here, per server and account, in app.db.
 *
 * Notifications are passed on as the server sent them, a kind and its data (the UI puts them into words), with
 * the server's markets, which give the data's figures their units.
 */
import { z } from 'zod';
import type { AppNotification, MarketSettings } from '../protocol/api';
import type { Notification } from '../protocol/sync';
import { Notification as NotificationSchema } from '../protocol/sync';
import type { SyncClient } from '../node/sync/sync-client';
import type { SettingsStore } from './settings-store';
import { fetchMarkets } from './live-http';
import { openSse, type SseConnection } from './sse-reader';

/** Notifications kept for the list (newest first). */
const KEPT = 200;
const ReadState = z.object({ upTo: z.number().int().min(0), ids: z.array(z.number().int().positive()).max(1000) });
type ReadState = z.output<typeof ReadState>;

export interface NotificationsOptions {
  settings: SettingsStore;
  /** A notification that arrived while the app was running (not the backlog read at sign-in). */
  onNotification: (n: AppNotification) => void;
  /** The list changed as a whole: a backlog was read, or marks were set. */
  onChanged: (unread: number) => void;
  /** Poll period (ms) while the stream is down. */
  pollMs?: number;
}

interface Feed {
  client: SyncClient;
  origin: string;
  accountId: number;
}

type Value = NonNullable<AppNotification['data']>[string];
/** Entries kept of a set of amounts (by asset) in a notification's data. */
const AMOUNTS_KEPT = 20;

/**
 * The server's free-form `data` reduced to what the UI contract allows: flat primitives (short strings) and
 * sets of finite amounts by asset, both bounded.
 */
export function plainData(data: Record<string, unknown> | undefined): Record<string, Value> | undefined {
  if (!data) return undefined;
  const out: Record<string, Value> = {};
  for (const [k, v] of Object.entries(data).slice(0, 40)) {
    if (typeof v === 'string') out[k] = v.slice(0, 200);
    else if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean' || v === null) out[k] = v;
    else if (typeof v === 'object' && !Array.isArray(v)) {
      const amounts = Object.entries(v as Record<string, unknown>)
        .filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]))
        .slice(0, AMOUNTS_KEPT)
        .map(([asset, n]) => [asset.slice(0, 16), n]);
      out[k] = Object.fromEntries(amounts) as Record<string, number>;
    }
  }
  return out;
}

export class LiveNotifications {
  private items: Notification[] = [];
  /** The server's markets, read once per account followed. */
  private markets: MarketSettings[] = [];
  private lastId = 0;
  private read: ReadState = { upTo: 0, ids: [] };
  private feed: Feed | undefined;
  /** Bumped on every start/stop: a loop of an older generation ends at its next step. */
  private generation = 0;
  private conn: SseConnection | undefined;
  private wake: (() => void) | undefined;
  /** True while the SSE stream is open. */
  streaming = false;

  constructor(private readonly options: NotificationsOptions) {}

  /** Follows `accountId`'s notifications through `client` (replacing whatever was followed before). */
  start(client: SyncClient, origin: string, accountId: number): void {
    this.stop();
    this.feed = { client, origin, accountId };
    this.read = this.options.settings.getValue(this.readKey(), ReadState, { upTo: 0, ids: [] });
    void this.run(this.generation, this.feed);
  }

  stop(): void {
    this.generation++;
    this.feed = undefined;
    this.items = [];
    this.markets = [];
    this.lastId = 0;
    this.streaming = false;
    this.conn?.close();
    this.conn = undefined;
    this.wake?.();
    this.options.onChanged(0);
  }

  list(): { items: AppNotification[]; unread: number; markets: MarketSettings[] } {
    return { items: this.items.map((n) => this.view(n)), unread: this.unread(), markets: this.markets };
  }

  markRead(change: { ids?: number[]; all?: boolean }): { unread: number } {
    if (!this.feed) return { unread: 0 };
    if (change.all) this.read = { upTo: Math.max(this.read.upTo, this.lastId), ids: [] };
    else if (change.ids) {
      const ids = new Set(this.read.ids);
      for (const id of change.ids) if (id > this.read.upTo) ids.add(id);
      // Bounded: the oldest marks are dropped first (they are the least likely to still be listed).
      this.read = { upTo: this.read.upTo, ids: [...ids].sort((a, b) => a - b).slice(-1000) };
    }
    this.options.settings.setValue(this.readKey(), this.read);
    this.options.onChanged(this.unread());
    return { unread: this.unread() };
  }

  private unread(): number {
    return this.items.filter((n) => !this.isRead(n.id)).length;
  }

  private isRead(id: number): boolean {
    return id <= this.read.upTo || this.read.ids.includes(id);
  }

  private view(n: Notification): AppNotification {
    return {
      id: n.id,
      ts: n.ts,
      kind: n.kind,
      ...(n.title !== undefined && { title: n.title.slice(0, 200) }),
      ...(n.body !== undefined && { body: n.body.slice(0, 500) }),
      read: this.isRead(n.id),
      data: plainData(n.data),
    };
  }

  private readKey(): string {
    return `live.notifications.read:${this.feed?.origin}#${this.feed?.accountId}`;
  }

  private add(n: Notification, live: boolean): void {
    if (n.id <= this.lastId) return; // a resumed stream or a poll may repeat what we have
    this.lastId = n.id;
    this.items.unshift(n);
    if (this.items.length > KEPT) this.items.length = KEPT;
    if (live) this.options.onNotification(this.view(n));
  }

  private async run(gen: number, feed: Feed): Promise<void> {
    const current = () => gen === this.generation;
    // The backlog first, quietly: it is history, not news.
    try {
      await this.readMarkets(feed, current);
      await this.poll(feed, false, current);
      if (current()) this.options.onChanged(this.unread());
    } catch {
      // unreachable or signed out: the loop below retries
    }
    while (current()) {
      try {
        const { ticket } = await feed.client.withFreshToken((t) => feed.client.http.streamTicket(t));
        if (!current()) return;
        this.conn = openSse(`${feed.origin}/notifications/stream?ticket=${encodeURIComponent(ticket)}`, {
          lastEventId: String(this.lastId),
          onOpen: () => (this.streaming = true),
          onEvent: (e) => {
            let value: unknown;
            try {
              value = JSON.parse(e.data);
            } catch {
              return;
            }
            const parsed = NotificationSchema.safeParse(value);
            if (parsed.success && current()) this.add(parsed.data, true);
          },
        });
        await this.conn.done;
      } catch {
        // A 401 is most often an expired token: the poll below refreshes it. Anything else: the server is down.
      }
      this.streaming = false;
      if (!current()) return;
      try {
        await this.readMarkets(feed, current);
        await this.poll(feed, true, current);
      } catch {
        // still unreachable; try the stream again after the pause
      }
      await this.pause(this.options.pollMs ?? 5_000);
    }
  }

  /** Reads the server's markets unless they are known; the list changes when they arrive. */
  private async readMarkets(feed: Feed, current: () => boolean): Promise<void> {
    if (this.markets.length > 0) return;
    const markets: MarketSettings[] = await fetchMarkets(feed.origin);
    if (!current()) return;
    this.markets = markets;
    this.options.onChanged(this.unread());
  }

  /** Reads everything after the last id over HTTP (refreshing the token if it expired). */
  private async poll(feed: Feed, live: boolean, current: () => boolean): Promise<void> {
    for (;;) {
      const page = await feed.client.withFreshToken((t) => feed.client.http.notifications(t, this.lastId));
      if (!current()) return;
      for (const n of page) this.add(n, live);
      if (page.length < 100) return;
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
