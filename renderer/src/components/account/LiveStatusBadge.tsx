import { useT } from '../../i18n';
import { useLive } from '../../stores/live-store';

/** The live market's connection in a word, coloured by whether trading works now. */
export function LiveStatusBadge() {
  const t = useT();
  const status = useLive((s) => s.status);
  if (!status) return null;
  return (
    <span
      className={`badge live-status ${status.connection}`}
      data-connection={status.connection}
      role="status"
      title={status.reason}
    >
      <span className="dot" aria-hidden="true" />
      {t(`live.status.${status.connection}`)}
    </span>
  );
}
