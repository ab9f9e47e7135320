import { useEffect, useRef } from 'react';
import { useT } from '../../i18n';

/** A modal question with one safe way out (Esc or "Go back") and one way forward. */
export function ConfirmDialog({ title, body, onConfirm, onCancel }: { title: string; body: string; onConfirm(): void; onCancel(): void }) {
  const t = useT();
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    confirm.current?.focus();
    return () => previous?.focus();
  }, []);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onCancel()}>
      <div
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby="confirm-title"
        aria-describedby="confirm-body"
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            onCancel();
          }
        }}
      >
        <h2 id="confirm-title">{title}</h2>
        <p id="confirm-body">{body}</p>
        <div className="modal-actions">
          <button type="button" className="button" onClick={onCancel}>
            {t('confirm.back')}
          </button>
          <button type="button" className="button primary" ref={confirm} onClick={onConfirm}>
            {t('confirm.ok')}
          </button>
        </div>
      </div>
    </div>
  );
}
