/**
 * Orders that would surprise their sender ask first, the same way in every market: a stop the last price has
 * already reached (it would trigger at once) and a price more than 10% from the market price. Checked on the
 * offline practice market, on paper trading against the mock exchange, and on the live market of a sync
 * server started here; in each the warning names the figures, Enter (on "Go back") sends nothing, and
 * "Place order" sends the order as typed.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, keepScreenshot, test, useMockExchange } from './fixtures';
import { othersTrade, startTestSyncServer, type TestSyncServer } from './live-fixtures';

const nav = (app: Page, name: string) =>
  app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name }).click();
const form = (app: Page) => app.getByRole('region', { name: 'Place order' });
const openOrders = (app: Page) => app.getByRole('region', { name: 'Open orders' });
const grouped = (n: number) => n.toLocaleString('en-US');
const number = (text: string | null) => Number((text ?? '').replace(/,/g, ''));

async function openMarket(app: Page, project: string, market?: { label?: string; value?: string }): Promise<void> {
  if (project === 'web') await app.setViewportSize({ width: 1600, height: 1000 });
  await nav(app, 'Market');
  await expect(app.getByRole('heading', { level: 1, name: 'Market' })).toBeAttached();
  if (market) await app.getByRole('combobox', { name: 'Market', exact: true }).selectOption(market);
}

/** The market's last trade price as the ticker shows it, once there is one. */
async function lastPrice(app: Page): Promise<number> {
  const last = app.getByRole('region', { name: 'Market summary' }).getByLabel('Last price');
  await expect(last).toHaveText(/^[\d,]+$/, { timeout: 20_000 });
  return number(await last.textContent());
}

interface Order {
  side: 'Buy' | 'Sell';
  type: 'Limit' | 'Stop-limit';
  stop?: number;
  price: number;
  amount: string;
}

/** Types the order into the form and sends it with Enter from the amount field. */
async function enter(app: Page, o: Order, base: string, quote: string): Promise<void> {
  const f = form(app);
  await f.getByRole('tab', { name: o.side, exact: true }).click();
  await f.getByRole('tab', { name: o.type, exact: true }).click();
  if (o.stop !== undefined) await f.getByRole('textbox', { name: `Stop price (${quote})` }).fill(String(o.stop));
  const priceLabel = o.type === 'Limit' ? `Price (${quote})` : `Limit price (${quote})`;
  await f.getByRole('textbox', { name: priceLabel }).fill(String(o.price));
  const amount = f.getByRole('textbox', { name: `Amount (${base})` });
  await amount.fill(o.amount);
  await amount.press('Enter');
}

/**
 * The warning is open with `title`; Enter, which lands on "Go back", closes it and sends nothing (the amount
 * is still typed: a placed order clears it).
 */
async function enterGoesBack(app: Page, dialog: Locator, base: string, amount: string): Promise<void> {
  await expect(dialog.getByRole('button', { name: 'Go back' })).toBeFocused();
  await app.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(form(app).getByRole('textbox', { name: `Amount (${base})` })).toHaveValue(amount);
  await expect(form(app).getByRole('status')).toHaveCount(0);
}

/** The "far" sentence's figures agree with each other: the distance is |price − market| / market, cut to 0.01%. */
function expectDistance(text: string, price: number): void {
  const m = /is ([\d.]+)% (above|below) the market price of ([\d,]+) /.exec(text);
  expect(m, text).not.toBeNull();
  const reference = number(m![3]);
  const bps = Math.floor((Math.abs(price - reference) * 10_000) / reference);
  expect(m![1]).toBe((bps / 100).toFixed(2));
  expect(m![2]).toBe(price > reference ? 'above' : 'below');
  expect(bps).toBeGreaterThan(1_000);
}

