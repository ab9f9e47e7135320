/**
 * Checks a market's settings before an engine accepts them: a bad setting (a zero tick, a fee that lets the
 * fee account pay out more than it takes) would otherwise surface much later as wrong money.
 */
import type { MarketConfig } from './types';

export class MarketConfigError extends Error {
  constructor(market: string, why: string) {
    super(`market ${market}: ${why}`);
    this.name = 'MarketConfigError';
  }
}

const int = (v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): boolean =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;
const code = (v: unknown): boolean => typeof v === 'string' && /^[A-Z0-9]{1,16}$/.test(v);

export function validateMarketConfig(c: MarketConfig): void {
  const id = typeof c?.id === 'string' ? c.id : '(no id)';
  const bad = (why: string): never => {
    throw new MarketConfigError(id, why);
  };
  if (typeof c?.id !== 'string' || !/^[A-Z0-9]{1,16}-[A-Z0-9]{1,16}$/.test(c.id)) bad('id must look like BASE-QUOTE');
  if (!code(c.base) || !code(c.quote) || c.base === c.quote) bad('base and quote must be two different asset codes');
  if (!int(c.baseDecimals, 0, 18)) bad('baseDecimals must be an integer 0..18');
  if (!int(c.tickSize, 1)) bad('tickSize must be a positive integer');
  if (!int(c.lotSize, 1)) bad('lotSize must be a positive integer');
  if (!int(c.minNotional, 0)) bad('minNotional must be a non-negative integer');
  if (!int(c.takerFeeBps, 0, 1000)) bad('takerFeeBps must be an integer 0..1000');
  if (!int(c.makerFeeBps, -1000, 1000)) bad('makerFeeBps must be an integer -1000..1000');
  if (c.makerFeeBps < 0 && -c.makerFeeBps > c.takerFeeBps)
    bad('a maker rebate larger than the taker fee would drain the fee account');
  if (!int(c.priceBandBps, 1, 9000)) bad('priceBandBps must be an integer 1..9000');
}
