/**
 * A price alert's condition from what the user typed, in the market's minimal units, or why it cannot be one.
 * The bounds are the protocol's (ALERT_MOVE_MAX_BPS), so the form refuses what the host would.
 *
 * Rules: a price is a positive decimal with no more fraction digits than the market's prices have, within the
 * safe-integer range; a percent has at most two decimals (basis points) and lies in 0.01..1000.
 */
import { ALERT_MOVE_MAX_BPS, type AlertCondition } from '@protocol/alerts';
import { parseUnits, toSafeNumber } from './units';

export type AlertKind = AlertCondition['kind'];

export function alertCondition(
  kind: AlertKind,
  text: string,
  priceDecimals: number,
): { condition: AlertCondition } | { error: 'price' | 'percent' } {
  if (kind === 'move') {
    const bps = parseUnits(text, 2);
    if (bps === null || bps < 1n || bps > BigInt(ALERT_MOVE_MAX_BPS)) return { error: 'percent' };
    return { condition: { kind, bps: Number(bps) } };
  }
  const units = parseUnits(text, priceDecimals);
  const price = units === null ? null : toSafeNumber(units);
  if (price === null || price < 1) return { error: 'price' };
  return { condition: { kind, price } };
}
