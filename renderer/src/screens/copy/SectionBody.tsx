import type { ReactNode } from 'react';
import { useT, type MessageKey } from '../../i18n';
import type { Section } from '../../stores/copy-store';
import { errorText } from '../../i18n/host-errors';

/** A copy-trading section's content, or what stands in for it: loading, the failure with Retry, or empty. */
export function SectionBody<T>({
  section,
  isEmpty,
  emptyKey,
  onRetry,
  children,
}: {
  section: Section<T>;
  isEmpty(data: T): boolean;
  emptyKey: MessageKey;
  onRetry(): void;
  children(data: T): ReactNode;
}) {
  const t = useT();
  if (section.status === 'error' && section.error) {
    return (
      <div className="panel-state error" role="alert">
        <span>{errorText(section.error, t)}</span>
        <button type="button" className="link-button" onClick={onRetry}>
          {t('panel.retry')}
        </button>
      </div>
    );
  }
  // Before the first answer; after it, null is an answer too (no strategy opened yet).
  if (section.status !== 'ready' && section.data === null) {
    return (
      <div className="panel-state" aria-busy="true">
        <span className="spinner" aria-hidden="true" />
        {t('loading')}
      </div>
    );
  }
  if (isEmpty(section.data as T)) return <div className="panel-state muted">{t(emptyKey)}</div>;
  return <>{children(section.data as T)}</>;
}
