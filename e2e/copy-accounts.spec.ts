/**
 * A follower's copies on the Market screen, end to end: a real sync server and two players, each a web-mode app
 * with its own data folder. Subscribing moves the allocation into the copy's sub-account, which the live market's
 * Balances show under "Copy of <leader>" and count in the total, so the total does not drop. And a copy never
 * trades with the follower's own orders: copying the leader's buy it does not buy from the follower's resting
 * sell (the copy is cancelled, the follower's order stays); on "Stop copying" it does not sell into the
 * follower's bid (nor below it), and the LPJ it could not sell comes back to the follower.
 */
import type { Browser, Page, TestInfo } from '@playwright/test';
import { expect, keepScreenshot, test } from './fixtures';
import {
  GRANT,
  NO_SERVER,
  nav,
  openLive,
  openPlayer as startPlayer,
  othersOffer,
  othersTrade,
  placeLimit,
  signUp as signUpAt,
  startTestSyncServer,
  type Stoppable,
  type TestSyncServer,
} from './live-fixtures';

const running: Stoppable[] = [];
let server: TestSyncServer | undefined;
let browser: Browser | undefined;

test.beforeAll(async ({ playwright, launchOptions }, testInfo) => {
  test.skip(testInfo.project.name !== 'web', 'two players need two app hosts: web mode starts one per process');
  // Profiles are open to every account at once (one trade, no minimum age), as in the ranking spec.
  server = await startTestSyncServer(['--min-trades', '1', '--min-account-age-ms', '0']);
  browser = await playwright.chromium.launch(launchOptions);
});

test.afterAll(async () => {
  for (const r of running.splice(0).reverse()) await r.stop();
  await browser?.close();
  await server?.stop();
});

const openPlayer = () => startPlayer(browser!, running, { viewport: { width: 1600, height: 1000 }, env: NO_SERVER });
const signUp = (page: Page, nickname: string) => signUpAt(page, server!.url, nickname);
const balances = (page: Page) => page.getByRole('region', { name: 'Balances' });
const mine = (page: Page, asset: string, col: string) =>
  balances(page).locator(`tbody:not([data-copy]) [data-asset="${asset}"] [data-col="${col}"]`);
const copyGroup = (page: Page) => balances(page).locator('tbody[data-copy]');
const copyCell = (page: Page, asset: string, col: string) =>
  copyGroup(page).locator(`[data-copy-asset="${asset}"] [data-col="${col}"]`);
const total = (page: Page) => balances(page).locator('[data-col="total"]');

/** An LPJ amount as shown ("1,234.5"), in 1e-8 LPJ. */
function lpjUnits(text: string): bigint {
  const [whole, fraction = ''] = text.replace(/,/g, '').split('.');
  return BigInt(whole) * 100_000_000n + BigInt(fraction.padEnd(8, '0'));
}

/** The follower's open orders on the live market, as "side price quantity filled" rows of text. */
async function openOrders(page: Page): Promise<string[]> {
  await openLive(page);
  await page.getByRole('tab', { name: /^Open orders/ }).click();
  return page.locator('.account-panel tr[data-order-id]').allInnerTexts();
}

