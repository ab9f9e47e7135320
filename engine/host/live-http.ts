/**
 * The sync-server reads the live market needs beyond what SyncHttp offers: the market list (its settings:
 * tick, lot, fees), candles and my fills. Same rules as SyncHttp: the body is validated against the contract, and an
 * error answer becomes a SyncHttpError with the server's code.
 */
import { z } from 'zod';
import { Candle, CandleInterval, Fill, HttpError, MarketInfo } from '../protocol/sync';
import { SyncHttpError } from '../node/sync/sync-http';

const TIMEOUT_MS = 10_000;

async function getJson<S extends z.ZodType>(
  origin: string,
  path: string,
  schema: S,
  token?: string,
): Promise<z.output<S>> {
  let res: Response;
  try {
    res = await fetch(origin + path, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    throw new SyncHttpError(0, 'UNREACHABLE', `sync server unreachable: ${(err as Error).message}`);
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  if (res.status >= 400) {
    const e = HttpError.safeParse(body);
    throw new SyncHttpError(
      res.status,
      e.success ? e.data.error.code : `HTTP_${res.status}`,
      e.success ? e.data.error.message : `HTTP ${res.status}`,
    );
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new SyncHttpError(res.status, 'BAD_RESPONSE', `unexpected response from ${path}`);
  return parsed.data;
}

export function fetchMarkets(origin: string) {
  return getJson(origin, '/api/v1/markets', z.array(MarketInfo));
}

/** My fills on `market` (undefined: on every market), newest first; `before` a trade id: the page older than it. */
export function fetchFills(origin: string, token: string, market: string | undefined, limit: number, before?: number) {
  const on = market === undefined ? '' : `market=${encodeURIComponent(market)}&`;
  const page = before === undefined ? '' : `&before=${before}`;
  return getJson(origin, `/api/v1/trades?${on}limit=${limit}${page}`, z.object({ fills: z.array(Fill) }), token);
}

/** Candles of `market` opening before `before` (default: up to now), oldest first, the forming one included. */
export async function fetchCandles(
  origin: string,
  market: string,
  interval: CandleInterval,
  limit: number,
  before?: number,
) {
  const to = before === undefined ? '' : `&to=${before}`;
  const body = await getJson(
    origin,
    `/api/v1/markets/${encodeURIComponent(market)}/candles?interval=${interval}&limit=${limit}${to}`,
    z.object({ candles: z.array(Candle) }),
  );
  return body.candles;
}
