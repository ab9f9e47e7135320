/**
 * Recording a live session from the mock exchange's Upbit feed: started and stopped by the user, bounded in
 * time, listed by handle, replayed, exported and imported again; refusals for what cannot be recorded or exported.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FeedSourceInfo, PaperUpdate, PickedSession } from '../protocol/api';
import type { RecordedSession, RecordingState } from '../protocol/recording';
import { SAMPLE_SESSION_PATH } from '../node/replay';
import { SessionRecording } from './session-recording';
import { mockExchangeHosts, until } from './testing/mock-exchange-host';

const t = mockExchangeHosts({ seed: 5, stepsPerSec: 40, historyMinutes: 60 }, 'recording');
const { call } = t;
const pushed = () => t.frames.flatMap((f) => (f.name === 'recording.state' ? [f.payload as RecordingState] : []));

describe('recording a live session', () => {
  it('records a market of the exchange, lists it, replays it, and exports it for import elsewhere', async () => {
    t.open();
    const started = await call<RecordingState>('recording.start', { market: 'BTC-KRW' });
    expect(started).toMatchObject({ state: 'recording', market: 'BTC-KRW', exchange: 'upbit', events: 0 });
    await expect(call('recording.start', { market: 'ETH-KRW' })).rejects.toMatchObject({ code: 'RECORDING' });
    // Progress is pushed as it grows.
    await until('events recorded', () => pushed().some((s) => s.state === 'recording' && s.events >= 20));
    const stopped = await call<RecordingState>('recording.stop', {});
    expect(stopped.state).toBe('idle');
    expect(stopped.last).toMatchObject({ stopped: 'user', name: expect.stringMatching(/^upbit-BTC-KRW-.*\.p777s$/) });
    expect(stopped.last!.bytes).toBeGreaterThan(0);

    const { sessions } = await call<{ sessions: RecordedSession[] }>('recording.list', {});
    expect(sessions).toHaveLength(1);
    expect(sessions[0].session).toBe(stopped.last!.session);

    // Replayed: the recorded market's book comes back.
    const info = await call<FeedSourceInfo>('feed.setSource', {
      source: 'replay',
      speed: 100,
      session: sessions[0].session,
    });
    expect(info.replay).toMatchObject({ kind: 'recorded', markets: ['BTC-KRW'] });
    expect(info.replay!.note).toMatch(/^Upbit BTC-KRW, recorded /);
    await call('paper.open', { market: 'BTC-KRW' });
    await until('the recorded book replayed', () =>
      t.frames.some(
        (f) => f.name === 'paper.update' && (f.payload as PaperUpdate).source === 'replay' && f.payload.bids,
      ),
    );
    // Nothing is recorded from a replay.
    await expect(call('recording.start', { market: 'BTC-KRW' })).rejects.toMatchObject({ code: 'NOT_EXCHANGE' });

    // Exported, then imported again as the web page uploads a file.
    const file = await call<{ filename: string; base64: string }>('recording.export', { session: sessions[0].session });
    expect(file.filename).toBe(sessions[0].name);
    const bytes = Buffer.from(file.base64, 'base64');
    expect(bytes.length).toBe(sessions[0].bytes);
    const again: PickedSession = t.host.realMarkets.sessions.uploaded(bytes, file.filename);
    const replayed = await call<FeedSourceInfo>('feed.setSource', { source: 'replay', session: again.session });
    expect(replayed.replay).toMatchObject({ kind: 'recorded', markets: ['BTC-KRW'] });
    // Only recordings are exported from here: not an uploaded file, not a handle the app never gave.
    await expect(call('recording.export', { session: again.session })).rejects.toMatchObject({
      code: 'UNKNOWN_SESSION',
    });
    await expect(call('recording.export', { session: 'A'.repeat(22) })).rejects.toMatchObject({
      code: 'UNKNOWN_SESSION',
    });
    await expect(call('recording.export', { session: '../../etc/passwd' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    // And the user still trades on the replayed recording.
    await call('paper.open', { market: 'BTC-KRW' });
    await until('the imported book replayed', () =>
      t.frames.some(
        (f) => f.name === 'paper.update' && (f.payload as PaperUpdate).source === 'replay' && f.payload.asks,
      ),
    );
    expect(
      await call<{ status: string }>('paper.place', {
        market: 'BTC-KRW',
        side: 'buy',
        orderType: 'market',
        quoteAmount: 100_000 * 10_000,
      }),
    ).toMatchObject({ status: 'accepted' });
  });

  it('stops by itself at its time limit and when the source changes, keeping what it wrote', async () => {
    const host = t.open();
    const states: RecordingState[] = [];
    const recording = new SessionRecording({
      dataDir: t.dir,
      realMarkets: host.realMarkets,
      emit: (name, payload) => {
        if (name === 'recording.state') states.push(payload as RecordingState);
      },
      maxMs: 600,
      tickMs: 50,
    });
    await recording.start('BTC-KRW');
    await until('stopped at the time limit', () => recording.state().last?.stopped === 'time limit');
    expect(recording.state().state).toBe('idle');
    const timed = recording.state().last!;
    expect(readFileSync(host.realMarkets.sessions.resolve(timed.session).path).length).toBe(timed.bytes);

    const long = new SessionRecording({ dataDir: t.dir, realMarkets: host.realMarkets, emit: () => {}, tickMs: 50 });
    await long.start('BTC-KRW');
    await call('feed.setSource', { source: 'binance' });
    await until('stopped as the source changed', () => long.state().last?.stopped === 'source changed');
    expect(long.list()).toHaveLength(2);
    // The shipped session is no recording: it is never listed.
    expect(long.list().some((s) => s.name === SAMPLE_SESSION_PATH)).toBe(false);
  });
});
