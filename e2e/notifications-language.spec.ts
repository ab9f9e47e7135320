/**
 * Notifications read in the user's language with the market's number format: the server sends a kind and its
 * figures, the app writes the words. Against a real sync server, a leader (in English) and a follower (in
 * Korean), each a web-mode app: a fill on the live market, a copy subscription of 2,000,000 KRW and a copied
 * buy reach the follower's notification centre and copy activity in Korean with grouped numbers; switched to
 * English, the same notifications read in English. A notification the server stored as finished English text
 * (as it did before) still shows its text.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Locator, Page } from '@playwright/test';
import { expect, keepScreenshot, test } from './fixtures';
import { apiTrader, othersTrade, useLivePlayers } from './live-fixtures';

const live = useLivePlayers({ width: 1440, height: 900 }, (server) => ({ LPJ_SYNC_URL: server.url }));
const openPlayer = () => live.openPlayer();

/** Opens a screen by its address, in whichever language the app is in. */
const open = (page: Page, hash: string) => page.evaluate((h) => (location.hash = h), hash);

async function chooseLanguage(page: Page, language: 'en' | 'ko'): Promise<void> {
  await open(page, '#/settings');
  await page.getByRole('combobox', { name: /^(Language|언어)$/ }).selectOption(language);
  await expect(page.locator('html')).toHaveAttribute('lang', language);
}

/** Settings › Account (in English): sign in, or create the account. */
async function account(page: Page, nickname: string, how: 'Sign in' | 'Create account'): Promise<void> {
  await open(page, '#/settings');
  await expect(page.locator('.live-status')).toHaveAttribute('data-connection', 'signed_out', { timeout: 15_000 });
  await page.getByRole('textbox', { name: 'Nickname' }).fill(nickname);
  await page.getByLabel('Password').fill(`${nickname}-password`);
  await page.getByRole('button', { name: how, exact: true }).click();
  await expect(page.locator('.live-status')).toHaveAttribute('data-connection', 'online', { timeout: 15_000 });
}

