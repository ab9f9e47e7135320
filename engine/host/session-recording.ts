/**
 * Recording a live session: one market of the current exchange source, its feed events written as they arrive
 * to a session file (../node/replay, the format the replay plays) under `<data folder>/recorded-sessions/`.
 *
 * - One recording at a time. It holds the market open (as a chart would) so its feed keeps coming, and stops by
 *   itself at `maxMs` or once the file reaches `maxBytes`, or when the source changes or the app closes; the
 *   file written so far is kept and readable either way.
 * - Progress (events, bytes, time) is pushed about once a second. Recorded files are named by exchange, market
 *   and start time; they are listed and handed out only as handles (./real-markets-sessions), never as paths.
 * - At most `keepFiles` recordings are kept: the oldest are deleted as new ones finish.
 * - Nothing here throws into the feed: an event the file refuses ends the recording with the reason.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ExchangeId, FeedMarket } from '../core/market-data/types';
import { SessionRecorder } from '../node/replay';
import type { EventName, EventPayload } from '../protocol/api';
import { ApiError } from '../protocol/errors';
import type { RecordedSession, RecordingState } from '../protocol/recording';
import { MAX_SESSION_FILE_BYTES } from '../protocol/session-files';
import type { RealMarkets } from './real-markets';

export interface SessionRecordingOptions {
  dataDir: string;
  realMarkets: RealMarkets;
  emit: <E extends EventName>(name: E, payload: EventPayload<E>) => void;
  /** Longest recording (default 30 minutes). */
  maxMs?: number;
  /** Largest file (default 8 MiB, well inside what the replay and an upload accept). */
  maxBytes?: number;
  /** Recordings kept (default 20). */
  keepFiles?: number;
  /** How often progress is pushed and the bounds checked (default 1 s). */
  tickMs?: number;
  onError?: (err: unknown) => void;
}

const EXT = '.p777s';
const EXCHANGE_NAMES: Record<ExchangeId, string> = { upbit: 'Upbit', binance: 'Binance' };

interface Going {
  recorder: SessionRecorder;
  exchange: ExchangeId;
  market: FeedMarket;
  startedAt: number;
  untap: () => void;
  timer: NodeJS.Timeout;
  stopping: boolean;
}

export class SessionRecording {
  private going: Going | undefined;
  private last: RecordingState['last'];
  private error: string | undefined;
  private readonly dir: string;
  private readonly maxMs: number;
  private readonly maxBytes: number;

  constructor(private readonly o: SessionRecordingOptions) {
    this.dir = join(o.dataDir, 'recorded-sessions');
    this.maxMs = o.maxMs ?? 30 * 60_000;
    this.maxBytes = Math.min(o.maxBytes ?? 8 * 1024 * 1024, MAX_SESSION_FILE_BYTES);
  }

  state(): RecordingState {
    const g = this.going;
    const base = {
      events: 0,
      bytes: 0,
      elapsedMs: 0,
      maxMs: this.maxMs,
      maxBytes: this.maxBytes,
      ...(this.last ? { last: this.last } : {}),
      ...(this.error ? { error: this.error } : {}),
    };
    if (!g) return { state: 'idle', ...base };
    return {
      ...base,
      state: 'recording',
      market: g.market.id,
      exchange: g.exchange,
      startedAt: g.startedAt,
      events: g.recorder.count,
      bytes: fileSize(g.recorder.path),
      elapsedMs: Math.max(0, Date.now() - g.startedAt),
    };
  }

