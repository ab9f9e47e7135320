/**
 * `npm test`: every suite, in order — typecheck, unit/integration tests (vitest), then the Playwright e2e
 * specs against web mode (and Electron where its binary is installed). Stops at the first failing suite.
 */
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findChromium } from './find-chromium.mjs';
import { ensureNodeNative } from './ensure-native.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function step(title, cmd, args, env = {}) {
  console.log(`\n=== ${title}: ${cmd} ${args.join(' ')}`);
  const started = Date.now();
  execFileSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  console.log(`=== ${title}: ok (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

try {
  ensureNodeNative();
  step('typecheck', npx, ['tsc', '-b']);
  step('unit and integration tests', npx, ['vitest', 'run']);
  step('build renderer', npx, ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']);
  const chromium = findChromium();
  if (chromium) console.log(`[chromium] using ${chromium}`);
  step('e2e (Playwright)', npx, ['playwright', 'test', '-c', 'e2e/playwright.config.ts'], chromium ? { CHROMIUM_PATH: chromium } : {});
  console.log('\nall suites passed');
} catch (err) {
  console.error(`\ntests failed: ${err.message.split('\n')[0]}`);
  process.exit(1);
}
