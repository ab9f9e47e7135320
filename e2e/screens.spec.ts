/**
 * Every screen in both languages and both themes, kept as screenshots in e2e/artifacts/ named
 * `web-screens-<screen>-<language>-<theme>.png`, for people to read as a user would: the Market screen on each
 * kind of market (the offline practice market, paper trading on the mock exchange's BTC/KRW, the live LPJ
 * market), the Watchlist, Portfolio, Ranking, a trader's Profile, Copy trading, the notification centre, Settings, and the
 * sign-in form.
 *
 * One web-mode app against a real sync server (boards marked every second, one trade admits a trader) and a
 * mock exchange on 127.0.0.1, so nothing reaches the internet. Screens are opened by their addresses (#/market,
 * #/trader/<nickname>, …) and the language and theme are chosen in Settings, as a user would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page, TestInfo } from '@playwright/test';
import { MockExchange } from '../engine/tools/mock-exchange/mock-exchange';
import { exchangeEnv, expect, keepScreenshot, startWebMode, test } from './fixtures';
import { apiTrader, othersTrade, startTestSyncServer, type TestSyncServer } from './live-fixtures';

type Language = 'en' | 'ko';
type Theme = 'dark' | 'light';
const COMBOS: [Language, Theme][] = [
  ['en', 'dark'],
  ['en', 'light'],
  ['ko', 'dark'],
  ['ko', 'light'],
];
const NICKNAME = 'screens_e2e';

let server: TestSyncServer | undefined;
let mock: MockExchange | undefined;
let browser: Browser | undefined;
let page: Page;
let stopApp: () => Promise<void> = async () => {};

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ playwright, launchOptions }, testInfo) => {
  test.skip(testInfo.project.name !== 'web', 'the app is pointed at a test server and a mock exchange in web mode');
  test.setTimeout(120_000);
  server = await startTestSyncServer(['--mark-interval-ms', '1000', '--min-trades', '1', '--min-account-age-ms', '0']);
  mock = await MockExchange.start({ port: 0, seed: 7, stepsPerSec: 10 });
  const dir = mkdtempSync(join(tmpdir(), 'lpj-e2e-screens-'));
  const web = await startWebMode(dir, {
    LPJ_SYNC_URL: server.url,
    ...exchangeEnv(mock),
  });
  browser = await playwright.chromium.launch(launchOptions);
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(web.url);
  stopApp = async () => {
    await page.close();
    web.process.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  // Two traders outside the scene put themselves on the boards.
  await othersTrade(server.url, 10_000);
});

test.afterAll(async () => {
  await stopApp();
  await browser?.close();
  await mock?.close();
  await server?.stop();
});

/** Opens a screen by its address, as a link or the application menu does. */
async function open(hash: string): Promise<void> {
  await page.evaluate((h) => (location.hash = h), hash);
  await expect(page.locator('main.content')).toBeVisible();
}

/** Settings › Language and Theme, in whichever language the screen is in now. */
async function choose(language: Language, theme: Theme): Promise<void> {
  await open('#/settings');
  await page.getByRole('combobox', { name: /^(Language|언어)$/ }).selectOption(language);
  await page.getByRole('combobox', { name: /^(Theme|테마)$/ }).selectOption(theme);
  await expect(page.locator('html')).toHaveAttribute('lang', language);
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
}

async function shot(screen: string, language: Language, theme: Theme, testInfo: TestInfo): Promise<void> {
  // Nothing half-loaded in the picture: no spinner, no "Loading…" state.
  await expect(page.locator('.spinner')).toHaveCount(0, { timeout: 20_000 });
  await page.mouse.move(0, 0);
  await keepScreenshot(page, `screens-${screen}-${language}-${theme}`, testInfo);
}

/** The Market screen on one market: 'lpj' (offline practice), 'lpj-live' (live), or a real coin's id. */
async function openMarket(choice: string, kind: 'practice' | 'paper' | 'live', withBook = true): Promise<void> {
  await open('#/market');
  await page.locator('.market-select select').selectOption(choice);
  await expect(page.locator('.market')).toHaveAttribute('data-kind', kind);
  if (withBook) await expect(page.locator('.book-panel .book-row').first()).toBeVisible({ timeout: 30_000 });
}

