import { describe, expect, it } from 'vitest';
import { en, type MessageKey } from './en';
import { ko } from './ko';
import { replayTitle } from './replay-title';

const inEnglish = (k: MessageKey) => en[k];
const inKorean = (k: MessageKey) => ko[k];
const MAY_FIRST = Date.UTC(2024, 4, 1, 9, 0, 30);

describe('replay title', () => {
  it('says a generated session is simulated, in either language, with its market and length', () => {
    const generated = { kind: 'generated' as const, markets: ['BTC-KRW'], startTime: MAY_FIRST, endAt: 600_000 };
    expect(replayTitle(generated, inEnglish)).toBe(
      'Generated practice session — BTC/KRW · 10 minutes (simulated, not real market data)',
    );
    expect(replayTitle(generated, inKorean)).toBe(
      '생성된 연습 세션 — BTC/KRW · 10분 (시뮬레이션, 실제 시장 데이터가 아님)',
    );
  });

  it('says when a recorded session was recorded (UTC, as the replay clock), and lists every market', () => {
    const recorded = {
      kind: 'recorded' as const,
      markets: ['BTC-KRW', 'ETH-KRW'],
      startTime: MAY_FIRST,
      endAt: 2 * 3_600_000,
    };
    expect(replayTitle(recorded, inEnglish)).toBe(
      'Recorded session — BTC/KRW, ETH/KRW · 2024-05-01 09:00 UTC · 2 hours',
    );
    expect(replayTitle(recorded, inKorean)).toBe('녹화된 세션 — BTC/KRW, ETH/KRW · 2024-05-01 09:00 UTC · 2시간');
  });

  it('names the exchange of a past window, its market, start and length, in either language', () => {
    const history = {
      kind: 'history' as const,
      markets: ['BTC-USDT'],
      startTime: Date.UTC(2024, 4, 1, 9, 0),
      endAt: 86_400_000,
      history: {
        exchange: 'binance' as const,
        market: 'BTC-USDT',
        from: Date.UTC(2024, 4, 1, 9, 0),
        to: Date.UTC(2024, 4, 2, 9, 0),
        fillModel: 'trades' as const,
        minutes: 1440,
        trades: 1_000_000,
      },
    };
    expect(replayTitle(history, inEnglish)).toBe('Binance BTC/USDT · 2024-05-01 09:00 UTC · 1 day (exchange history)');
    expect(replayTitle(history, inKorean)).toBe('바이낸스 BTC/USDT · 2024-05-01 09:00 UTC · 1일 (거래소 기록)');
  });

  it('gives a length in whole minutes, and a session under a minute in seconds', () => {
    const at = (endAt: number) =>
      replayTitle({ kind: 'recorded', markets: ['BTC-KRW'], startTime: 0, endAt }, inEnglish).split(' · ')[2];
    expect(at(7 * 60_000 + 29_000)).toBe('7 minutes');
    expect(at(7 * 60_000 + 31_000)).toBe('8 minutes');
    expect(at(60_000)).toBe('1 minute');
    expect(at(90 * 60_000)).toBe('90 minutes');
    expect(at(45_000)).toBe('45 seconds');
    expect(at(0)).toBe('0 seconds');
  });
});
