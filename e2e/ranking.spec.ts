/**
 * Ranking and copy trading end to end: a real sync server whose boards mark every second and admit an account
 * after one trade, and two players — each a web-mode app with its own data folder (one app host holds one
 * account). The leader opens a strategy and trades; the follower finds the leader on the ranking, opens the
 * profile and subscribes; the leader trades again and the follower sees the copied trade in Copy trading and
 * its notification in the notifications centre.
 */
import type { Browser, Page, TestInfo } from '@playwright/test';
import { expect, keepScreenshot, test } from './fixtures';
import {
  NO_SERVER,
  nav,
  openPlayer as startPlayer,
  othersOffer,
  othersTrade,
  placeLimit,
  signUp as signUpAt,
  startTestSyncServer,
  type Stoppable,
} from './live-fixtures';

const running: Stoppable[] = [];
let serverUrl = '';
let browser: Browser | undefined;

/**
 * The test server with the ranking and copy schedule shortened: a mark every second, one trade and no minimum
 * age to be on a board, stop-losses and settlements checked every 300 ms.
 */
const startRankingServer = () =>
  startTestSyncServer([
    '--mark-interval-ms',
    '1000',
    '--min-trades',
    '1',
    '--min-account-age-ms',
    '0',
    '--schedule-every-ms',
    '300',
  ]);

test.beforeAll(async ({ playwright, launchOptions }, testInfo) => {
  test.skip(testInfo.project.name !== 'web', 'two players need two app hosts: web mode starts one per process');
  const server = await startRankingServer();
  running.push(server);
  serverUrl = server.url;
  browser = await playwright.chromium.launch(launchOptions);
});

test.afterAll(async () => {
  for (const r of running.splice(0).reverse()) await r.stop();
  await browser?.close();
});

const openPlayer = () => startPlayer(browser!, running, { viewport: { width: 1440, height: 960 }, env: NO_SERVER });
const signUp = (page: Page, nickname: string) => signUpAt(page, serverUrl, nickname);

