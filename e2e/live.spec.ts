/**
 * The live LPJ market end to end: a real sync server, and two players — each a web-mode app with its own data
 * folder (one app host holds one account) in its own browser page. Both point the app at the server in
 * Settings and sign up; one sells LPJ with a limit order, the other buys it; both books, tapes and balances
 * agree, and each player finds the fill in the notifications centre. Then one signs out, and the other deletes
 * the account (its password asked for). It runs twice: against one server, and against a cluster of one core and
 * two gateways with the two players on different gateways.
 */
import type { Page, TestInfo } from '@playwright/test';
import { expect, keepScreenshot, test } from './fixtures';
import {
  nav,
  openLive,
  orderForm as form,
  signUp as signUpAt,
  useLivePlayers,
  type ServerKind,
  type TestSyncServer,
} from './live-fixtures';

const book = (page: Page) => page.getByRole('region', { name: 'Order book' });
const tape = (page: Page) => page.getByRole('region', { name: 'Recent trades' });
const balanceCell = (page: Page, asset: string, col: 'available' | 'held') =>
  page.getByRole('region', { name: 'Balances' }).locator(`[data-asset="${asset}"] [data-col="${col}"]`);

/** Settings › Server: a malformed address is refused; then the given server's address and a new account. */
async function signUp(
  page: Page,
  serverUrl: string,
  nickname: string,
  shot: (page: Page, name: string) => Promise<void>,
): Promise<void> {
  await nav(page, 'Settings');
  const url = page.getByRole('textbox', { name: 'Server address' });
  await expect(url).toHaveValue(/^http:\/\//);
  // A malformed address is refused before it is sent.
  await url.fill('not a server');
  await expect(page.getByText('Enter an address such as http://127.0.0.1:7780').first()).toBeVisible();
  await signUpAt(page, serverUrl, nickname);
  await expect(page.getByTestId('signed-in-as')).toHaveText(`Signed in as ${nickname}`);
  await shot(page, `live-settings-${nickname}`);
}

async function openLiveMarket(page: Page): Promise<void> {
  await openLive(page);
  await expect(balanceCell(page, 'KRW', 'available')).toHaveText('10,000,000');
}

for (const kind of ['single', 'cluster'] as const satisfies readonly ServerKind[])
  test.describe(kind === 'single' ? 'one server' : 'a core and two gateways', () => {
    const live = useLivePlayers({ width: 1600, height: 1000 }, undefined, kind);
    test('two players trade LPJ on the live market and both see the same book, tape, balances and their fill notifications', async ({}, testInfo) => {
      await tradeAndLeave(kind, live.server, testInfo, () => live.openPlayer());
    });
  });

async function tradeAndLeave(
  kind: ServerKind,
  server: TestSyncServer,
  testInfo: TestInfo,
  openPlayer: () => Promise<Page>,
) {
  // The cluster's screenshots beside the single server's, not over them.
  const shot = (page: Page, name: string) =>
    keepScreenshot(page, kind === 'single' ? name : `cluster-${name}`, testInfo);
  test.setTimeout(120_000);
  const seller = await openPlayer();
  const buyer = await openPlayer();
  // On a cluster, each on its own gateway.
  const [sellerUrl, buyerUrl] = [server.urls[0], server.urls[1 % server.urls.length]];

  // Before the app is pointed at the server, the live view says it cannot reach one (and keeps trying).
  await nav(seller, 'Market');
  await seller.getByRole('combobox', { name: 'Market' }).selectOption({ label: 'LPJ · live' });
  await expect(seller.getByRole('region', { name: 'LPJ · live' })).toBeVisible();
  await shot(seller, 'live-signed-out');

  await signUp(seller, sellerUrl, 'seller_e2e', shot);
  await signUp(buyer, buyerUrl, 'buyer_e2e', shot);
  await openLiveMarket(seller);
  await openLiveMarket(buyer);
  await expect(balanceCell(seller, 'LPJ', 'available')).toHaveText('100.00');

  // The seller offers 1 LPJ at 10,000 KRW.
  await form(seller).getByRole('tab', { name: 'Sell' }).click();
  await form(seller).getByRole('textbox', { name: 'Price (KRW)' }).fill('10000');
  await form(seller).getByRole('textbox', { name: 'Amount (LPJ)' }).fill('1');
  await form(seller).getByRole('button', { name: 'Sell LPJ' }).click();
  await expect(form(seller).getByRole('status')).toContainText(/Order #\d+ placed/);
  await expect(balanceCell(seller, 'LPJ', 'held')).toHaveText('1.00');

  // The buyer sees it in the book and takes it.
  const ask = book(buyer).getByRole('group', { name: 'Asks' }).locator('[data-price="10000"]');
  await expect(ask).toBeVisible();
  await expect(book(seller).getByRole('group', { name: 'Asks' }).locator('[data-price="10000"]')).toHaveAttribute(
    'data-mine',
    'true',
  );
  await ask.click();
  await expect(form(buyer).getByRole('textbox', { name: 'Price (KRW)' })).toHaveValue('10,000');
  await form(buyer).getByRole('textbox', { name: 'Amount (LPJ)' }).fill('1');
  await form(buyer).getByRole('button', { name: 'Buy LPJ' }).click();
  await expect(form(buyer).getByRole('status')).toContainText(/Order #\d+ placed/);

  // Both tapes show the one trade; both books lost the ask; balances moved by the trade and the fees
  // (maker 5 bps for the seller, taker 10 bps for the buyer, of 10,000 KRW).
  for (const page of [seller, buyer]) {
    const rows = tape(page).locator('tbody tr');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('10,000');
    await expect(rows.first()).toContainText('1.00');
    await expect(book(page).getByRole('group', { name: 'Asks' }).locator('[data-price="10000"]')).toHaveCount(0);
  }
  await expect(balanceCell(seller, 'KRW', 'available')).toHaveText('10,009,995');
  await expect(balanceCell(seller, 'LPJ', 'available')).toHaveText('99.00');
  await expect(balanceCell(seller, 'LPJ', 'held')).toHaveText('0.00');
  await expect(balanceCell(buyer, 'KRW', 'available')).toHaveText('9,989,990');
  await expect(balanceCell(buyer, 'LPJ', 'available')).toHaveText('101.00');
  await shot(seller, 'live-market-seller');
  await shot(buyer, 'live-market-buyer');

  // Each player's bell counts the fill; the centre lists it; marking it read clears the count.
  for (const [page, title, name] of [
    [seller, 'Sold 1.00 LPJ', 'seller'],
    [buyer, 'Bought 1.00 LPJ', 'buyer'],
  ] as const) {
    await expect(page.getByTestId('unread-count')).toHaveText('1', { timeout: 15_000 });
    await page.getByRole('button', { name: 'Notifications, 1 unread' }).click();
    const centre = page.getByRole('dialog', { name: 'Notifications' });
    await expect(centre.locator('.notif-item.unread')).toHaveCount(1);
    await expect(centre).toContainText(title);
    await expect(centre).toContainText('LPJ/KRW at 10,000 KRW');
    await shot(page, `live-notifications-${name}`);
    await centre.getByRole('button', { name: 'Mark all read' }).click();
    await expect(centre.locator('.notif-item.unread')).toHaveCount(0);
    await expect(page.getByTestId('unread-count')).toHaveCount(0);
    await page.keyboard.press('Escape');
    await expect(centre).toHaveCount(0);
  }

  // Signing out from Settings: the live view asks to sign in again.
  await nav(buyer, 'Settings');
  await buyer.getByRole('button', { name: 'Sign out' }).click();
  await expect(buyer.getByRole('button', { name: 'Create account' })).toBeVisible();
  await nav(buyer, 'Market');
  await expect(buyer.getByRole('region', { name: 'LPJ · live' })).toBeVisible();
  await expect(buyer.locator('.live-status')).toHaveAttribute('data-connection', 'signed_out');

  // Deleting an account from Settings asks for its password: a wrong one is refused and changes nothing.
  await nav(seller, 'Settings');
  await seller.getByRole('button', { name: 'Delete account…' }).click();
  const deletion = seller.getByRole('form', { name: 'Delete account…' });
  await deletion.getByLabel('Your password, to confirm').fill('not-the-password');
  await deletion.getByRole('button', { name: 'Delete for good' }).click();
  await expect(deletion.getByRole('alert')).toHaveText('Could not delete the account: Wrong password');
  await expect(seller.getByTestId('signed-in-as')).toHaveText('Signed in as seller_e2e');
  await shot(seller, 'live-delete-account');
  await deletion.getByLabel('Your password, to confirm').fill('seller_e2e-password');
  await deletion.getByRole('button', { name: 'Delete for good' }).click();
  await expect(seller.getByRole('button', { name: 'Create account' })).toBeVisible();
  await expect(seller.locator('.live-status')).toHaveAttribute('data-connection', 'signed_out', { timeout: 15_000 });
}
