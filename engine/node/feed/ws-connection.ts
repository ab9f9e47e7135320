/**
 * One WebSocket that stays up: heartbeats, a dead-link timeout, reconnects with exponential backoff and full
 * jitter, and an outbound message budget (both exchanges cap client messages per second and close connections
 * that exceed it). What to subscribe after each (re)connect is the owner's business (onOpen).
 */
import WebSocket, { type ClientOptions } from 'ws';
import { backoffDelay, type BackoffPolicy, type Clock, type Random } from '../../core/market-data/clock';
import type { FeedLogger } from './logger';
import { type DataFrameTap, tappedConnection } from './ws-frame-tap';

export interface ConnectionOptions {
  name: string;
  /** Evaluated at every connect (Binance puts the current streams in the URL). */
  url: () => string;
  clock: Clock;
  random: Random;
  logger: FeedLogger;
  /** Ping when nothing arrived for this long. */
  heartbeatMs: number;
  /** Declare the link dead (and reconnect) when nothing, not even a pong, arrived for this long. */
  deadAfterMs: number;
  /** Upbit answers the text "PING" with {"status":"UP"}; Binance is pinged with ping frames. */
  heartbeat: 'ping-frame' | 'text-ping';
  backoff: BackoffPolicy;
  connectTimeoutMs: number;
  /** Outgoing messages per second at most (pings included). */
  maxSendPerSec: number;
}

export interface ConnectionHandlers {
  onOpen(): void;
  /** A data frame; `at` is the clock's time of its arrival. */
  onFrame(data: Buffer, isBinary: boolean, at: number): void;
  /** The link went down; a reconnect is scheduled unless the connection was stopped. */
  onDown(reason: string): void;
}

export class ReconnectingConnection {
  private ws: WebSocket | undefined;
  private running = false;
  private open = false;
  private attempt = 0;
  private gotDataSinceOpen = false;
  private lastInbound = 0;
  private lastPingAt = 0;
  private heartbeatTimer: unknown;
  private reconnectTimer: unknown;
  private flushTimer: unknown;
  private readonly outbox: string[] = [];
  private readonly sentAt: number[] = [];
  private openedOnce = false;
  /** Re-opens after the first successful open. */
  reconnects = 0;

  constructor(
    private readonly o: ConnectionOptions,
    private readonly h: ConnectionHandlers,
  ) {}

  get isOpen(): boolean {
    return this.open;
  }

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  /** Closes for good (until start() again). */
  stop(): void {
    this.running = false;
    this.o.clock.clearTimeout(this.reconnectTimer);
    this.teardown('stopped', false);
  }

  /** Drops the current socket and reconnects (e.g. to change URL-borne subscriptions). */
  restart(reason: string): void {
    if (!this.running) return;
    this.teardown(reason, true);
  }

  /** Queues a text message; sent at once when within the per-second budget. Dropped if the link goes down. */
  send(text: string): void {
    if (!this.open) return;
    this.outbox.push(text);
    this.flush();
  }

