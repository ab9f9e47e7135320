/**
 * `npm test`: every suite, in order — typecheck, lint (the walls between folders included), unit/integration
 * tests (vitest), then the Playwright e2e specs against web mode (and Electron where its binary is installed).
 * Stops at the first failing suite. The cluster tests need a `nats-server`: one is installed first where missing
 * (see find-nats-server.mjs) and handed to them as NATS_SERVER_PATH.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findChromium } from './find-chromium.mjs';
import { findNatsServer } from './find-nats-server.mjs';
import { ensureNodeNative } from './ensure-native.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const reports = join(root, 'test-results', 'reports');
mkdirSync(reports, { recursive: true });
const counts = { passed: 0, failed: 0, skipped: 0 };

/** Adds a suite's counts from its JSON report to the closing summary line. */
function count(kind, file) {
  if (!existsSync(file)) return;
  const r = JSON.parse(readFileSync(file, 'utf8'));
  if (kind === 'vitest') {
    counts.passed += r.numPassedTests;
    counts.failed += r.numFailedTests;
    counts.skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  } else {
    counts.passed += r.stats.expected + r.stats.flaky;
    counts.failed += r.stats.unexpected;
    counts.skipped += r.stats.skipped;
  }
}

function step(title, cmd, args, env = {}) {
  console.log(`\n=== ${title}: ${cmd} ${args.join(' ')}`);
  const started = Date.now();
  execFileSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  console.log(`=== ${title}: ok (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

try {
  ensureNodeNative();
  step('typecheck', npx, ['tsc', '-b']);
  step('lint', npm, ['run', '--silent', 'lint']);
  step('format', npm, ['run', '--silent', 'format:check']);
  const vitestReport = join(reports, 'vitest.json');
  const natsServer = findNatsServer();
  if (natsServer) console.log(`[nats-server] using ${natsServer}`);
  try {
    step(
      'unit and integration tests',
      npx,
      ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`],
      natsServer ? { NATS_SERVER_PATH: natsServer } : {},
    );
  } finally {
    count('vitest', vitestReport);
  }
  // The desktop app's build (main, preload, renderer) is what `npm start` runs; it needs no Electron binary, so
  // it is checked everywhere. The web build after it is the one the e2e tests load.
  step('build desktop app', npx, ['electron-vite', 'build', '--logLevel', 'warn']);
  step('build renderer', npx, ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']);
  const chromium = findChromium();
  if (chromium) console.log(`[chromium] using ${chromium}`);
  const e2eReport = join(reports, 'e2e.json');
  try {
    step('e2e (Playwright)', npx, ['playwright', 'test', '-c', 'e2e/playwright.config.ts', '--reporter=list,json'], {
      ...(chromium ? { CHROMIUM_PATH: chromium } : {}),
      PLAYWRIGHT_JSON_OUTPUT_NAME: e2eReport,
    });
  } finally {
    count('playwright', e2eReport);
  }
  console.log('\nall suites passed');
  console.log(`tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
} catch (err) {
  console.error(`\ntests failed: ${err.message.split('\n')[0]}`);
  console.log(`tests: ${counts.passed} passed, ${Math.max(counts.failed, 1)} failed, ${counts.skipped} skipped`);
  process.exit(1);
}
