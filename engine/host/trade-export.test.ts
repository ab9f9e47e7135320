import { describe, expect, it } from 'vitest';
import { fillsCsv, userFills } from './trade-export';

const trade = (over: Record<string, unknown>) => ({
  type: 'trade',
  seq: 1,
  market: 'BTC-KRW',
  ts: Date.UTC(2026, 10, 25, 9, 30),
  tradeId: 7,
  price: 1_234_567_891,
  quantity: 1_500_000,
  quoteAmount: 185_185_183_650,
  takerSide: 'buy',
  makerOrderId: 11,
  takerOrderId: 12,
  makerAccount: -1,
  takerAccount: 1,
  makerFee: 0,
  takerFee: 92_592_591,
  ...over,
});
const units = { priceDecimals: 4, sizeDecimals: 8, quoteDecimals: 4 };

describe('trade history export', () => {
  it('writes my side of each trade with exact decimals, oldest first', () => {
    const rows = userFills(
      [
        trade({}),
        trade({
          tradeId: 8,
          ts: Date.UTC(2026, 10, 25, 9, 0),
          makerAccount: 1,
          takerAccount: 9,
          takerSide: 'buy',
          makerFee: 50,
        }),
        trade({ tradeId: 9, makerAccount: 5, takerAccount: 6 }),
        { type: 'book' },
      ],
      1,
      'paper-upbit',
      () => units,
    );
    expect(rows).toHaveLength(2);
    const csv = fillsCsv(rows);
    expect(csv.split('\r\n')).toEqual([
      'time_utc,venue,market,side,price,quantity,quote_amount,fee,liquidity,trade_id,order_id',
      '2026-11-25T09:00:00.000Z,paper-upbit,BTC-KRW,sell,123456.7891,0.01500000,18518518.3650,0.0050,maker,8,11',
      '2026-11-25T09:30:00.000Z,paper-upbit,BTC-KRW,buy,123456.7891,0.01500000,18518518.3650,9259.2591,taker,7,12',
      '',
    ]);
  });

  it('quotes fields that need it', () => {
    const csv = fillsCsv(userFills([trade({ market: 'A,"B"' })], 1, 'x', () => units));
    expect(csv).toContain(',"A,""B""",');
  });
});
