import type { MessageKey } from '../../i18n';
import { fill, useT } from '../../i18n';
import { useFeedSource } from '../../stores/feed-source-store';
import { useMarketIdentity, useMarketState } from '../../stores/market-state';
import { useView } from '../../stores/view-context';

/** The kind of market in its own colour: offline practice, live market or paper trading. */
export function MarketKindBadge() {
  const t = useT();
  const { kind } = useMarketIdentity();
  return (
    <span className="badge kind" data-kind={kind}>
      {t(kind === 'practice' ? 'market.practice' : kind === 'live' ? 'market.live' : 'market.paper')}
    </span>
  );
}

/** What a replay is doing, in place of a connection's state: it is played, not live. */
function useReplayState(): 'playing' | 'paused' | 'ended' | null {
  const replaying = useView((s) => s.feed?.source === 'replay');
  return useFeedSource((s) => (replaying && s.replay ? s.replay.info.state : null));
}

/**
 * The market's one state (lib/market-state), always in view: connecting, live, reconnecting, stale, offline
 * or unavailable, with the host's reason on hover; a new practice market's preparation with its progress; a
 * replay's playing, paused or ended. Nothing for the practice market while it simply runs.
 */
export function MarketStatusBadge() {
  const t = useT();
  const state = useMarketState();
  const kind = useView((s) => s.kind);
  const replay = useReplayState();
  if (kind === 'practice' && state.name === 'live') return null;
  let text: string;
  let look: string = state.name;
  if (state.preparing) {
    const pct = state.preparing.total ? Math.floor((state.preparing.done * 100) / state.preparing.total) : 0;
    text = fill(t('feed.preparing'), pct);
    look = 'connecting';
  } else if (replay && state.name === 'live') {
    text = t(`replay.${replay}`);
    look = 'replay';
  } else text = t(`feed.${state.name}` as MessageKey);
  return (
    <span
      className={`feed-status ${look}`}
      role="status"
      aria-label={t(kind === 'paper' ? 'feed.label' : 'state.label')}
      data-status={state.name}
      data-replay={replay ?? undefined}
      title={state.reason}
    >
      <span className="dot" aria-hidden="true" />
      {text}
    </span>
  );
}

/** What market this is: its kind, where a paper market's prices come from, and its state. */
export function MarketBadges() {
  const t = useT();
  const { kind, source } = useMarketIdentity();
  return (
    <>
      <MarketKindBadge />
      {kind === 'paper' && source && <span className="badge source">{t(`source.${source}`)}</span>}
      <MarketStatusBadge />
    </>
  );
}
