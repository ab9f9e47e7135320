import { useEffect, useState, type ReactNode } from 'react';
import type { CandleBar } from '@protocol/api';
import { api } from '../../api';
import { useT } from '../../i18n';
import { formatUnits } from '../../lib/units';
import { dayChange } from '../../lib/watchlist';
import { formatPrice, formatSize } from '../../lib/market-format';
import { windowTicker, type Interval, type ViewTicker } from '../../lib/market-view';
import { useView, useViewStore } from '../../stores/view-context';
import { onTrades } from '../../stores/practice-store';
import { useFeedSource } from '../../stores/feed-source-store';
import { useMarketIdentity } from '../../stores/market-state';

const HOUR = 3_600_000;
const MINUTE = 60_000;

/**
 * The practice market's day: hourly candles of the last 24 hours, re-read every minute, plus the volume
 * traded since they were read (the high and low follow the last price directly). Real-coin feeds send their
 * own 24-hour ticker instead, so this runs only for the practice market. Read again when the market's past
 * is complete (`epoch`).
 */
function usePracticeDay(enabled: boolean, lastPrice: number, epoch: number): ViewTicker | null {
  const [day, setDay] = useState<{ bars: CandleBar[]; since: bigint }>({ bars: [], since: 0n });
  useEffect(() => {
    if (!enabled) return;
    let alive = true;
    let readAt = Infinity;
    const load = () =>
      api
        .invoke('practice.candles', { interval: '1h', limit: 25 })
        .then((all) => {
          if (!alive) return;
          // Trades stamped before the answer arrived are in these candles (same machine, same clock).
          readAt = Date.now();
          setDay({ bars: all.filter((b) => b.openTime > readAt - 24 * HOUR - HOUR), since: 0n });
        })
        .catch(() => undefined); // the ticker keeps its last figures; the chart panel reports load errors
    void load();
    const timer = setInterval(load, 60_000);
    const off = onTrades((trades) => {
      let v = 0n;
      for (const t of trades) if (t.ts > readAt) v += BigInt(t.quantity);
      if (v) setDay((d) => ({ bars: d.bars, since: d.since + v }));
    });
    return () => {
      alive = false;
      clearInterval(timer);
      off();
    };
  }, [enabled, epoch]);
  if (!enabled) return null;
  return windowTicker(day.bars, lastPrice, day.since);
}

/**
 * A replayed session's figures since its start, up to where it has played: a ten-minute session has no 24
 * hours to speak of. Its candles are read when the view opens or jumps (`epoch`: a seek), then the forming
 * candle the replay pushes replaces its own minute.
 */
function useSessionWindow(enabled: boolean, lastPrice: number, epoch: number): ViewTicker | null {
  const view = useViewStore();
  const long = useFeedSource((s) => (s.replay?.info.endAt ?? 0) > 1_000 * MINUTE);
  const [bars, setBars] = useState<CandleBar[]>([]);
  useEffect(() => {
    if (!enabled) return;
    const interval: Interval = long ? '1h' : '1m';
    let alive = true;
    const state = view.getState();
    setBars([]);
    void state
      .candles(interval, 1_000)
      .then(({ bars }) => alive && setBars(bars))
      .catch(() => undefined); // the figures stay empty; the chart panel reports load errors
    const off = state.onLive((live) => {
      if (live.kind !== 'candles' || live.interval !== interval) return;
      const c = live.candle;
      setBars((all) => {
        const last = all[all.length - 1];
        if (last && last.openTime === c.openTime) return [...all.slice(0, -1), c];
        return !last || c.openTime > last.openTime ? [...all, c] : all;
      });
    });
    return () => {
      alive = false;
      off();
    };
  }, [enabled, long, epoch, view]);
  return enabled ? windowTicker(bars, lastPrice) : null;
}

/**
 * The bar above the chart: pair, last price and the day's change, range and volume (a replay's since its
 * session began, and labelled so). `lead` comes first (the market selector); `badges` say what market this is.
 * The pair is known from the choice before the market's settings arrive.
 */
export function MarketTicker({ lead, badges }: { lead?: ReactNode; badges?: ReactNode }) {
  const t = useT();
  const market = useView((s) => s.market);
  const kind = useView((s) => s.kind);
  const lastPrice = useView((s) => s.lastPrice);
  const feedTicker = useView((s) => s.ticker);
  const epoch = useView((s) => s.epoch);
  const replaying = useView((s) => s.feed?.source === 'replay');
  const identity = useMarketIdentity();
  const practiceDay = usePracticeDay(kind === 'practice', lastPrice, epoch);
  const session = useSessionWindow(replaying, lastPrice, epoch);
  const day = session ?? feedTicker ?? practiceDay;

  const last = lastPrice || day?.last || 0;
  const reference = day?.reference ?? 0;
  const moved = dayChange(last, reference);
  const change = moved?.change ?? 0;
  // Percent with two decimals by integer arithmetic: basis points of the reference, then split.
  const pct = `${change > 0 ? '+' : ''}${formatUnits(moved?.bps ?? 0n, 2, { minFraction: 2 })}%`;
  const direction = moved?.direction ?? '';
  const price = (v: number) => (market ? formatPrice(market, v) : '—');

  return (
    <section className="ticker" aria-label={t('ticker.label')}>
      <div className="ticker-pair">
        {lead}
        <span className="pair-name">
          {market?.base ?? identity.base}
          <span className="muted">/{market?.quote ?? identity.quote}</span>
        </span>
        {badges}
      </div>
      {/* Coloured by the day's change, as exchanges do; the tick-by-tick direction flashes in the book. */}
      <div className={`ticker-last ${direction}`} aria-label={t('ticker.last')}>
        {last ? price(last) : '—'}
      </div>
      <dl className="ticker-stats">
        <div>
          <dt>{t(session ? 'ticker.changeSession' : 'ticker.change24h')}</dt>
          <dd className={direction}>{reference && last ? `${change > 0 ? '+' : ''}${price(change)} (${pct})` : '—'}</dd>
        </div>
        <div>
          <dt>{t(session ? 'ticker.highSession' : 'ticker.high24h')}</dt>
          <dd>{day?.high ? price(day.high) : '—'}</dd>
        </div>
        <div>
          <dt>{t(session ? 'ticker.lowSession' : 'ticker.low24h')}</dt>
          <dd>{day?.low ? price(day.low) : '—'}</dd>
        </div>
        <div>
          <dt>{t(session ? 'ticker.volumeSession' : 'ticker.volume24h')}</dt>
          <dd>{market && day ? `${formatSize(market, day.volume, 2)} ${market.base}` : '—'}</dd>
        </div>
      </dl>
    </section>
  );
}
