import { useEffect, useId, useRef, type FormEvent, type ReactNode } from 'react';
import { useT } from '../../i18n';

/**
 * A modal form: focus goes to its first field and comes back where it was, Esc or the backdrop leaves
 * without doing anything, Enter submits.
 */
export function FormDialog({
  title,
  submitLabel,
  busy,
  canSubmit,
  error,
  onSubmit,
  onCancel,
  children,
}: {
  title: string;
  submitLabel: string;
  busy: boolean;
  canSubmit: boolean;
  /** The host's refusal of the last attempt. */
  error: string | null;
  onSubmit(): void;
  onCancel(): void;
  children: ReactNode;
}) {
  const t = useT();
  const titleId = useId();
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    form.current?.querySelector<HTMLElement>('input, textarea, select')?.focus();
    return () => previous?.focus();
  }, []);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (canSubmit && !busy) onSubmit();
  };
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && !busy && onCancel()}>
      <form
        ref={form}
        className="modal wide"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onSubmit={submit}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && !busy) {
            e.stopPropagation();
            onCancel();
          }
        }}
      >
        <h2 id={titleId}>{title}</h2>
        {children}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="modal-actions">
          <button type="button" className="button" onClick={onCancel} disabled={busy}>
            {t('confirm.back')}
          </button>
          <button type="submit" className="button primary" disabled={!canSubmit || busy} aria-busy={busy}>
            {submitLabel}
          </button>
        </div>
      </form>
    </div>
  );
}
