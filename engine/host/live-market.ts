/**
 * The live LPJ market inside the app host: one SyncClient for the server address in settings, the session
 * kept in app.db, the market mirrored (book, trades, ticker) and my account read from the server. The UI gets
 * the same shape as the offline practice market — one state read, then throttled updates — plus the
 * connection status and my notifications. My account includes my copies' sub-accounts, which hold money of mine.
 *
 * With no server the app still opens: the status says offline and the client keeps retrying with backoff.
 * Tokens stay in this process: the UI learns who is signed in, never with what.
 */
import type { BackoffPolicy } from '../core/market-data/clock';
import {
  ServerUrl,
  type CandleBar,
  type EventPayload,
  type LiveConnection,
  type LiveTicker,
  type LiveState,
  type LiveStatus,
  type LiveUpdate,
  type OrderOutcome,
  type OrderRequest,
  type VenueHistory,
} from '../protocol/api';
import { lpjMarket } from '../protocol/alerts';
import { ApiError } from '../protocol/errors';
import { orderLinks } from '../protocol/order-links';
import {
  Session,
  type CandleInterval,
  type Fill,
  type MarketInfo,
  type OrderView,
  type ServerMessage,
} from '../protocol/sync';
import { SyncClient, SyncOrderError, type SessionStore, type SyncStatus } from '../node/sync/sync-client';
import { SyncHttpError } from '../node/sync/sync-http';
import { fetchCandles, fetchFills, fetchMarkets } from './live-http';
import { LiveNotifications } from './live-notifications';
import { PracticeJournalOutbox } from './live-practice-outbox';
import { BOOK_LEVELS, type PracticeMarket, type TapeTrade } from './practice-market';
import type { SettingsStore } from './settings-store';

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:7780';
export const LIVE_MARKET = 'LPJ-KRW';
const SERVER_KEY = 'live.serverUrl';
const TAPE_LENGTH = 100;
const FILLS_SHOWN = 100;
/** The server's largest page of fills. */
const FILLS_PAGE = 500;

type LiveEvent = 'live.status' | 'live.update' | 'notification' | 'notifications.changed';

export interface LiveMarketOptions {
  settings: SettingsStore;
  practice: PracticeMarket;
  emit: <E extends LiveEvent>(name: E, payload: EventPayload<E>) => void;
  /** Used until the user picks another (LPJ_SYNC_URL overrides the built-in default). */
  defaultServerUrl?: string;
  /** Least time between two `live.update` events (ms). */
  publishEveryMs?: number;
  backoff?: BackoffPolicy;
  /** How long a dropped connection may take to come back before the status says offline (ms). */
  offlineAfterMs?: number;
  /** Notification polling period while the stream is down (ms). */
  notificationPollMs?: number;
  /** Delay before a practice change is backed up, so a burst of orders goes up in one upload (ms). */
  backupDelayMs?: number;
}

interface Mine {
  balances: LiveState['balances'];
  copies: LiveState['copies'];
  openOrders: LiveState['openOrders'];
  fills: LiveState['fills'];
}
const NO_ACCOUNT: Mine = { balances: [], copies: [], openOrders: [], fills: [] };

/** Keeps the session of each server apart, so switching servers back and forth keeps both sign-ins. */
function sessionStore(settings: SettingsStore, origin: string): SessionStore {
  const key = `live.session:${origin}`;
  return {
    load: () => settings.getValue(key, Session.nullable(), null) ?? undefined,
    save: (session) => settings.setValue(key, session ?? null),
  };
}

function openOrderOf(o: OrderView): LiveState['openOrders'][number] {
  return {
    id: o.orderId,
    side: o.side,
    type: o.type,
    price: o.price,
    stopPrice: o.stopPrice,
    quantity: o.quantity,
    remaining: Math.max(0, o.quantity - o.filled),
    // A stop order waits until its trigger price trades; once triggered it is an ordinary open order.
    triggered: o.status === 'open',
    ts: o.createdAt,
    ...orderLinks(o),
  };
}

