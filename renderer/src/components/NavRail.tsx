import { useT, type MessageKey } from '../i18n';
import { routes, useRoute, type Route } from '../stores/route-store';

const labels: Record<Route, MessageKey> = {
  market: 'nav.market',
  markets: 'nav.markets',
  portfolio: 'nav.portfolio',
  ranking: 'nav.ranking',
  copy: 'nav.copy',
  history: 'nav.history',
  results: 'nav.results',
  settings: 'nav.settings',
};
const icons: Record<Route, string> = {
  market: '▤',
  markets: '☆',
  portfolio: '◔',
  ranking: '★',
  copy: '⇄',
  history: '☰',
  results: '◈',
  settings: '⚙',
};

export function NavRail() {
  const t = useT();
  const route = useRoute((s) => s.route);
  const go = useRoute((s) => s.go);
  return (
    <nav className="nav-rail" aria-label={t('nav.label')}>
      {routes.map((r) => (
        <a
          key={r}
          href={`#/${r}`}
          className={r === route ? 'nav-item active' : 'nav-item'}
          aria-current={r === route ? 'page' : undefined}
          onClick={(e) => {
            e.preventDefault();
            go(r);
          }}
        >
          <span className="nav-icon" aria-hidden="true">
            {icons[r]}
          </span>
          <span className="nav-label">{t(labels[r])}</span>
        </a>
      ))}
    </nav>
  );
}
