/**
 * Which market the Market screen shows, told apart at every glance: the offline practice market (LPJ against
 * simulated traders, on this device), the live market (LPJ on the sync server, shared by every player) or
 * paper trading (a real coin at an exchange's or a replay's prices). The choice alone says which, before any
 * data has arrived, so the screen can name the market it is about to trade on from its first frame.
 */
import type { FeedSourceName } from '@protocol/api';
import type { MessageKey } from '../i18n';

export type MarketKind = 'practice' | 'live' | 'paper';

/** The selector's value for the offline practice market. */
export const PRACTICE_CHOICE = 'lpj';
/** The selector's value for the live market. */
export const LIVE_CHOICE = 'lpj-live';

/** PRACTICE_CHOICE, LIVE_CHOICE or a real-coin market id ("BTC-KRW"). */
export type MarketChoice = string;

/** A real coin's market id as the exchanges' markets are named here: BASE-QUOTE in capitals and digits. */
const REAL_MARKET = /^[A-Z0-9]{1,15}-[A-Z0-9]{1,15}$/;

/** A market id ("LPJ-KRW", "BTC-KRW") written as the UI names markets everywhere: "LPJ/KRW". */
export function marketName(id: string): string {
  return id.replace('-', '/');
}

export function kindOf(choice: MarketChoice): MarketKind {
  return choice === PRACTICE_CHOICE ? 'practice' : choice === LIVE_CHOICE ? 'live' : 'paper';
}

/** A stored or linked choice if it names a market that can exist, else null (the caller falls back). */
export function validChoice(value: unknown): MarketChoice | null {
  if (typeof value !== 'string') return null;
  if (value === PRACTICE_CHOICE || value === LIVE_CHOICE) return value;
  return REAL_MARKET.test(value) ? value : null;
}

export interface MarketIdentity {
  kind: MarketKind;
  base: string;
  quote: string;
  /** Where a paper market's prices come from (null until known); null for the LPJ markets. */
  source: FeedSourceName | null;
}

export function identityOf(choice: MarketChoice, source: FeedSourceName | null): MarketIdentity {
  const kind = kindOf(choice);
  if (kind !== 'paper') return { kind, base: 'LPJ', quote: 'KRW', source: null };
  const [base, quote = ''] = choice.split('-');
  return { kind, base, quote, source };
}

/** The order button's words, naming the market the order goes to ("Sell LPJ on the live market"). */
export function submitKey(kind: MarketKind, side: 'buy' | 'sell'): MessageKey {
  return `form.${side === 'buy' ? 'submitBuy' : 'submitSell'}.${kind}`;
}

/** What the balances beside the form belong to, said where the user sees them. */
export function accountKey(id: MarketIdentity): MessageKey {
  if (id.kind !== 'paper') return `account.${id.kind}`;
  return id.source === 'replay' ? 'account.replay' : 'account.paper';
}
