/**
 * Test helper run as a child process: records the practice market into argv[2] (gzip when argv[3] is "gzip")
 * as fast as it can, printing "n" on stdout after each flush interval, until it is killed.
 */
import { GENERATED_PAPER_MARKET, generatedPaperSession } from '../../../core/replay/generated-paper-market';
import { SessionRecorder } from '../session-recorder';

const [path, mode] = process.argv.slice(2);
const start = Date.now();
const recorder = new SessionRecorder(path, {
  markets: [GENERATED_PAPER_MARKET],
  gzip: mode === 'gzip',
  flushIntervalMs: 5,
  now: () => start,
});
const events = generatedPaperSession({ seed: 1, startTime: start, durationMs: 3_600_000 });
let i = 0;
const tick = () => {
  for (let k = 0; k < 200 && i < events.length; k++, i++) recorder.record(events[i].event, events[i].at);
  process.stdout.write(`${i}\n`);
  setTimeout(tick, 2);
};
tick();
