import { Language, Theme, UpDownColours } from '@protocol/api';
import { languageNames, useT } from '../i18n';
import { useEngine } from '../stores/engine-store';
import { useSettings } from '../stores/settings-store';
import { AccountSettings, ServerSettings } from '../components/account/LiveSettings';
import { FeedSourceField } from './market/FeedSourceField';
import { RecordedSessions } from './market/RecordedSessions';
import { PastReplayForm } from './market/PastReplayForm';
import { ExportTrades } from '../components/settings/ExportTrades';
import { LocalDurability } from '../components/settings/LocalDurability';
import { NotificationSwitches } from '../components/settings/NotificationSwitches';

export function SettingsScreen() {
  const t = useT();
  const { settings, error, update } = useSettings();
  const info = useEngine((s) => s.info);
  if (!settings) {
    return (
      <section className="screen" aria-busy="true">
        <p>{error ? `${t('settings.saveError')}: ${error}` : t('loading')}</p>
      </section>
    );
  }
  return (
    <section className="screen settings" aria-labelledby="screen-title">
      <h1 id="screen-title">{t('settings.title')}</h1>
      {error && (
        <p role="alert" className="error">
          {t('settings.saveError')}: {error}
        </p>
      )}
      <label className="field">
        <span>{t('settings.language')}</span>
        <select
          aria-label={t('settings.language')}
          value={settings.language}
          onChange={(e) => void update({ language: Language.parse(e.target.value) })}
        >
          {Language.options.map((l) => (
            <option key={l} value={l}>
              {languageNames[l]}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('settings.theme')}</span>
        <select
          aria-label={t('settings.theme')}
          value={settings.theme}
          onChange={(e) => void update({ theme: Theme.parse(e.target.value) })}
        >
          {Theme.options.map((th) => (
            <option key={th} value={th}>
              {t(`settings.theme.${th}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('settings.colours')}</span>
        <select
          aria-label={t('settings.colours')}
          value={settings.colours}
          onChange={(e) => void update({ colours: UpDownColours.parse(e.target.value) })}
        >
          {UpDownColours.options.map((c) => (
            <option key={c} value={c}>
              {t(`settings.colours.${c}`)}
            </option>
          ))}
        </select>
      </label>
      <NotificationSwitches notify={settings.notify} update={update} />
      <FeedSourceField />
      <PastReplayForm />
      <RecordedSessions />
      {info && (
        <div className="field">
          <span>{t('settings.data')}</span>
          <code>{info.dataDir}</code>
        </div>
      )}
      <LocalDurability />
      <ExportTrades />
      <ServerSettings />
      <AccountSettings />
    </section>
  );
}
