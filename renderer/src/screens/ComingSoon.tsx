import { useT, type MessageKey } from '../i18n';

/** A route whose screen has not been built yet: it says so plainly and shows no invented data. */
export function ComingSoon({ title, body }: { title: MessageKey; body: MessageKey }) {
  const t = useT();
  return (
    <section className="screen coming-soon" aria-labelledby="screen-title">
      <h1 id="screen-title">{t(title)}</h1>
      <p className="muted">{t('coming.title')}</p>
      <p>{t(body)}</p>
    </section>
  );
}
