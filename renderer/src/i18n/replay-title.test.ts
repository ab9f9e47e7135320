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
