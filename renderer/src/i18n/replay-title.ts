/**
 * A replay session's title in the user's language, from the data the host sends (its kind, markets, start and
 * length): a generated session says it is simulated, not real market data; a recorded one says when it was
 * recorded; a past window of an exchange names the exchange. Markets are written as the UI writes them (BTC/KRW); the start in UTC, as the replay's clock shows
 * it; the length in whole minutes (a session's own seconds are on the replay bar).
 *
 * Pure: the caller passes the translate function, so it is tested without a page.
 */
import type { ReplayInfo } from '@protocol/api';
import { marketName } from '../lib/market-identity';
import { durationText } from '../lib/time';
import type { MessageKey } from './en';

const MINUTE_MS = 60_000;

/** "2024-05-01 09:00" of a UTC time. */
function utcMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

export function replayTitle(
  info: Pick<ReplayInfo, 'kind' | 'markets' | 'startTime' | 'endAt' | 'history'>,
  t: (key: MessageKey) => string,
): string {
  const length = info.endAt >= MINUTE_MS ? Math.round(info.endAt / MINUTE_MS) * MINUTE_MS : info.endAt;
  const values: Record<string, string> = {
    markets: info.markets.map(marketName).join(', '),
    start: utcMinute(info.startTime),
    length: durationText(length, t),
    exchange: info.history ? t(`settings.feed.${info.history.exchange}`).replace(/\s*\(.*\)$/, '') : '',
  };
  const key =
    info.kind === 'history'
      ? 'replay.title.history'
      : info.kind === 'generated'
        ? 'replay.title.generated'
        : 'replay.title.recorded';
  return t(key).replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}
