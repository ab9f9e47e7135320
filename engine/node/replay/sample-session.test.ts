import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CandleEvent } from '../../core/market-data/types';
import { LiveCandles } from '../../core/candles/live-candles';
import { useTempDirs } from '../candles/testing/temp-dir';
import { ManualClock } from '../../core/replay/replay-clock';
import { ReplayPlayer, sessionTimeline } from '../../core/replay/replay-player';
import { recordSample } from '../../tools/record-sample';
import { SAMPLE_DURATION_MS, SAMPLE_SESSION_PATH } from './sample-session';
import { readSessionFile } from './session-reader';

const tempDir = useTempDirs('sample-session-');

describe('the shipped generated session', () => {
  it('is small, marked as generated, and exactly what record-sample.ts writes', async () => {
    expect(statSync(SAMPLE_SESSION_PATH).size).toBeLessThan(300_000);
    const session = readSessionFile(SAMPLE_SESSION_PATH);
    expect(session.truncated).toBe(false);
    expect(session.header.kind).toBe('generated');
    expect(session.header.note).toMatch(/mock exchange .* not real market data/);
    expect(session.header.markets.map((m) => m.id)).toEqual(['BTC-KRW']);
    const kinds = new Set(session.records.map((r) => r.event.type));
    expect([...kinds].sort()).toEqual(['book', 'status', 'ticker', 'trade']);
    expect(session.records[0].event).toEqual({ type: 'status', market: 'BTC-KRW', status: 'live' });
    expect(session.records.at(-1)!.at).toBe(SAMPLE_DURATION_MS);
    // A fresh recording from the mock exchange gives the same bytes. If the mock's market changes on purpose,
    // regenerate with `tsx engine/tools/record-sample.ts`.
    const fresh = join(tempDir(), 'again.p777s');
    await recordSample(fresh);
    expect(readFileSync(fresh).equals(readFileSync(SAMPLE_SESSION_PATH)), 'shipped session is stale').toBe(true);
  });

  it('plays to its end at 100×, and its trades build the same candles as the recording says', () => {
    const session = readSessionFile(SAMPLE_SESSION_PATH);
    const clock = new ManualClock();
    const candles: CandleEvent[] = [];
    const live = new LiveCandles({ intervals: ['1m', '5m'], onCandle: (e) => candles.push(e) });
    let events = 0;
    let ended = false;
    const player: ReplayPlayer = new ReplayPlayer(sessionTimeline(session), {
      clock,
      speed: 100,
      onEvent: (e) => {
        events++;
        live.handle(e, session.header.startTime + player.position);
      },
      onEnd: () => (ended = true),
    });
    player.play();
    clock.advance(SAMPLE_DURATION_MS / 100 - 30); // not quite there
    expect(ended).toBe(false);
    clock.runAll();
    expect(ended).toBe(true);
    expect(events).toBe(session.records.length);
    expect(clock.now()).toBeLessThanOrEqual(SAMPLE_DURATION_MS / 100);
    // The 5m candle after the whole session equals the session's trades in that stretch.
    const trades = session.records.flatMap((r) => (r.event.type === 'trade' ? [r.event] : []));
    const lastFive = candles.filter((c) => c.interval === '5m').at(-1)!.candle;
    const inIt = trades.filter((t) => t.ts >= lastFive.openTime);
    expect(lastFive.volume).toBe(inIt.reduce((s, t) => s + t.size, 0));
    expect(lastFive.high).toBe(Math.max(...inIt.map((t) => t.price)));
    expect(lastFive.close).toBe(inIt.at(-1)!.price);
  });
});
