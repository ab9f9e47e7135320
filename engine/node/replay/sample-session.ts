/** Where the shipped generated session lives and how it is made (see engine/tools/record-sample.ts). */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Resolved from this module's location: a packaged app should ship `sessions/` and pass its own path. */
export const SAMPLE_SESSION_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  'sessions',
  'generated-practice-btc-krw.p777s',
);
export const SAMPLE_SEED = 777;
export const SAMPLE_START = Date.UTC(2025, 0, 6, 0, 0, 0);
export const SAMPLE_DURATION_MS = 10 * 60_000;
/** One step of the simulated market per this many ms of session time. */
export const SAMPLE_STEP_MS = 500;
