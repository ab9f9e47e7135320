/**
 * The book panel: the order book's levels or the cumulative depth chart, switched by two tabs in its head (the
 * choice is remembered, see stores/book-view-store).
 */
import { memo } from 'react';
import { useT } from '../../i18n';
import { useBookView, type BookView } from '../../stores/book-view-store';
import { rovingKeys } from '../roving-keys';
import { DepthChart } from './DepthChart';
import { OrderBook } from './OrderBook';

const VIEWS: readonly BookView[] = ['book', 'depth'];

function BookTabs() {
  const t = useT();
  const view = useBookView((s) => s.view);
  const show = useBookView((s) => s.show);
  return (
    <div
      className="book-tabs"
      role="tablist"
      aria-label={t('book.view')}
      onKeyDown={(e) => rovingKeys(e, 'tab', VIEWS, view, show)}
    >
      {VIEWS.map((v) => (
        <button
          key={v}
          type="button"
          role="tab"
          aria-selected={view === v}
          tabIndex={view === v ? 0 : -1}
          className={view === v ? 'tab active' : 'tab'}
          onClick={() => show(v)}
        >
          {t(`book.tab.${v}`)}
        </button>
      ))}
    </div>
  );
}

export const BookPanel = memo(function BookPanel() {
  const t = useT();
  const view = useBookView((s) => s.view);
  if (view === 'book') return <OrderBook tabs={<BookTabs />} />;
  return (
    <section className="panel book-panel" aria-label={t('depth.title')}>
      <div className="panel-head">
        <BookTabs />
      </div>
      <DepthChart />
    </section>
  );
});
