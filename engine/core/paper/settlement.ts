/**
 * Settles one paper fill between a user and the venue in the shared ledger (../matching/ledger), leg by leg:
 * every leg moves an amount from one balance to another, so each asset's total over all accounts is unchanged.
 *
 * The user side always pays out of what its order holds (funds are held when an order is accepted, as in the
 * LPJ engine). The venue side pays out of balances that may go negative — the venue stands for the whole
 * outside market — which the ledger's own moves refuse (for them a negative balance is a bug), so that one leg
 * is made here, still as a matched pair.
 */
import type { Ledger } from '../matching/ledger';
import type { Balance } from '../matching/types';
import { FEE_ACCOUNT } from '../matching/types';
import { VENUE_ACCOUNT, type AccountId, type Side } from './types';

/** Moves `amount` out of the venue (which may go negative) into `to`. */
function fromVenue(venue: Balance, to: Balance, amount: number): void {
  venue.available -= amount;
  to.available += amount;
}

export interface FillAmounts {
  side: Side;
  quantity: number;
  /** Quote units. */
  amount: number;
  fee: number;
}

/**
 * Buy: the user's held quote pays the venue the value and the fee account the fee; the venue delivers the
 * coins. Sell: the user's held coins go to the venue; the venue pays the value, of which the fee goes on.
 */
export function settleFill(ledger: Ledger, account: AccountId, base: string, quote: string, f: FillAmounts): void {
  const user = ledger.get(account)!;
  const venue = ledger.get(VENUE_ACCOUNT)!;
  const fees = ledger.get(FEE_ACCOUNT)!.balance(quote);
  const userQuote = user.balance(quote);
  if (f.side === 'buy') {
    ledger.settleHeld(userQuote, venue.balance(quote), f.amount);
    if (f.fee > 0) ledger.settleHeld(userQuote, fees, f.fee);
    fromVenue(venue.balance(base), user.balance(base), f.quantity);
  } else {
    ledger.settleHeld(user.balance(base), venue.balance(base), f.quantity);
    fromVenue(venue.balance(quote), userQuote, f.amount);
    if (f.fee > 0) ledger.transfer(userQuote, fees, f.fee);
  }
}
