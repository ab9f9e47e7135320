/**
 * A trailing stop on the live LPJ market (web mode, a real sync server): a player places a trailing sell 1,000 KRW
 * under the market through the order form; traders outside the scene trade the price up, and the player's Open
 * orders and the order's line on the chart follow the trigger up with it (a lower price leaves it where it is);
 * then the price comes back to the trigger, the stop sells into the bid below, and Orders & trades lists it
 * filled at the trigger it fired at.
 */
import type { Browser, Page } from '@playwright/test';
import { expect, keepScreenshot, test } from './fixtures';
import {
  nav,
  openLive,
  openPlayer,
  orderForm as form,
  othersOffer,
  othersTrade,
  signUp,
  startTestSyncServer,
  type Stoppable,
  type TestSyncServer,
} from './live-fixtures';

const players: Stoppable[] = [];
let server: TestSyncServer | undefined;
let browser: Browser | undefined;

test.beforeAll(async ({ playwright, launchOptions }, testInfo) => {
  test.skip(testInfo.project.name !== 'web', 'the sync server and the player each run as their own process');
  server = await startTestSyncServer();
  browser = await playwright.chromium.launch(launchOptions);
});

test.afterAll(async () => {
  for (const p of players.splice(0)) await p.stop();
  await browser?.close();
  await server?.stop();
});

const openOrders = (page: Page) => page.getByRole('region', { name: 'Open orders' });
const tape = (page: Page) => page.getByRole('region', { name: 'Recent trades' });

test('a trailing stop on the live market follows the price in Open orders and on the chart, then triggers', async ({}, testInfo) => {
  test.setTimeout(180_000);
  const page = await openPlayer(browser!, players, { viewport: { width: 1600, height: 1000 } });
  await signUp(page, server!.url, 'trailer_e2e');
  // The market's price: two traders outside the scene trade at 100,000 KRW.
  await othersTrade(server!.url, 100_000, 10);
  await openLive(page);
  await expect(tape(page).locator('tbody tr').first()).toContainText('100,000');
  await page.getByRole('tab', { name: /Open orders/ }).click();

  // A trailing sell of 0.05 LPJ, 1,000 KRW under the last price.
  await form(page).getByRole('tab', { name: 'Sell', exact: true }).click();
  await form(page).getByRole('tab', { name: 'Trailing stop', exact: true }).click();
  await form(page).getByRole('radio', { name: 'KRW' }).click();
  await form(page).getByRole('textbox', { name: 'Trailing distance', exact: true }).fill('1000');
  await form(page).getByRole('textbox', { name: 'Amount (LPJ)', exact: true }).fill('0.05');
  await form(page).getByRole('button', { name: 'Sell LPJ' }).click();
  const status = form(page).getByRole('status');
  await expect(status).toContainText(/Order #\d+ placed/);
  const id = /#(\d+)/.exec((await status.textContent()) ?? '')![1];

  const row = openOrders(page).locator(`tr[data-order-id="${id}"]`);
  const trigger = row.locator('td').nth(4);
  // The order's line on the chart, by its cancel control, which carries the price the line is drawn at.
  const line = page.locator(`.chart-order-cancel[data-order-id="${id}"]`);
  await expect(row).toContainText('trails 1,000');
  await expect(row.locator('[data-status]')).toHaveAttribute('data-status', 'waiting');
  await expect(trigger).toHaveText('99,000');
  await expect(line).toHaveAttribute('data-price', '99000');

  // The price rises: the trigger follows it on screen, 1,000 KRW under each new high.
  await othersTrade(server!.url, 101_000, 10);
  await expect(trigger).toHaveText('100,000');
  await expect(line).toHaveAttribute('data-price', '100000');
  await othersTrade(server!.url, 102_500, 10);
  await expect(trigger).toHaveText('101,500');
  await expect(line).toHaveAttribute('data-price', '101500');
  await keepScreenshot(page, 'trailing-live-follows', testInfo);

  // A lower price moves nothing: the trade is on the tape, the trigger where it was.
  await othersTrade(server!.url, 102_000, 10);
  await expect(tape(page).locator('tbody tr').first()).toContainText('102,000');
  await expect(trigger).toHaveText('101,500');
  await expect(line).toHaveAttribute('data-price', '101500');

  // Someone bids 101,000; the price comes back to the trigger: the stop sells into that bid.
  await othersOffer(server!.url, 'buy', 101_000, 5);
  await othersTrade(server!.url, 101_500, 10);
  await expect(row).toHaveCount(0);
  await expect(line).toHaveCount(0);
  await page.getByRole('tab', { name: /My fills/ }).click();
  const fill = page.getByRole('region', { name: 'My fills' }).locator('tbody tr').first();
  await expect(fill).toContainText('101,000');
  await expect(fill).toContainText('0.05');
  await keepScreenshot(page, 'trailing-live-triggered', testInfo);

  // Orders & trades: the order, filled, with the trigger it fired at.
  await nav(page, 'Orders & trades');
  const listed = page.getByRole('table', { name: 'Orders' }).locator(`tr[data-venue="live"][data-order-id="${id}"]`);
  await expect(listed.locator('[data-status]')).toHaveAttribute('data-status', 'filled');
  await expect(listed.locator('td').nth(6)).toHaveText('101,500');
});