function fillOf(f: Fill): LiveState['fills'][number] {
  return {
    tradeId: f.tradeId,
    orderId: f.orderId,
    side: f.side,
    price: f.price,
    quantity: f.quantity,
    quoteAmount: f.quoteAmount,
    fee: f.fee,
    ts: f.ts,
  };
}

function apiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof SyncHttpError) return new ApiError(err.code, err.message);
  return new ApiError('INTERNAL', err instanceof Error ? err.message : String(err));
}

export class LiveMarket {
  readonly notifications: LiveNotifications;
  private serverUrl: string;
  private client!: SyncClient;
  private offClient: (() => void)[] = [];
  private connection: LiveConnection = 'connecting';
  private reason: string | undefined;
  /** Whether the current server has been reached since it was chosen (else a failure is "offline" at once). */
  private reached = false;
  private offlineTimer: NodeJS.Timeout | undefined;
  private market: MarketInfo | undefined;
  /**
   * The book's top levels as last mirrored. The mirror forgets the book when the connection drops (it is no
   * longer current); what was last seen is still shown, marked stale by the status, rather than an empty book.
   */
  private lastBook: { seq: number; bids: [number, number][]; asks: [number, number][] } | undefined;
  private lastPrice = 0;
  private ticker: LiveTicker | undefined;
  private tape: TapeTrade[] = [];
  private pendingTrades: TapeTrade[] = [];
  private pendingMine = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private mine: Mine = NO_ACCOUNT;
  /** Fills seen per order id over the socket, to tell the order form that an order traded right away. */
  private readonly fillsByOrder = new Map<number, number>();
  private backupTimer: NodeJS.Timeout | undefined;
  private backingUp: Promise<void> | undefined;
  private readonly offPractice: () => void;
  /** Cloud sync's listeners: the link came or went (no message), or another device synced (its message). */
  private readonly linkListeners = new Set<(m?: Extract<ServerMessage, { type: 'cloud.changed' }>) => void>();
  private closed = false;

  constructor(private readonly o: LiveMarketOptions) {
    this.serverUrl = o.settings.getValue(SERVER_KEY, ServerUrl, o.defaultServerUrl ?? DEFAULT_SERVER_URL);
    this.notifications = new LiveNotifications({
      settings: o.settings,
      pollMs: o.notificationPollMs,
      onNotification: (n) => o.emit('notification', n),
      onChanged: (unread) => {
        if (!this.closed) o.emit('notifications.changed', { unread });
      },
    });
    this.offPractice = o.practice.onUpdate((u) => {
      if (u.mine) this.scheduleBackup();
    });
    this.start();
  }

  private get origin(): string {
    return new URL(this.serverUrl).origin;
  }

  status(): LiveStatus {
    const account = this.client.account;
    return {
      serverUrl: this.origin,
      connection: this.connection,
      reason: this.reason,
      account: account ? { id: account.id, nickname: account.nickname } : undefined,
    };
  }

  /** The server and signed-in client while connected (cloud sync goes through it), else undefined. */
  syncLink(): { origin: string; client: SyncClient } | undefined {
    if (!this.client.account || this.connection !== 'online') return undefined;
    return { origin: this.origin, client: this.client };
  }

  /** Calls `listener` when the link may have come or gone, and when another device of mine synced. */
  onLink(listener: (m?: Extract<ServerMessage, { type: 'cloud.changed' }>) => void): () => void {
    this.linkListeners.add(listener);
    return () => this.linkListeners.delete(listener);
  }

  // ------------------------------------------------------------------ server and account

  setServer(url: string): LiveStatus {
    const origin = new URL(ServerUrl.parse(url)).origin;
    this.o.settings.setValue(SERVER_KEY, origin);
    if (origin === this.origin && this.connection !== 'offline') return this.status();
    this.stop();
    this.serverUrl = origin;
    this.market = undefined;
    this.lastBook = undefined;
    this.lastPrice = 0;
    this.ticker = undefined;
    this.tape = [];
    this.start();
    this.flushSoon();
    return this.status();
  }

