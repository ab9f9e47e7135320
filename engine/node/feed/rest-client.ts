/**
 * A REST client that keeps to an exchange's rate limits. Requests run one at a time through one queue per
 * exchange, so a burst of callers cannot become a burst of requests, and a limit hit by one caller holds back
 * all of them:
 * - Upbit: `Remaining-Req: group=candles; min=1800; sec=N`; when N is at or below `upbitMinRemaining`, the next
 *   request waits for the next second window.
 * - Binance: `X-MBX-USED-WEIGHT-1M`; past `binancePauseAt` of the minute's budget, wait for the next minute.
 * - 429: wait Retry-After (seconds) if given, else a backoff with jitter (never under `rateLimitFloorMs`), then
 *   retry, up to `maxRetries` times.
 * - 418 (banned for abusing 429): every request waits out Retry-After (else `defaultBlockMs`); when the block is
 *   longer than `maxBlockWaitMs`, requests fail at once with RateLimitedError instead of hanging.
 */
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import {
  AbortedError,
  backoffDelay,
  type BackoffPolicy,
  type Clock,
  type Random,
  sleep,
  systemClock,
} from '../../core/market-data/clock';
import { silentLogger, type FeedLogger } from './logger';
import type { ExchangeId } from '../../core/market-data/types';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly url: string,
    readonly body: string,
  ) {
    super(`HTTP ${status} from ${url}: ${body.slice(0, 200)}`);
    this.name = 'HttpError';
  }
}

export class RateLimitedError extends Error {
  constructor(
    message: string,
    readonly retryAt: number,
  ) {
    super(message);
    this.name = 'RateLimitedError';
  }
}

export interface RestClientOptions {
  exchange: ExchangeId;
  baseURL: string;
  clock?: Clock;
  random?: Random;
  logger?: FeedLogger;
  timeoutMs?: number;
  maxRetries?: number;
  backoff?: BackoffPolicy;
  rateLimitFloorMs?: number;
  defaultBlockMs?: number;
  maxBlockWaitMs?: number;
  upbitMinRemaining?: number;
  binanceWeightLimit?: number;
  binancePauseAt?: number;
  /** Told about every request sent and every 429/418 received (for the feed's stats). */
  onRequest?: (status: number) => void;
}

export interface RestRequest {
  path: string;
  params?: Record<string, string | number | undefined>;
  signal?: AbortSignal;
}

export class RestClient {
  private readonly http: AxiosInstance;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly logger: FeedLogger;
  private readonly o: Required<Omit<RestClientOptions, 'clock' | 'random' | 'logger' | 'onRequest'>>;
  private queue: Promise<unknown> = Promise.resolve();
  /** No request leaves before this time (rate-limit pause or ban). */
  private gateUntil = 0;
  private blocked = false;

  constructor(private readonly options: RestClientOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.logger = options.logger ?? silentLogger;
    this.o = {
      exchange: options.exchange,
      baseURL: options.baseURL,
      timeoutMs: options.timeoutMs ?? 10_000,
      maxRetries: options.maxRetries ?? 5,
      backoff: options.backoff ?? { baseMs: 1000, maxMs: 30_000 },
      rateLimitFloorMs: options.rateLimitFloorMs ?? 1000,
      defaultBlockMs: options.defaultBlockMs ?? 60_000,
      maxBlockWaitMs: options.maxBlockWaitMs ?? 120_000,
      upbitMinRemaining: options.upbitMinRemaining ?? 1,
      binanceWeightLimit: options.binanceWeightLimit ?? 6000,
      binancePauseAt: options.binancePauseAt ?? 0.9,
    };
    this.http = axios.create({
      baseURL: options.baseURL,
      timeout: this.o.timeoutMs,
      responseType: 'text',
      // The body is validated by the caller; keep the raw text so a bad body is reported, not half-parsed.
      transformResponse: [(d: unknown) => d],
      validateStatus: () => true,
    });
  }

