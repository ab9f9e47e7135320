import { memo, useState } from 'react';
import { useT } from '../../i18n';
import { usePractice } from '../../stores/practice-store';
import { MyFills } from './MyFills';
import { OpenOrders } from './OpenOrders';

function OpenCount() {
  const n = usePractice((s) => s.openOrders.length);
  return n ? <span className="count">{n}</span> : null;
}

/** My open orders and my fills, one tab each. */
export const AccountPanel = memo(function AccountPanel() {
  const t = useT();
  const [tab, setTab] = useState<'orders' | 'fills'>('orders');
  return (
    <section className="panel account-panel" aria-label={t('account.label')}>
      <div className="panel-head tabs" role="tablist" aria-label={t('account.label')}>
        <button type="button" role="tab" aria-selected={tab === 'orders'} className={tab === 'orders' ? 'tab active' : 'tab'} onClick={() => setTab('orders')}>
          {t('orders.title')} <OpenCount />
        </button>
        <button type="button" role="tab" aria-selected={tab === 'fills'} className={tab === 'fills' ? 'tab active' : 'tab'} onClick={() => setTab('fills')}>
          {t('fills.title')}
        </button>
      </div>
      {tab === 'orders' ? <OpenOrders /> : <MyFills />}
    </section>
  );
});
