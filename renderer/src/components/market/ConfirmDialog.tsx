import { useEffect, useRef } from 'react';
import { useT } from '../../i18n';

/** A modal question with one safe way out (Esc or "Go back") and one way forward. */
export function ConfirmDialog({
  title,
  body,
  confirmLabel,
  danger,
  cautious,
  onConfirm,
  onCancel,
}: {
  title: string;
  /** One paragraph, or several. */
  body: string | readonly string[];
  /** The forward button's words (default: place the order). */
  confirmLabel?: string;
  /** The step cannot be undone: the safe way out gets the focus. */
  danger?: boolean;
  /** The question warns of something the user may not have meant: the safe way out gets the focus, so a
   * reflex Enter goes back. */
  cautious?: boolean;
  onConfirm(): void;
  onCancel(): void;
}) {
  const t = useT();
  const confirm = useRef<HTMLButtonElement>(null);
  const back = useRef<HTMLButtonElement>(null);
  const safeFirst = danger || cautious;
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    (safeFirst ? back : confirm).current?.focus();
    return () => previous?.focus();
  }, [safeFirst]);
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
        <div id="confirm-body">
          {(typeof body === 'string' ? [body] : body).map((text, i) => (
            <p key={i}>{text}</p>
          ))}
        </div>
        <div className="modal-actions">
          <button type="button" className="button" ref={back} onClick={onCancel}>
            {t('confirm.back')}
          </button>
          <button
            type="button"
            className={danger ? 'button danger' : 'button primary'}
            ref={confirm}
            onClick={onConfirm}
          >
            {confirmLabel ?? t('confirm.ok')}
          </button>
        </div>
      </div>
    </div>
  );
}
