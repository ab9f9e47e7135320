/**
 * When a price alert is reached: the one rule the host checks every price against, pure so it is tested alone.
 *
 * Rules:
 * - above: the price is at or above the target; below: at or below it (an alert set on the wrong side of the
 *   price is reached by the next price, as the user asked).
 * - move: the price is at least `bps` basis points away from `basePrice`, either way; with no base price known
 *   a move is never reached.
 * - Prices are integers in minimal units; the comparison is exact in bigint, so no price can overflow it.
 */
import type { AlertCondition } from '../../protocol/alerts';

export function alertReached(condition: AlertCondition, basePrice: number, price: number): boolean {
  if (!Number.isSafeInteger(price) || price <= 0) return false;
  switch (condition.kind) {
    case 'above':
      return price >= condition.price;
    case 'below':
      return price <= condition.price;
    case 'move': {
      if (!Number.isSafeInteger(basePrice) || basePrice <= 0) return false;
      const away = BigInt(price) - BigInt(basePrice);
      return (away < 0n ? -away : away) * 10_000n >= BigInt(condition.bps) * BigInt(basePrice);
    }
  }
}
