import { useEffect } from 'react';
import { AccountPanel } from '../components/market/AccountPanel';
import { Balances } from '../components/market/Balances';
import { MarketTicker } from '../components/market/MarketTicker';
import { OrderBook } from '../components/market/OrderBook';
import { OrderForm } from '../components/market/OrderForm';
import { PriceChart } from '../components/market/PriceChart';
import { TradeTape } from '../components/market/TradeTape';
import { useT } from '../i18n';
import { useOrderForm } from '../stores/order-form-store';
import { usePractice } from '../stores/practice-store';

/** Keys typed into these go to the field; elsewhere B and S switch the order side. Numeric fields take no
 * letters, so the shortcut works there too. */
function takesLetters(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
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
      useOrderForm.getState().setSide(key === 'b' ? 'buy' : 'sell');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

/** The LPJ/KRW practice market: chart, book, tape, order entry and my account on one screen. */
export function MarketScreen() {
  const t = useT();
  useEffect(() => {
    void usePractice.getState().refresh();
  }, []);
  useSideShortcuts();
  return (
    <section className="market" aria-labelledby="screen-title">
      <h1 id="screen-title" className="visually-hidden">
        {t('market.title')}
      </h1>
      <MarketTicker />
      <PriceChart />
      <OrderBook />
      <div className="market-side">
        <OrderForm />
        <Balances />
      </div>
      <AccountPanel />
      <TradeTape />
    </section>
  );
}
