/**
 * One WebSocket connection: who it is (after `auth`), what it subscribed to, its message budget, and a send
 * path that refuses to queue without bound — a consumer that cannot keep up is told why and disconnected,
 * rather than letting its backlog grow in the server's memory.
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { ServerMessage } from '../../engine/protocol/sync';
import { TokenBucket } from './token-bucket';

export const CLOSE_SLOW_CONSUMER = 4008;
export const CLOSE_POLICY = 1008;

/**
 * Sockets written to during this turn of the event loop. Each is corked at its first message and all are
 * uncorked together once the turn's work is done, so everything one commit produces for a connection (its
 * trades, the book delta, its order and fill updates, the replies) leaves in one write. On loopback and on a
 * busy server the cost of a send is the system call, not the bytes: with 10,000 subscribers a commit is
 * 10,000 writes instead of several times that.
 */
const corked: Session[] = [];

function uncorkAll(): void {
  for (const s of corked.splice(0)) s.uncork();
}

export class Session {
  account: { id: number; nickname: string } | undefined;
  /** When the token this session signed in with expires; trading stops then until it signs in again. */
  tokenExpiresAt = 0;
  /** The sign-in session (server.db sessions.id) this connection authenticated with. */
  authSession = 0;
  readonly subscriptions = new Set<string>();
  readonly bucket: TokenBucket;
  closed = false;
  /** Something arrived (a message or a pong) since the last heartbeat ping. */
  alive = true;
  /** When (ms, wall clock) the connection last became idle: open, not signed in, subscribed to nothing. */
  idleSince = 0;
  private isCorked = false;
  /**
   * Messages sent this turn, not yet framed: they leave as one frame holding an array of them (see
   * ServerMessage), so a client handles one frame per commit rather than one per order, fill and balance.
   */
  private unframed: string[] = [];

  constructor(
    readonly id: number,
    private readonly ws: WebSocket,
    rate: { perSecond: number; burst: number },
    private readonly maxBufferedBytes: number,
    now: () => number,
    /** Counts messages sent (an array frame counts each of its messages). */
    private readonly onSent: (messages: number) => void,
    /** The connection's TCP socket: corked while a turn's messages are queued, and where framed messages go. */
    private readonly socket: Duplex,
  ) {
    this.bucket = new TokenBucket(rate.perSecond, rate.burst, now);
  }

  send(msg: ServerMessage): void {
    this.sendRaw(JSON.stringify(msg));
  }

  /** Sends an already serialised message (one serialisation for all of an account's sessions). */
  sendRaw(text: string): void {
    if (this.writable()) this.unframed.push(text);
  }

  /**
   * Sends a complete WebSocket frame (see frames.ts) straight to the socket: fan-out frames a message once for
   * every subscriber. What was sent before it this turn is framed first, so messages keep their order.
   */
  sendFrame(frame: Buffer): void {
    if (this.ws.readyState !== this.ws.OPEN || !this.writable()) return;
    this.frameUnframed();
    this.socket.write(frame);
    this.onSent(1);
  }

  /**
   * Frames the messages sent this turn: one alone as itself, several as one array. `ws` writes its frames to the
   * same socket synchronously (no compression is negotiated), so they never interleave with `sendFrame`'s.
   */
  private frameUnframed(): void {
    const texts = this.unframed;
    if (texts.length === 0) return;
    this.unframed = [];
    const text = texts.length === 1 ? texts[0] : `[${texts.join(',')}]`;
    this.ws.send(text, { binary: false });
    this.onSent(texts.length);
  }

  /** Open, keeping up, and corked for this turn; a consumer that fell too far behind is closed instead. */
  private writable(): boolean {
    if (this.closed) return false;
    if (this.ws.bufferedAmount > this.maxBufferedBytes) {
      this.close(
        CLOSE_SLOW_CONSUMER,
        'SLOW_CONSUMER',
        `more than ${this.maxBufferedBytes} bytes waiting to be sent: reconnect and resync`,
      );
      return false;
    }
    if (!this.isCorked) {
      this.isCorked = true;
      this.socket.cork();
      if (corked.push(this) === 1) process.nextTick(uncorkAll);
    }
    return true;
  }

  uncork(): void {
    if (!this.closed) this.frameUnframed();
    this.isCorked = false;
    this.socket.uncork();
  }

  /** Says why, then closes. The socket is terminated if the close handshake cannot complete promptly. */
  close(code: number, reason: string, message: string): void {
    if (this.closed) return;
    try {
      // What this turn already said goes first; the bye is the last thing the client reads.
      if (this.ws.readyState === this.ws.OPEN) this.frameUnframed();
    } catch {
      // The socket is already gone.
    }
    this.closed = true;
    this.unframed = [];
    try {
      if (this.ws.bufferedAmount <= this.maxBufferedBytes)
        this.ws.send(JSON.stringify({ type: 'bye', code: reason, message } satisfies ServerMessage));
      this.ws.close(code, reason);
    } catch {
      // The socket is already gone; nothing to tell.
    }
    setTimeout(() => this.ws.terminate(), 1_000).unref();
  }

  /** A protocol ping (the peer's WebSocket stack answers it with a pong, without the app's help). */
  ping(): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    this.ws.ping();
  }

  /** Says why, then lets the socket go at once, without waiting for the close handshake: its descriptor is
   *  wanted for another connection, or the peer has stopped answering. */
  drop(code: number, reason: string, message: string): void {
    this.close(code, reason, message);
    this.ws.terminate();
  }
}
