/** What the portfolio form sends for what a user types, and what it refuses before the host has to. */
import { describe, expect, it } from 'vitest';
import { MAX_STARTING_BALANCE } from '@protocol/paper-portfolios';
import { draftFields, draftOf, type PortfolioDraft } from './portfolio-draft';

const FEES = { upbit: { makerFeeBps: 5, takerFeeBps: 5 }, binance: { makerFeeBps: 10, takerFeeBps: 10 } };
const base: PortfolioDraft = { ...draftOf(null, FEES), name: 'Swing' };

describe('draftFields', () => {
  it('sends whole KRW and USDT in balance units, fees in bp and latency in ms', () => {
    expect(draftFields({ ...base, krw: '3,000,000', usdt: '', maker: '2', taker: '25', latency: '0' })).toEqual({
      fields: {
        name: 'Swing',
        startingBalances: { KRW: 3_000_000 * 10_000 },
        makerFeeBps: 2,
        takerFeeBps: 25,
        latencyMs: 0,
        fillModel: 'queue',
      },
    });
    expect(draftFields({ ...base, krw: '', usdt: '500' })).toMatchObject({
      fields: { startingBalances: { USDT: 500 * 100_000_000 } },
    });
  });

  it('a new form holds the host’s defaults, and an edit form shows the portfolio as whole amounts', () => {
    expect(draftFields(base)).toMatchObject({
      fields: { startingBalances: { KRW: 10_000_000 * 10_000, USDT: 10_000 * 100_000_000 }, makerFeeBps: 5 },
    });
    const edited = draftOf(
      {
        id: 2,
        name: 'B',
        exchange: 'binance',
        startingBalances: { USDT: 1_234 * 100_000_000 },
        makerFeeBps: 10,
        takerFeeBps: 10,
        latencyMs: 250,
        fillModel: 'touch',
        createdAt: 0,
      },
      FEES,
    );
    expect(edited).toMatchObject({ krw: '', usdt: '1234', latency: '250', fillModel: 'touch' });
  });

  it('refuses the worst a user can type, naming the field', () => {
    const worst = ['-1', '1.5', 'abc', 'NaN', 'Infinity', '1e9', '9'.repeat(40), '1 000'];
    for (const text of [...worst, '0', String(MAX_STARTING_BALANCE)])
      expect(draftFields({ ...base, krw: text }), text).toEqual({ error: 'krw' });
    expect(draftFields({ ...base, krw: '', usdt: '' })).toEqual({ error: 'krw' });
    for (const text of [...worst, ' ', '1001']) {
      expect(draftFields({ ...base, maker: text }), text).toEqual({ error: 'maker' });
      expect(draftFields({ ...base, taker: text }), text).toEqual({ error: 'taker' });
    }
    for (const text of [...worst, ' ', '10001'])
      expect(draftFields({ ...base, latency: text }), text).toEqual({ error: 'latency' });
  });
});
