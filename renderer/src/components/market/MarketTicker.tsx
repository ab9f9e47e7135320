import { useEffect, useState } from 'react';
import type { CandleBar } from '../../../../engine/protocol/api';
import { api } from '../../api';
import { useT } from '../../i18n';
import { formatInt, formatUnits } from '../../lib/units';
import { usePractice } from '../../stores/practice-store';

const HOUR = 3_600_000;

/** Hourly candles of the last 24 hours, re-read every minute (the live high/low also follow the last price). */
function useDayCandles(): CandleBar[] {
  const [bars, setBars] = useState<CandleBar[]>([]);
  useEffect(() => {
    let alive = true;
    const load = () =>
      api
        .invoke('practice.candles', { interval: '1h', limit: 25 })
        .then((all) => alive && setBars(all.filter((b) => b.openTime > Date.now() - 24 * HOUR - HOUR)))
        .catch(() => undefined); // the ticker keeps its last figures; the chart panel reports load errors
    void load();
    const timer = setInterval(load, 60_000);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, []);
  return bars;
}

/** The bar above the chart: pair, last price and the day's change, range and volume. */
export function MarketTicker() {
  const t = useT();
  const market = usePractice((s) => s.market);
  const lastPrice = usePractice((s) => s.lastPrice);
  const bars = useDayCandles();

  const open = bars[0]?.open ?? 0;
  let high = lastPrice;
  let low = lastPrice;
  let volume = 0n;
  for (const b of bars) {
    if (b.high > high) high = b.high;
    if (!low || b.low < low) low = b.low;
    volume += BigInt(b.volume);
  }
  const change = open && lastPrice ? lastPrice - open : 0;
  // Percent with two decimals by integer arithmetic: basis points of the open, then split.
  const bps = open ? (BigInt(change) * 10_000n) / BigInt(open) : 0n;
  const pct = `${change > 0 ? '+' : ''}${formatUnits(bps, 2, { minFraction: 2 })}%`;
  const direction = change > 0 ? 'up' : change < 0 ? 'down' : '';
  const decimals = market?.baseDecimals ?? 8;

  return (
    <section className="ticker" aria-label={t('ticker.label')}>
      <div className="ticker-pair">
        <span className="pair-name">
          {market?.base ?? 'LPJ'}
          <span className="muted">/{market?.quote ?? 'KRW'}</span>
        </span>
        <span className="badge">{t('market.practice')}</span>
      </div>
      {/* Coloured by the day's change, as exchanges do; the tick-by-tick direction flashes in the book. */}
      <div className={`ticker-last ${direction}`} aria-label={t('ticker.last')}>
        {lastPrice ? formatInt(lastPrice) : '—'}
      </div>
      <dl className="ticker-stats">
        <div>
          <dt>{t('ticker.change24h')}</dt>
          <dd className={direction}>{open && lastPrice ? `${change > 0 ? '+' : ''}${formatInt(change)} (${pct})` : '—'}</dd>
        </div>
        <div>
          <dt>{t('ticker.high24h')}</dt>
          <dd>{high ? formatInt(high) : '—'}</dd>
        </div>
        <div>
          <dt>{t('ticker.low24h')}</dt>
          <dd>{low ? formatInt(low) : '—'}</dd>
        </div>
        <div>
          <dt>{t('ticker.volume24h')}</dt>
          <dd>
            {formatUnits(volume, decimals, { maxFraction: 2, minFraction: 2 })} {market?.base ?? 'LPJ'}
          </dd>
        </div>
      </dl>
    </section>
  );
}
