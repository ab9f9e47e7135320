import { useT } from '../../i18n';
import { formatDateTime } from '../../lib/time';
import { useCopy } from '../../stores/copy-store';
import { formatBps, formatWon } from '../../lib/figures';
import { StatusChip } from './MySubscriptions';
import { SectionBody } from './SectionBody';

/** Who copies my trades, with what, and what they have paid me. */
export function MyFollowers() {
  const t = useT();
  const section = useCopy((s) => s.followers);
  return (
    <section className="panel" aria-labelledby="followers-title">
      <div className="panel-head">
        <h2 id="followers-title">{t('copy.followers')}</h2>
        {section.data && section.data.length > 0 && <span className="count">{section.data.length}</span>}
      </div>
      <SectionBody
        section={section}
        isEmpty={(d) => d.length === 0}
        emptyKey="copy.followersEmpty"
        onRetry={() => void useCopy.getState().loadAll()}
      >
        {(followers) => (
          <div className="scroll">
            <table className="grid" aria-label={t('copy.followers')}>
              <thead>
                <tr>
                  <th scope="col">{t('ranking.col.nickname')}</th>
                  <th scope="col">{t('col.status')}</th>
                  <th scope="col">{t('copy.col.since')}</th>
                  <th scope="col" className="num">
                    {t('copy.col.allocation')}
                  </th>
                  <th scope="col" className="num">
                    {t('copy.col.value')}
                  </th>
                  <th scope="col" className="num">
                    {t('strategy.profitShare')}
                  </th>
                  <th scope="col" className="num">
                    {t('copy.col.paidMe')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {followers.map((f) => (
                  <tr key={f.subscriptionId}>
                    <th scope="row">{f.nickname}</th>
                    <td>
                      <StatusChip status={f.status} />
                    </td>
                    <td>{formatDateTime(f.since)}</td>
                    <td className="num">{formatWon(f.allocation)}</td>
                    <td className="num">{formatWon(f.equity)}</td>
                    <td className="num">{formatBps(f.profitShareBps)}</td>
                    <td className="num">{formatWon(f.feesPaid)}</td>
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
