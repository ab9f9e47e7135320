/**
 * The market being traded on is unmistakable: the window's header names it, each kind of market (offline
 * practice, the live market shared with every player, paper trading) has its own colour, and the order button
 * says where the order goes. After a reload the app reopens the market the user last had, so an order meant
 * for the live market cannot land in the practice market; a stored choice that names no market opens the
 * practice market. The live market here is a real sync server (market data without signing in).
 */
import { wcagContrast } from 'culori';
import type { Page } from '@playwright/test';
import { expect, keepScreenshot, test } from './fixtures';
import { startTestSyncServer, type TestSyncServer } from './live-fixtures';

let server: TestSyncServer | undefined;
test.beforeAll(async () => {
  server = await startTestSyncServer();
});
test.afterAll(async () => {
  await server?.stop();
});
test.use({
  appEnv: async ({}, use) => {
    await use({ LPJ_SYNC_URL: server!.url });
  },
});

/** Where the app keeps the last market (the renderer's market-choice store). */
const MARKET_CHOICE_KEY = 'lpj.market';

const selector = (app: Page) => app.getByRole('combobox', { name: 'Market', exact: true });
const header = (app: Page) => app.getByRole('note', { name: 'Market you are trading on' });
const form = (app: Page) => app.getByRole('region', { name: 'Place order' });
const submit = (app: Page) => form(app).locator('button[type="submit"]');
const kindColour = (app: Page) =>
  app.locator('section.market .ticker').evaluate((el) => getComputedStyle(el).borderLeftColor);

async function openMarket(app: Page, project: string): Promise<void> {
  if (project === 'web') await app.setViewportSize({ width: 1600, height: 1000 });
  await app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Market' }).click();
  await expect(app.getByRole('heading', { level: 1, name: 'Market' })).toBeAttached();
}

test('each kind of market names itself in the header, in its colour and on the order button; a reload reopens the last one', async ({
  app,
}, testInfo) => {
  test.setTimeout(90_000);
  await openMarket(app, testInfo.project.name);

  // The offline practice market.
  await expect(header(app)).toHaveAttribute('data-kind', 'practice');
  await expect(header(app)).toContainText('Offline practice market');
  await expect(header(app)).toContainText('LPJ/KRW');
  await expect(submit(app)).toHaveText('Buy LPJ in offline practice');
  await form(app).getByRole('tab', { name: 'Sell' }).click();
  await expect(submit(app)).toHaveText('Sell LPJ in offline practice');
  await expect(app.getByRole('region', { name: 'Balances' })).toContainText('Offline practice account');
  const practiceColour = await kindColour(app);
  await keepScreenshot(app, 'identity-practice', testInfo);

  // The live market: another header, another colour, another button, and the same pair.
  await selector(app).selectOption({ label: 'LPJ · live' });
  await expect(header(app)).toHaveAttribute('data-kind', 'live');
  await expect(header(app)).toContainText('Live market');
  await expect(header(app)).toContainText('shared with every player');
  await expect(app.locator('section.market')).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
  await form(app).getByRole('tab', { name: 'Sell' }).click();
  await expect(submit(app)).toHaveText('Sell LPJ on the live market');
  // Watching needs no account; trading does, and the button says why it is off.
  await expect(submit(app)).toBeDisabled();
  await expect(form(app).getByRole('note')).toHaveText('Sign in to trade on the live market.');
  await expect(app.getByRole('region', { name: 'Balances' })).toContainText('Your account on the live market server');
  const liveColour = await kindColour(app);
  expect(liveColour).not.toBe(practiceColour);
  await keepScreenshot(app, 'identity-live', testInfo);

  // A reload reopens the live market, not the practice market.
  await app.reload();
  await expect(selector(app)).toHaveValue('lpj-live');
  await expect(header(app)).toHaveAttribute('data-kind', 'live');
  await expect(app.locator('section.market')).toHaveAttribute('data-kind', 'live');
  await expect(submit(app)).toHaveText(/on the live market$/, { timeout: 20_000 });

  // Paper trading on a real coin: a third colour and its own words.
  await expect(selector(app).locator('option[value="BTC-KRW"]')).toBeAttached();
  await selector(app).selectOption('BTC-KRW');
  await expect(header(app)).toHaveAttribute('data-kind', 'paper');
  await expect(header(app)).toContainText('Paper trading');
  await expect(header(app)).toContainText('BTC/KRW');
  await expect(submit(app)).toHaveText('Buy BTC (paper trading)');
  const paperColour = await kindColour(app);
  expect([practiceColour, liveColour]).not.toContain(paperColour);
  await app.reload();
  await expect(selector(app)).toHaveValue('BTC-KRW');
  await expect(header(app)).toHaveAttribute('data-kind', 'paper');

  // In Korean too, the button names the market.
  await selector(app).selectOption({ label: 'LPJ · live' });
  await app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Settings' }).click();
  await app.getByRole('combobox', { name: 'Language' }).selectOption('ko');
  await app.getByRole('navigation', { name: '주 메뉴' }).getByRole('link', { name: '거래소' }).click();
  await expect(app.getByRole('note', { name: '거래 중인 마켓' })).toContainText('실전 마켓');
  await expect(app.getByRole('region', { name: '주문', exact: true }).locator('button[type="submit"]')).toHaveText(
    '실전 마켓에서 LPJ 매수',
    { timeout: 20_000 },
  );
  await keepScreenshot(app, 'identity-live-ko', testInfo);
});

test('a stored choice that names no market opens the practice market', async ({ app }, testInfo) => {
  await openMarket(app, testInfo.project.name);
  for (const stored of [
    '{"state":{"choice":"../../etc/passwd"},"version":0}',
    '{"state":{"choice":{"toString":1}},"version":0}',
    'not json at all',
  ]) {
    await app.evaluate(([key, value]) => localStorage.setItem(key, value), [MARKET_CHOICE_KEY, stored] as const);
    await app.reload();
    await expect(selector(app)).toHaveValue('lpj');
    await expect(header(app)).toHaveAttribute('data-kind', 'practice');
    // The practice market works as usual.
    await expect(submit(app)).toBeEnabled({ timeout: 20_000 });
  }
});

test('in both themes each kind keeps its own colour and its name stays readable on it', async ({ app }, testInfo) => {
  test.setTimeout(90_000);
  await openMarket(app, testInfo.project.name);
  for (const theme of ['dark', 'light'] as const) {
    await app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Settings' }).click();
    await app.getByRole('combobox', { name: 'Theme' }).selectOption(theme);
    await app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Market' }).click();
    const colours = new Set<string>();
    const kinds: [{ label: string } | string, string][] = [
      [{ label: 'LPJ/KRW · offline practice' }, 'practice'],
      [{ label: 'LPJ · live' }, 'live'],
      ['BTC-KRW', 'paper'],
    ];
    for (const [choice, name] of kinds) {
      if (typeof choice === 'string') await expect(selector(app).locator(`option[value="${choice}"]`)).toBeAttached();
      await selector(app).selectOption(choice);
      const kind = app.locator('section.market .badge.kind');
      await expect(kind).toHaveAttribute('data-kind', name);
      const [fg, bg] = await kind.evaluate((el) => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor]);
      expect(wcagContrast(fg, bg)).toBeGreaterThanOrEqual(4.5);
      colours.add(bg);
      await keepScreenshot(app, `identity-${theme}-${name}`, testInfo);
    }
    expect(colours.size).toBe(3);
  }
});