test('the follower finds a leader on the ranking, subscribes from the profile, and sees a copied trade and its notification', async ({}, testInfo: TestInfo) => {
  test.setTimeout(180_000);
  const leader = await openPlayer();
  const follower = await openPlayer();

  // With no server reachable the ranking says so and offers a retry.
  await nav(follower, 'Ranking');
  await expect(follower.getByRole('alert')).toContainText('The live market server cannot be reached');
  await expect(follower.getByRole('button', { name: 'Retry' })).toBeVisible();
  await keepScreenshot(follower, 'ranking-offline', testInfo);

  // Signed out, copy trading asks to sign in.
  await nav(follower, 'Copy trading');
  await expect(follower.getByText('Sign in to the live market to copy traders')).toBeVisible();
  await keepScreenshot(follower, 'ranking-copy-signed-out', testInfo);

  await signUp(leader, 'leader_e2e');
  await signUp(follower, 'follower_e2e');

  // The leader opens their trading for copying at a 10 % profit share.
  await nav(leader, 'Copy trading');
  const strategy = leader.getByRole('region', { name: 'My strategy' });
  await strategy.getByLabel('Description').fill('Trend following on LPJ, small positions.');
  await strategy.getByLabel('Profit share').fill('10');
  await strategy.getByRole('button', { name: 'Open for copying' }).click();
  await expect(strategy.getByRole('status')).toHaveText('Your strategy is open for copying');
  await expect(leader.getByRole('region', { name: 'Traders I copy' })).toContainText('You copy no one yet');
  await keepScreenshot(leader, 'ranking-copy-leader', testInfo);

  // One trade between them puts both on the boards (the test server wants one trade and no minimum age).
  await placeLimit(follower, 'Sell', '10000', '1');
  await placeLimit(leader, 'Buy', '10000', '1');

  // The follower finds the leader on the all-time board, by search, and sorts a column.
  await nav(follower, 'Ranking');
  const board = follower.getByRole('table', { name: 'Leaderboard' });
  await follower.getByRole('tab', { name: 'All' }).click();
  await expect(follower.getByRole('tab', { name: 'All' })).toHaveAttribute('aria-selected', 'true');
  // The board moves on at the next mark: Refresh until the leader is on it.
  await expect(async () => {
    await follower.getByRole('button', { name: 'Refresh' }).click();
    await expect(board.getByRole('link', { name: 'Open the profile of leader_e2e' })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await board.getByRole('button', { name: 'Sort by Trades' }).click();
  await expect(board.locator('th[aria-sort="descending"]')).toContainText('Trades');
  await follower.getByRole('searchbox', { name: 'Search nickname' }).fill('leader');
  await expect(board.locator('tbody tr')).toHaveCount(1);
  await keepScreenshot(follower, 'ranking-board', testInfo);
  await follower.getByRole('searchbox', { name: 'Search nickname' }).fill('nobody_by_that_name');
  await expect(follower.getByText('No trader on this board matches')).toBeVisible();
  await follower.getByRole('searchbox', { name: 'Search nickname' }).fill('leader');
  await board.getByRole('link', { name: 'Open the profile of leader_e2e' }).click();

  // The profile: its address is the deep link, figures per period, the strategy, the trade just made.
  await expect(follower).toHaveURL(/#\/trader\/leader_e2e$/);
  await expect(follower.getByRole('heading', { level: 1, name: 'leader_e2e' })).toBeVisible();
  await expect(follower.getByRole('table', { name: 'Figures by period' })).toBeVisible();
  await expect(follower.getByRole('region', { name: 'Strategy' })).toContainText('Trend following on LPJ');
  await expect(follower.getByRole('region', { name: 'Strategy' })).toContainText('10.00%');
  await expect(follower.getByRole('table', { name: 'Recent trades' }).locator('tbody tr')).toHaveCount(1);

  // Copies are priced against the market, which needs a trade the leader took no part in: two other traders
  // trade at the same price.
  await othersTrade(serverUrl, 10_000);

  // Subscribe: an allocation above the balance is refused before it is sent; 1,000,000 KRW is accepted.
  await follower.getByRole('button', { name: 'Subscribe' }).click();
  const dialog = follower.getByRole('dialog', { name: 'Copy leader_e2e' });
  await expect(dialog.getByText(/Available: [\d,]+ KRW/)).toBeVisible();
  await dialog.getByLabel('Allocation').fill('999999999');
  await dialog.getByLabel('Copy stop-loss').focus();
  await expect(dialog.getByText('More than your available balance')).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Start copying' })).toBeDisabled();
  await dialog.getByLabel('Allocation').fill('1000000');
  await dialog.getByLabel('Copy stop-loss').fill('20');
  await keepScreenshot(follower, 'ranking-subscribe', testInfo);
  await dialog.getByRole('button', { name: 'Start copying' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(follower.getByRole('status').filter({ hasText: 'You are now copying leader_e2e.' })).toBeVisible();
  await expect(follower.getByText('Copying', { exact: true })).toBeVisible();
  await keepScreenshot(follower, 'ranking-profile', testInfo);

  // Someone else offers LPJ; the leader buys 10 — and the copy buys its share from what is left. (A copy never
  // buys from the follower's own offer: e2e/copy-accounts.spec.ts.)
  await othersOffer(serverUrl, 'sell', 10_000, 2_000);
  await placeLimit(leader, 'Buy', '10000', '10');

  await nav(follower, 'Copy trading');
  const mine = follower.getByRole('region', { name: 'Traders I copy' });
  const row = mine.locator('tr[data-leader="leader_e2e"]');
  await expect(row).toContainText('Active');
  await expect(row).toContainText('1,000,000');
  await expect(row).toContainText(/\d+\.\d+ LPJ/, { timeout: 30_000 });
  const activity = follower.getByRole('region', { name: 'Copy activity' });
  await expect(activity.locator('li[data-kind="copy_executed"]')).toHaveCount(1, { timeout: 30_000 });
  await expect(activity.locator('li[data-kind="copy_executed"]')).toContainText(
    /Copied leader_e2e: bought \d+\.\d+ LPJ for [\d,]+ KRW/,
  );
  await keepScreenshot(follower, 'ranking-copy-follower', testInfo);

  // The same copy in the notifications centre.
  await expect(follower.getByTestId('unread-count')).toBeVisible();
  await follower.getByRole('button', { name: /^Notifications, \d+ unread$/ }).click();
  const centre = follower.getByRole('dialog', { name: 'Notifications' });
  await expect(centre.locator('.notif-item.unread').filter({ hasText: 'Copied leader_e2e' })).toHaveCount(1);
  await keepScreenshot(follower, 'ranking-notification', testInfo);
  await follower.keyboard.press('Escape');

  // Pausing and resuming the copy; stopping asks first.
  await row.getByRole('button', { name: 'Pause copying leader_e2e' }).click();
  await expect(row).toContainText('Paused');
  await row.getByRole('button', { name: 'Resume copying leader_e2e' }).click();
  await expect(row).toContainText('Active');
  await row.getByRole('button', { name: 'Add or take out funds of the copy of leader_e2e' }).click();
  const funds = follower.getByRole('dialog', { name: 'Funds of the copy of leader_e2e' });
  await funds.getByLabel('Amount').fill('100000');
  await funds.getByRole('button', { name: 'Add funds' }).click();
  await expect(funds).toHaveCount(0);
  await expect(row).toContainText('1,100,000');
  await row.getByRole('button', { name: 'Change the stop-loss of the copy of leader_e2e' }).click();
  const stopLoss = follower.getByRole('dialog', { name: 'Stop-loss of the copy of leader_e2e' });
  await expect(stopLoss.getByLabel('Copy stop-loss')).toHaveValue('20');
  await stopLoss.getByLabel('Copy stop-loss').fill('15');
  await stopLoss.getByRole('button', { name: 'Save stop-loss' }).click();
  await expect(stopLoss).toHaveCount(0);
  await expect(row).toContainText('15.00%');
  await row.getByRole('button', { name: 'Stop copying leader_e2e' }).click();
  await expect(follower.getByRole('dialog', { name: 'Stop copying leader_e2e?' })).toBeVisible();
  await follower.getByRole('button', { name: 'Go back' }).click();

  // The leader sees the follower.
  await nav(leader, 'Copy trading');
  await expect(leader.getByRole('table', { name: 'My followers' })).toContainText('follower_e2e', { timeout: 15_000 });
  await keepScreenshot(leader, 'ranking-copy-leader-followers', testInfo);

  // The board in Korean.
  await nav(follower, 'Settings');
  await follower.getByRole('combobox', { name: 'Language' }).selectOption('ko');
  await follower.getByRole('navigation').getByRole('link', { name: '랭킹' }).click();
  await expect(follower.getByRole('table', { name: '리더보드' })).toContainText('leader_e2e');
  await keepScreenshot(follower, 'ranking-board-ko', testInfo);

  // A playground777://trader link arrives as this hash: it opens the profile (here the leader's own).
  await leader.evaluate(() => (location.hash = '#/trader/leader_e2e'));
  await expect(leader.getByRole('heading', { level: 1, name: 'leader_e2e' })).toBeVisible();
  await expect(leader.getByText('This is you')).toBeVisible();
  await expect(
    leader.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Ranking' }),
  ).toHaveAttribute('aria-current', 'page');
});
