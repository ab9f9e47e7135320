import { describe, expect, it } from 'vitest';
import type { AppNotification, MarketSettings } from '@protocol/api';
import { NOTIFICATION_DATA } from '@protocol/notification-kinds';
import { en, type MessageKey } from './en';
import { ko } from './ko';
import { notificationText } from './notification-text';

const LPJ_KRW: MarketSettings = {
  id: 'LPJ-KRW',
  base: 'LPJ',
  quote: 'KRW',
  baseDecimals: 8,
  tickSize: 1,
  lotSize: 1_000_000,
  minNotional: 1_000,
  makerFeeBps: 5,
  takerFeeBps: 10,
  priceBandBps: 1_000,
};
const MARKETS = [LPJ_KRW];
const inEnglish = (k: MessageKey) => en[k];
const inKorean = (k: MessageKey) => ko[k];

const note = (kind: string, data: AppNotification['data'], text?: { title: string; body: string }) => ({
  kind,
  data,
  ...text,
});

/** A paper market's units as the app's notices carry them (Upbit's BTC: whole won, 8 size decimals). */
const BTC_PAPER = {
  venue: 'paper',
  market: 'KRW-BTC',
  base: 'BTC',
  quote: 'KRW',
  priceDecimals: 0,
  sizeDecimals: 8,
  quoteDecimals: 0,
  tickSize: 1,
  lotSize: 1,
};

