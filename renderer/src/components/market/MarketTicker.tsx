import { useEffect, useState } from 'react';
import type { CandleBar } from '../../../../engine/protocol/api';
import { api } from '../../api';
import { useT } from '../../i18n';
import { formatInt, formatUnits } from '../../lib/units';
import { onTrades, usePractice } from '../../stores/practice-store';

const HOUR = 3_600_000;

/**
 * Hourly candles of the last 24 hours, re-read every minute, plus the volume traded since they were read
 * (the high and low follow the last price directly).
 */
function useDayCandles(): { bars: CandleBar[]; since: bigint } {
  const [day, setDay] = useState<{ bars: CandleBar[]; since: bigint }>({ bars: [], since: 0n });
  useEffect(() => {
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
  }, []);
  return day;
}

/** The bar above the chart: pair, last price and the day's change, range and volume. */
export function MarketTicker() {
  const t = useT();
  const market = usePractice((s) => s.market);
  const lastPrice = usePractice((s) => s.lastPrice);
  const { bars, since } = useDayCandles();

  const open = bars[0]?.open ?? 0;
  let high = lastPrice;
  let low = lastPrice;
  let volume = since;
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
