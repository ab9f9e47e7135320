import { useState } from 'react';
import { fill, useT } from '../../i18n';
import { useFeedSource } from '../../stores/feed-source-store';

const HOUR = 3_600_000;
const LENGTHS = [
  ['1h', HOUR],
  ['6h', 6 * HOUR],
  ['1d', 24 * HOUR],
  ['7d', 7 * 24 * HOUR],
  ['30d', 30 * 24 * HOUR],
] as const;
const DEFAULT_MARKET = { upbit: 'BTC-KRW', binance: 'BTC-USDT' } as const;

/** "2025-03-09T00:00" of a UTC time, as a datetime-local input holds it. */
function utcInput(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}

/**
 * Settings: replay a past window of an exchange's market — the exchange, the market, a start (UTC) and a
 * length. The host downloads what the exchange publishes (progress shown here), keeps it, and switches the
 * price source to replaying it, paused at its start.
 */
export function PastReplayForm() {
  const t = useT();
  const { switching, download, pastError, replayHistory } = useFeedSource();
  const [exchange, setExchange] = useState<'upbit' | 'binance'>('binance');
  const [market, setMarket] = useState<string>(DEFAULT_MARKET.binance);
  const [start, setStart] = useState(() => utcInput(Math.floor(Date.now() / (24 * HOUR)) * 24 * HOUR - 24 * HOUR));
  const [length, setLength] = useState<number>(HOUR);
  const [trades, setTrades] = useState(true);
  const from = Date.parse(`${start}:00Z`);
  return (
    <form
      className="field past-replay"
      aria-labelledby="past-replay-title"
      onSubmit={(e) => {
        e.preventDefault();
        if (Number.isFinite(from)) void replayHistory({ exchange, market, from, to: from + length, trades });
      }}
    >
      <span id="past-replay-title">{t('past.title')}</span>
      <div className="field-body">
        <div className="field-controls">
          <label>
            {t('past.exchange')}{' '}
            <select
              value={exchange}
              onChange={(e) => {
                const next = e.target.value === 'upbit' ? 'upbit' : 'binance';
                setExchange(next);
                setMarket(DEFAULT_MARKET[next]);
              }}
            >
              <option value="binance">{t('settings.feed.binance').replace(/\s*\(.*\)$/, '')}</option>
              <option value="upbit">{t('settings.feed.upbit').replace(/\s*\(.*\)$/, '')}</option>
            </select>
          </label>
          <label>
            {t('past.market')}{' '}
            <input value={market} size={10} onChange={(e) => setMarket(e.target.value.trim().toUpperCase())} />
          </label>
          <label>
            {t('past.start')} <input type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} />
          </label>
          <label>
            {t('past.length')}{' '}
            <select value={length} onChange={(e) => setLength(Number(e.target.value))}>
              {LENGTHS.map(([key, ms]) => (
                <option key={key} value={ms}>
                  {t(`past.length.${key}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            <input type="checkbox" checked={trades} onChange={(e) => setTrades(e.target.checked)} /> {t('past.trades')}
          </label>
          <button type="submit" className="outline-button" disabled={switching || !Number.isFinite(from)}>
            {t('past.go')}
          </button>
        </div>
        <p className="muted field-hint">{t('past.hint')}</p>
        {download && (
          <p className="field-hint" role="status">
            {t('past.downloading')
              .replace('{phase}', t(`past.phase.${download.phase}`))
              .replace('{n}', String(Math.floor(download.done * 100)))}
          </p>
        )}
        {pastError && (
          <p role="alert" className="error field-hint">
            {fill(t('past.error'), pastError)}
          </p>
        )}
      </div>
    </form>
  );
}
