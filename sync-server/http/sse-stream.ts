/**
 * One Server-Sent-Events response. Rules: every byte goes out through `send`, which does nothing once the
 * stream has ended, so nothing is ever written after the end; a reader that lets more than `maxBufferedBytes`
 * wait, or leaves a full buffer undrained for `drainTimeoutMs`, is dropped by destroying its socket (ending
 * politely would wait on the very reader that stopped reading) and resumes with Last-Event-ID when it comes
 * back; errors on the response end the stream and are logged, never left unhandled.
 */
import type { ServerResponse } from 'node:http';

export interface SseLimits {
  /** Bytes that may wait for a reader (in Node and the socket's user-space buffer) before it is dropped. */
  maxBufferedBytes: number;
  /** How long a full buffer may go without draining before the reader is dropped (ms). */
  drainTimeoutMs: number;
  /** A comment line goes out this often, so proxies keep the connection and a dead peer shows up (ms). */
  keepAliveMs: number;
}

/** After a polite end, how long the reader has to take the last bytes before the socket is destroyed (ms). */
const END_GRACE_MS = 5_000;

export class SseStream {
  private ended = false;
  private drainTimer: NodeJS.Timeout | undefined;
  private readonly keepAlive: NodeJS.Timeout;
  private readonly endListeners: (() => void)[] = [];
  private drainWaiters: (() => void)[] = [];

  constructor(
    private readonly res: ServerResponse,
    private readonly limits: SseLimits,
    /** Told once why a stream was dropped or failed (not for a normal end). */
    private readonly onDropped: (reason: string, err?: Error) => void,
    /** Asked at every keep-alive: false ends the stream (its session expired). */
    private readonly stillValid: () => boolean,
  ) {
    res.on('error', (err) => this.drop('response error', err));
    res.on('drain', () => this.drained());
    res.on('close', () => this.stop()); // the reader went away
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    this.keepAlive = setInterval(() => {
      if (!this.stillValid()) this.end();
      else this.send(': keep-alive\n\n');
    }, limits.keepAliveMs);
    this.keepAlive.unref();
  }

  /** False once the stream has ended (or is ending). */
  get open(): boolean {
    return !this.ended;
  }

  /** Queues `text` for the reader; drops the reader instead when that would exceed the buffer bound. */
  send(text: string): void {
    if (this.ended) return;
    if (this.res.writableLength + Buffer.byteLength(text) > this.limits.maxBufferedBytes) {
      this.drop(`more than ${this.limits.maxBufferedBytes} bytes waiting for the reader`);
      return;
    }
    if (!this.res.write(text) && !this.drainTimer) {
      this.drainTimer = setTimeout(
        () => this.drop(`the reader took nothing for ${this.limits.drainTimeoutMs} ms`),
        this.limits.drainTimeoutMs,
      );
      this.drainTimer.unref();
    }
  }

  /** Resolves once what was written has gone to the socket, or the stream has ended. */
  whenDrained(): Promise<void> {
    if (this.ended || !this.res.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Calls `listener` once when the stream ends, however it ends (at once if it already has). */
  onEnd(listener: () => void): void {
    if (this.ended) listener();
    else this.endListeners.push(listener);
  }

  /** Ends the stream politely (the reader sees the end and may reconnect); a reader still behind is cut off. */
  end(): void {
    if (this.ended) return;
    if (this.res.writableLength > 0) {
      this.drop();
      return;
    }
    this.stop();
    this.res.end();
    setTimeout(() => this.res.destroy(), END_GRACE_MS).unref();
  }

  /** Cuts the reader off at once: the socket is destroyed with whatever was still waiting for it. */
  private drop(reason?: string, err?: Error): void {
    if (!this.ended && reason) this.onDropped(reason, err);
    this.stop();
    this.res.destroy();
  }

  private drained(): void {
    clearTimeout(this.drainTimer);
    this.drainTimer = undefined;
    for (const w of this.drainWaiters.splice(0)) w();
  }

  /** Nothing more is written from here on; whoever feeds the stream is told to stop. */
  private stop(): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.keepAlive);
    this.drained();
    for (const l of this.endListeners.splice(0)) l();
  }
}