  async start(marketId: string): Promise<RecordingState> {
    if (this.going) throw new ApiError('RECORDING', `already recording ${this.going.market.id}: stop it first`);
    const { exchange, market } = this.o.realMarkets.exchangeMarket(marketId);
    // Held open like a chart, so its feed keeps coming while it records.
    await this.o.realMarkets.openMarket(market.id);
    mkdirSync(this.dir, { recursive: true });
    const startedAt = Date.now();
    const stamp = new Date(startedAt).toISOString().replace(/[:.]/g, '-');
    const path = join(this.dir, `${exchange}-${market.id}-${stamp}${EXT}`);
    let recorder: SessionRecorder;
    try {
      recorder = new SessionRecorder(path, {
        markets: [market],
        kind: 'recorded',
        note: `${EXCHANGE_NAMES[exchange]} ${market.id}, recorded ${new Date(startedAt).toISOString().slice(0, 16)} UTC`,
        gzip: true,
      });
    } catch (err) {
      this.o.realMarkets.closeMarket(market.id);
      throw new ApiError('RECORDING_FAILED', `cannot write ${path}: ${(err as Error).message}`);
    }
    const going: Going = {
      recorder,
      exchange,
      market,
      startedAt,
      untap: () => {},
      timer: setInterval(() => this.tick(going), this.o.tickMs ?? 1_000),
      stopping: false,
    };
    going.timer.unref();
    going.untap = this.o.realMarkets.tapExchange({
      event: (e, from) => {
        if (from !== exchange || e.market !== market.id || going.stopping) return;
        try {
          recorder.record(e);
        } catch (err) {
          void this.finish(going, `failed: ${(err as Error).message}`.slice(0, 40), (err as Error).message);
        }
      },
      ended: () => void this.finish(going, 'source changed'),
    });
    this.going = going;
    this.error = undefined;
    return this.push();
  }

  async stop(): Promise<RecordingState> {
    const g = this.going;
    if (g) await this.finish(g, 'user');
    return this.state();
  }

  /** Recorded files, newest first, each registered for a handle. */
  list(): RecordedSession[] {
    const files = this.files();
    return files.map((f) => ({ ...this.handle(f.path, files), bytes: f.bytes, recordedAt: f.mtime }));
  }

  /** A recorded file's bytes for the user to save; only a file of the recordings folder. */
  export(handle: string): { filename: string; base64: string } {
    const { path, name } = this.o.realMarkets.sessions.resolve(handle);
    if (!this.files().some((f) => f.path === path))
      throw new ApiError('UNKNOWN_SESSION', 'only recorded sessions can be exported from here');
    return { filename: name, base64: readFileSync(path).toString('base64') };
  }

  async close(): Promise<void> {
    if (this.going) await this.finish(this.going, 'app closing');
  }

  private tick(g: Going): void {
    if (this.going !== g) return;
    const s = this.state();
    if (s.elapsedMs >= this.maxMs) void this.finish(g, 'time limit');
    else if (s.bytes >= this.maxBytes) void this.finish(g, 'size limit');
    else this.push();
  }

  private async finish(g: Going, why: string, error?: string): Promise<void> {
    if (g.stopping) return;
    g.stopping = true;
    clearInterval(g.timer);
    g.untap();
    if (this.going === g) this.going = undefined;
    try {
      this.o.realMarkets.closeMarket(g.market.id);
    } catch (err) {
      this.o.onError?.(err);
    }
    try {
      await g.recorder.close();
    } catch (err) {
      error ??= (err as Error).message;
    }
    this.error = error;
    try {
      const picked = this.handle(g.recorder.path, this.files());
      this.last = { ...picked, bytes: fileSize(g.recorder.path), recordedAt: g.startedAt, stopped: why.slice(0, 40) };
    } catch (err) {
      this.o.onError?.(err);
    }
    this.prune();
    this.push();
  }

  private handle(path: string, files: readonly { path: string }[]) {
    return this.o.realMarkets.sessions.ownFile(
      path,
      files.map((f) => f.path),
    );
  }

  private push(): RecordingState {
    const s = this.state();
    try {
      this.o.emit('recording.state', s);
    } catch (err) {
      this.o.onError?.(err);
    }
    return s;
  }

  private files(): { path: string; bytes: number; mtime: number }[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const going = this.going?.recorder.path;
    return names
      .filter((n) => n.endsWith(EXT))
      .map((n) => join(this.dir, n))
      .filter((p) => p !== going)
      .flatMap((path) => {
        try {
          const st = statSync(path);
          return [{ path, bytes: st.size, mtime: Math.floor(st.mtimeMs) }];
        } catch {
          return [];
        }
      })
      .sort((a, b) => b.mtime - a.mtime || (a.path < b.path ? 1 : -1));
  }

  private prune(): void {
    for (const f of this.files().slice(this.o.keepFiles ?? 20)) rmSync(f.path, { force: true });
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
