import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, keepScreenshot, test } from './fixtures';

/** Large enough for the whole exchange layout without scrolling (the desktop window opens at its own size). */
async function openMarket(app: Page, project: string): Promise<void> {
  if (project === 'web') await app.setViewportSize({ width: 1600, height: 1000 });
  await app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Market' }).click();
  await expect(app.getByRole('heading', { level: 1, name: 'Market' })).toBeAttached();
}

const book = (app: Page) => app.getByRole('region', { name: 'Order book' });
const form = (app: Page) => app.getByRole('region', { name: 'Place order' });
const balanceCell = (app: Page, asset: string, col: 'available' | 'held') =>
  app.getByRole('region', { name: 'Balances' }).locator(`[data-asset="${asset}"] [data-col="${col}"]`);

/** The best bid now, read from the book as shown. */
async function bestBid(app: Page): Promise<number> {
  const first = book(app).getByRole('group', { name: 'Bids' }).getByRole('option').first();
  await expect(first).toBeVisible();
  return Number(await first.getAttribute('data-price'));
}

const grouped = (n: number) => n.toLocaleString('en-US');

test('the market screen shows the live book, the chart and the tape', async ({ app }, testInfo) => {
  await openMarket(app, testInfo.project.name);
  await expect(book(app).getByRole('group', { name: 'Asks' }).getByRole('option').first()).toBeVisible();
  await expect(book(app).getByRole('group', { name: 'Bids' }).getByRole('option').first()).toBeVisible();
  await expect(book(app)).toContainText('Spread');

  const chart = app.getByRole('region', { name: 'Price chart' });
  await expect(chart.locator('canvas').first()).toBeVisible();
  // The simulated traders trade within seconds, so the chart leaves its empty state by itself.
  await expect(chart.locator('.chart-host')).toHaveAttribute('data-state', 'ready', { timeout: 20_000 });
  await expect(chart.getByLabel('OHLC')).toContainText('RSI14');
  await chart.getByRole('radio', { name: '5m', exact: true }).click();
  await expect(chart.getByRole('radio', { name: '5m', exact: true })).toHaveAttribute('aria-checked', 'true');
  await expect(chart.locator('.chart-host')).toHaveAttribute('data-state', 'ready');

  await expect(app.getByRole('region', { name: 'Recent trades' }).locator('tbody tr').first()).toBeVisible({
    timeout: 20_000,
  });
  await expect(balanceCell(app, 'KRW', 'available')).toHaveText('10,000,000');
});