  async signUp(nickname: string, password: string): Promise<LiveStatus> {
    try {
      await this.client.signUp(nickname, password);
    } catch (err) {
      throw apiError(err);
    }
    return this.signedIn();
  }

  async signIn(nickname: string, password: string): Promise<LiveStatus> {
    try {
      await this.client.signIn(nickname, password);
    } catch (err) {
      throw apiError(err);
    }
    return this.signedIn();
  }

  async signOut(): Promise<LiveStatus> {
    this.notifications.stop();
    await this.client.signOut();
    return this.signedOut();
  }

  /**
   * Deletes the account on the server, which asks for its password again; its open orders are cancelled there
   * and the account signs out here. A wrong password is an error and nothing changes.
   */
  async deleteAccount(password: string): Promise<LiveStatus> {
    if (!this.client.account) throw new ApiError('NOT_SIGNED_IN', 'sign in to delete your account');
    try {
      await this.client.deleteAccount(password);
    } catch (err) {
      throw apiError(err);
    }
    this.notifications.stop();
    return this.signedOut();
  }

  private signedOut(): LiveStatus {
    this.mine = NO_ACCOUNT;
    this.fillsByOrder.clear();
    this.pendingMine = true;
    this.flushSoon();
    this.publishStatus();
    return this.status();
  }

  private signedIn(): LiveStatus {
    const account = this.client.account!;
    this.mine = NO_ACCOUNT;
    this.fillsByOrder.clear();
    this.notifications.start(this.client, this.origin, account.id);
    this.publishStatus();
    return this.status();
  }

  // ------------------------------------------------------------------ market and account state

  /** The live market's settings (once read from the server) and its last price (0 before any). */
  quote(): { market?: MarketInfo; lastPrice: number } {
    return { market: this.market, lastPrice: this.lastPrice };
  }

  async state(): Promise<LiveState> {
    if (!this.market && this.connection !== 'offline') await this.loadMarket();
    const book = this.book();
    if (this.client.account && this.reached && this.connection !== 'offline') {
      try {
        this.mine = await this.readMine();
      } catch {
        // Unreachable for the moment: show what was read last (the status tells the user).
      }
    } else if (!this.client.account) this.mine = NO_ACCOUNT;
    return {
      status: this.status(),
      market: this.market && { ...this.market },
      seq: book?.seq ?? 0,
      lastPrice: this.lastPrice,
      ticker: this.ticker,
      bids: book?.bids ?? [],
      asks: book?.asks ?? [],
      trades: this.tape.slice(-TAPE_LENGTH).reverse(),
      ...this.mine,
    };
  }

  /** The market and its figures as last mirrored, with no call to the server (the market list reads it often). */
  mirrored(): Pick<LiveState, 'status' | 'market' | 'lastPrice' | 'ticker'> {
    return {
      status: this.status(),
      market: this.market && { ...this.market },
      lastPrice: this.lastPrice,
      ticker: this.ticker,
    };
  }

  /** The mirrored book's top levels, or the last ones seen while there is none (after a drop). */
  private book(): { seq: number; bids: [number, number][]; asks: [number, number][] } | undefined {
    const mirrored = this.client.book(LIVE_MARKET);
    if (mirrored)
      this.lastBook = {
        seq: mirrored.seq,
        bids: mirrored.bids.slice(0, BOOK_LEVELS),
        asks: mirrored.asks.slice(0, BOOK_LEVELS),
      };
    return this.lastBook;
  }

  async candles(interval: CandleInterval, limit: number, before?: number): Promise<CandleBar[]> {
    try {
      return await fetchCandles(this.origin, LIVE_MARKET, interval, limit, before);
    } catch (err) {
      throw apiError(err);
    }
  }

  private async loadMarket(): Promise<void> {
    try {
      this.market = (await fetchMarkets(this.origin)).find((m) => m.id === LIVE_MARKET);
    } catch {
      // offline: the state says so and has no market settings yet
    }
  }

