/**
 * The app's connection to the sync server: signs in over HTTP, keeps one WebSocket open (reconnecting with
 * exponential backoff and full jitter, noticing a silent link through heartbeats), signs the socket in,
 * resubscribes every market-data channel after each reconnect, keeps LPJ books mirrored from snapshot +
 * deltas (resyncing on a gap), and reconciles orders: an order request that has not been answered when the
 * link drops is sent again with the same client order id after the reconnect, and the server answers a resend
 * it already has with the original order — so an order is never lost and never placed twice.
 *
 * It also backs up the offline practice journal (see `syncPractice`), which the server keeps apart from the
 * ranked live account.
 *
 * Sessions: a refresh token is good for one refresh (the server takes a second use for a leak and ends every
 * session of the sign-in), so refreshes never overlap — callers share the one under way — and a call refused
 * with a token that has since been replaced is retried with the new one instead of refreshing again. The
 * server closes the socket of a session it has just refreshed; the socket signs in again after the refresh.
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { backoffDelay, systemClock, type BackoffPolicy, type Clock, type Random } from '../../core/market-data/clock';
import {
  frameMessages,
  type Channel,
  type ClientMessage,
  type NewOrder,
  type PracticeEntry,
  type ServerMessage,
  type Session,
  type CandleInterval,
} from '../../protocol/sync';
import { BookMirror } from './book-mirror';
import { SyncHttp, SyncHttpError } from './sync-http';

export type SyncStatus = 'signed_out' | 'connecting' | 'online' | 'reconnecting' | 'closed';

/** Where the session (tokens) lives between runs; the app host keeps it in its database. */
export interface SessionStore {
  load(): Session | undefined;
  save(session: Session | undefined): void;
}

/** The offline practice entries not yet backed up. */
export interface PracticeOutbox {
  pending(limit: number): PracticeEntry[];
  markSynced(localIds: string[]): void;
}

export interface SyncClientOptions {
  /** http(s)://host:port of the sync server. */
  serverUrl: string;
  sessionStore?: SessionStore;
  clock?: Clock;
  random?: Random;
  backoff?: BackoffPolicy;
  /** A ping is sent this often (ms)… */
  heartbeatMs?: number;
  /** …and a link silent for this long (ms) is declared dead and replaced. */
  silenceMs?: number;
}

export class SyncOrderError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'SyncOrderError';
  }
}

type OrderOp = Extract<ClientMessage, { op: 'order.new' | 'order.cancel' | 'order.cancel_all' | 'order.amend' }>;
type Ack = Extract<ServerMessage, { type: 'ack' }>;

interface PendingRequest {
  msg: OrderOp;
  sends: number;
  resolve: (ack: Ack) => void;
  reject: (err: Error) => void;
}

export interface SyncClientEvents {
  status: (status: SyncStatus, reason?: string) => void;
  book: (market: string, book: { seq: number; bids: [number, number][]; asks: [number, number][] }) => void;
  message: (msg: ServerMessage) => void;
}

export class SyncClient {
  readonly http: SyncHttp;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly backoff: BackoffPolicy;
  private readonly heartbeatMs: number;
  private readonly silenceMs: number;
  private readonly wsUrl: string;
  private ws: WebSocket | undefined;
  private session: Session | undefined;
  private statusValue: SyncStatus = 'closed';
  private attempt = 0;
  private reconnectTimer: unknown;
  private heartbeatTimer: unknown;
  private lastHeard = 0;
  private nextRequest = 1;
  private wanted = false;
  private authed = false;
  /** The access token the socket last signed in with: a refusal of an older one says nothing about the session. */
  private authToken: string | undefined;
  /** The refresh under way, shared by everyone who needs a fresh token meanwhile. */
  private refreshing: Promise<void> | undefined;
  private readonly pending = new Map<string, PendingRequest>();
  private readonly subscriptions = new Map<string, { channel: Channel; market: string; interval?: CandleInterval }>();
  private readonly books = new Map<string, BookMirror>();
  private readonly listeners: { [K in keyof SyncClientEvents]: Set<SyncClientEvents[K]> } = {
    status: new Set(),
    book: new Set(),
    message: new Set(),
  };