test.describe('offline practice market', () => {
  test('a stop the last price has reached asks first, and is placed triggered when confirmed', async ({
    app,
  }, testInfo) => {
    await openMarket(app, testInfo.project.name);
    const last = await lastPrice(app);
    // 5% under the market: reached at once by a buy stop, and its limit price is not far.
    const stop = Math.floor(last * 0.95);
    const order: Order = { side: 'Buy', type: 'Stop-limit', stop, price: stop, amount: '1' };
    await enter(app, order, 'LPJ', 'KRW');
    const dialog = app.getByRole('dialog', { name: 'This stop triggers at once' });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText(
      new RegExp(`The last price, [\\d,]+ KRW, has already reached the stop price of ${grouped(stop)} KRW`),
    );
    await expect(dialog).toContainText('Place it?');
    await keepScreenshot(app, 'warning-stop-practice', testInfo);
    await enterGoesBack(app, dialog, 'LPJ', '1');
    await expect(openOrders(app)).toContainText('No open orders');

    await form(app).getByRole('textbox', { name: 'Amount (LPJ)' }).press('Enter');
    await dialog.getByRole('button', { name: 'Place order' }).click();
    await expect(form(app).getByRole('status')).toContainText(/Order #\d+ placed/);
    const id = /#(\d+)/.exec((await form(app).getByRole('status').textContent()) ?? '')![1];
    // Triggered on entry: a resting limit now, not a stop waiting for its price.
    await expect(openOrders(app).locator(`tr[data-order-id="${id}"]`)).toContainText('triggered');
  });

  test('a price far from the market asks first with the distance, and is placed when confirmed', async ({
    app,
  }, testInfo) => {
    await openMarket(app, testInfo.project.name);
    const price = Math.floor((await lastPrice(app)) / 2);
    await enter(app, { side: 'Buy', type: 'Limit', price, amount: '1' }, 'LPJ', 'KRW');
    const dialog = app.getByRole('dialog', { name: 'Price far from the market' });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText(`The price of ${grouped(price)} KRW is `);
    await expect(dialog).toContainText('(more than 10% away)');
    expectDistance((await dialog.textContent())!, price);
    await keepScreenshot(app, 'warning-far-practice', testInfo);
    await enterGoesBack(app, dialog, 'LPJ', '1');
    await expect(openOrders(app)).toContainText('No open orders');

    await form(app).getByRole('textbox', { name: 'Amount (LPJ)' }).press('Enter');
    await dialog.getByRole('button', { name: 'Place order' }).click();
    await expect(form(app).getByRole('status')).toContainText(/Order #\d+ placed/);
    await expect(openOrders(app).locator('tbody tr')).toHaveCount(1);
    await expect(openOrders(app).locator('tbody tr')).toContainText(grouped(price));
  });

  test('an order both far and large names every reason in one question', async ({ app }, testInfo) => {
    await openMarket(app, testInfo.project.name);
    const price = Math.floor((await lastPrice(app)) * 0.8);
    await enter(app, { side: 'Buy', type: 'Limit', price, amount: '150' }, 'LPJ', 'KRW');
    const dialog = app.getByRole('dialog', { name: 'Check this order' });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText('below the market price');
    await expect(dialog).toContainText(`This order is worth about ${grouped(price * 150)} KRW.`);
    await app.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
  });
});

test.describe('paper trading on the mock exchange', () => {
  test.setTimeout(120_000);
  useMockExchange({ seed: 7, stepsPerSec: 10 });

  test('the same questions for a far price and a stop reached, on BTC-KRW', async ({ app }, testInfo) => {
    await openMarket(app, testInfo.project.name, { value: 'BTC-KRW' });
    await expect(app.getByRole('status', { name: 'Feed status' })).toHaveAttribute('data-status', 'live', {
      timeout: 20_000,
    });
    const last = await lastPrice(app);
    // Half the market, on the exchange's 1,000 KRW step.
    const price = Math.floor(last / 2 / 1_000) * 1_000;
    await enter(app, { side: 'Buy', type: 'Limit', price, amount: '0.01' }, 'BTC', 'KRW');
    const far = app.getByRole('dialog', { name: 'Price far from the market' });
    await expect(far).toBeVisible();
    expectDistance((await far.textContent())!, price);
    await keepScreenshot(app, 'warning-far-paper', testInfo);
    await enterGoesBack(app, far, 'BTC', '0.01');

    const stop = Math.floor((last * 0.97) / 1_000) * 1_000;
    await enter(app, { side: 'Buy', type: 'Stop-limit', stop, price: stop, amount: '0.01' }, 'BTC', 'KRW');
    const stopNow = app.getByRole('dialog', { name: 'This stop triggers at once' });
    await expect(stopNow).toBeVisible();
    await expect(stopNow).toContainText(`has already reached the stop price of ${grouped(stop)} KRW`);
    await enterGoesBack(app, stopNow, 'BTC', '0.01');
    await expect(openOrders(app)).toContainText('No open orders');
  });
});

test.describe('live market', () => {
  let server: TestSyncServer;
  test.beforeAll(async () => {
    server = await startTestSyncServer();
    // Two traders outside the scene make the market's last price 10,000 KRW.
    await othersTrade(server.url, 10_000);
  });
  test.afterAll(async () => {
    await server?.stop();
  });
  test.use({ appEnv: async ({}, use) => use({ LPJ_SYNC_URL: server.url }) });

  test('the same questions on the live market, and the confirmed orders are placed', async ({ app }, testInfo) => {
    test.setTimeout(120_000);
    await openMarket(app, testInfo.project.name, { label: 'LPJ · live' });
    await expect(app.locator('.market')).toHaveAttribute('data-kind', 'live');
    const gate = app.getByRole('region', { name: 'LPJ · live' });
    await gate.getByRole('textbox', { name: 'Nickname' }).fill('warned_e2e');
    await gate.getByLabel('Password').fill('warned_e2e-password');
    await gate.getByRole('button', { name: 'Create account' }).click();
    const lpj = app.getByRole('region', { name: 'Balances' }).locator('[data-asset="LPJ"] [data-col="available"]');
    await expect(lpj).toHaveText('100.00', { timeout: 15_000 });
    expect(await lastPrice(app)).toBe(10_000);

    // The case: a limit sell at five times the market.
    await enter(app, { side: 'Sell', type: 'Limit', price: 50_000, amount: '1' }, 'LPJ', 'KRW');
    const far = app.getByRole('dialog', { name: 'Price far from the market' });
    await expect(far).toContainText(
      'The price of 50,000 KRW is 400.00% above the market price of 10,000 KRW (more than 10% away).',
    );
    await keepScreenshot(app, 'warning-far-live', testInfo);
    await enterGoesBack(app, far, 'LPJ', '1');
    await form(app).getByRole('textbox', { name: 'Amount (LPJ)' }).press('Enter');
    await far.getByRole('button', { name: 'Place order' }).click();
    await expect(form(app).getByRole('status')).toContainText(/Order #\d+ placed/);
    await expect(openOrders(app).locator('tbody tr')).toHaveCount(1);

    // A sell stop at or above the last price triggers at once.
    await enter(app, { side: 'Sell', type: 'Stop-limit', stop: 10_500, price: 10_500, amount: '1' }, 'LPJ', 'KRW');
    const stopNow = app.getByRole('dialog', { name: 'This stop triggers at once' });
    await expect(stopNow).toContainText(
      'The last price, 10,000 KRW, has already reached the stop price of 10,500 KRW: the order triggers as soon as it is placed.',
    );
    await enterGoesBack(app, stopNow, 'LPJ', '1');
    await expect(openOrders(app).locator('tbody tr')).toHaveCount(1);
    await form(app).getByRole('textbox', { name: 'Amount (LPJ)' }).press('Enter');
    await stopNow.getByRole('button', { name: 'Place order' }).click();
    await expect(form(app).getByRole('status')).toContainText(/Order #\d+ placed/);
    const id = /#(\d+)/.exec((await form(app).getByRole('status').textContent()) ?? '')![1];
    await expect(openOrders(app).locator(`tr[data-order-id="${id}"]`)).toContainText('triggered');
  });
});
