/**
 * Trading from the chart and amending orders, through the UI: a limit order started by right-clicking the
 * chart (menu → the form filled → the user places it), its line dragged to a new price (the book and Open
 * orders agree on it), cancelled from its line; and amends from Open orders on the offline practice market and
 * on a paper market fed by the mock exchange (started here on a free port, so nothing reaches the internet).
 */
import type { Locator, Page } from '@playwright/test';
import { MockExchange } from '../engine/tools/mock-exchange/mock-exchange';
import { exchangeEnv, expect, keepScreenshot, test } from './fixtures';

const nav = (app: Page, name: string) =>
  app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name }).click();
const book = (app: Page) => app.getByRole('region', { name: 'Order book' });
const form = (app: Page) => app.getByRole('region', { name: 'Place order' });
const chart = (app: Page) => app.getByRole('region', { name: 'Price chart' });
const openOrders = (app: Page) => app.getByRole('region', { name: 'Open orders' });
const grouped = (n: number) => n.toLocaleString('en-US');
const digits = (text: string | null) => Number((text ?? '').replace(/[^\d]/g, ''));

async function openMarket(app: Page, market?: string): Promise<void> {
  await app.setViewportSize({ width: 1600, height: 1000 });
  await nav(app, 'Market');
  await expect(app.getByRole('heading', { level: 1, name: 'Market' })).toBeAttached();
  if (market) {
    const selector = app.getByRole('combobox', { name: 'Market', exact: true });
    await expect(selector.locator(`option[value="${market}"]`)).toBeAttached();
    await selector.selectOption(market);
    await expect(app.getByRole('region', { name: 'Market summary' })).toContainText(market.replace('-', '/'));
  }
}

/** The row of an order in Open orders, and its price cell. */
const orderRow = (app: Page, id: string) => openOrders(app).locator(`tr[data-order-id="${id}"]`);
const orderPrice = (app: Page, id: string) => orderRow(app, id).locator('td').nth(3);

/** The best bid now, read from the book as shown. */
async function bestBid(app: Page): Promise<number> {
  const first = book(app).getByRole('group', { name: 'Bids' }).getByRole('option').first();
  await expect(first).toBeVisible();
  return Number(await first.getAttribute('data-price'));
}

