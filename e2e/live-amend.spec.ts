/**
 * Amending an order on the live LPJ market, through the UI: a real sync server and one player, whose limit
 * order is moved to a new price and amount from Open orders (the host sends the server's order.amend); the
 * book every player sees and my Open orders agree on it, and the server's refusal comes back with its reason.
 */
import type { Page } from '@playwright/test';
import { expect, keepScreenshot, test } from './fixtures';
import { placeLimit, signUp, useLivePlayers } from './live-fixtures';

const live = useLivePlayers({ width: 1600, height: 1000 });

const book = (page: Page) => page.getByRole('region', { name: 'Order book' });
const openOrders = (page: Page) => page.getByRole('region', { name: 'Open orders' });

test('a live limit order amended from Open orders: the server moves it, and refuses what it cannot hold', async ({}, testInfo) => {
  test.setTimeout(90_000);
  const player = await live.openPlayer();
  await signUp(player, live.server.url, 'amender');
  await placeLimit(player, 'Buy', '9000', '1');
  const row = openOrders(player).locator('tbody tr[data-order-id]');
  await expect(row).toHaveCount(1);
  const id = await row.getAttribute('data-order-id');

  await openOrders(player)
    .getByRole('button', { name: `Amend order #${id}` })
    .click();
  const amend = openOrders(player).getByRole('form', { name: `Amend order #${id}` });
  await amend.getByRole('textbox', { name: 'Amount (LPJ)' }).fill('100000');
  await amend.getByRole('button', { name: 'Save' }).click();
  await expect(amend.getByRole('alert')).toHaveText(
    'Not enough available balance for this order (the fee is held too)',
  );

  await amend.getByRole('textbox', { name: 'Price (KRW)' }).fill('8900');
  await amend.getByRole('textbox', { name: 'Amount (LPJ)' }).fill('2');
  await amend.getByRole('button', { name: 'Save' }).click();
  await expect(openOrders(player).getByRole('status')).toHaveText(`Order #${id} amended`);
  await expect(row.locator('td').nth(3)).toHaveText('8,900');
  await expect(row.locator('td').nth(5)).toHaveText('2.00');
  const mine = book(player)
    .getByRole('group', { name: 'Bids' })
    .getByRole('option', { name: /includes my order$/ });
  await expect(mine).toHaveAttribute('data-price', '8900');
  await keepScreenshot(player, 'live-amend', testInfo);
});
