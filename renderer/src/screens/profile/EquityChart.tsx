import type { AreaData, UTCTimestamp } from 'lightweight-charts';
import { useEffect, useMemo, useRef } from 'react';
import type { EquityFlow, MarketSettings, TraderProfile } from '@protocol/api';
import { useT, type MessageKey } from '../../i18n';
import { themeColour, useEquityArea } from '../../components/use-equity-area';
import { equitySeries, flowMarks } from '../../lib/equity-curve';
import { formatSize } from '../../lib/market-format';
import { formatDateTime } from '../../lib/time';
import { formatInt, formatUnits } from '../../lib/units';
import { lpjMarket } from '../../stores/view-merge';

/** Whole quote units with a sign: "+10,000,000", "-2,000,000". */
function signedWon(value: number): string {
  return value > 0 ? `+${formatInt(value)}` : formatInt(value);
}

/** What a flow is called; money coming back from a copy is an allocation in reverse. */
function flowLabel(f: EquityFlow): MessageKey {
  if (f.kind === 'allocation' && f.amount > 0) return 'flow.allocationBack';
  return `flow.${f.kind}`;
}

/** A flow's amount in its own asset: the market's coin at its lot, the quote currency whole. */
function flowAmount(f: EquityFlow, market: MarketSettings | null, quote: string): string {
  const sign = f.amount > 0 ? '+' : '';
  if (market && f.asset === market.base) return `${sign}${formatSize(lpjMarket(market), f.amount)} ${f.asset}`;
  if (f.asset === quote) return `${signedWon(f.amount)} ${f.asset}`;
  return `${sign}${formatUnits(f.amount, 0)} ${f.asset}`;
}

/**
 * The trader's equity over time as an area chart, following the app's theme. Money moved in or out (grants,
 * deposits, copy allocations) is marked on the point whose step it made and listed under the chart, so a step
 * the return leaves out is not read as profit.
 */
export function EquityChart({
  equity,
  theme,
  market,
  labelKey = 'profile.equity',
  emptyKey = 'profile.equityEmpty',
}: {
  equity: TraderProfile['equity'];
  theme: string;
  market: MarketSettings | null;
  /** What the chart is called and what it says before it has two points (the Portfolio screen's own words). */
  labelKey?: MessageKey;
  emptyKey?: MessageKey;
}) {
  const t = useT();
  const host = useRef<HTMLDivElement>(null);
  const chart = useEquityArea(host, theme, { secondsVisible: false });
  const points = useMemo(() => equitySeries(equity), [equity]);
  const marks = useMemo(() => flowMarks(points, equity.flows), [points, equity.flows]);
  const quote = market?.quote ?? 'KRW';
  const data: AreaData<UTCTimestamp>[] = points.map((p) => ({ time: p.time as UTCTimestamp, value: p.value }));
  const last = data[data.length - 1];

  useEffect(() => {
    if (!chart) return;
    chart.series.setData(data);
    chart.api.timeScale().fitContent();
  }, [chart, data.length, last?.time, last?.value]); // eslint-disable-line react-hooks/exhaustive-deps

  // Money in under the curve, money out above it, each with the step's value.
  useEffect(() => {
    if (!chart) return;
    const text = themeColour('--text', '#e6e9ef');
    chart.markers.setMarkers(
      marks.map((m) => ({
        time: m.time as UTCTimestamp,
        position: m.value >= 0 ? 'belowBar' : 'aboveBar',
        shape: m.value >= 0 ? 'arrowUp' : 'arrowDown',
        color: text,
        text: signedWon(m.value),
      })),
    );
  }, [chart, marks, theme]);

  // Flows listed newest first; those after the last mark are not on the curve yet.
  const shown = new Set(marks.flatMap((m) => m.flows));
  const flows = [...equity.flows].reverse();
  return (
    <>
      <div
        className="equity-host"
        ref={host}
        role="img"
        aria-label={t(labelKey)}
        data-points={data.length}
        data-marks={marks.map((m) => `${m.time}:${m.value}`).join(' ')}
      >
        {data.length < 2 && <div className="panel-state muted">{t(emptyKey)}</div>}
      </div>
      {flows.length > 0 && (
        <div className="equity-flows">
          <h3>{t('profile.flows')}</h3>
          <p className="muted small-note">{t('profile.flowsNote')}</p>
          <table className="grid" aria-label={t('profile.flows')}>
            <tbody>
              {flows.map((f, i) => (
                <tr key={i} data-kind={f.kind}>
                  <td className="muted">
                    {formatDateTime(f.ts)}
                    {!shown.has(f) && ` · ${t('profile.flowPending')}`}
                  </td>
                  <td>{t(flowLabel(f))}</td>
                  <td className="num">{flowAmount(f, market, quote)}</td>
                  <td className={`num ${f.value >= 0 ? 'up' : 'down'}`}>
                    {signedWon(f.value)} {quote}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
