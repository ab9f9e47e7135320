import { NotifySwitches, type Settings } from '@protocol/api';
import { useT } from '../../i18n';

/**
 * Which kinds of notification reach the notification centre (and the desktop): one switch per kind, kept by the
 * host with the other settings. Turning one off stops new ones of its kind and hides those already listed.
 */
export function NotificationSwitches({
  notify,
  update,
}: {
  notify: Settings['notify'];
  update(patch: Partial<Settings>): Promise<void>;
}) {
  const t = useT();
  const kinds = NotifySwitches.keyof().options;
  return (
    <div className="field notify-field">
      <span id="notify-label">{t('settings.notify')}</span>
      <div className="field-body" role="group" aria-labelledby="notify-label">
        <p className="muted field-hint">{t('settings.notify.hint')}</p>
        {kinds.map((kind) => (
          <label key={kind} className="check">
            <input
              type="checkbox"
              checked={notify[kind]}
              onChange={(e) => void update({ notify: { ...notify, [kind]: e.target.checked } })}
            />{' '}
            {t(`settings.notify.${kind}`)}
          </label>
        ))}
      </div>
    </div>
  );
}
