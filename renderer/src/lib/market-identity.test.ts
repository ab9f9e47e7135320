import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en';
import {
  LIVE_CHOICE,
  PRACTICE_CHOICE,
  accountKey,
  identityOf,
  kindOf,
  marketName,
  submitKey,
  validChoice,
} from './market-identity';

/** Every dictionary has the English one's keys (ko is typed against it). */
const isMessageKey = (key: string) => Object.hasOwn(en, key);

describe('market identity', () => {
  it('tells the three kinds of market apart from the choice alone', () => {
    expect(identityOf(PRACTICE_CHOICE, 'upbit')).toEqual({ kind: 'practice', base: 'LPJ', quote: 'KRW', source: null });
    expect(identityOf(LIVE_CHOICE, 'upbit')).toEqual({ kind: 'live', base: 'LPJ', quote: 'KRW', source: null });
    expect(identityOf('BTC-KRW', 'replay')).toEqual({ kind: 'paper', base: 'BTC', quote: 'KRW', source: 'replay' });
    expect(kindOf('ETH-USDT')).toBe('paper');
  });

  it('takes back a stored choice only when it names a market that can exist', () => {
    for (const good of [PRACTICE_CHOICE, LIVE_CHOICE, 'BTC-KRW', 'DOGE-USDT', '1INCH-KRW'])
      expect(validChoice(good)).toBe(good);
    for (const bad of [
      null,
      undefined,
      42,
      {},
      '',
      'btc-krw',
      'BTC',
      'BTC-KRW-X',
      '../../etc/passwd',
      '<img src=x>',
      `${'A'.repeat(16)}-KRW`,
      'LPJ-LIVE ',
    ])
      expect(validChoice(bad)).toBeNull();
  });

  it('writes a market id as the UI names markets, base over quote', () => {
    expect(marketName('LPJ-KRW')).toBe('LPJ/KRW');
    expect(marketName('BTC-USDT')).toBe('BTC/USDT');
    expect(marketName('1INCH-KRW')).toBe('1INCH/KRW');
  });

  it('names the market on the order button and over the balances, in both languages', () => {
    expect(submitKey('live', 'sell')).toBe('form.submitSell.live');
    expect(submitKey('practice', 'buy')).toBe('form.submitBuy.practice');
    for (const kind of ['practice', 'live', 'paper'] as const)
      for (const side of ['buy', 'sell'] as const) expect(isMessageKey(submitKey(kind, side))).toBe(true);
    expect(accountKey(identityOf('BTC-KRW', 'replay'))).toBe('account.replay');
    expect(accountKey(identityOf('BTC-KRW', 'upbit'))).toBe('account.paper');
    expect(accountKey(identityOf(LIVE_CHOICE, null))).toBe('account.live');
    expect(isMessageKey(accountKey(identityOf(PRACTICE_CHOICE, null)))).toBe(true);
  });
});
