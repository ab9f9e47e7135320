/**
 * Writes the shipped generated session by recording the mock exchange (engine/tools/mock-exchange) through the
 * Upbit feed client, exactly as a live session would be recorded — but from the mock's seeded, simulated
 * KRW-BTC market, stepped by hand on a virtual clock. The header says kind 'generated' and names the source:
 * it is a generated session, not a recording of the real exchange.
 *
 *   tsx engine/tools/record-sample.ts [out-file]
 *
 * Deterministic: the market is seeded and stepped on a virtual clock, and each event's place in the session is
 * its exchange timestamp (which the mock takes from that clock), not the moment it crossed the socket. So the
 * same seed and the same mock give the same file, and a test checks the shipped one against a fresh run.
 */
import { rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createFeedClient } from '../node/feed/feed-client';
import { silentLogger } from '../node/feed/logger';
import { MockExchange } from './mock-exchange/mock-exchange';
import type { FeedEvent } from '../core/market-data/types';
import {
  SAMPLE_DURATION_MS,
  SAMPLE_SEED,
  SAMPLE_SESSION_PATH,
  SAMPLE_START,
  SAMPLE_STEP_MS,
} from '../node/replay/sample-session';
import { SessionRecorder } from '../node/replay/session-recorder';

const MARKET = 'BTC-KRW';

/** Resolves once `test` holds, checking after each event (rejects after `ms` of real time). */
function waitFor(events: FeedEvent[], test: () => boolean, ms: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      if (test()) return resolve();
      if (Date.now() - started > ms)
        return reject(new Error(`timed out waiting for ${what} (${events.length} events so far)`));
      setTimeout(check, 50);
    };
    check();
  });
}

export async function recordSample(path = SAMPLE_SESSION_PATH): Promise<{ path: string; records: number }> {
  let virtualNow = SAMPLE_START;
  const mock = await MockExchange.start({ seed: SAMPLE_SEED, stepsPerSec: 0, now: () => virtualNow, bookLevels: 15 });
  const feed = createFeedClient({
    exchange: 'upbit',
    wsUrl: mock.urls.upbitWs,
    restUrl: mock.urls.upbitRest,
    bookDepth: 15,
    logger: silentLogger,
  });
  const received: FeedEvent[] = [];
  try {
    feed.onEvent((e) => received.push(e));
    const market = feed.subscribe(MARKET);
    // The subscription's snapshots (ticker, trade, book) come first, stamped at the session's start.
    await waitFor(received, () => received.some((e) => e.type === 'book'), 10_000, 'the first book');
    const steps = SAMPLE_DURATION_MS / SAMPLE_STEP_MS;
    for (let i = 1; i <= steps; i++) {
      virtualNow = SAMPLE_START + i * SAMPLE_STEP_MS;
      mock.step(1);
      // Let the socket drain now and then rather than queueing the whole session at once.
      const recent = virtualNow - 50 * SAMPLE_STEP_MS;
      if (i % 50 === 0) await waitFor(received, () => lastTs(received) > recent, 10_000, `step ${i}`);
    }
    const end = virtualNow - 50 * SAMPLE_STEP_MS;
    await waitFor(received, () => lastTs(received) > end, 10_000, 'the last steps');
    // Whatever the last step sent after its newest-stamped event (a ticker behind a book) arrives in order,
    // right behind it: wait until the stream has been quiet for a moment.
    let count = -1;
    await waitFor(
      received,
      () => {
        const settled = received.length === count;
        count = received.length;
        return settled;
      },
      10_000,
      'the stream to settle',
    );

    rmSync(path, { force: true });
    const recorder = new SessionRecorder(path, {
      markets: [market],
      kind: 'generated',
      note:
        `Simulated KRW-BTC market of the mock exchange (seed ${SAMPLE_SEED}), recorded through the Upbit feed ` +
        'client on a virtual clock. A practice session, not real market data.',
      now: () => SAMPLE_START,
      gzip: true,
    });
    let at = 0;
    // Start at the subscription going live: the 'connecting' status before it is not part of the market.
    const firstLive = received.findIndex((e) => e.type === 'status' && e.status === 'live');
    for (const e of received.slice(Math.max(0, firstLive))) {
      // Status events carry no time: they keep the time of the event before them.
      if (e.type !== 'status' && e.type !== 'candle') at = Math.max(at, e.ts - SAMPLE_START);
      recorder.record(e, at);
    }
    await recorder.close();
    return { path, records: recorder.count };
  } finally {
    feed.close();
    await mock.close();
  }
}

function lastTs(events: FeedEvent[]): number {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e.type !== 'status' && e.type !== 'candle') return e.ts;
  }
  return -Infinity;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { path, records } = await recordSample(process.argv[2]);
  console.log(`wrote ${records} events to ${path}`);
}
