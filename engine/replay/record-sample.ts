/**
 * Writes the shipped practice session: ten minutes of a generated BTC-KRW market (./practice-market), marked
 * kind 'generated' in its header — a practice session, not a recording of the real exchange.
 *
 *   tsx engine/replay/record-sample.ts [out-file]
 *
 * The same seed always gives the same file, so the shipped one can be checked against a fresh run.
 */
import { rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { PRACTICE_MARKET, practiceSession } from './practice-market';
import { SAMPLE_DURATION_MS, SAMPLE_SEED, SAMPLE_SESSION_PATH, SAMPLE_START } from './sample-session';
import { SessionRecorder } from './session-recorder';

export async function recordSample(path = SAMPLE_SESSION_PATH): Promise<{ path: string; records: number }> {
  rmSync(path, { force: true });
  const recorder = new SessionRecorder(path, {
    markets: [PRACTICE_MARKET],
    kind: 'generated',
    note: `Generated practice session: a seeded random-walk BTC-KRW market (seed ${SAMPLE_SEED}), not real market data.`,
    now: () => SAMPLE_START,
    gzip: true,
  });
  for (const { at, event } of practiceSession({ seed: SAMPLE_SEED, startTime: SAMPLE_START, durationMs: SAMPLE_DURATION_MS })) {
    recorder.record(event, at);
  }
  await recorder.close();
  return { path, records: recorder.count };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { path, records } = await recordSample(process.argv[2]);
  console.log(`wrote ${records} events to ${path}`);
}