  constructor(private readonly options: SyncClientOptions) {
    const url = new URL(options.serverUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new Error(`sync server URL must be http(s), got ${options.serverUrl}`);
    this.http = new SyncHttp(url.origin);
    this.wsUrl = `${url.protocol === 'https:' ? 'wss' : 'ws'}://${url.host}/ws`;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.backoff = options.backoff ?? { baseMs: 500, maxMs: 30_000 };
    this.heartbeatMs = options.heartbeatMs ?? 10_000;
    this.silenceMs = options.silenceMs ?? 25_000;
    this.session = options.sessionStore?.load();
  }

  get status(): SyncStatus {
    return this.statusValue;
  }

  get account(): { id: number; nickname: string } | undefined {
    return this.session ? { id: this.session.accountId, nickname: this.session.nickname } : undefined;
  }

  on<K extends keyof SyncClientEvents>(event: K, listener: SyncClientEvents[K]): () => void {
    this.listeners[event].add(listener);
    return () => this.listeners[event].delete(listener);
  }

  // ------------------------------------------------------------ account

  async signUp(nickname: string, password: string): Promise<Session> {
    return this.useSession(await this.http.signUp(nickname, password));
  }

  async signIn(nickname: string, password: string): Promise<Session> {
    return this.useSession(await this.http.signIn(nickname, password));
  }

  async signOut(): Promise<void> {
    const token = this.session?.accessToken;
    this.setSession(undefined);
    this.failPending('SIGNED_OUT', 'signed out');
    if (token) await this.http.signOut(token).catch(() => undefined); // the local sign-out stands even offline
    this.restart();
  }

  /** Deletes the account on the server (asking for its password again), then signs out here. */
  async deleteAccount(password: string): Promise<void> {
    await this.withFreshToken((token) => this.http.deleteAccount(token, password));
    this.setSession(undefined);
    this.failPending('SIGNED_OUT', 'the account was deleted');
    this.restart();
  }

  // ------------------------------------------------------------ connection

  /** Starts (and keeps) the connection. Safe to call again. */
  connect(): void {
    this.wanted = true;
    if (!this.ws) this.open();
  }

  /** Closes the connection for good; unanswered order requests fail. */
  close(): void {
    this.wanted = false;
    this.clock.clearTimeout(this.reconnectTimer);
    this.clock.clearTimeout(this.heartbeatTimer);
    this.ws?.terminate();
    this.ws = undefined;
    this.failPending('CLOSED', 'the sync client was closed');
    this.setStatus('closed');
  }

  // ------------------------------------------------------------ market data

  subscribe(channel: Channel, market: string, interval?: CandleInterval): void {
    const key = `${channel}:${market}:${interval ?? ''}`;
    if (this.subscriptions.has(key)) return;
    this.subscriptions.set(key, { channel, market, interval });
    if (channel === 'book') this.books.set(market, new BookMirror(market));
    if (this.statusValue === 'online') this.send({ op: 'subscribe', id: this.requestId(), channel, market, interval });
  }

  unsubscribe(channel: Channel, market: string, interval?: CandleInterval): void {
    const key = `${channel}:${market}:${interval ?? ''}`;
    if (!this.subscriptions.delete(key)) return;
    if (channel === 'book') this.books.delete(market);
    if (this.statusValue === 'online')
      this.send({ op: 'unsubscribe', id: this.requestId(), channel, market, interval });
  }

  /** The mirrored book of a subscribed market (undefined before its first snapshot). */
  book(market: string): { seq: number; bids: [number, number][]; asks: [number, number][] } | undefined {
    const m = this.books.get(market);
    return m && m.seq >= 0 ? { seq: m.seq, ...m.levels() } : undefined;
  }

  // ------------------------------------------------------------ orders

  /** Places an order; resolves with the server's order id once it is durable there. */
  placeOrder(
    order: Omit<NewOrder, 'clientOrderId'> & { clientOrderId?: string },
  ): Promise<{ orderId: number; duplicate: boolean; clientOrderId: string }> {
    const clientOrderId = order.clientOrderId ?? randomUUID();
    return this.request({ op: 'order.new', id: this.requestId(), order: { ...order, clientOrderId } }).then((ack) => ({
      orderId: ack.orderId as number,
      duplicate: ack.duplicate === true,
      clientOrderId,
    }));
  }

  cancelOrder(market: string, orderId: number): Promise<void> {
    return this.request({ op: 'order.cancel', id: this.requestId(), market, orderId }).then(() => undefined);
  }

  amendOrder(market: string, orderId: number, change: { quantity?: number; price?: number }): Promise<void> {
    return this.request({ op: 'order.amend', id: this.requestId(), market, orderId, ...change }).then(() => undefined);
  }

  cancelAll(market?: string): Promise<number> {
    return this.request({ op: 'order.cancel_all', id: this.requestId(), market }).then(
      (ack) => (ack.result as { cancelled: number }).cancelled,
    );
  }

  /** Order requests sent but not yet answered (they are resent after a reconnect). */
  get unanswered(): number {
    return this.pending.size;
  }

  // ------------------------------------------------------------ practice backup

  /** Uploads every pending practice entry in batches; entries are marked synced only once the server has them. */
  async syncPractice(outbox: PracticeOutbox): Promise<{ uploaded: number; duplicates: number }> {
    let uploaded = 0;
    let duplicates = 0;
    for (;;) {
      const batch = outbox.pending(500);
      if (batch.length === 0) return { uploaded, duplicates };
      const r = await this.withFreshToken((token) => this.http.uploadPractice(token, batch));
      outbox.markSynced(batch.map((e) => e.localId));
      uploaded += r.stored;
      duplicates += r.duplicates;
    }
  }

  /** Runs an HTTP call with the access token, refreshing it once if it has expired. */
  async withFreshToken<T>(call: (token: string) => Promise<T>): Promise<T> {
    if (!this.session) throw new SyncHttpError(401, 'NOT_AUTHENTICATED', 'sign in first');
    const used = this.session.accessToken;
    try {
      return await call(used);
    } catch (err) {
      // Expired, or revoked by a refresh another call made meanwhile (the server then says TOKEN_INVALID).
      if (!(err instanceof SyncHttpError) || (err.code !== 'TOKEN_EXPIRED' && err.code !== 'TOKEN_INVALID')) throw err;
      if (this.refreshing) await this.refreshing.catch(() => undefined);
      if (this.session && this.session.accessToken !== used) return call(this.session.accessToken);
      if (err.code !== 'TOKEN_EXPIRED') throw err;
      await this.refreshSession();
      return call(this.session!.accessToken);
    }
  }

  // ------------------------------------------------------------ internals

  private useSession(session: Session): Session {
    this.setSession(session);
    this.restart();
    return session;
  }

  private setSession(session: Session | undefined): void {
    this.session = session;
    this.options.sessionStore?.save(session);
  }

  private refreshSession(): Promise<void> {
    this.refreshing ??= this.exchangeRefreshToken().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async exchangeRefreshToken(): Promise<void> {
    if (!this.session) throw new SyncHttpError(401, 'NOT_AUTHENTICATED', 'sign in first');
    try {
      this.setSession(await this.http.refresh(this.session.refreshToken));
    } catch (err) {
      if (err instanceof SyncHttpError && err.status === 401) {
        this.setSession(undefined);
        this.failPending('SIGNED_OUT', 'the session ended: sign in again');
        this.setStatus('signed_out', err.message);
      }
      throw err;
    }
  }

  /** Reconnects now (after a sign-in or sign-out changes who the socket speaks for). */
  private restart(): void {
    if (!this.wanted) return;
    this.ws?.terminate();
    this.ws = undefined;
    this.clock.clearTimeout(this.reconnectTimer);
    this.attempt = 0;
    this.open();
  }

  private open(): void {
    this.authed = false;
    this.setStatus(this.attempt === 0 ? 'connecting' : 'reconnecting');
    // A handshake that gets no answer is a dead link like any other silence: give up on it just as soon.
    const ws = new WebSocket(this.wsUrl, {
      handshakeTimeout: Math.min(10_000, this.silenceMs),
      perMessageDeflate: false,
    });
    this.ws = ws;
    ws.on('message', (data) => {
      if (ws !== this.ws) return;
      this.lastHeard = this.clock.now();
      let messages: unknown[];
      try {
        messages = frameMessages(data.toString());
      } catch {
        return; // not JSON: ignore rather than let a bad frame take the connection down
      }
      for (const msg of messages) {
        if (typeof msg !== 'object' || msg === null || typeof (msg as { type?: unknown }).type !== 'string') continue;
        // A message handled earlier in the frame may have closed or replaced this socket.
        if (ws !== this.ws) return;
        this.received(msg as ServerMessage);
      }
    });
    ws.on('open', () => {
      this.lastHeard = this.clock.now();
      this.heartbeat();
    });
    ws.on('error', () => undefined); // 'close' follows and schedules the reconnect
    ws.on('close', () => {
      if (ws !== this.ws) return;
      this.ws = undefined;
      this.authed = false;
      for (const b of this.books.values()) b.reset();
      this.clock.clearTimeout(this.heartbeatTimer);
      if (!this.wanted) return;
      this.setStatus('reconnecting');
      const delay = backoffDelay(this.backoff, this.attempt++, this.random);
      this.reconnectTimer = this.clock.setTimeout(() => {
        if (this.wanted && !this.ws) this.open();
      }, delay);
    });
  }

  private heartbeat(): void {
    this.heartbeatTimer = this.clock.setTimeout(() => {
      if (!this.ws) return;
      if (this.clock.now() - this.lastHeard > this.silenceMs) {
        this.ws.terminate(); // 'close' reconnects
        return;
      }
      this.send({ op: 'ping', id: this.requestId() });
      this.heartbeat();
    }, this.heartbeatMs);
  }

  private received(msg: ServerMessage): void {
    switch (msg.type) {
      case 'welcome': {
        // A socket opened while a refresh runs (the refresh itself closes the old session's socket) waits for
        // the new token: the old one would be refused as revoked.
        const ws = this.ws;
        if (this.refreshing)
          void this.refreshing.catch(() => undefined).then(() => ws === this.ws && this.signInSocket());
        else this.signInSocket();
        break;
      }
      case 'ack':
        if (msg.id === 'auth') {
          this.authed = true;
          this.online();
        } else this.answer(String(msg.id), msg, undefined);
        break;
      case 'reject':
        if (msg.id === 'auth') void this.authRefused(msg.reason, msg.message);
        else if (msg.id !== null) this.answer(String(msg.id), undefined, msg);
        break;
      case 'book.snapshot': {
        const mirror = this.books.get(msg.market);
        if (mirror) {
          mirror.snapshot(msg);
          this.emit('book', msg.market, { seq: mirror.seq, ...mirror.levels() });
        }
        break;
      }
      case 'book.delta': {
        const mirror = this.books.get(msg.market);
        if (!mirror) break;
        const outcome = mirror.delta(msg);
        if (outcome === 'applied') this.emit('book', msg.market, { seq: mirror.seq, ...mirror.levels() });
        else if (outcome === 'gap') this.send({ op: 'snapshot', id: this.requestId(), market: msg.market });
        break;
      }
      default:
        break;
    }
    this.emit('message', msg);
  }

  private online(): void {
    this.attempt = 0;
    this.setStatus('online');
    for (const s of this.subscriptions.values()) this.send({ op: 'subscribe', id: this.requestId(), ...s });
    // Reconcile: every unanswered order request goes again, same request and client order id.
    if (this.authed) for (const p of this.pending.values()) this.transmit(p);
  }

  /** Signs the socket in with the session's access token, or goes online signed out without one. */
  private signInSocket(): void {
    if (!this.session) return this.online();
    this.authToken = this.session.accessToken;
    this.send({ op: 'auth', id: 'auth', token: this.authToken });
  }

  private async authRefused(reason: string, message: string): Promise<void> {
    // Refused with a token that a refresh replaces (or has replaced) since: try the new one.
    if (this.refreshing) await this.refreshing.catch(() => undefined);
    if (this.session && this.authToken !== this.session.accessToken) return this.signInSocket();
    if (reason === 'TOKEN_EXPIRED' && this.session) {
      try {
        await this.refreshSession(); // or the one under way
        this.signInSocket();
        return;
      } catch (err) {
        // Unreachable rather than refused: drop the link and let the reconnect try again.
        if (!(err instanceof SyncHttpError && err.status === 401)) {
          this.ws?.terminate();
          return;
        }
      }
    }
    if (reason === 'TOKEN_INVALID') {
      this.setSession(undefined);
      this.failPending('SIGNED_OUT', message);
    }
    this.setStatus('signed_out', message);
    this.online();
  }

  private request(msg: OrderOp): Promise<Ack> {
    if (!this.session)
      return Promise.reject(new SyncOrderError('NOT_AUTHENTICATED', 'sign in to trade on the live market'));
    return new Promise<Ack>((resolve, reject) => {
      const p: PendingRequest = { msg, sends: 0, resolve, reject };
      this.pending.set(String(msg.id), p);
      if (this.authed) this.transmit(p);
    });
  }

  private transmit(p: PendingRequest): void {
    p.sends++;
    this.send(p.msg);
  }

  private answer(
    id: string,
    ack: Ack | undefined,
    reject: Extract<ServerMessage, { type: 'reject' }> | undefined,
  ): void {
    const p = this.pending.get(id);
    if (!p) return;
    // A resent cancel whose first copy got through finds the order closed: that is the outcome asked for.
    const alreadyDone = reject && p.sends > 1 && p.msg.op === 'order.cancel' && reject.reason === 'ORDER_CLOSED';
    if (reject && reject.reason === 'TOKEN_EXPIRED') {
      // Not an answer to the order: sign the socket in again and the order goes out once more after that.
      this.authed = false;
      void this.authRefused('TOKEN_EXPIRED', reject.message);
      return;
    }
    this.pending.delete(id);
    if (ack) p.resolve(ack);
    else if (alreadyDone) p.resolve({ type: 'ack', id: p.msg.id, op: p.msg.op });
    else if (reject) p.reject(new SyncOrderError(reject.reason, reject.message));
  }

  private failPending(reason: string, message: string): void {
    for (const p of this.pending.values()) p.reject(new SyncOrderError(reason, message));
    this.pending.clear();
  }

  private send(msg: ClientMessage): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  private requestId(): string {
    return `r${this.nextRequest++}`;
  }

  private setStatus(status: SyncStatus, reason?: string): void {
    if (this.statusValue === status) return;
    this.statusValue = status;
    this.emit('status', status, reason);
  }

  private emit<K extends keyof SyncClientEvents>(event: K, ...args: Parameters<SyncClientEvents[K]>): void {
    for (const l of this.listeners[event]) (l as (...a: Parameters<SyncClientEvents[K]>) => void)(...args);
  }
}
