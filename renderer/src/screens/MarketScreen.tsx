import { useEffect, useState } from 'react';
import { AccountPanel } from '../components/market/AccountPanel';
import { Balances } from '../components/market/Balances';
import { MarketTicker } from '../components/market/MarketTicker';
import { BookPanel } from '../components/market/BookPanel';
import { OrderForm } from '../components/market/OrderForm';
import { PriceChart } from '../components/market/PriceChart';
import { TradeTape } from '../components/market/TradeTape';
import { MarketBadges } from '../components/market/MarketBadges';
import { MarketStateNote } from '../components/market/MarketStateNote';
import { PriceAlerts } from '../components/market/PriceAlerts';
import { fill, useT } from '../i18n';
import { afterNextPaint } from '../lib/after-paint';
import { LIVE_CHOICE, PRACTICE_CHOICE } from '../lib/market-identity';
import { useOrderForm } from '../stores/order-form-store';
import { usePractice } from '../stores/practice-store';
import { useFeedSource } from '../stores/feed-source-store';
import { useMarketChoice } from '../stores/market-choice-store';
import { useMarketState } from '../stores/market-state';
import { MarketSelector } from './market/MarketSelector';
import { closePaperMarket, openPaperMarket, paperView } from '../stores/paper-view';
import { practiceView } from '../stores/practice-view';
import { liveView } from '../stores/live-view';
import { LiveGate, useLiveGateShown } from './market/LiveGate';
import { ReplayBar } from './market/ReplayBar';
import { RecordSession } from '../components/market/RecordSession';
import { useView, ViewContext } from '../stores/view-context';
import './market/market.css';

/** Keys typed into these go to the field; elsewhere B and S switch the order side and go to the order form.
 * Numeric fields take no letters, so the shortcut works there too. */
function takesLetters(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement)
    return true;
  return target instanceof HTMLInputElement && !target.hasAttribute('data-numeric');
}

function useSideShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || takesLetters(e.target)) return;
      if (document.querySelector('[role="dialog"]')) return;
      const key = e.key.toLowerCase();
      if (key !== 'b' && key !== 's') return;
      e.preventDefault();
      useOrderForm.getState().goToForm(key === 'b' ? 'buy' : 'sell');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

/**
 * The screen's panels mount in stages, each in a task of its own after the previous stage was drawn: the
 * ticker first, then the chart, then the book and the tape, then order entry and the account. One render of
 * everything at once is a start-up task far over a frame. Until its stage comes, a panel's grid cell is held
 * by an empty panel, so nothing moves when it arrives.
 */
const STAGES = 3;

function useMountStage(): number {
  const [stage, setStage] = useState(0);
  useEffect(() => {
    if (stage >= STAGES) return;
    return afterNextPaint(() => setStage((s) => s + 1));
  }, [stage]);
  return stage;
}

/** The exchange layout for the market view in context: chart, book, tape, order entry and my account. */
function MarketLayout() {
  const t = useT();
  const kind = useView((s) => s.kind);
  const state = useMarketState();
  const replaying = useView((s) => s.feed?.source === 'replay');
  const goneNote = useMarketChoice((s) => s.goneNote);
  const liveGate = useLiveGateShown() && kind === 'live';
  // The market's state is said once, in the notes (the live market's inside its gate).
  const stateNote = kind !== 'live' && (state.name !== 'live' || state.preparing !== null);
  const bar = replaying || stateNote || goneNote !== null || liveGate;
  const stage = useMountStage();
  return (
    <section
      className={bar ? 'market with-bar' : 'market'}
      aria-labelledby="screen-title"
      data-kind={kind}
      data-state={state.name}
      data-stale={state.stale || undefined}
    >
      <h1 id="screen-title" className="visually-hidden">
        {t('market.title')}
      </h1>
      <MarketTicker
        lead={<MarketSelector />}
        badges={
          <>
            <MarketBadges />
            <PriceAlerts />
            <RecordSession />
          </>
        }
      />
      {bar && (
        <div className="market-notes">
          {goneNote && (
            <p className="stale-note" role="status">
              {fill(t('market.gone'), goneNote)}
            </p>
          )}
          {replaying && <ReplayBar />}
          {stateNote && <MarketStateNote />}
          {liveGate && <LiveGate />}
        </div>
      )}
      {stage >= 1 ? <PriceChart /> : <div className="panel chart-panel" />}
      {stage >= 2 ? <BookPanel /> : <div className="panel book-panel" />}
      <div className="market-side">
        {stage >= 3 && (
          <>
            <OrderForm />
            <Balances />
          </>
        )}
      </div>
      {stage >= 3 ? <AccountPanel /> : <div className="panel account-panel" />}
      {stage >= 2 ? <TradeTape /> : <div className="panel tape-panel" />}
    </section>
  );
}

/**
 * The Market screen: the LPJ practice market, the live LPJ market or a real coin (paper trading), chosen in the
 * selector (the choice is kept across reloads). All are shown by the same panels through a market view (see
 * lib/market-view), each kind of market in its own colour (`data-kind`).
 */
export function MarketScreen() {
  const choice = useMarketChoice((s) => s.choice);
  const source = useFeedSource((s) => s.source);
  const markets = useFeedSource((s) => s.markets);
  useEffect(() => {
    void usePractice.getState().refresh();
    void useFeedSource.getState().load();
  }, []);
  useSideShortcuts();

  // Open the chosen real-coin market while it is on screen; the host unsubscribes what nobody views.
  useEffect(() => {
    useOrderForm.getState().clear();
    if (choice === LIVE_CHOICE) void liveView.getState().refresh();
    if (choice === PRACTICE_CHOICE || choice === LIVE_CHOICE) return;
    void openPaperMarket(choice);
    return () => closePaperMarket();
  }, [choice]);

  // A market the current source does not offer (the source was switched in Settings): back to practice.
  useEffect(() => {
    if (choice === PRACTICE_CHOICE || choice === LIVE_CHOICE || !source || markets.length === 0) return;
    if (!markets.some((m) => m.id === choice)) useMarketChoice.setState({ choice: PRACTICE_CHOICE, goneNote: choice });
  }, [choice, source, markets]);

  return (
    <ViewContext.Provider
      value={choice === PRACTICE_CHOICE ? practiceView : choice === LIVE_CHOICE ? liveView : paperView}
    >
      <MarketLayout key={choice} />
    </ViewContext.Provider>
  );
}
