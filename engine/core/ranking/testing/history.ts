/** Helpers that build ranking records for tests: valid trades (quote amount computed the engine's way). */
import type { RankingMarket } from '../config';
import { notional } from '../../matching/money';
import type { FlowKind, RankingRecord } from '../records';

export const LPJ: RankingMarket = { id: 'LPJ-KRW', base: 'LPJ', quote: 'KRW', baseDecimals: 8 };
export const BTC: RankingMarket = { id: 'BTC-KRW', base: 'BTC', quote: 'KRW', baseDecimals: 8 };
export const COIN = 100_000_000;

export function trade(
  ts: number,
  market: RankingMarket,
  buyer: number,
  seller: number,
  price: number,
  quantity: number,
  buyerFee = 0,
  sellerFee = 0,
): RankingRecord {
  return {
    type: 'trade',
    ts,
    market: market.id,
    price,
    quantity,
    quoteAmount: notional(price, quantity, 10 ** market.baseDecimals),
    buyer,
    seller,
    buyerFee,
    sellerFee,
  };
}

export const account = (ts: number, id: number, nickname = `trader${id}`, ranked?: boolean): RankingRecord =>
  ranked === undefined
    ? { type: 'account', ts, account: id, nickname }
    : { type: 'account', ts, account: id, nickname, ranked };

export const flow = (
  ts: number,
  id: number,
  amount: number,
  asset = 'KRW',
  kind: FlowKind = 'deposit',
): RankingRecord => ({
  type: 'flow',
  ts,
  account: id,
  asset,
  amount,
  kind,
});

export const price = (ts: number, market: RankingMarket, p: number): RankingRecord => ({
  type: 'price',
  ts,
  market: market.id,
  price: p,
});