test('a limit buy below the market rests in the book and open orders, and cancelling releases the funds', async ({
  app,
}, testInfo) => {
  await openMarket(app, testInfo.project.name);
  await expect(balanceCell(app, 'KRW', 'available')).toHaveText('10,000,000');
  const price = (await bestBid(app)) - 30;

  // Clicking a price in the book fills the form's price; then type the one wanted.
  await book(app).getByRole('group', { name: 'Bids' }).getByRole('option').first().click();
  await expect(form(app).getByRole('textbox', { name: 'Price (KRW)' })).not.toHaveValue('');
  await form(app).getByRole('textbox', { name: 'Price (KRW)' }).fill(String(price));
  await form(app).getByRole('textbox', { name: 'Amount (LPJ)' }).fill('0.5');
  await expect(form(app).getByLabel('Total', { exact: true })).toHaveText(`${grouped(Math.floor(price / 2))} KRW`);
  await form(app).getByRole('button', { name: 'Buy LPJ' }).click();

  const placed = form(app).getByRole('status');
  await expect(placed).toContainText(/Order #\d+ placed/);
  const orderId = /#(\d+)/.exec((await placed.textContent()) ?? '')![1];

  const cancel = app.getByRole('button', { name: `Cancel order #${orderId}` });
  await expect(cancel).toBeVisible();
  await expect(
    book(app)
      .getByRole('group', { name: 'Bids' })
      .getByRole('option', { name: new RegExp(`^Bid ${grouped(price)} KRW, .* includes my order$`) }),
  ).toBeAttached();
  await expect(balanceCell(app, 'KRW', 'available')).not.toHaveText('10,000,000');
  await expect(balanceCell(app, 'KRW', 'held')).not.toHaveText('0');
  await keepScreenshot(app, 'market-open-order', testInfo);

  await cancel.click();
  await expect(cancel).toHaveCount(0);
  await expect(app.getByRole('region', { name: 'Open orders' })).toContainText('No open orders');
  await expect(book(app).getByRole('option', { name: /includes my order/ })).toHaveCount(0);
  await expect(balanceCell(app, 'KRW', 'available')).toHaveText('10,000,000');
  await expect(balanceCell(app, 'KRW', 'held')).toHaveText('0');
});

test('a small market buy fills at once and moves both balances', async ({ app }, testInfo) => {
  await openMarket(app, testInfo.project.name);
  await expect(balanceCell(app, 'KRW', 'available')).toHaveText('10,000,000');
  await form(app).getByRole('tab', { name: 'Market' }).click();
  await form(app).getByRole('textbox', { name: 'Spend (KRW)' }).fill('10000');
  await form(app).getByRole('button', { name: 'Buy LPJ' }).click();
  await expect(form(app).getByRole('status')).toContainText(/Order #\d+ placed and traded/);

  await expect(balanceCell(app, 'LPJ', 'available')).toHaveText(/^\d+\.\d+$/);
  expect(Number((await balanceCell(app, 'LPJ', 'available').textContent())!)).toBeGreaterThan(0);
  const krw = Number((await balanceCell(app, 'KRW', 'available').textContent())!.replace(/,/g, ''));
  expect(krw).toBeLessThan(10_000_000);
  expect(krw).toBeGreaterThanOrEqual(10_000_000 - 10_000);

  await app.getByRole('tab', { name: 'My fills' }).click();
  await expect(app.getByRole('region', { name: 'My fills' }).locator('tbody tr').first()).toContainText('Buy');
  await app.getByRole('tab', { name: /Open orders/ }).click();
  // Let the chart and the tape fill in before the picture is kept.
  await expect(app.getByRole('region', { name: 'Price chart' }).locator('.chart-host')).toHaveAttribute(
    'data-state',
    'ready',
    { timeout: 20_000 },
  );
  await keepScreenshot(app, 'market', testInfo);
});

test('my trade history exports as CSV with the fill in exact decimals', async ({ app }, testInfo) => {
  await openMarket(app, testInfo.project.name);
  await form(app).getByRole('tab', { name: 'Market' }).click();
  await form(app).getByRole('textbox', { name: 'Spend (KRW)' }).fill('10000');
  await form(app).getByRole('button', { name: 'Buy LPJ' }).click();
  await expect(form(app).getByRole('status')).toContainText(/Order #\d+ placed and traded/);

  await app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Settings' }).click();
  const download = app.waitForEvent('download');
  await app.getByRole('button', { name: 'Export as CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^playground777-trades-\d{4}-\d{2}-\d{2}\.csv$/);
  const lines = readFileSync((await file.path())!, 'utf8')
    .trim()
    .split('\r\n');
  expect(lines[0]).toBe('time_utc,venue,market,side,price,quantity,quote_amount,fee,liquidity,trade_id,order_id');
  expect(lines.length).toBeGreaterThan(1);
  for (const line of lines.slice(1))
    expect(line).toMatch(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z,lpj-practice,LPJ-KRW,buy,\d+,\d+\.\d{8},\d+,\d+,taker,\d+,\d+$/);
  await expect(app.getByRole('status').filter({ hasText: 'trades exported' })).toBeVisible();
});

test('large orders ask for confirmation, engine-side limits are explained, and the keyboard drives the form', async ({
  app,
}, testInfo) => {
  await openMarket(app, testInfo.project.name);
  await expect(balanceCell(app, 'KRW', 'available')).toHaveText('10,000,000');
  const price = (await bestBid(app)) - 30;
  const priceBox = form(app).getByRole('textbox', { name: 'Price (KRW)' });
  const amountBox = form(app).getByRole('textbox', { name: 'Amount (LPJ)' });

  // Under the minimum total: refused in the form, in words.
  await priceBox.fill(String(price));
  await amountBox.fill('0.01');
  await amountBox.press('Enter');
  await expect(form(app).getByRole('alert')).toContainText('at least 1,000 KRW');

  // Over 1,000,000 KRW: a dialog first; Esc goes back without placing anything.
  await amountBox.fill('200');
  await amountBox.press('Enter');
  const dialog = app.getByRole('dialog', { name: 'Confirm a large order' });
  await expect(dialog).toBeVisible();
  await keepScreenshot(app, 'market-confirm', testInfo);
  await app.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(app.getByRole('region', { name: 'Open orders' })).toContainText('No open orders');

  // 100% of the balance is sized with the fee held, so the engine accepts it.
  await form(app).getByRole('button', { name: '100% of available' }).click();
  await expect(amountBox).not.toHaveValue('');

  // S and B switch side, Esc clears.
  await amountBox.press('s');
  await expect(form(app).getByRole('tab', { name: 'Sell' })).toHaveAttribute('aria-selected', 'true');
  await expect(form(app).getByRole('button', { name: 'Sell LPJ' })).toBeVisible();
  await amountBox.fill('1');
  await amountBox.press('Enter');
  await expect(form(app).getByRole('alert')).toContainText('Not enough available balance');
  await amountBox.press('b');
  await expect(form(app).getByRole('tab', { name: 'Buy' })).toHaveAttribute('aria-selected', 'true');
  await app.keyboard.press('Escape');
  await expect(priceBox).toHaveValue('');
});

test('a stop-limit waits for its stop in open orders, and cancel-all removes it', async ({ app }, testInfo) => {
  await openMarket(app, testInfo.project.name);
  await expect(balanceCell(app, 'KRW', 'available')).toHaveText('10,000,000');
  const askButton = book(app).getByRole('group', { name: 'Asks' }).getByRole('option').first();
  await expect(askButton).toBeVisible();
  // Far above the market so that it does not trigger while the test looks at it.
  const stop = Number(await askButton.getAttribute('data-price')) + 2_000;
  await form(app).getByRole('tab', { name: 'Stop-limit' }).click();
  await form(app).getByRole('textbox', { name: 'Stop price (KRW)' }).fill(String(stop));
  await form(app)
    .getByRole('textbox', { name: 'Limit price (KRW)' })
    .fill(String(stop + 10));
  await form(app).getByRole('textbox', { name: 'Amount (LPJ)' }).fill('0.2');
  await form(app).getByRole('button', { name: 'Buy LPJ' }).click();
  await expect(form(app).getByRole('status')).toContainText(/Order #\d+ placed/);

  const orders = app.getByRole('region', { name: 'Open orders' });
  await expect(orders.locator('tbody tr')).toHaveCount(1);
  await expect(orders.locator('tbody tr')).toContainText('Stop-limit');
  await expect(orders.locator('tbody tr')).toContainText('waiting for stop');
  await expect(orders.locator('tbody tr')).toContainText(grouped(stop));
  // A stop that has not triggered is not in the book.
  await expect(book(app).getByRole('option', { name: /includes my order/ })).toHaveCount(0);

  await orders.getByRole('button', { name: 'Cancel all' }).click();
  await expect(orders).toContainText('Orders cancelled: 1');
  await expect(orders).toContainText('No open orders');
  await expect(balanceCell(app, 'KRW', 'available')).toHaveText('10,000,000');
});

test('the market screen speaks Korean', async ({ app }, testInfo) => {
  await openMarket(app, testInfo.project.name);
  await app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Settings' }).click();
  await app.getByRole('combobox', { name: 'Language' }).selectOption('ko');
  await app.getByRole('navigation', { name: '주 메뉴' }).getByRole('link', { name: '거래소' }).click();

  await expect(app.getByRole('heading', { level: 1, name: '거래소' })).toBeAttached();
  await expect(
    app
      .getByRole('region', { name: '호가', exact: true })
      .getByRole('group', { name: '매수 호가' })
      .getByRole('option')
      .first(),
  ).toBeVisible();
  await expect(app.getByRole('region', { name: '가격 차트' })).toBeVisible();
  await expect(app.getByRole('region', { name: '체결', exact: true })).toBeVisible();
  await expect(app.getByRole('tab', { name: '매수', exact: true })).toBeVisible();
  await expect(app.getByRole('tab', { name: '지정가', exact: true })).toBeVisible();
  await expect(app.getByRole('textbox', { name: '가격(KRW)' })).toBeVisible();
  await expect(app.getByRole('button', { name: 'LPJ 매수' })).toBeVisible();
  await expect(app.getByRole('tab', { name: /미체결 주문/ })).toBeVisible();
  await expect(app.getByRole('region', { name: '잔고' })).toContainText('주문 가능');
  await keepScreenshot(app, 'market-ko', testInfo);
});