  private async readMine(): Promise<Mine> {
    const c = this.client;
    const [balances, copies, orders, fills] = await Promise.all([
      c.withFreshToken((t) => c.http.balances(t)),
      // A server from before copy accounts were listed answers 404: it shows none, the rest of my account stands.
      c
        .withFreshToken((t) => c.http.copyAccounts(t))
        .catch((err: unknown) => {
          if (err instanceof SyncHttpError && err.status === 404) return [];
          throw err;
        }),
      c.withFreshToken((t) => c.http.orders(t, `?market=${LIVE_MARKET}&status=open&limit=500`)),
      c.withFreshToken((t) => fetchFills(this.origin, t, LIVE_MARKET, FILLS_SHOWN)),
    ]);
    const rows = (list: typeof balances) => list.map((b) => ({ asset: b.asset, available: b.available, held: b.held }));
    return {
      balances: rows(balances),
      copies: copies.map((x) => ({
        subscriptionId: x.subscriptionId,
        leader: x.leader,
        status: x.status,
        balances: rows(x.balances),
      })),
      openOrders: orders.orders.map(openOrderOf),
      fills: fills.fills.map(fillOf),
    };
  }

  /**
   * My latest orders (every status) and fills on the server's markets. Signed out or unreachable is an answer
   * the list shows, not an error; anything else the server refuses is.
   */
  async history(limit: number): Promise<VenueHistory> {
    const none = { venue: 'live' as const, markets: [], orders: [], fills: [] };
    if (!this.client.account) return { ...none, state: 'signed_out' };
    const c = this.client;
    try {
      if (!this.market) await this.loadMarket();
      const [orders, fills] = await Promise.all([
        c.withFreshToken((t) => c.http.orders(t, `?limit=${limit}`)),
        c.withFreshToken((t) => fetchFills(this.origin, t, undefined, limit)),
      ]);
      const m = this.market;
      return {
        venue: 'live',
        state: 'ok',
        markets: m ? [lpjMarket('live', m)] : [],
        orders: orders.orders.map((o) => ({
          venue: 'live',
          market: o.market,
          id: o.orderId,
          side: o.side,
          type: o.type,
          price: o.price,
          stopPrice: o.stopPrice,
          quantity: o.quantity,
          filled: o.filled,
          status: o.status === 'open' && o.filled > 0 ? 'partial' : o.status,
          ...(o.reason !== undefined && { reason: o.reason }),
          ts: o.createdAt,
          updatedAt: o.updatedAt,
        })),
        fills: fills.fills.map((f) => ({ venue: 'live', ...f })),
      };
    } catch (err) {
      if (err instanceof SyncHttpError && err.code === 'UNREACHABLE') return { ...none, state: 'offline' };
      throw apiError(err);
    }
  }

  /**
   * My fills on the live market for the portfolio's PnL, oldest first: the newest `max` at most, read a page at
   * a time; `complete` when there were no older ones. Throws the server's refusal as an ApiError.
   */
  async fillsForPnl(max: number): Promise<{ fills: Fill[]; complete: boolean }> {
    const c = this.client;
    const out: Fill[] = [];
    let before: number | undefined;
    try {
      while (out.length < max) {
        const page = await c.withFreshToken((t) => fetchFills(this.origin, t, LIVE_MARKET, FILLS_PAGE, before));
        out.push(...page.fills);
        if (page.fills.length < FILLS_PAGE) return { fills: out.reverse(), complete: true };
        before = page.fills[page.fills.length - 1].tradeId;
      }
    } catch (err) {
      throw apiError(err);
    }
    return { fills: out.reverse(), complete: false };
  }

  // ------------------------------------------------------------------ orders

  private requireTrading(): void {
    if (!this.client.account) throw new ApiError('NOT_SIGNED_IN', 'sign in to trade on the live market');
    if (this.connection !== 'online')
      throw new ApiError('OFFLINE', 'the live market is not connected: try again when it is back');
  }