for (const [language, theme] of COMBOS) {
  test(`sign-in form (${language}, ${theme})`, async ({}, testInfo) => {
    await choose(language, theme);
    await expect(page.locator('.live-status')).toHaveAttribute('data-connection', 'signed_out', { timeout: 15_000 });
    await page.locator('.signin-form').first().scrollIntoViewIfNeeded();
    await shot('signin', language, theme, testInfo);
  });
}

test('sign up', async () => {
  await choose('en', 'dark');
  await page.getByRole('textbox', { name: 'Nickname' }).fill(NICKNAME);
  await page.getByLabel('Password').fill(`${NICKNAME}-password`);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.locator('.live-status')).toHaveAttribute('data-connection', 'online', { timeout: 15_000 });
  // A bid and an offer of our own, so the live book has something to show.
  await openMarket('lpj-live', 'live', false);
  const form = page.getByRole('region', { name: 'Place order' });
  for (const [side, price] of [
    ['Buy', '9900'],
    ['Sell', '10100'],
  ] as const) {
    await form.getByRole('tab', { name: side }).click();
    await form.getByRole('textbox', { name: 'Price (KRW)' }).fill(price);
    await form.getByRole('textbox', { name: 'Amount (LPJ)' }).fill('1');
    await form.getByRole('button', { name: `${side} LPJ` }).click();
    await expect(form.getByRole('status')).toContainText(/Order #\d+ placed/);
  }
  // Someone takes half of our offer: a fill, its notification, and a place on the boards.
  const taker = await apiTrader(server!.url, 'taker_screens');
  await (await taker.limit('buy', 10_100, 50)).filled();
  taker.close();
  await expect(page.getByTestId('unread-count')).toHaveText('1', { timeout: 15_000 });
});

for (const [language, theme] of COMBOS) {
  test(`every screen (${language}, ${theme})`, async ({}, testInfo) => {
    test.setTimeout(180_000);
    await choose(language, theme);
    await shot('settings', language, theme, testInfo);

    await openMarket('lpj', 'practice');
    await expect(page.locator('.chart-host')).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
    await shot('market-practice', language, theme, testInfo);

    await openMarket('BTC-KRW', 'paper');
    await shot('market-paper', language, theme, testInfo);

    await openMarket('lpj-live', 'live');
    await shot('market-live', language, theme, testInfo);

    // The Watchlist: every market the app knows, the live one included since sign-up, priced.
    await open('#/markets');
    await expect(page.locator('table.markets-table td[data-col="price"]').filter({ hasText: /\d/ })).not.toHaveCount(
      0,
      {
        timeout: 20_000,
      },
    );
    await shot('watchlist', language, theme, testInfo);

    // Portfolio: every account valued together, the live one counted since sign-up.
    await open('#/portfolio');
    await expect(page.locator('table.portfolio-accounts tr[data-account="live"]')).toHaveAttribute('data-state', 'ok', {
      timeout: 20_000,
    });
    await shot('portfolio', language, theme, testInfo);

    await open('#/ranking');
    const leader = page.locator('table a').first();
    await expect(async () => {
      await page
        .locator('.ranking button')
        .filter({ hasText: /^(Refresh|새로고침)$/ })
        .click();
      await expect(leader).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    await shot('ranking', language, theme, testInfo);

    await leader.click();
    await expect(page).toHaveURL(/#\/trader\//);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await shot('profile', language, theme, testInfo);

    await open('#/copy');
    await shot('copy', language, theme, testInfo);

    // Orders & trades: the live orders placed at sign-up and their fill, beside the other places' lists.
    await open('#/history');
    await expect(page.locator('.history table tbody tr').first()).toBeVisible({ timeout: 20_000 });
    await shot('orders-trades', language, theme, testInfo);

    // The notification centre over it: the fill and the top-10 entries, in this language.
    await page.locator('.notif-bell').click();
    await expect(page.locator('.notif-item[data-kind="fill"]')).toBeVisible();
    await shot('notifications', language, theme, testInfo);
    await page.keyboard.press('Escape');
  });
}
