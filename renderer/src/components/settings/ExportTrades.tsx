import { useState } from 'react';
import { api } from '../../api';
import { fill, useT } from '../../i18n';
import { saveFile } from '../save-file';

/**
 * Saves my whole trade history as a CSV file. The host builds the file (exact decimals from integer units);
 * the browser or the desktop shell's download dialog saves it.
 */
export function ExportTrades() {
  const t = useT();
  const [state, setState] = useState<{ busy: boolean; message?: string; error?: boolean }>({ busy: false });

  const run = async () => {
    setState({ busy: true });
    try {
      const { filename, csv, rows } = await api.invoke('history.exportCsv', {});
      saveFile({ filename, csv });
      setState({ busy: false, message: `${fill(t('settings.export.done'), rows)} (${filename})` });
    } catch (err) {
      setState({ busy: false, error: true, message: `${t('settings.export.failed')}: ${(err as Error).message}` });
    }
  };

  return (
    <div className="field">
      <span>{t('settings.export')}</span>
      <div>
        <button
          type="button"
          className="outline-button"
          onClick={() => void run()}
          disabled={state.busy}
          aria-busy={state.busy}
        >
          {state.busy ? t('loading') : t('settings.export.button')}
        </button>
        {state.message && (
          <p role={state.error ? 'alert' : 'status'} className={state.error ? 'error' : 'muted'}>
            {state.message}
          </p>
        )}
      </div>
    </div>
  );
}
