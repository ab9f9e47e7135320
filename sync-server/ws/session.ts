/**
 * One WebSocket connection: who it is (after `auth`), what it subscribed to, its message budget, and a send
 * path that refuses to queue without bound — a consumer that cannot keep up is told why and disconnected,
 * rather than letting its backlog grow in the server's memory.
 */
import type { WebSocket } from 'ws';
import type { ServerMessage } from '../../engine/protocol/sync';
import { TokenBucket } from './token-bucket';

export const CLOSE_SLOW_CONSUMER = 4008;
export const CLOSE_POLICY = 1008;

export class Session {
  account: { id: number; nickname: string } | undefined;
  /** When the token this session signed in with expires; trading stops then until it signs in again. */
  tokenExpiresAt = 0;
  readonly subscriptions = new Set<string>();
  readonly bucket: TokenBucket;
  closed = false;

  constructor(
    readonly id: number,
    private readonly ws: WebSocket,
    rate: { perSecond: number; burst: number },
    private readonly maxBufferedBytes: number,
    now: () => number,
    private readonly onSent: (bytes: number) => void,
  ) {
    this.bucket = new TokenBucket(rate.perSecond, rate.burst, now);
  }

  send(msg: ServerMessage): void {
    this.sendRaw(JSON.stringify(msg));
  }

  /** Sends an already serialised message (fan-out serialises once for every subscriber). */
  sendRaw(text: string): void {
    if (this.closed) return;
    if (this.ws.bufferedAmount > this.maxBufferedBytes) {
      this.close(CLOSE_SLOW_CONSUMER, 'SLOW_CONSUMER', `more than ${this.maxBufferedBytes} bytes waiting to be sent: reconnect and resync`);
      return;
    }
    this.ws.send(text);
    this.onSent(text.length);
  }

  /** Says why, then closes. The socket is terminated if the close handshake cannot complete promptly. */
  close(code: number, reason: string, message: string): void {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.ws.bufferedAmount <= this.maxBufferedBytes) this.ws.send(JSON.stringify({ type: 'bye', code: reason, message } satisfies ServerMessage));
      this.ws.close(code, reason);
    } catch {
      // The socket is already gone; nothing to tell.
    }
    setTimeout(() => this.ws.terminate(), 1_000).unref();
  }
}
