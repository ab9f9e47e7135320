/**
 * Records a live session of feed events to a file (./session-format), for offline replay (paper trading
 * without the internet) and for tests.
 *
 * Frames go to the file as they come (through Node's write stream; gzip, when chosen, is flushed on a timer)
 * so that a recorder that is killed loses at most the last moments, and the reader drops a cut last frame.
 */
import { createWriteStream, openSync, type WriteStream } from 'node:fs';
import { createGzip, constants, type Gzip } from 'node:zlib';
import type { FeedEvent, FeedMarket } from '../../core/market-data/types';
import {
  EventEncoder,
  SESSION_FORMAT_VERSION,
  SESSION_MAGIC,
  decodeEvent,
  frame,
  type SessionHeader,
} from './session-format';

export interface RecorderOptions {
  markets: FeedMarket[];
  /** 'recorded' for a live feed; 'generated' for a session a program made up. */
  kind?: SessionHeader['kind'];
  note?: string;
  /** Recorder clock (ms); default Date.now. The session starts at its value when the recorder opens. */
  now?: () => number;
  /** gzip the file (about 3–5× smaller for books). Default false. */
  gzip?: boolean;
  /** How often buffered gzip output is pushed to the file, ms (default 1000). */
  flushIntervalMs?: number;
}

export class SessionRecorder {
  readonly header: SessionHeader;
  private readonly encoder: EventEncoder;
  private readonly file: WriteStream;
  private readonly gzip?: Gzip;
  private readonly now: () => number;
  private readonly timer?: NodeJS.Timeout;
  private lastAt = 0;
  private failure?: Error;
  private closed = false;
  count = 0;

  constructor(
    readonly path: string,
    options: RecorderOptions,
  ) {
    this.now = options.now ?? Date.now;
    const header: SessionHeader = {
      format: SESSION_FORMAT_VERSION,
      kind: options.kind ?? 'recorded',
      markets: options.markets,
      startTime: this.now(),
      ...(options.note !== undefined ? { note: options.note } : {}),
    };
    this.header = header;
    this.encoder = new EventEncoder(header);
    // Opened here, not by the stream, so that an existing file is refused at once rather than on a later write.
    this.file = createWriteStream(path, { fd: openSync(path, 'wx') });
    this.file.on('error', (err) => (this.failure ??= err));
    if (options.gzip) {
      this.gzip = createGzip();
      this.gzip.on('error', (err) => (this.failure ??= err));
      this.gzip.pipe(this.file);
      this.timer = setInterval(() => this.gzip!.flush(constants.Z_SYNC_FLUSH), options.flushIntervalMs ?? 1000);
      this.timer.unref();
    }
    this.write(Buffer.concat([SESSION_MAGIC, frame(header)]));
  }

  /** Appends one event, stamped with the recorder clock (or `at`, ms since the start, when given). */
  record(event: FeedEvent, at?: number): void {
    if (this.closed) throw new Error('recorder is closed');
    if (this.failure) throw this.failure;
    // A wall clock can step back (NTP); the file's times must not.
    const t = Math.max(this.lastAt, at ?? this.now() - this.header.startTime);
    const tuple = this.encoder.encode(t, event);
    // Refuse what the reader would refuse (fractional prices, unknown status…) now, not when replaying.
    try {
      decodeEvent(this.header, tuple);
    } catch (err) {
      throw new RangeError(`cannot record ${event.type} event on ${event.market}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    this.lastAt = t;
    this.write(frame(tuple));
    this.count++;
  }

  /** Finishes the file; resolves once every byte is on disk (rejects if a write failed). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await new Promise<void>((resolve, reject) => {
      this.file.once('close', () => (this.failure ? reject(this.failure) : resolve()));
      this.file.once('error', reject);
      (this.gzip ?? this.file).end();
    });
  }

  private write(bytes: Buffer): void {
    (this.gzip ?? this.file).write(bytes);
  }
}
