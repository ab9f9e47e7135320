import { memo, useState } from 'react';
import { useT } from '../../i18n';
import { useView } from '../../stores/view-context';
import { MyFills } from './MyFills';
import { OpenOrders } from './OpenOrders';
import { Positions } from './Positions';

type Tab = 'orders' | 'positions' | 'fills';

function OpenCount() {
  const n = useView((s) => s.openOrders.length);
  return n ? <span className="count">{n}</span> : null;
}

/** My open orders, and my positions or my fills (whichever the market's engine keeps), one tab each. */
export const AccountPanel = memo(function AccountPanel() {
  const t = useT();
  const hasPositions = useView((s) => s.positions !== null);
  const hasFills = useView((s) => s.fills !== null);
  const [tab, setTab] = useState<Tab>('orders');
  const tabs: { id: Tab; label: string; shown: boolean }[] = [
    { id: 'orders', label: t('orders.title'), shown: true },
    { id: 'positions', label: t('positions.title'), shown: hasPositions },
    { id: 'fills', label: t('fills.title'), shown: hasFills },
  ];
  const current = tabs.find((x) => x.id === tab && x.shown) ? tab : 'orders';
  return (
    <section className="panel account-panel" aria-label={t('account.label')}>
      <div className="panel-head tabs" role="tablist" aria-label={t('account.label')}>
        {tabs
          .filter((x) => x.shown)
          .map((x) => (
            <button
              key={x.id}
              type="button"
              role="tab"
              aria-selected={current === x.id}
              className={current === x.id ? 'tab active' : 'tab'}
              onClick={() => setTab(x.id)}
            >
              {x.label} {x.id === 'orders' && <OpenCount />}
            </button>
          ))}
      </div>
      {current === 'orders' ? <OpenOrders /> : current === 'positions' ? <Positions /> : <MyFills />}
    </section>
  );
});
