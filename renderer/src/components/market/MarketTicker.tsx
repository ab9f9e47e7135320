import { useEffect, useState, type ReactNode } from 'react';
import type { CandleBar } from '@protocol/api';
import { api } from '../../api';
import { useT } from '../../i18n';
import { BPS, formatUnits } from '../../lib/units';
import { formatPrice, formatSize } from '../../lib/market-format';
import type { ViewTicker } from '../../lib/market-view';
import { useView } from '../../stores/view-context';
import { onTrades } from '../../stores/practice-store';

const HOUR = 3_600_000;

/**
 * The practice market's day: hourly candles of the last 24 hours, re-read every minute, plus the volume
 * traded since they were read (the high and low follow the last price directly). Real-coin feeds send their
 * own 24-hour ticker instead, so this runs only for the practice market.
 */
function usePracticeDay(enabled: boolean, lastPrice: number): ViewTicker | null {
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
  }, [enabled]);
  if (!enabled) return null;
  let high = lastPrice;
  let low = lastPrice;
  let volume = day.since;
  for (const b of day.bars) {
    if (b.high > high) high = b.high;
    if (!low || b.low < low) low = b.low;
    volume += BigInt(b.volume);
  }
  return { last: lastPrice, reference: day.bars[0]?.open ?? 0, high, low, volume };
}

/**
 * The bar above the chart: pair, last price and the day's change, range and volume. `lead` comes first (the
 * market selector); `badges` say what market this is.
 */
export function MarketTicker({ lead, badges }: { lead?: ReactNode; badges?: ReactNode }) {
  const t = useT();
  const market = useView((s) => s.market);
  const kind = useView((s) => s.kind);
  const lastPrice = useView((s) => s.lastPrice);
  const feedTicker = useView((s) => s.ticker);
  const practiceDay = usePracticeDay(kind === 'practice', lastPrice);
  const day = feedTicker ?? practiceDay;

  const last = lastPrice || day?.last || 0;
  const reference = day?.reference ?? 0;
  const change = reference && last ? last - reference : 0;
  // Percent with two decimals by integer arithmetic: basis points of the reference, then split.
  const bps = reference ? (BigInt(change) * BPS) / BigInt(reference) : 0n;
  const pct = `${change > 0 ? '+' : ''}${formatUnits(bps, 2, { minFraction: 2 })}%`;
  const direction = change > 0 ? 'up' : change < 0 ? 'down' : '';
  const price = (v: number) => (market ? formatPrice(market, v) : '—');

  return (
    <section className="ticker" aria-label={t('ticker.label')}>
      <div className="ticker-pair">
        {lead}
        <span className="pair-name">
          {market?.base ?? '…'}
          <span className="muted">/{market?.quote ?? '…'}</span>
        </span>
        {badges}
      </div>
      {/* Coloured by the day's change, as exchanges do; the tick-by-tick direction flashes in the book. */}
      <div className={`ticker-last ${direction}`} aria-label={t('ticker.last')}>
        {last ? price(last) : '—'}
      </div>
      <dl className="ticker-stats">
        <div>
          <dt>{t('ticker.change24h')}</dt>
          <dd className={direction}>{reference && last ? `${change > 0 ? '+' : ''}${price(change)} (${pct})` : '—'}</dd>
        </div>
        <div>
          <dt>{t('ticker.high24h')}</dt>
          <dd>{day?.high ? price(day.high) : '—'}</dd>
        </div>
        <div>
          <dt>{t('ticker.low24h')}</dt>
          <dd>{day?.low ? price(day.low) : '—'}</dd>
        </div>
        <div>
          <dt>{t('ticker.volume24h')}</dt>
          <dd>{market && day ? `${formatSize(market, day.volume, 2)} ${market.base}` : '—'}</dd>
        </div>
      </dl>
    </section>
  );
}
