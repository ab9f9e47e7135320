/**
 * My order history, end to end, on all three venues at once: the offline practice market, paper trading on the
 * mock exchange's BTC-KRW (started here on a free port) and the live market on a real sync server. Open orders
 * say their status (open, partly filled), paper trading has its fills tab, and Orders & trades lists every
 * order and trade with its market, filters them, says when a venue cannot be listed, and reads in Korean.
 */
import type { Page } from '@playwright/test';
import { MockExchange } from '../engine/tools/mock-exchange/mock-exchange';
import { exchangeEnv, expect, keepScreenshot, test } from './fixtures';
import { outsideOrder, startTestSyncServer, type TestSyncServer } from './live-fixtures';

const nav = (app: Page, name: string) =>
  app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name }).click();
const form = (app: Page) => app.getByRole('region', { name: 'Place order' });
const openOrders = (app: Page) => app.getByRole('region', { name: 'Open orders' });
const market = (app: Page) => app.getByRole('combobox', { name: 'Market', exact: true });

/** Places a limit order through the form; `far`: its price is far from the market, so the form asks first. */
async function placeLimit(
  app: Page,
  side: 'Buy' | 'Sell',
  base: string,
  price: string,
  amount: string,
  { far = false } = {},
) {
  await form(app).getByRole('tab', { name: side, exact: true }).click();
  await form(app).getByRole('tab', { name: 'Limit', exact: true }).click();
  await form(app)
    .getByRole('textbox', { name: /^Price/ })
    .fill(price);
  await form(app)
    .getByRole('textbox', { name: `Amount (${base})` })
    .fill(amount);
  await form(app)
    .getByRole('button', { name: new RegExp(`^${side} ${base}`) })
    .click();
  if (far) {
    const question = app.getByRole('dialog', { name: 'Price far from the market' });
    await expect(question).toContainText('(more than 10% away)');
    await question.getByRole('button', { name: 'Place order' }).click();
  }
  await expect(form(app).getByRole('status')).toContainText(/Order #\d+ placed/);
}

test.describe('orders and trades', () => {
  test.setTimeout(180_000);
  let mock: MockExchange;
  let server: TestSyncServer;
  test.beforeEach(async () => {
    mock = await MockExchange.start({ port: 0, seed: 5, stepsPerSec: 10 });
    server = await startTestSyncServer();
  });
  test.afterEach(async () => {
    await mock?.close();
    await server?.stop();
  });
  test.use({
    appEnv: async ({}, use) => {
      await use({
        ...exchangeEnv(mock),
        LPJ_SYNC_URL: server.url,
      });
    },
  });

  test('status of open orders, the paper fills tab, and one list of every order and trade', async ({
    app,
  }, testInfo) => {
    await app.setViewportSize({ width: 1600, height: 1000 });

    // Before any order: the list says there are none, and that the live market needs a sign-in.
    await nav(app, 'Orders & trades');
    await expect(app.getByRole('heading', { level: 1, name: 'Orders & trades' })).toBeVisible();
    await expect(app.getByText('No orders yet')).toBeVisible();
    await expect(app.locator('.history-notes [data-venue="live"]')).toHaveText(
      /Live market: sign in to list your orders and trades there/,
    );
    await keepScreenshot(app, 'orders-trades-empty', testInfo);

    // The practice market: a bid far below the market (asked about first) rests, and says so.
    await nav(app, 'Market');
    await expect(market(app)).toHaveValue('lpj');
    await placeLimit(app, 'Buy', 'LPJ', '5000', '1', { far: true });
    await expect(openOrders(app).locator('tbody tr').first().locator('[data-status]')).toHaveText('open');

    // The live market: I offer 1 LPJ; someone else takes 0.40 of it, and my order says it is partly filled.
    await nav(app, 'Settings');
    await expect(app.locator('.live-status')).toHaveAttribute('data-connection', 'signed_out', { timeout: 15_000 });
    await app.getByRole('textbox', { name: 'Nickname' }).fill('history_e2e');
    await app.getByLabel('Password').fill('history_e2e-password');
    await app.getByRole('button', { name: 'Create account' }).click();
    await expect(app.locator('.live-status')).toHaveAttribute('data-connection', 'online', { timeout: 15_000 });
    await nav(app, 'Market');
    await market(app).selectOption('lpj-live');
    await expect(app.locator('.market')).toHaveAttribute('data-kind', 'live');
    await placeLimit(app, 'Sell', 'LPJ', '100000', '1');
    const taker = await outsideOrder(server.url, 'buy', 100_000, 40);
    await taker.filled();
    taker.close();
    const liveRow = openOrders(app).locator('tbody tr').first();
    await expect(liveRow.locator('[data-status]')).toHaveText('partly filled');
    await expect(liveRow.locator('td').nth(6)).toHaveText('0.40');
    await keepScreenshot(app, 'orders-trades-partly-filled', testInfo);

    // Paper trading: a market buy, and the fills tab lists it.
    await expect(market(app).locator('option[value="BTC-KRW"]')).toBeAttached();
    await market(app).selectOption('BTC-KRW');
    await expect(
      app.getByRole('region', { name: 'Order book' }).getByRole('group', { name: 'Asks' }).getByRole('option').first(),
    ).toBeVisible({ timeout: 20_000 });
    await form(app).getByRole('tab', { name: 'Buy' }).click();
    await form(app).getByRole('tab', { name: 'Market' }).click();
    await form(app).getByRole('textbox', { name: 'Spend (KRW)' }).fill('100000');
    await form(app)
      .getByRole('button', { name: /^Buy BTC/ })
      .click();
    await expect(form(app).getByRole('status')).toContainText(/placed and traded/);
    await app.getByRole('tab', { name: 'My fills' }).click();
    const paperFills = app.getByRole('region', { name: 'My fills' }).locator('tbody tr');
    await expect(paperFills.first()).toBeVisible();
    await expect(paperFills.first().locator('td').nth(3)).toHaveText(/^0\.\d{8}$/);
    await keepScreenshot(app, 'orders-trades-paper-fills', testInfo);

    // Orders & trades: every venue's orders, newest first, each with its market and place.
    await nav(app, 'Orders & trades');
    const orders = app.getByRole('table', { name: 'Orders' });
    await expect(orders.locator('tbody tr')).toHaveCount(3);
    await expect(orders.locator('tbody tr').nth(0)).toContainText('Paper trading');
    await expect(orders.locator('tbody tr').nth(0)).toContainText('BTC/KRW');
    await expect(orders.locator('tbody tr').nth(0).locator('[data-status]')).toHaveText('filled');
    await expect(orders.locator('tbody tr').nth(1)).toContainText('Live market');
    await expect(orders.locator('tbody tr').nth(1)).toContainText('LPJ/KRW');
    await expect(orders.locator('tbody tr').nth(1).locator('[data-status]')).toHaveText('partly filled');
    await expect(orders.locator('tbody tr').nth(2)).toContainText('Offline practice');
    await expect(orders.locator('tbody tr').nth(2).locator('[data-status]')).toHaveText('open');
    await expect(app.locator('.history-notes')).toHaveCount(0);
    await keepScreenshot(app, 'orders-trades', testInfo);

    // Filters: one place, one status, one market.
    const filters = app.getByRole('group', { name: 'Filters' });
    await filters.getByRole('combobox', { name: 'Where' }).selectOption('live');
    await expect(orders.locator('tbody tr')).toHaveCount(1);
    await filters.getByRole('combobox', { name: 'Where' }).selectOption('all');
    await filters.getByRole('combobox', { name: 'Status' }).selectOption('open');
    await expect(orders.locator('tbody tr')).toHaveCount(1);
    await expect(orders.locator('tbody tr')).toContainText('Offline practice');
    await filters.getByRole('combobox', { name: 'Status' }).selectOption('cancelled');
    await expect(app.getByText('Nothing matches these filters.')).toBeVisible();
    await filters.getByRole('combobox', { name: 'Status' }).selectOption('all');

    // Trades: my live fill (I was the maker) and the paper buy's fills (taker), amounts by each market's rule.
    await app.getByRole('tab', { name: 'Trades' }).click();
    const trades = app.getByRole('table', { name: 'Trades' });
    await expect(trades.locator('tbody tr[data-venue="live"]')).toHaveCount(1);
    await expect(trades.locator('tbody tr[data-venue="live"]')).toContainText('0.40');
    await expect(trades.locator('tbody tr[data-venue="live"]')).toContainText('maker');
    await expect(trades.locator('tbody tr[data-venue="paper"]').first()).toContainText('taker');
    await filters.getByRole('combobox', { name: 'Market' }).selectOption('LPJ-KRW');
    await expect(trades.locator('tbody tr')).toHaveCount(1);
    await keepScreenshot(app, 'orders-trades-trades', testInfo);
    await filters.getByRole('combobox', { name: 'Market' }).selectOption('all');

    // In Korean.
    await nav(app, 'Settings');
    await app.getByRole('combobox', { name: 'Language' }).selectOption('ko');
    await app.getByRole('navigation').getByRole('link', { name: '주문·체결' }).click();
    await expect(app.getByRole('heading', { level: 1, name: '주문·체결 내역' })).toBeVisible();
    await app.getByRole('tab', { name: '주문' }).click();
    await expect(app.locator('td[data-status="partial"]')).toHaveText('부분 체결');
    await keepScreenshot(app, 'orders-trades-ko', testInfo);

    // The server goes away: the live market says it cannot be listed, the others still are.
    await server.stop();
    await app.getByRole('button', { name: '새로고침' }).click();
    await expect(app.locator('.history-notes [data-venue="live"]')).toContainText('서버에 연결할 수 없어', {
      timeout: 20_000,
    });
    await expect(app.locator('td[data-status="open"]')).toHaveCount(1);
    await keepScreenshot(app, 'orders-trades-offline-ko', testInfo);
  });
});
