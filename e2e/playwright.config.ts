import { defineConfig } from '@playwright/test';

/**
 * The same specs run against web mode in Chromium (always) and against the desktop app through Electron
 * (where an Electron binary is installed; skipped with the reason otherwise). The Chromium used is found by
 * build/scripts/find-chromium.mjs and passed in CHROMIUM_PATH; Playwright never downloads a browser here.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  globalSetup: './build-server.ts',
  outputDir: '../test-results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'web',
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH || undefined,
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--no-first-run',
          ],
        },
      },
    },
    { name: 'electron' },
  ],
});
