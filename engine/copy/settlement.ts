/**
 * Profit share above a high-water mark.
 *
 * Profit is measured as P = equity − owed − net allocation: equity counts positions at marks, owed is profit
 * share already due but not yet paid (a liability, so paying it later does not look like a loss), and the net
 * allocation removes the subscriber's own money going in and out. The fee is rate × (P − HWM) when P is above
 * the high-water mark, and the mark then moves to P after the fee — so the next period pays only on what it
 * adds, and a loss has to be made good before anything is paid again.
 */
import { mulDivFloor } from '../ranking/exact';
import { BPS } from './sizing';

export interface SettlementInput {
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

export function settleProfitShare(i: SettlementInput): SettlementResult {
  const profit = i.equity - i.owed - i.allocation;
  if (i.leaderDeleted) return { profit, fee: 0, paid: 0, owed: 0, highWaterMark: i.highWaterMark };
  const gain = profit - i.highWaterMark;
  const fee = gain > 0 ? mulDivFloor(gain, i.rateBps, BPS) : 0;
  const due = i.owed + fee;
  const paid = Math.max(0, Math.min(due, i.freeCash));
  return { profit, fee, paid, owed: due - paid, highWaterMark: gain > 0 ? profit - fee : i.highWaterMark };
}