test('the copy is part of the follower’s money on the Market screen, and never trades with the follower’s own orders', async ({}, testInfo: TestInfo) => {
  test.setTimeout(240_000);
  const leader = await openPlayer();
  const follower = await openPlayer();
  await signUp(leader, 'copy_leader');
  await signUp(follower, 'copy_follower');

  await nav(leader, 'Copy trading');
  const strategy = leader.getByRole('region', { name: 'My strategy' });
  await strategy.getByLabel('Profit share').fill('10');
  await strategy.getByRole('button', { name: 'Open for copying' }).click();
  await expect(strategy.getByRole('status')).toHaveText('Your strategy is open for copying');

  // Two others price LPJ at 10,000 KRW: the follower's grant is worth 10,000,000 + 100 × 10,000.
  await othersTrade(server!.url, 10_000);
  await openLive(follower);
  await expect(total(follower)).toHaveText('11,000,000');
  await expect(copyGroup(follower)).toHaveCount(0);

  // Subscribe with 2,000,000 KRW from the leader's profile.
  await follower.evaluate(() => (location.hash = '#/trader/copy_leader'));
  await follower.getByRole('button', { name: 'Subscribe' }).click();
  const dialog = follower.getByRole('dialog', { name: 'Copy copy_leader' });
  await dialog.getByLabel('Allocation').fill('2000000');
  await dialog.getByRole('button', { name: 'Start copying' }).click();
  await expect(dialog).toHaveCount(0);

  // The allocation left the follower's KRW and shows as the copy's: the total is what it was.
  await openLive(follower);
  await expect(copyGroup(follower).locator('th[scope="rowgroup"]')).toHaveText('Copy of copy_leader');
  await expect(copyCell(follower, 'KRW', 'available')).toHaveText('2,000,000');
  await expect(mine(follower, 'KRW', 'available')).toHaveText((GRANT.KRW - 2_000_000).toLocaleString('en-US'));
  await expect(total(follower)).toHaveText('11,000,000');
  await keepScreenshot(follower, 'copy-accounts-balances', testInfo);

  // The follower offers 20 LPJ at 10,050; the leader takes 10 of them, and the copy of that buy meets the other
  // 10 first: it is cancelled rather than buy from its own follower.
  await placeLimit(follower, 'Sell', '10050', '20');
  await placeLimit(leader, 'Buy', '10050', '10');
  await nav(follower, 'Copy trading');
  const activity = follower.getByRole('region', { name: 'Copy activity' });
  await expect(activity.locator('li[data-kind="copy_skipped"]')).toHaveCount(1, { timeout: 30_000 });
  await expect(activity.locator('li[data-kind="copy_executed"]')).toHaveCount(0);
  const [offer] = await openOrders(follower);
  expect(offer).toMatch(/10,050[\s\S]*20\.00[\s\S]*10\.00/);
  await expect(copyCell(follower, 'KRW', 'available')).toHaveText('2,000,000');
  await expect(copyCell(follower, 'LPJ', 'available')).toHaveText('0.00');

  // Someone else's offer: now the copy buys its share of the leader's next buy.
  await follower.getByRole('button', { name: 'Cancel all' }).click();
  await expect(follower.locator('.account-panel tr[data-order-id]')).toHaveCount(0);
  await othersOffer(server!.url, 'sell', 10_050, 2_000);
  await placeLimit(leader, 'Buy', '10050', '10');
  await openLive(follower);
  await expect(copyCell(follower, 'LPJ', 'available')).toHaveText(/^[1-9]\.\d+$/, { timeout: 30_000 });
  const copied = lpjUnits((await copyCell(follower, 'LPJ', 'available').textContent())!);
  const lpjBefore = lpjUnits((await mine(follower, 'LPJ', 'available').textContent())!);

  // The follower bids for 5 LPJ at 9,990, above someone else's bid at 9,950. Stopping the copy sells its LPJ at
  // market: into neither bid — the follower's is next, so the sale stops there — and the LPJ comes back.
  await othersOffer(server!.url, 'buy', 9_950, 1_000);
  await placeLimit(follower, 'Buy', '9990', '5');
  await nav(follower, 'Copy trading');
  await follower.getByRole('button', { name: 'Stop copying copy_leader' }).click();
  await follower
    .getByRole('dialog', { name: 'Stop copying copy_leader?' })
    .getByRole('button', { name: 'Stop copying' })
    .click();
  await expect(follower.locator('tr[data-leader="copy_leader"]')).toContainText('Ended', { timeout: 30_000 });

  await openLive(follower);
  await expect(copyGroup(follower)).toHaveCount(0);
  await expect
    .poll(async () => lpjUnits((await mine(follower, 'LPJ', 'available').textContent())!))
    .toBe(lpjBefore + copied);
  const [bid] = await openOrders(follower);
  expect(bid).toMatch(/9,990[\s\S]*5\.00[\s\S]*0\.00/);
  // The follower's only fill is the sale to the leader: nothing between the follower and the copy.
  await follower.getByRole('tab', { name: 'My fills' }).click();
  await expect(follower.getByRole('region', { name: 'My fills' }).locator('tbody tr')).toHaveCount(1);
  await keepScreenshot(follower, 'copy-accounts-after-stop', testInfo);
});