  /** GET a JSON body. Queued behind earlier requests; retried on 429, network errors and 5xx. */
  get(req: RestRequest): Promise<unknown> {
    const run = this.queue.then(
      () => this.send(req),
      () => this.send(req),
    );
    // The queue must survive a failed request.
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async send(req: RestRequest): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      await this.waitForGate(req.signal);
      let res: AxiosResponse<string>;
      try {
        res = await this.http.get<string>(req.path, { params: req.params, signal: req.signal });
      } catch (err) {
        if (req.signal?.aborted) throw new AbortedError();
        if (attempt >= this.o.maxRetries) throw err;
        const delay = backoffDelay(this.o.backoff, attempt, this.random);
        this.logger.warn('REST request failed, retrying', {
          exchange: this.o.exchange,
          path: req.path,
          error: String(err),
          delayMs: delay,
        });
        await sleep(this.clock, delay, req.signal);
        continue;
      }
      this.options.onRequest?.(res.status);
      this.noteHeaders(res);
      const url = `${this.o.baseURL}${req.path}`;
      if (res.status === 429 || res.status === 418) {
        const retryAfterMs = parseRetryAfter(res.headers['retry-after'], this.clock.now());
        if (res.status === 418) {
          const wait = retryAfterMs ?? this.o.defaultBlockMs;
          this.blocked = true;
          this.gateUntil = Math.max(this.gateUntil, this.clock.now() + wait);
          this.logger.warn('REST banned (418): all requests wait', { exchange: this.o.exchange, waitMs: wait });
        } else {
          const wait =
            retryAfterMs ?? Math.max(this.o.rateLimitFloorMs, backoffDelay(this.o.backoff, attempt, this.random));
          this.gateUntil = Math.max(this.gateUntil, this.clock.now() + wait);
          this.logger.warn('REST rate limited (429): backing off', { exchange: this.o.exchange, waitMs: wait });
        }
        if (attempt >= this.o.maxRetries)
          throw new RateLimitedError(`${this.o.exchange} kept answering ${res.status}`, this.gateUntil);
        continue;
      }
      if (res.status >= 500) {
        if (attempt >= this.o.maxRetries) throw new HttpError(res.status, url, String(res.data));
        await sleep(this.clock, backoffDelay(this.o.backoff, attempt, this.random), req.signal);
        continue;
      }
      if (res.status !== 200) throw new HttpError(res.status, url, String(res.data));
      try {
        return JSON.parse(String(res.data));
      } catch {
        throw new HttpError(res.status, url, `body is not JSON: ${String(res.data).slice(0, 100)}`);
      }
    }
  }

  private async waitForGate(signal?: AbortSignal): Promise<void> {
    const wait = this.gateUntil - this.clock.now();
    if (wait <= 0) {
      this.blocked = false;
      return;
    }
    if (this.blocked && wait > this.o.maxBlockWaitMs) {
      throw new RateLimitedError(
        `${this.o.exchange} REST is blocked for ${Math.ceil(wait / 1000)} s more (418)`,
        this.gateUntil,
      );
    }
    await sleep(this.clock, wait, signal);
    this.blocked = false;
  }

  private noteHeaders(res: AxiosResponse): void {
    const now = this.clock.now();
    if (this.o.exchange === 'upbit') {
      const remaining = parseUpbitRemaining(res.headers['remaining-req']);
      // Wait for the next one-second window rather than spending the last request(s) of this one.
      if (remaining !== undefined && remaining <= this.o.upbitMinRemaining)
        this.gateUntil = Math.max(this.gateUntil, now + 1000);
    } else {
      const used = Number(res.headers['x-mbx-used-weight-1m']);
      if (Number.isFinite(used) && used >= this.o.binanceWeightLimit * this.o.binancePauseAt) {
        this.gateUntil = Math.max(this.gateUntil, Math.ceil((now + 1) / 60_000) * 60_000);
      }
    }
  }
}

/** `group=candles; min=1800; sec=9` → 9. */
export function parseUpbitRemaining(header: unknown): number | undefined {
  if (typeof header !== 'string') return undefined;
  const m = /(?:^|;)\s*sec=(\d+)/.exec(header);
  return m ? Number(m[1]) : undefined;
}

/** Retry-After as delay-seconds or an HTTP date → ms to wait. */
export function parseRetryAfter(header: unknown, now: number): number | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const secs = Number(header);
  if (Number.isFinite(secs) && secs >= 0) return Math.ceil(secs * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}
