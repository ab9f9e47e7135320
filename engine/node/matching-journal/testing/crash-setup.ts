import type { MarketConfig } from '../../../core/matching/types';

export const CRASH_MARKET: MarketConfig = {
  id: 'LPJ-KRW',
  base: 'LPJ',
  quote: 'KRW',
  baseDecimals: 2,
  tickSize: 5,
  lotSize: 10,
  minNotional: 100,
  makerFeeBps: 10,
  takerFeeBps: 20,
  priceBandBps: 500,
};

export const CRASH_ACCOUNTS = [1, 2, 3, 4];