  async place(order: OrderRequest): Promise<OrderOutcome> {
    this.requireTrading();
    try {
      const { orderId } = await this.client.placeOrder({
        market: LIVE_MARKET,
        side: order.side,
        type: order.orderType,
        ...(order.timeInForce !== undefined && { timeInForce: order.timeInForce }),
        ...(order.postOnly !== undefined && { postOnly: order.postOnly }),
        ...(order.price !== undefined && { price: order.price }),
        ...(order.stopPrice !== undefined && { stopPrice: order.stopPrice }),
        ...(order.quantity !== undefined && { quantity: order.quantity }),
        ...(order.quoteAmount !== undefined && { quoteAmount: order.quoteAmount }),
        ...orderLinks(order),
      });
      this.pendingMine = true;
      this.flushSoon();
      return { status: 'accepted', orderId, fills: this.fillsByOrder.get(orderId) ?? 0 };
    } catch (err) {
      if (err instanceof SyncOrderError) return { status: 'rejected', reason: err.reason, fills: 0 };
      throw apiError(err);
    }
  }

  async cancel(orderId: number): Promise<OrderOutcome> {
    this.requireTrading();
    try {
      await this.client.cancelOrder(LIVE_MARKET, orderId);
      return { status: 'accepted', orderId, fills: 0 };
    } catch (err) {
      if (err instanceof SyncOrderError) return { status: 'rejected', orderId, reason: err.reason, fills: 0 };
      throw apiError(err);
    }
  }

  async amend(orderId: number, change: { quantity?: number; price?: number }): Promise<OrderOutcome> {
    this.requireTrading();
    try {
      await this.client.amendOrder(LIVE_MARKET, orderId, change);
      // A moved order may have traded: my orders, balances and fills are read again.
      this.pendingMine = true;
      this.flushSoon();
      return { status: 'accepted', orderId, fills: 0 };
    } catch (err) {
      if (err instanceof SyncOrderError) return { status: 'rejected', orderId, reason: err.reason, fills: 0 };
      throw apiError(err);
    }
  }

  async cancelAll(): Promise<{ cancelled: number }> {
    this.requireTrading();
    try {
      return { cancelled: await this.client.cancelAll(LIVE_MARKET) };
    } catch (err) {
      if (err instanceof SyncOrderError) throw new ApiError(err.reason, err.message);
      throw apiError(err);
    }
  }

  // ------------------------------------------------------------------ practice backup

  /** Backs up the offline practice journal now (when signed in and connected); resolves when done. */
  backupPractice(): Promise<void> {
    if (this.backingUp) return this.backingUp.then(() => this.backupPractice());
    const account = this.client.account;
    if (!account || this.connection !== 'online') return Promise.resolve();
    const outbox = new PracticeJournalOutbox(this.o.practice, this.o.settings, `${this.origin}#${account.id}`);
    this.backingUp = this.client
      .syncPractice(outbox)
      .then(
        () => undefined,
        () => undefined,
      ) // retried on the next change or reconnect
      .finally(() => (this.backingUp = undefined));
    return this.backingUp;
  }

  private scheduleBackup(): void {
    if (this.backupTimer || this.closed) return;
    this.backupTimer = setTimeout(() => {
      this.backupTimer = undefined;
      void this.backupPractice();
    }, this.o.backupDelayMs ?? 2_000);
  }

  // ------------------------------------------------------------------ connection

  private start(): void {
    const client = new SyncClient({
      serverUrl: this.origin,
      sessionStore: sessionStore(this.o.settings, this.origin),
      backoff: this.o.backoff ?? { baseMs: 500, maxMs: 10_000 },
    });
    this.client = client;
    this.reached = false;
    this.connection = 'connecting';
    this.reason = undefined;
    this.offClient = [
      client.on('status', (s, reason) => this.clientStatus(s, reason)),
      client.on('book', () => this.flushSoon()),
      client.on('message', (m) => this.message(m)),
    ];
    client.subscribe('book', LIVE_MARKET);
    client.subscribe('trades', LIVE_MARKET);
    client.subscribe('ticker', LIVE_MARKET);
    client.connect();
    if (client.account) this.notifications.start(client, this.origin, client.account.id);
  }

  private stop(): void {
    for (const off of this.offClient) off();
    this.offClient = [];
    this.client.close();
    this.notifications.stop();
    clearTimeout(this.offlineTimer);
    this.offlineTimer = undefined;
    this.mine = NO_ACCOUNT;
    this.fillsByOrder.clear();
  }