  private connect(): void {
    if (!this.running) return;
    let ws: WebSocket;
    let tap: DataFrameTap | undefined;
    const onMessage = (data: Buffer, isBinary: boolean): void => {
      if (this.ws !== ws) return;
      const now = this.o.clock.now();
      this.lastInbound = now;
      if (!this.gotDataSinceOpen) {
        // Only a link that delivers data counts as healthy; one that opens and dies keeps backing off.
        this.gotDataSinceOpen = true;
        this.attempt = 0;
      }
      this.h.onFrame(data, isBinary, now);
    };
    try {
      const url = this.o.url();
      const secure = /^(wss|https):/i.test(url);
      // Whole data frames are read off the socket by the tap; ws handles the handshake, control frames,
      // anything unusual, and sending (see ws-frame-tap.ts).
      const createConnection = tappedConnection(
        secure,
        onMessage,
        () => ws.readyState === WebSocket.OPEN,
        (t) => (tap = t),
      );
      // Text frames are not checked for valid UTF-8 here: every frame is parsed as JSON and validated field by
      // field next, which refuses a damaged frame anyway, and the check costs a pass over every byte.
      ws = new WebSocket(url, {
        perMessageDeflate: false,
        handshakeTimeout: this.o.connectTimeoutMs,
        skipUTF8Validation: true,
        createConnection: createConnection as unknown as ClientOptions['createConnection'],
      });
    } catch (err) {
      this.o.logger.warn('websocket: cannot connect', { exchange: this.o.name, error: String(err) });
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.on('open', () => {
      if (this.ws !== ws) return;
      tap?.start();
      this.open = true;
      this.gotDataSinceOpen = false;
      this.lastInbound = this.o.clock.now();
      if (this.openedOnce) this.reconnects++;
      this.openedOnce = true;
      this.armHeartbeat();
      this.h.onOpen();
    });
    ws.on('message', onMessage);
    ws.on('ping', () => {
      if (this.ws === ws) this.lastInbound = this.o.clock.now();
    });
    ws.on('pong', () => {
      if (this.ws === ws) this.lastInbound = this.o.clock.now();
    });
    ws.on('error', (err) => {
      if (this.ws === ws) this.o.logger.warn('websocket error', { exchange: this.o.name, error: err.message });
    });
    ws.on('close', (code, reason) => {
      if (this.ws !== ws) return;
      this.teardown(`connection closed: ${code}${reason.length ? ` ${reason.toString()}` : ''}`, true);
    });
  }

  private teardown(reason: string, reconnect: boolean): void {
    const ws = this.ws;
    this.ws = undefined;
    const wasUp = ws !== undefined;
    this.open = false;
    this.outbox.length = 0;
    this.o.clock.clearTimeout(this.heartbeatTimer);
    this.o.clock.clearTimeout(this.flushTimer);
    if (ws) {
      ws.removeAllListeners('message');
      ws.on('error', () => {}); // a late error on a socket we gave up must not become an unhandled event
      ws.terminate();
    }
    if (wasUp) this.h.onDown(reason);
    if (reconnect && this.running) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.o.clock.clearTimeout(this.reconnectTimer);
    const delay = backoffDelay(this.o.backoff, this.attempt++, this.o.random);
    this.reconnectTimer = this.o.clock.setTimeout(() => this.connect(), delay);
  }

  private armHeartbeat(): void {
    const tick = Math.max(10, Math.min(this.o.heartbeatMs, this.o.deadAfterMs) / 2);
    this.heartbeatTimer = this.o.clock.setTimeout(() => {
      if (!this.open || !this.ws) return;
      const idle = this.o.clock.now() - this.lastInbound;
      if (idle >= this.o.deadAfterMs) {
        this.o.logger.warn('websocket: link dead, reconnecting', { exchange: this.o.name, idleMs: idle });
        this.teardown(`no data for ${(idle / 1000).toFixed(1)} s`, true);
        return;
      }
      // One ping per heartbeat period at most: pings count against the exchange's message budget.
      if (idle >= this.o.heartbeatMs && this.o.clock.now() - this.lastPingAt >= this.o.heartbeatMs) {
        this.lastPingAt = this.o.clock.now();
        if (this.o.heartbeat === 'ping-frame') {
          this.ws.ping();
          this.sentAt.push(this.o.clock.now());
        } else {
          this.send('PING');
        }
      }
      this.armHeartbeat();
    }, tick);
  }

  private flush(): void {
    const now = this.o.clock.now();
    while (this.sentAt.length && now - this.sentAt[0] >= 1000) this.sentAt.shift();
    while (this.outbox.length && this.sentAt.length < this.o.maxSendPerSec && this.ws && this.open) {
      this.ws.send(this.outbox.shift()!);
      this.sentAt.push(now);
    }
    if (this.outbox.length && this.open) {
      this.o.clock.clearTimeout(this.flushTimer);
      this.flushTimer = this.o.clock.setTimeout(() => this.flush(), Math.max(1, 1000 - (now - this.sentAt[0])));
    }
  }
}
