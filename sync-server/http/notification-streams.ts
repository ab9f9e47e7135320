/**
 * The notification streams (SSE) one process serves, whether it holds the notifications itself (a single server
 * or a core) or reads them from a core and the events stream (a gateway). Rules, the same wherever a stream is
 * served: a reader resumes after its Last-Event-ID (or `?after=`), taking the stored backlog a page at a time as
 * it reads it; live notifications are listened for before the backlog is read and held back until it is sent,
 * and ids only grow, so one at or below the last sent is skipped (an event may come both ways, never twice). A
 * stream lives as long as its session: it ends when the session ends or the access token expires. Each process
 * holds its own streams to `SSE_PER_ACCOUNT` per account (a new one ends the oldest) and `SSE_MAX_STREAMS` in
 * all (past it a new one is refused).
 */
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Notification } from '../../engine/protocol/sync';
import type { SessionsEnded } from '../accounts/accounts';
import { HttpFailure, parse } from './errors';
import { SseStream, type SseLimits } from './sse-stream';

/**
 * A notification stream's reader may keep 1 MiB waiting (past what the kernel holds), or leave a full buffer
 * undrained for 30 s, before it is let go; it resumes from its Last-Event-ID, so it misses nothing.
 */
const SSE_LIMITS: SseLimits = { maxBufferedBytes: 1 << 20, drainTimeoutMs: 30_000, keepAliveMs: 15_000 };
/** Open streams per account (a new one ends the oldest) and in all (past it a new one is refused). */
const SSE_PER_ACCOUNT = 8;
const SSE_MAX_STREAMS = 10_000;
/** Backlog read per query when a stream opens (sent as the reader takes it), and live events held meanwhile. */
export const SSE_BACKLOG_PAGE = 500;

const StreamQuery = z.object({
  after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  ticket: z.string().min(1).max(128).optional(),
});

/** Where a stream starts (after this id) and the ticket it was opened with, from its query and Last-Event-ID. */
export function streamRequest(
  query: unknown,
  lastEventId: string | string[] | undefined,
): { after: number; ticket?: string } {
  const q = parse(StreamQuery, query);
  const after = parse(
    z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    typeof lastEventId === 'string' ? lastEventId : String(q.after ?? 0),
  );
  return { after, ticket: q.ticket };
}

/** The signed-in reader of a stream. */
export interface StreamReader {
  id: number;
  sessionId: number;
  /** When its access token expires (ms): the stream ends then. */
  expiresAt: number;
}

/** Where notifications come from: the stored backlog after an id, and the account's new ones as they come. */
export interface NotificationSource {
  since(account: number, afterId: number, limit: number): Notification[] | Promise<Notification[]>;
  listen(account: number, listener: (n: Notification) => void): () => void;
}

/** Where a process logs what happened to its streams (its pino logger, or a request's). */
export interface StreamLog {
  info(detail: object, msg: string): void;
  error(detail: object, msg: string): void;
}

const sseEvent = (n: Notification) => `id: ${n.id}\nevent: ${n.kind}\ndata: ${JSON.stringify(n)}\n\n`;

export class NotificationStreams {
  /** Open streams by account, oldest first, with the session each belongs to. */
  private readonly streams = new Map<number, Map<SseStream, number>>();
  private count = 0;

  constructor(
    private readonly source: NotificationSource,
    private readonly now: () => number,
  ) {}

  /** Refuses a new stream (503 BUSY) when this process holds as many as it may. */
  checkRoom(): void {
    if (this.count >= SSE_MAX_STREAMS)
      throw new HttpFailure(503, 'BUSY', 'too many notification streams open: try again later');
  }

  /**
   * Serves one stream on `res` (the response is this function's from here on) until it ends. `log` is told why
   * a stream was dropped, or its backlog could not be read.
   */
  async open(res: ServerResponse, reader: StreamReader, after: number, log: StreamLog): Promise<void> {
    this.checkRoom();
    const account = reader.id;
    const s = new SseStream(
      res,
      SSE_LIMITS,
      (reason, err) => log.info({ account, reason, err: err?.message }, 'notification stream dropped'),
      () => reader.expiresAt > this.now(),
    );
    let mine = this.streams.get(account);
    if (!mine) this.streams.set(account, (mine = new Map()));
    mine.set(s, reader.sessionId);
    this.count++;
    if (mine.size > SSE_PER_ACCOUNT) mine.keys().next().value?.end();
    let last = after;
    let held: Notification[] | undefined = [];
    const write = (n: Notification) => {
      if (n.id <= last) return;
      last = n.id;
      s.send(sseEvent(n));
    };
    const stopListening = this.source.listen(account, (n) => {
      if (!held) return write(n);
      held.push(n);
      if (held.length > SSE_BACKLOG_PAGE) s.end(); // more arriving than the reader takes: it resumes later
    });
    s.onEnd(() => {
      stopListening();
      this.count--;
      mine.delete(s);
      if (mine.size === 0 && this.streams.get(account) === mine) this.streams.delete(account);
    });
    s.send('retry: 3000\n\n');
    try {
      for (;;) {
        const page = await this.source.since(account, last, SSE_BACKLOG_PAGE);
        for (const n of page) {
          write(n);
          await s.whenDrained();
          if (!s.open) return;
        }
        if (page.length < SSE_BACKLOG_PAGE || !s.open) break;
      }
    } catch (err) {
      // The response is already under way, so no error answer can follow: say so and end it; the reader resumes
      // from its last event.
      log.error({ err, account }, 'notification backlog could not be read');
      s.end();
      return;
    }
    for (const n of held) write(n);
    held = undefined;
  }

  /** The streams of sign-ins that ended close (the reader's EventSource then fails to sign in again). */
  sessionsEnded(e: SessionsEnded): void {
    for (const [s, session] of this.streams.get(e.accountId) ?? [])
      if (e.sessionIds === 'all' || e.sessionIds.includes(session)) s.end();
  }

  /** Ends every stream (shutting down): readers reconnect, with Last-Event-ID, wherever the service comes back. */
  endAll(): void {
    for (const mine of [...this.streams.values()]) for (const s of [...mine.keys()]) s.end();
  }
}
