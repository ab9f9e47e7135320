import { useState } from 'react';
import type { CopySubscription, MarketSettings } from '@protocol/api';
import { ConfirmDialog } from '../../components/market/ConfirmDialog';
import { fill, useT } from '../../i18n';
import { BPS, formatUnits } from '../../lib/units';
import { useCopy } from '../../stores/copy-store';
import { hostError } from '../../stores/live-store';
import { traderHash, useRoute } from '../../stores/route-store';
import { formatBps, formatWon, tone } from '../../lib/figures';
import { errorText } from '../../i18n/host-errors';
import { FundsDialog } from './FundsDialog';
import { SectionBody } from './SectionBody';
import { StopLossDialog } from './StopLossDialog';

/** The copy's return on what was put in, in bps, by integer division (rounded toward zero). */
function returnBps(sub: CopySubscription): number | null {
  if (sub.allocation <= 0) return null;
  return Number((BigInt(sub.pnl) * BPS) / BigInt(sub.allocation));
}

/** Coins the copy holds, e.g. "0.5 LPJ" (a market whose units are unknown here shows its base units). */
function holdingsText(holdings: Record<string, number>, market: MarketSettings | null): string {
  const parts = Object.entries(holdings)
    .filter(([, q]) => q > 0)
    .map(([m, q]) =>
      market && market.id === m
        ? `${formatUnits(q, market.baseDecimals, { minFraction: 2 })} ${market.base}`
        : `${q} ${m}`,
    );
  return parts.length ? parts.join(', ') : '–';
}

export function StatusChip({ status }: { status: CopySubscription['status'] }) {
  const t = useT();
  return <span className={`status-chip ${status}`}>{t(`copy.status.${status}`)}</span>;
}

/** Pause/resume, funds and stop for one running copy; an ended copy has none. */
function CopyActions({ sub, onError }: { sub: CopySubscription; onError(message: string | null): void }) {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [funds, setFunds] = useState(false);
  const [stopLoss, setStopLoss] = useState(false);
  const [stopping, setStopping] = useState(false);
  if (sub.status === 'ended' || sub.status === 'closing') return null;
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    onError(null);
    try {
      await work();
    } catch (err) {
      onError(errorText(hostError(err), t));
    } finally {
      setBusy(false);
    }
  };
  const paused = sub.status === 'paused';
  return (
    <>
      <button
        type="button"
        className="button small"
        disabled={busy}
        aria-label={fill(t(paused ? 'copy.resumeOf' : 'copy.pauseOf'), sub.leader)}
        onClick={() => void run(() => useCopy.getState().change(sub.id, { action: paused ? 'resume' : 'pause' }))}
      >
        {t(paused ? 'copy.resume' : 'copy.pause')}
      </button>
      <button
        type="button"
        className="button small"
        disabled={busy}
        aria-label={fill(t('copy.fundsOf'), sub.leader)}
        onClick={() => setFunds(true)}
      >
        {t('copy.funds')}
      </button>
      <button
        type="button"
        className="button small"
        disabled={busy}
        aria-label={fill(t('copy.stopLossOf'), sub.leader)}
        onClick={() => setStopLoss(true)}
      >
        {t('copy.stopLoss')}
      </button>
      <button
        type="button"
        className="button small danger"
        disabled={busy}
        aria-label={fill(t('copy.stopOf'), sub.leader)}
        onClick={() => setStopping(true)}
      >
        {t('copy.stop')}
      </button>
      {funds && <FundsDialog sub={sub} onClose={() => setFunds(false)} />}
      {stopLoss && <StopLossDialog sub={sub} onClose={() => setStopLoss(false)} />}
      {stopping && (
        <ConfirmDialog
          title={fill(t('copy.stopTitle'), sub.leader)}
          body={t('copy.stopBody')}
          confirmLabel={t('copy.stop')}
          danger
          onCancel={() => setStopping(false)}
          onConfirm={() => {
            setStopping(false);
            void run(() => useCopy.getState().unsubscribe(sub.id));
          }}
        />
      )}
    </>
  );
}

/** The traders I copy: what each copy holds and has made, and its controls. */
export function MySubscriptions() {
  const t = useT();
  const section = useCopy((s) => s.subscriptions);
  const market = useCopy((s) => s.wallet.market);
  const openTrader = useRoute((s) => s.openTrader);
  const [error, setError] = useState<string | null>(null);
  return (
    <section className="panel" aria-labelledby="subs-title">
      <div className="panel-head">
        <h2 id="subs-title">{t('copy.mine')}</h2>
      </div>
      {error && (
        <p className="error notice" role="alert">
          {error}
        </p>
      )}
      <SectionBody
        section={section}
        isEmpty={(d) => d.length === 0}
        emptyKey="copy.mineEmpty"
        onRetry={() => void useCopy.getState().loadSubscriptions()}
      >
        {(subs) => (
          <div className="scroll">
            <table className="grid" aria-label={t('copy.mine')}>
              <thead>
                <tr>
                  <th scope="col">{t('copy.col.leader')}</th>
                  <th scope="col">{t('col.status')}</th>
                  <th scope="col" className="num">
                    {t('copy.col.allocation')}
                  </th>
                  <th scope="col" className="num">
                    {t('copy.col.value')}
                  </th>
                  <th scope="col" className="num">
                    {t('ranking.col.pnl')}
                  </th>
                  <th scope="col">{t('copy.col.holdings')}</th>
                  <th scope="col" className="num">
                    {t('copy.col.stopLoss')}
                  </th>
                  <th scope="col" className="num">
                    {t('strategy.profitShare')}
                  </th>
                  <th scope="col" className="num">
                    {t('col.fees')}
                  </th>
                  <th scope="col">
                    <span className="visually-hidden">{t('copy.col.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {subs.map((s) => {
                  const r = returnBps(s);
                  return (
                    <tr key={s.id} data-leader={s.leader}>
                      <th scope="row">
                        <a
                          className="trader-link"
                          href={traderHash(s.leader)}
                          onClick={(e) => {
                            e.preventDefault();
                            openTrader(s.leader);
                          }}
                        >
                          {s.leader}
                        </a>
                      </th>
                      <td>
                        <StatusChip status={s.status} />
                        {s.endReason && <span className="muted"> · {t(`copy.end.${s.endReason}`)}</span>}
                      </td>
                      <td className="num">{formatWon(s.allocation)}</td>
                      <td className="num">{formatWon(s.equity)}</td>
                      <td className={`num ${tone(s.pnl) ?? ''}`}>
                        {formatWon(s.pnl, true)}
                        {r !== null && <span className="muted"> ({formatBps(r, true)})</span>}
                      </td>
                      <td>{holdingsText(s.holdings, market)}</td>
                      <td className="num">
                        {s.stopLossBps === null ? <span className="muted">–</span> : formatBps(s.stopLossBps)}
                      </td>
                      <td className="num">{formatBps(s.profitShareBps)}</td>
                      <td className="num">{formatWon(s.feesPaid)}</td>
                      <td className="actions">
                        <CopyActions sub={s} onError={setError} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </SectionBody>
    </section>
  );
}