/** A limit order on the live market through the order form (in English). */
async function placeLimit(page: Page, side: 'Buy' | 'Sell', price: string, amount: string): Promise<void> {
  await open(page, '#/market');
  await page.locator('.market-select select').selectOption('lpj-live');
  await expect(page.locator('.market')).toHaveAttribute('data-kind', 'live');
  const form = page.getByRole('region', { name: 'Place order' });
  await form.getByRole('tab', { name: side }).click();
  await form.getByRole('textbox', { name: 'Price (KRW)' }).fill(price);
  await form.getByRole('textbox', { name: 'Amount (LPJ)' }).fill(amount);
  await form.getByRole('button', { name: `${side} LPJ` }).click();
  const confirm = page.getByRole('dialog', { name: 'Confirm a large order' });
  if (await confirm.isVisible().catch(() => false)) await confirm.getByRole('button', { name: 'Place order' }).click();
  await expect(form.getByRole('status')).toContainText(/Order #\d+ placed/);
}

/** The notification centre, opened from the bell (named in either language). */
async function openCentre(page: Page): Promise<Locator> {
  await page.locator('.notif-bell').click();
  const centre = page.locator('.notif-panel');
  await expect(centre).toBeVisible();
  return centre;
}

const item = (centre: Locator, kind: string) => centre.locator(`.notif-item[data-kind="${kind}"]`);
/** A whole number of four digits or more written without separators (times "15:20:21" have none). */
const RAW_NUMBER = /(?<![.\d,])\d{4,}/;

test('notifications read in Korean with grouped numbers, then in English, and a notice stored as text still reads', async ({}, testInfo) => {
  test.setTimeout(240_000);
  const leader = await openPlayer();
  const follower = await openPlayer();

  // The follower's account exists before the app signs in, with a notification stored as finished text, as the
  // server stored them before it sent data alone.
  const signedUp = await apiTrader(live.server.url, 'follower_n');
  signedUp.close();
  const db = new Database(join(live.server.dataDir, 'server.db'));
  db.pragma('busy_timeout = 5000');
  db.prepare('INSERT INTO notifications (account_id, ts, kind, title, body, data) VALUES (?, ?, ?, ?, ?, ?)').run(
    signedUp.accountId,
    Date.now() - 86_400_000,
    'fill',
    'Sold 3 LPJ',
    'LPJ-KRW at 9950 KRW',
    JSON.stringify({ market: 'LPJ-KRW', side: 'sell' }),
  );
  db.close();

  await account(leader, 'leader_n', 'Create account');
  await account(follower, 'follower_n', 'Sign in');

  // The leader opens their trading for copying.
  await open(leader, '#/copy');
  const strategy = leader.getByRole('region', { name: 'My strategy' });
  await strategy.getByLabel('Description').fill('Small positions on LPJ.');
  await strategy.getByRole('button', { name: 'Open for copying' }).click();
  await expect(strategy.getByRole('status')).toHaveText('Your strategy is open for copying');

  // A fill for each: the follower sells 1 LPJ to the leader at 10,000 KRW; two others set the market price.
  await placeLimit(follower, 'Sell', '10000', '1');
  await placeLimit(leader, 'Buy', '10000', '1');
  await othersTrade(live.server.url, 10_000);

  // The follower copies the leader with 2,000,000 KRW.
  await open(follower, '#/trader/leader_n');
  await follower.getByRole('button', { name: 'Subscribe' }).click();
  const dialog = follower.getByRole('dialog', { name: 'Copy leader_n' });
  await dialog.getByLabel('Allocation').fill('2000000');
  await dialog.getByRole('button', { name: 'Start copying' }).click();
  await expect(dialog).toHaveCount(0);

  // In Korean from here: the leader buys 10 LPJ from a third trader, and the copy buys its share.
  await chooseLanguage(follower, 'ko');
  const third = await apiTrader(live.server.url, 'third_n');
  await third.limit('sell', 10_000, 2_000);
  await placeLimit(leader, 'Buy', '10000', '10');

  const centre = await openCentre(follower);
  await expect(follower.getByRole('dialog', { name: '알림' })).toBeVisible();
  // The fill: quantity to the lot, price grouped, in Korean.
  await expect(item(centre, 'fill').first()).toContainText('1.00 LPJ 매도 체결');
  await expect(item(centre, 'fill').first()).toContainText('LPJ/KRW · 체결가 10,000 KRW, 수수료 5 KRW');
  // The allocation, grouped.
  await expect(item(centre, 'subscription_changed')).toContainText('leader_n 카피 시작');
  await expect(item(centre, 'subscription_changed')).toContainText('2,000,000 KRW 배정');
  // The copied buy: its amount grouped (it is thousands of won), in Korean.
  const copied = item(centre, 'copy_executed');
  await expect(copied).toHaveCount(1, { timeout: 30_000 });
  await expect(copied).toContainText(/leader_n 카피: \d+\.\d{2} LPJ 매수/);
  await expect(copied).toContainText(/체결 금액 \d{1,3}(,\d{3})+ KRW \(수수료 [\d,]+ KRW\)/);
  // The notice stored as English text shows its text.
  await expect(centre.getByText('Sold 3 LPJ')).toBeVisible();
  await expect(centre.getByText('LPJ-KRW at 9950 KRW')).toBeVisible();
  // Nothing else in raw units, and no English but the stored notice and the names.
  const text = (await centre.locator('.notif-item').allInnerTexts()).filter((t) => !t.includes('Sold 3 LPJ'));
  for (const t of text) {
    expect(t).not.toMatch(RAW_NUMBER);
    expect(t.replace(/leader_n|LPJ\/KRW|LPJ|KRW/g, '')).not.toMatch(/[A-Za-z]{3,}/);
  }
  await keepScreenshot(follower, 'notifications-ko', testInfo);
  await follower.keyboard.press('Escape');

  // Copy activity, in Korean too.
  await open(follower, '#/copy');
  const activity = follower.getByRole('region', { name: '카피 활동' });
  await expect(activity.locator('li[data-kind="copy_executed"]')).toContainText(/체결 금액 \d{1,3}(,\d{3})+ KRW/);
  await expect(activity.locator('li[data-kind="subscription_changed"]')).toContainText('2,000,000 KRW 배정');
  for (const t of await activity.locator('li').allInnerTexts()) expect(t).not.toMatch(RAW_NUMBER);
  await keepScreenshot(follower, 'notifications-copy-activity-ko', testInfo);

  // The same notifications in English: worded from their data, not stored text.
  await chooseLanguage(follower, 'en');
  const english = await openCentre(follower);
  await expect(item(english, 'subscription_changed')).toContainText('Copying leader_n');
  await expect(item(english, 'subscription_changed')).toContainText('2,000,000 KRW allocated');
  await expect(item(english, 'fill').first()).toContainText('Sold 1.00 LPJ');
  await expect(item(english, 'fill').first()).toContainText('LPJ/KRW at 10,000 KRW, fee 5 KRW');
  await expect(item(english, 'copy_executed')).toContainText(/Copied leader_n: bought \d+\.\d{2} LPJ/);
  await expect(item(english, 'copy_executed')).toContainText(/for \d{1,3}(,\d{3})+ KRW \(fee [\d,]+ KRW\)/);
  await keepScreenshot(follower, 'notifications-en', testInfo);

  // The leader hears of the follower, in English, with the amount grouped.
  const leaders = await openCentre(leader);
  await expect(item(leaders, 'new_follower')).toContainText('follower_n copies you with 2,000,000 KRW');
  await expect(item(leaders, 'fill_mirrored')).toContainText('Your buy on LPJ/KRW was copied');
  third.close();
});
