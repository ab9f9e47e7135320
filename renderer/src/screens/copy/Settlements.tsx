import { useT } from '../../i18n';
import { formatDateTime } from '../../lib/time';
import { useCopy } from '../../stores/copy-store';
import { formatBps, formatWon, tone } from '../../lib/figures';
import { SectionBody } from './SectionBody';

/** Profit-share settlements, as leader (received) and as follower (paid), newest first. */
export function Settlements() {
  const t = useT();
  const section = useCopy((s) => s.settlements);
  return (
    <section className="panel" aria-labelledby="settlements-title">
      <div className="panel-head">
        <h2 id="settlements-title">{t('copy.settlements')}</h2>
      </div>
      <SectionBody
        section={section}
        isEmpty={(d) => d.length === 0}
        emptyKey="copy.settlementsEmpty"
        onRetry={() => void useCopy.getState().loadAll()}
      >
        {(items) => (
          <div className="scroll">
            <table className="grid" aria-label={t('copy.settlements')}>
              <thead>
                <tr>
                  <th scope="col">{t('col.time')}</th>
                  <th scope="col">{t('copy.col.role')}</th>
                  <th scope="col">{t('copy.col.counterparty')}</th>
                  <th scope="col" className="num">
                    {t('copy.col.profit')}
                  </th>
                  <th scope="col" className="num">
                    {t('strategy.profitShare')}
                  </th>
                  <th scope="col" className="num">
                    {t('copy.col.fee')}
                  </th>
                  <th scope="col" className="num">
                    {t('copy.col.paid')}
                  </th>
                  <th scope="col" className="num">
                    {t('copy.col.owed')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((s) => (
                  <tr key={s.id}>
                    <td>{formatDateTime(s.ts)}</td>
                    <td>{t(s.role === 'leader' ? 'copy.role.leader' : 'copy.role.subscriber')}</td>
                    <td>{s.counterparty}</td>
                    <td className={`num ${tone(s.profit) ?? ''}`}>{formatWon(s.profit, true)}</td>
                    <td className="num">{formatBps(s.profitShareBps)}</td>
                    <td className="num">{formatWon(s.fee)}</td>
                    <td className="num">{formatWon(s.paid)}</td>
                    <td className="num">{s.owed > 0 ? formatWon(s.owed) : <span className="muted">–</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </SectionBody>
    </section>
  );
}
