/**
 * `app`: the app's window, whichever way it runs. In the web project a real web-mode process is started on a
 * free port with a fresh data folder; in the electron project the built desktop app is launched with one.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, test as base, type Page, type TestInfo } from '@playwright/test';
import { MockExchange, type MockExchangeOptions } from '../engine/tools/mock-exchange/mock-exchange';
import { startListening, type ListeningProcess } from './listening-process';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const artifactsDir = join(root, 'e2e', 'artifacts');

type WebMode = ListeningProcess;

/**
 * Starts `engine/host/web-main.ts` the way a user would, and reads the URL it prints. `env` adds variables
 * (e.g. LPJ_UPBIT_WS pointing the feed at a mock exchange).
 */
export function startWebMode(dataDir: string, env: Record<string, string> = {}): Promise<WebMode> {
  return startListening(
    ['engine/host/web-main.ts', '--port', '0', '--data-dir', dataDir],
    /open (http:\/\/\S+)/,
    'web mode',
    env,
  );
}

/** Path of an installed Electron binary, or null with the reason it is not usable. */
function electronBinary(): { path: string | null; reason: string } {
  try {
    const require = createRequire(import.meta.url);
    const path = require('electron') as unknown as string;
    if (typeof path === 'string' && existsSync(path)) return { path, reason: '' };
  } catch {
    // electron's index throws when its binary was never downloaded
  }
  return {
    path: null,
    reason:
      'no Electron binary is installed here (npm start fetches it on a desktop machine); web mode covers these specs',
  };
}

export const test = base.extend<{ app: Page; dataDir: string; appEnv: Record<string, string> }>({
  /** Environment for the app under test; a spec overrides it (e.g. exchange URLs of a mock exchange). */
  appEnv: [{}, { option: true }],
  dataDir: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'lpj-e2e-'));
    await use(dir);
    rmSync(dir, { recursive: true, force: true });
  },
  // Depends on neither `page` nor `browser`: the electron project must not start a browser it won't use.
  app: async ({ dataDir, appEnv, playwright, launchOptions }, use, testInfo) => {
    if (testInfo.project.name === 'electron') {
      const electron = electronBinary();
      testInfo.skip(!electron.path, electron.reason);
      const main = join(root, 'out', 'main', 'index.js');
      testInfo.skip(!existsSync(main), 'the desktop app is not built (npm run build)');
      const app = await _electron.launch({
        executablePath: electron.path!,
        args: [main],
        env: { ...process.env, ...appEnv, LPJ_DATA_DIR: dataDir },
      });
      const window = await app.firstWindow();
      await use(window);
      await app.close();
      return;
    }
    const web = await startWebMode(dataDir, appEnv);
    const browser = await playwright.chromium.launch(launchOptions);
    const page = await browser.newPage();
    await page.goto(web.url);
    await use(page);
    await browser.close();
    web.process.kill('SIGTERM');
  },
});

/** Saves a screenshot under e2e/artifacts and attaches it to the report. */
/** The app's environment that points both exchanges' feeds, streaming and REST, at a mock exchange. */
export function exchangeEnv(mock: Pick<MockExchange, 'urls'>): Record<string, string> {
  return {
    LPJ_UPBIT_WS: mock.urls.upbitWs,
    LPJ_UPBIT_REST: mock.urls.upbitRest,
    LPJ_BINANCE_WS: mock.urls.binanceWs,
    LPJ_BINANCE_REST: mock.urls.binanceRest,
  };
}

/**
 * A mock exchange for each test of the enclosing describe (or file): started on a free port before the test
 * (then `ready`, e.g. to step its markets), closed after it, and the app's feeds pointed at it. `exchange.mock`
 * is the running one.
 */
export function useMockExchange(
  options: Omit<MockExchangeOptions, 'port'>,
  ready?: (mock: MockExchange) => void,
): { readonly mock: MockExchange } {
  let running: MockExchange | undefined;
  const exchange = {
    get mock(): MockExchange {
      if (!running) throw new Error('the mock exchange runs only during a test');
      return running;
    },
  };
  test.beforeEach(async () => {
    running = await MockExchange.start({ ...options, port: 0 });
    ready?.(running);
  });
  test.afterEach(async () => {
    await running?.close();
    running = undefined;
  });
  test.use({ appEnv: async ({}, use) => use(exchangeEnv(exchange.mock)) });
  return exchange;
}

export async function keepScreenshot(page: Page, name: string, testInfo: TestInfo): Promise<void> {
  mkdirSync(artifactsDir, { recursive: true });
  const path = join(artifactsDir, `${testInfo.project.name}-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

export { expect } from '@playwright/test';