/** Places a limit buy through the form and returns its order id. */
async function placeLimitBuy(app: Page, price: string, amount: string, base: string, quote: string): Promise<string> {
  await form(app).getByRole('tab', { name: 'Limit', exact: true }).click();
  await form(app).getByRole('tab', { name: 'Buy', exact: true }).click();
  await form(app)
    .getByRole('textbox', { name: `Price (${quote})` })
    .fill(price);
  await form(app)
    .getByRole('textbox', { name: `Amount (${base})` })
    .fill(amount);
  await form(app)
    .getByRole('button', { name: `Buy ${base}` })
    .click();
  const placed = form(app).getByRole('status');
  await expect(placed).toContainText(/Order #\d+ placed/);
  return /#(\d+)/.exec((await placed.textContent()) ?? '')![1];
}

/** The centre of a locator's box on the page. */
async function centre(l: Locator): Promise<{ x: number; y: number }> {
  const box = (await l.boundingBox())!;
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

test('a limit order started from the chart, moved by dragging its line, and cancelled from it', async ({
  app,
}, testInfo) => {
  test.setTimeout(90_000);
  await openMarket(app);
  const host = chart(app).locator('.chart-host');
  await expect(host).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  const bid = await bestBid(app);

  // Right-click low in the price pane (below the candles): the menu offers orders at that price.
  const box = (await host.boundingBox())!;
  await app.mouse.click(box.x + box.width * 0.4, box.y + box.height * 0.66, { button: 'right' });
  const menu = chart(app).getByRole('menu', { name: 'Start an order at this price' });
  const buyItem = menu.getByRole('menuitem', { name: /^Buy limit at [\d,]+$/ });
  await expect(buyItem).toBeVisible();
  await expect(menu.getByRole('menuitem', { name: /^Sell limit at [\d,]+$/ })).toBeVisible();
  await expect(menu.getByRole('menuitem', { name: /^Stop at [\d,]+$/ })).toBeVisible();
  const picked = digits(await buyItem.textContent());
  expect(picked).toBeGreaterThan(0);
  expect(picked).toBeLessThan(bid);

  // The menu fills the form; nothing is placed until the user presses its button.
  await buyItem.click();
  await expect(menu).toHaveCount(0);
  const priceBox = form(app).getByRole('textbox', { name: 'Price (KRW)' });
  await expect(priceBox).toHaveValue(grouped(picked));
  await expect(form(app).getByRole('tab', { name: 'Buy', exact: true })).toHaveAttribute('aria-selected', 'true');
  await expect(openOrders(app)).toContainText('No open orders');
  await form(app).getByRole('textbox', { name: 'Amount (LPJ)' }).fill('0.5');
  await form(app).getByRole('button', { name: 'Buy LPJ' }).click();
  const placed = form(app).getByRole('status');
  await expect(placed).toContainText(/Order #\d+ placed/);
  const id = /#(\d+)/.exec((await placed.textContent()) ?? '')![1];
  await expect(orderPrice(app, id)).toHaveText(grouped(picked));

  // Its line carries a cancel control at the line's height; drag the line up by 30 px.
  const control = chart(app).getByRole('button', { name: `Cancel #${id} from the chart` });
  await expect(control).toBeVisible();
  // The chart rescales as the market trades, so the line may move under the pointer: take it again until the
  // press lands on it (a press off the line is only a click on the chart).
  const grabX = box.x + box.width * 0.4;
  let at = 0;
  await expect(async () => {
    at = (await centre(control)).y;
    await app.mouse.move(grabX, at);
    await app.mouse.down();
    try {
      await expect(host).toHaveAttribute('data-dragging', '', { timeout: 500 });
    } catch (err) {
      await app.mouse.up();
      throw err;
    }
  }).toPass({ timeout: 20_000 });
  for (let step = 1; step <= 6; step++) await app.mouse.move(grabX, at - step * 5);
  await app.mouse.up();

  // Confirmed through the amend: Open orders and the book agree on the new, higher price.
  await expect(chart(app).getByRole('status')).toContainText(`Order #${id} amended`);
  await expect.poll(async () => digits(await orderPrice(app, id).textContent())).toBeGreaterThan(picked);
  const moved = digits(await orderPrice(app, id).textContent());
  const mine = book(app)
    .getByRole('group', { name: 'Bids' })
    .getByRole('option', { name: /includes my order$/ });
  await expect(mine).toHaveCount(1);
  await expect(mine).toHaveAttribute('data-price', String(moved));
  await expect(control).toBeVisible();
  await keepScreenshot(app, 'chart-orders-dragged', testInfo);

  // Cancelled from its line (by keyboard: a pointer would chase the line as the chart rescales).
  await control.press('Enter');
  await expect(openOrders(app)).toContainText('No open orders');
  await expect(control).toHaveCount(0);
  await expect(book(app).getByRole('option', { name: /includes my order/ })).toHaveCount(0);
});

test('a dragged line the engine refuses snaps back, and the chart says why', async ({ app }, testInfo) => {
  test.setTimeout(90_000);
  await openMarket(app);
  const host = chart(app).locator('.chart-host');
  await expect(host).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  // A buy that holds nearly all the won: moving it up would need more than is left.
  const price = (await bestBid(app)) - 20;
  await form(app).getByRole('textbox', { name: 'Price (KRW)' }).fill(String(price));
  await form(app).getByRole('button', { name: '100%' }).click();
  await form(app).getByRole('button', { name: 'Buy LPJ' }).click();
  await app.getByRole('dialog').getByRole('button', { name: 'Place order' }).click();
  const placed = form(app).getByRole('status');
  await expect(placed).toContainText(/Order #\d+ placed/);
  const id = /#(\d+)/.exec((await placed.textContent()) ?? '')![1];

  const control = chart(app).getByRole('button', { name: `Cancel #${id} from the chart` });
  await expect(control).toBeVisible();
  const box = (await host.boundingBox())!;
  const grabX = box.x + box.width * 0.4;
  let at = 0;
  await expect(async () => {
    at = (await centre(control)).y;
    await app.mouse.move(grabX, at);
    await app.mouse.down();
    try {
      await expect(host).toHaveAttribute('data-dragging', '', { timeout: 500 });
    } catch (err) {
      await app.mouse.up();
      throw err;
    }
  }).toPass({ timeout: 20_000 });
  for (let step = 1; step <= 6; step++) await app.mouse.move(grabX, at - step * 5);
  await app.mouse.up();

  await expect(chart(app).getByRole('alert')).toHaveText(
    `Order #${id} was not moved — Not enough available balance for this order (the fee is held too)`,
  );
  await expect(orderPrice(app, id)).toHaveText(grouped(price));
  const mine = book(app)
    .getByRole('group', { name: 'Bids' })
    .getByRole('option', { name: /includes my order$/ });
  await expect(mine).toHaveAttribute('data-price', String(price));
  // The line is back at the order's price: a press there takes it again.
  await expect(async () => {
    await app.mouse.move(grabX, (await centre(control)).y);
    await expect(host).toHaveAttribute('data-grab', '', { timeout: 500 });
  }).toPass({ timeout: 20_000 });
  await keepScreenshot(app, 'chart-orders-refused', testInfo);
  await control.press('Enter');
  await expect(openOrders(app)).toContainText('No open orders');
});

test('amend from Open orders on the practice market: a new price and amount, and a refusal that says why', async ({
  app,
}, testInfo) => {
  await openMarket(app);
  const price = (await bestBid(app)) - 40;
  const id = await placeLimitBuy(app, String(price), '0.5', 'LPJ', 'KRW');

  await openOrders(app)
    .getByRole('button', { name: `Amend order #${id}` })
    .click();
  const amend = openOrders(app).getByRole('form', { name: `Amend order #${id}` });
  await expect(amend.getByRole('textbox', { name: 'Price (KRW)' })).toHaveValue(String(price));
  await expect(amend.getByRole('textbox', { name: 'Amount (LPJ)' })).toHaveValue('0.5');

  // More than the balance can hold: refused, with the engine's reason, and nothing changes.
  await amend.getByRole('textbox', { name: 'Amount (LPJ)' }).fill('100000');
  await amend.getByRole('button', { name: 'Save' }).click();
  await expect(amend.getByRole('alert')).toHaveText(
    'Not enough available balance for this order (the fee is held too)',
  );
  await expect(orderRow(app, id).locator('td').nth(5)).toHaveText('0.50');

  // Moved up to near the best bid: the book lists only its top levels, and the simulated traders quote a level
  // every few won, so a price far below would be off the list.
  const moved = (await bestBid(app)) - 10;
  await amend.getByRole('textbox', { name: 'Price (KRW)' }).fill(String(moved));
  await amend.getByRole('textbox', { name: 'Amount (LPJ)' }).fill('0.7');
  await amend.getByRole('button', { name: 'Save' }).click();
  await expect(openOrders(app).getByRole('status')).toHaveText(`Order #${id} amended`);
  await expect(amend).toHaveCount(0);
  await expect(orderPrice(app, id)).toHaveText(grouped(moved));
  await expect(orderRow(app, id).locator('td').nth(5)).toHaveText('0.70');
  const mine = book(app)
    .getByRole('group', { name: 'Bids' })
    .getByRole('option', { name: /includes my order$/ });
  await expect(mine).toHaveAttribute('data-price', String(moved));
  await keepScreenshot(app, 'chart-orders-practice-amend', testInfo);
  await openOrders(app)
    .getByRole('button', { name: `Cancel order #${id}` })
    .click();
  await expect(openOrders(app)).toContainText('No open orders');
});

test.describe('paper market on the mock exchange', () => {
  let mock: MockExchange;
  test.beforeAll(async () => {
    mock = await MockExchange.start({ port: 0, seed: 7, stepsPerSec: 10 });
  });
  test.afterAll(async () => {
    await mock.close();
  });
  test.use({
    appEnv: async ({}, use) => {
      await use({
        ...exchangeEnv(mock),
      });
    },
  });

  test('amend a paper limit order from Open orders; its line stays on the chart until it is cancelled', async ({
    app,
  }, testInfo) => {
    test.setTimeout(90_000);
    await openMarket(app, 'BTC-KRW');
    await expect(app.getByRole('status', { name: 'Feed status' })).toHaveAttribute('data-status', 'live', {
      timeout: 30_000,
    });
    const bid = await bestBid(app);
    const price = Math.floor((bid * 0.95) / 1000) * 1000;
    const id = await placeLimitBuy(app, String(price), '0.01', 'BTC', 'KRW');
    // Its line is on the chart (its cancel control shows while the line is within the price range shown).
    const line = chart(app).locator(`.chart-order-cancel[data-order-id="${id}"]`);
    await expect(line).toBeAttached();

    await openOrders(app)
      .getByRole('button', { name: `Amend order #${id}` })
      .click();
    const amend = openOrders(app).getByRole('form', { name: `Amend order #${id}` });
    await amend.getByRole('textbox', { name: 'Price (KRW)' }).fill(String(price - 100_000));
    await amend.getByRole('textbox', { name: 'Amount (BTC)' }).fill('0.02');
    await amend.getByRole('button', { name: 'Save' }).click();
    await expect(openOrders(app).getByRole('status')).toHaveText(`Order #${id} amended`);
    await expect(orderPrice(app, id)).toHaveText(grouped(price - 100_000));
    await expect(orderRow(app, id).locator('td').nth(5)).toHaveText(/^0\.02/);

    // The same price as before is no change at all: said before anything is sent.
    await openOrders(app)
      .getByRole('button', { name: `Amend order #${id}` })
      .click();
    await amend.getByRole('button', { name: 'Save' }).click();
    await expect(amend.getByRole('alert')).toHaveText('Change the price or the amount first');
    await amend.getByRole('button', { name: 'Keep' }).click();
    await keepScreenshot(app, 'chart-orders-paper-amend', testInfo);

    await expect(line).toBeAttached();

    // A position: its average entry price is drawn as a line labelled with the unrealised PnL.
    const host = chart(app).locator('.chart-host');
    await expect(host).not.toHaveAttribute('data-entry', /./);
    await form(app).getByRole('tab', { name: 'Market', exact: true }).click();
    await form(app).getByRole('textbox', { name: 'Spend (KRW)' }).fill('1000000');
    await form(app).getByRole('button', { name: 'Buy BTC' }).click();
    await expect(form(app).getByRole('status')).toContainText(/placed and traded/);
    await expect(host).toHaveAttribute('data-entry', /^Avg · PnL [+-]?[\d,]+(\.\d+)? KRW$/);
    await expect(host).toHaveAttribute('data-fill-marks', /^[1-9]\d*$/);

    await openOrders(app)
      .getByRole('button', { name: `Cancel order #${id}` })
      .click();
    await expect(openOrders(app)).toContainText('No open orders');
    await expect(line).toHaveCount(0);
  });
});