  private clientStatus(s: SyncStatus, reason: string | undefined): void {
    clearTimeout(this.offlineTimer);
    this.offlineTimer = undefined;
    switch (s) {
      case 'online':
        this.reached = true;
        this.set(this.client.account ? 'online' : 'signed_out', undefined);
        if (!this.market) void this.loadMarket().then(() => this.flushSoon());
        this.pendingMine = true;
        void this.backupPractice();
        break;
      case 'signed_out':
        // The server refused the session (expired or revoked): market data goes on, the account does not.
        this.notifications.stop();
        this.mine = NO_ACCOUNT;
        this.pendingMine = true;
        this.set('signed_out', reason);
        break;
      case 'connecting':
        this.set('connecting', undefined);
        break;
      case 'reconnecting':
        if (!this.reached) this.set('offline', `cannot reach ${this.origin}`);
        else {
          this.set('reconnecting', 'the connection dropped');
          this.offlineTimer = setTimeout(
            () => this.set('offline', `lost the connection to ${this.origin}`),
            this.o.offlineAfterMs ?? 10_000,
          );
        }
        break;
      case 'closed':
        break;
    }
    this.flushSoon();
  }

  private set(connection: LiveConnection, reason: string | undefined): void {
    if (this.connection === connection && this.reason === reason) return;
    this.connection = connection;
    this.reason = reason;
    this.publishStatus();
  }

  private publishStatus(): void {
    if (this.closed) return;
    this.o.emit('live.status', this.status());
    for (const l of this.linkListeners) l();
  }

  private message(m: ServerMessage): void {
    switch (m.type) {
      case 'trade': {
        if (m.market !== LIVE_MARKET) return;
        const last = this.tape[this.tape.length - 1];
        if (last && m.tradeId <= last.tradeId) return; // trade ids only grow: a repeat after a resubscribe
        const t: TapeTrade = {
          tradeId: m.tradeId,
          price: m.price,
          quantity: m.quantity,
          takerSide: m.takerSide,
          ts: m.ts,
        };
        this.tape.push(t);
        if (this.tape.length > TAPE_LENGTH * 2) this.tape.splice(0, this.tape.length - TAPE_LENGTH);
        this.pendingTrades.push(t);
        this.lastPrice = m.price;
        break;
      }
      case 'ticker':
        if (m.market !== LIVE_MARKET) return;
        this.ticker = {
          last: m.last,
          open: m.open,
          high: m.high,
          low: m.low,
          volume: m.volume,
          changeBps: m.changeBps,
        };
        if (m.last > 0) this.lastPrice = m.last;
        break;
      case 'fill':
        if (this.fillsByOrder.size > 1_000) this.fillsByOrder.clear();
        this.fillsByOrder.set(m.fill.orderId, (this.fillsByOrder.get(m.fill.orderId) ?? 0) + 1);
        this.pendingMine = true;
        break;
      case 'order':
      case 'balance':
      case 'copy_balance':
        this.pendingMine = true;
        break;
      case 'cloud.changed':
        for (const l of this.linkListeners) l(m);
        return;
      default:
        return;
    }
    this.flushSoon();
  }

  private flushSoon(): void {
    if (this.closed) return;
    this.flushTimer ??= setTimeout(() => this.flush(), this.o.publishEveryMs ?? 100);
  }

  private flush(): void {
    this.flushTimer = undefined;
    const book = this.book();
    const update: LiveUpdate = {
      seq: book?.seq ?? 0,
      trades: this.pendingTrades,
      bids: book?.bids ?? [],
      asks: book?.asks ?? [],
      lastPrice: this.lastPrice,
      ticker: this.ticker,
      mine: this.pendingMine,
    };
    this.pendingTrades = [];
    this.pendingMine = false;
    this.o.emit('live.update', update);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.offPractice();
    this.stop();
    clearTimeout(this.flushTimer);
    clearTimeout(this.backupTimer);
  }
}
