/**
 * Profit share above a high-water mark.
 *
 * Profit is measured as P = equity − owed − net allocation: equity counts positions at marks, owed is profit
 * share already due but not yet paid (a liability, so paying it later does not look like a loss), and the net
 * allocation removes the subscriber's own money going in and out. The fee is rate × (P − HWM) when P is above
 * the high-water mark, and the mark then moves to P after the fee — so the next period pays only on what it
 * adds, and a loss has to be made good before anything is paid again.
 *
 * Computed exactly in bigint: P and P − HWM combine amounts that are each in range but whose differences need
 * not be. A result that is not a safe integer (an equity valued beyond the range, see CopyTrading.equity)
 * settles nothing: the caller skips the period with that reason.
 */
import { inRange } from '../matching/money';
import { BPS } from '../matching/money';

export interface SettlementInput {
  /** +Infinity when the sub-account's value at the marks is beyond the safe range. */
  equity: number;
  allocation: number;
  owed: number;
  highWaterMark: number;
  rateBps: number;
  /** Quote the sub-account can pay from now (cash not committed to an open order). */
  freeCash: number;
  /** The leader is gone: nothing is charged and nothing owed survives. */
  leaderDeleted: boolean;
}

export interface SettlementResult {
  profit: number; // P at settlement
  fee: number; // newly charged this time
  paid: number; // taken from the sub-account now (old debt first)
  owed: number; // still due after paying
  highWaterMark: number;
}

/** The settlement, or null when one of its figures would not be a safe integer. */
export function settleProfitShare(i: SettlementInput): SettlementResult | null {
  if (!inRange(i.equity)) return null;
  const profit = BigInt(i.equity) - BigInt(i.owed) - BigInt(i.allocation);
  if (i.leaderDeleted) return safe({ profit, fee: 0n, paid: 0n, owed: 0n, highWaterMark: BigInt(i.highWaterMark) });
  const gain = profit - BigInt(i.highWaterMark);
  // Floor of a non-negative product: bigint division truncates, which is the floor here.
  const fee = gain > 0n ? (gain * BigInt(i.rateBps)) / BigInt(BPS) : 0n;
  const due = BigInt(i.owed) + fee;
  const free = BigInt(i.freeCash);
  const upTo = due < free ? due : free;
  const paid = upTo < 0n ? 0n : upTo;
  return safe({
    profit,
    fee,
    paid,
    owed: due - paid,
    highWaterMark: gain > 0n ? profit - fee : BigInt(i.highWaterMark),
  });
}

function safe(r: { [K in keyof SettlementResult]: bigint }): SettlementResult | null {
  const out = {} as SettlementResult;
  for (const k of Object.keys(r) as (keyof SettlementResult)[]) {
    const v = Number(r[k]);
    if (!Number.isSafeInteger(v)) return null;
    out[k] = v;
  }
  return out;
}
