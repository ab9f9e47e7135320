import { useT } from '../i18n';
import { NotificationCentre } from './NotificationCentre';

export function Header() {
  const t = useT();
  return (
    <header className="header">
      <span className="logo" aria-label="LPJ">
        LPJ
      </span>
      <span className="product">{t('app.title')}</span>
      <span className="tagline">{t('app.tagline')}</span>
      <span className="header-spacer" />
      <NotificationCentre />
    </header>
  );
}
