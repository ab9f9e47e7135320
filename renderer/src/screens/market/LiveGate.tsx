import { LiveStatusBadge } from '../../components/account/LiveStatusBadge';
import { SignInForm } from '../../components/account/SignInForm';
import { MarketStateNote } from '../../components/market/MarketStateNote';
import { fill, useT } from '../../i18n';
import { useLive } from '../../stores/live-store';
import { useMarketState } from '../../stores/market-state';
import { useRoute } from '../../stores/route-store';

/** Connected with nobody signed in: the market can be watched, not traded. */
function useSignedOut(): boolean {
  return useLive((s) => s.status?.connection === 'signed_out');
}

/** Whether the live market needs words above its panels: it is not live, or nobody is signed in. */
export function useLiveGateShown(): boolean {
  const state = useMarketState();
  return useSignedOut() || state.name !== 'live';
}

/**
 * Above the live market's panels while it cannot be traded: its state when that is not live (see
 * MarketStateNote), and when nobody is signed in, a sign-in form right here. Nothing when signed in and live.
 */
export function LiveGate() {
  const t = useT();
  const status = useLive((s) => s.status);
  const signedOut = useSignedOut();
  return (
    <div className="live-gate" role="region" aria-label={t('live.market')}>
      <MarketStateNote />
      {signedOut && status && (
        <>
          <p>
            {t('live.gate.signedOut')} <LiveStatusBadge />
            {status.reason && <span className="muted"> {fill(t('live.gate.why'), status.reason)}</span>}{' '}
            <button type="button" className="link-button" onClick={() => useRoute.getState().go('settings')}>
              {t('live.gate.settings')}
            </button>
          </p>
          <SignInForm compact />
        </>
      )}
    </div>
  );
}