describe('notification text', () => {
  it('words the app’s own notices from the units they carry, whatever the server’s markets', () => {
    const filled = note('order_filled', {
      ...BTC_PAPER,
      side: 'buy',
      price: 91_500_000,
      quantity: 1_500_000,
      fee: 687,
    });
    expect(notificationText(filled, [], inEnglish)).toEqual({
      title: 'Bought 0.01500000 BTC',
      body: 'Paper trading · BTC/KRW at 91,500,000 KRW, fee 687 KRW',
    });
    const practice = { ...BTC_PAPER, venue: 'practice', market: 'LPJ-KRW', base: 'LPJ', lotSize: 1_000_000 };
    const stop = note('stop_triggered', { ...practice, orderId: 12, side: 'sell', lastPrice: 9_900 });
    expect(notificationText(stop, [], inEnglish)).toEqual({
      title: 'Sell stop order triggered',
      body: 'Offline practice · LPJ/KRW: order #12 triggered at 9,900 KRW',
    });
    const alert = note('price_alert', { ...practice, condition: 'above', target: 10_000, price: 10_050 });
    expect(notificationText(alert, [], inEnglish)).toEqual({
      title: 'LPJ/KRW reached 10,050 KRW',
      body: 'Offline practice · alert: at or above 10,000 KRW',
    });
    const move = note('price_alert', { ...practice, condition: 'move', bps: 500, basePrice: 10_000, price: 9_500 });
    expect(notificationText(move, [], inKorean).body).toBe('오프라인 연습 · 알림 조건: 10,000 KRW에서 5.00% 변동');
    // Data that does not carry its units is not guessed at.
    expect(notificationText(note('order_filled', { market: 'KRW-BTC', side: 'buy' }), [], inEnglish).title).toBe(
      'Notification',
    );
  });

  it('words a fill in either language, with the market’s figures grouped to its precision', () => {
    const fill = note('fill', {
      market: 'LPJ-KRW',
      orderId: 3,
      tradeId: 7,
      side: 'buy',
      price: 10_200,
      quantity: 178_000_000,
      fee: 18,
    });
    expect(notificationText(fill, MARKETS, inEnglish)).toEqual({
      title: 'Bought 1.78 LPJ',
      body: 'LPJ/KRW at 10,200 KRW, fee 18 KRW',
    });
    expect(notificationText(fill, MARKETS, inKorean)).toEqual({
      title: '1.78 LPJ 매수 체결',
      body: 'LPJ/KRW · 체결가 10,200 KRW, 수수료 18 KRW',
    });
    // A fill told before fees were sent.
    const { fee: _fee, ...older } = fill.data!;
    expect(notificationText(note('fill', older), MARKETS, inEnglish).body).toBe('LPJ/KRW at 10,200 KRW');
  });

  it('words copy trading: copies made and skipped, allocations, settlements, endings', () => {
    const copied = note('copy_executed', {
      subscriptionId: 4,
      leader: 'kim',
      market: 'LPJ-KRW',
      side: 'buy',
      quantity: 178_000_000,
      quoteAmount: 18_067_000,
      fee: 18_067,
    });
    expect(notificationText(copied, MARKETS, inEnglish)).toEqual({
      title: 'Copied kim: bought 1.78 LPJ',
      body: 'for 18,067,000 KRW (fee 18,067 KRW)',
    });
    expect(notificationText(copied, MARKETS, inKorean)).toEqual({
      title: 'kim 카피: 1.78 LPJ 매수',
      body: '체결 금액 18,067,000 KRW (수수료 18,067 KRW)',
    });
    const allocated = note('subscription_changed', {
      subscriptionId: 4,
      change: 'subscribed',
      leader: 'kim',
      amount: 2_000_000,
      asset: 'KRW',
    });
    expect(notificationText(allocated, MARKETS, inEnglish)).toEqual({
      title: 'Copying kim',
      body: '2,000,000 KRW allocated',
    });
    expect(notificationText(allocated, MARKETS, inKorean)).toEqual({
      title: 'kim 카피 시작',
      body: '2,000,000 KRW 배정',
    });
    expect(
      notificationText(
        note('copy_skipped', {
          leader: 'kim',
          market: 'LPJ-KRW',
          side: 'sell',
          wanted: 1_000_000,
          reason: 'BELOW_LOT_SIZE',
        }),
        MARKETS,
        inKorean,
      ),
    ).toEqual({ title: 'kim 카피 건너뜀', body: 'LPJ/KRW 매도: 내 몫이 최소 수량 단위보다 작습니다' });
    expect(
      notificationText(
        note('copy_ended', {
          leader: 'kim',
          reason: 'stop_loss',
          returnedQuote: 1_800_000,
          returnedCoins: { LPJ: 50_000_000 },
          asset: 'KRW',
        }),
        MARKETS,
        inEnglish,
      ),
    ).toEqual({ title: 'Copy of kim ended', body: 'Stop-loss: 1,800,000 KRW, 0.50 LPJ returned' });
    expect(
      notificationText(
        note('settlement_paid', {
          period: 19_700,
          profit: -12_000,
          fee: 0,
          paid: 0,
          owed: 1_500,
          counterparty: 'kim',
          asset: 'KRW',
        }),
        MARKETS,
        inEnglish,
      ),
    ).toEqual({
      title: 'Profit share paid to kim',
      body: '0 KRW paid (profit -12,000 KRW, share 0 KRW, still owed 1,500 KRW)',
    });
    expect(
      notificationText(
        note('subscription_changed', { change: 'stop_loss', leader: 'kim', stopLossBps: 1_500 }),
        MARKETS,
        inKorean,
      ),
    ).toEqual({ title: 'kim 카피: 손절 설정', body: '15.00% 손실 시' });
    expect(notificationText(note('rank_top10', { period: '7d', rank: 3 }), MARKETS, inKorean)).toEqual({
      title: '톱 10 진입 (7일)',
      body: '3위입니다',
    });
  });

  it('reads a copy’s money in the copy markets’ quote when a notice stored before names no asset', () => {
    const older = note('new_follower', { subscriptionId: 4, subscriber: 'lee', amount: 2_000_000 });
    expect(notificationText(older, MARKETS, inEnglish).body).toBe('lee copies you with 2,000,000 KRW');
  });

  it('shows a notification stored as finished text as it was, rather than guess its figures', () => {
    const stored = { title: 'Copied kim: buy LPJ-KRW', body: '178000000 for 18067 (fee 18)' };
    // Data of an older shape (no quantity or amounts).
    const older = note('copy_executed', { leader: 'kim', market: 'LPJ-KRW', side: 'buy' }, stored);
    expect(notificationText(older, MARKETS, inKorean)).toEqual(stored);
    // A market this app does not know: no units to put the figures in.
    const elsewhere = note(
      'fill',
      { market: 'XYZ-KRW', orderId: 1, tradeId: 1, side: 'sell', price: 5, quantity: 5 },
      { title: 'Sold 0.00000005 XYZ', body: 'XYZ-KRW at 5 KRW' },
    );
    expect(notificationText(elsewhere, MARKETS, inEnglish).title).toBe('Sold 0.00000005 XYZ');
    // Nothing to show but its kind: a plain "Notification", never raw units.
    expect(notificationText(note('fill', { market: 'XYZ-KRW', side: 'sell' }), MARKETS, inKorean)).toEqual({
      title: '알림',
      body: '',
    });
    expect(notificationText(note('from_a_newer_server', { x: 1 }), MARKETS, inEnglish).title).toBe('Notification');
  });

  it('never shows a raw figure: every kind, worded in both languages, has only grouped numbers', () => {
    // The largest safe amounts of every field, in notices of every kind.
    const big = Number.MAX_SAFE_INTEGER;
    const samples: Record<string, AppNotification['data']> = {
      fill: { market: 'LPJ-KRW', orderId: 1, tradeId: 1, side: 'buy', price: big, quantity: big, fee: big },
      copy_executed: { leader: 'k', market: 'LPJ-KRW', side: 'sell', quantity: big, quoteAmount: big, fee: big },
      copy_skipped: { leader: 'k', market: 'LPJ-KRW', side: 'buy', wanted: big, reason: 'NOT_FILLED' },
      fill_mirrored: { market: 'LPJ-KRW', side: 'sell', placed: 3, skipped: 1 },
      stop_loss_hit: { leader: 'k' },
      copy_ended: { leader: 'k', reason: 'leader_deleted', returnedQuote: big, returnedCoins: { LPJ: big } },
      new_follower: { subscriber: 'k', amount: big, asset: 'KRW' },
      follower_left: { subscriber: 'k', reason: 'unsubscribed' },
      settlement_paid: { period: 1, profit: -big, fee: big, paid: big, owed: big, counterparty: 'k' },
      settlement_received: { period: 1, profit: big, fee: big, paid: big, owed: 0, counterparty: 'k' },
      subscription_changed: { change: 'funds_reduced', leader: 'k', amount: big, allocation: big, asset: 'KRW' },
      rank_top10: { period: 'all', rank: 10 },
      order_filled: { ...BTC_PAPER, side: 'sell', price: big, quantity: big, fee: big },
      stop_triggered: { ...BTC_PAPER, orderId: big, side: 'buy', lastPrice: big },
      price_alert: { ...BTC_PAPER, condition: 'move', bps: 100_000, basePrice: big, price: big },
    };
    expect(Object.keys(samples).sort()).toEqual(Object.keys(NOTIFICATION_DATA).sort());
    for (const [kind, data] of Object.entries(samples))
      for (const t of [inEnglish, inKorean]) {
        const { title, body } = notificationText(note(kind, data), MARKETS, t);
        expect(title, kind).not.toBe(t('notice.other'));
        // No whole number of four digits or more without separators, and no placeholder left unfilled.
        expect(`${title} ${body}`, kind).not.toMatch(/(?<![.\d])\d{4}|\{\w+\}/);
      }
  });
});
