import type { LiveStatus } from '@protocol/api';
import { SignInForm } from '../../components/account/SignInForm';
import { fill, useT } from '../../i18n';
import { useLive } from '../../stores/live-store';
import { useRoute } from '../../stores/route-store';

/** Whether the live market cannot be traded now: nobody signed in, or no server. */
function gateShown(status: LiveStatus): boolean {
  return !status.account || status.connection === 'offline';
}

export function useLiveGateShown(): boolean {
  return useLive((s) => s.status !== null && gateShown(s.status));
}

/**
 * Above the live market's panels while it cannot be traded: offline (with why, and that the app keeps
 * retrying) or signed out (with a sign-in form right here). Nothing is shown when signed in and online.
 */
export function LiveGate() {
  const t = useT();
  const status = useLive((s) => s.status);
  if (!status || !gateShown(status)) return null;
  const offline = status.connection === 'offline';
  return (
    <div className="live-gate" role="region" aria-label={t('live.market')}>
      <p>
        {t(offline ? 'live.gate.offline' : 'live.gate.signedOut')}
        {status.reason && <span className="muted"> {fill(t('live.gate.why'), status.reason)}</span>}{' '}
        <button type="button" className="link-button" onClick={() => useRoute.getState().go('settings')}>
          {t('live.gate.settings')}
        </button>
      </p>
      {!status.account && !offline && <SignInForm compact />}
    </div>
  );
}
