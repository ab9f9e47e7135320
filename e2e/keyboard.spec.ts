/**
 * The Market screen from the keyboard alone: B or S goes to the order form from anywhere, the order book is one
 * tab stop whose rows the arrow keys walk, and Enter places an order only from inside the form. Every key the
 * user presses is counted, through `press`, so the bounds asserted are the keys a user would type.
 */
import type { Page } from '@playwright/test';
import { expect, keepScreenshot, test } from './fixtures';

async function openMarket(app: Page, project: string): Promise<void> {
  if (project === 'web') await app.setViewportSize({ width: 1600, height: 1000 });
  await app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Market' }).click();
  await expect(app.getByRole('heading', { level: 1, name: 'Market' })).toBeAttached();
}

const book = (app: Page) => app.getByRole('region', { name: 'Order book' });
const levels = (app: Page) => book(app).getByRole('listbox', { name: 'Price levels' });
const form = (app: Page) => app.getByRole('region', { name: 'Place order' });
const priceBox = (app: Page) => form(app).getByRole('textbox', { name: 'Price (KRW)' });
const amountBox = (app: Page) => form(app).getByRole('textbox', { name: 'Amount (LPJ)' });
const openOrders = (app: Page) => app.getByRole('region', { name: 'Open orders' });
/** A whole price as the field shows it: thousands grouped (the market's number rule, also while typing). */
const grouped = /^\d{1,3}(,\d{3})*$/;
/** The price in a field's grouped text, as a number. */
const won = (field: string) => Number(field.replace(/,/g, ''));

/** Presses keys one by one, as a user would, and counts them. */
function keyboard(app: Page) {
  let count = 0;
  return {
    press: async (...keys: string[]) => {
      for (const key of keys) {
        await app.keyboard.press(key);
        count++;
      }
    },
    get count() {
      return count;
    },
  };
}

/** What has the focus, described by role and name (for the assertions' messages). */
const focused = (app: Page) =>
  app.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return el ? `${el.getAttribute('role') ?? el.tagName.toLowerCase()} ${el.getAttribute('aria-label') ?? ''}` : '';
  });

test('from B to a placed order in at most five keys', async ({ app }, testInfo) => {
  await openMarket(app, testInfo.project.name);
  await expect(levels(app).getByRole('option').first()).toBeVisible();
  // Start where a user's focus would be after looking around: on the chart's timeframes.
  await app.getByRole('region', { name: 'Price chart' }).getByRole('radio', { name: '1m', exact: true }).focus();

  const keys = keyboard(app);
  await keys.press('b');
  // B chose the buy side and went to the price, which starts at the market price.
  await expect(form(app).getByRole('tab', { name: 'Buy' })).toHaveAttribute('aria-selected', 'true');
  await expect(priceBox(app)).toBeFocused();
  await expect(priceBox(app)).toHaveValue(grouped);
  // Inside the form, and only there, the hint says that Enter places the order.
  await expect(form(app).locator('.shortcuts')).toHaveText('Enter in a field: place · B / S: buy or sell · Esc: clear');
  await keys.press('Tab');
  await expect(amountBox(app)).toBeFocused();
  await keys.press('1', 'Enter');
  await expect(form(app).getByRole('status')).toContainText(/Order #\d+ placed/);
  testInfo.annotations.push({ type: 'keys from B to a placed order', description: String(keys.count) });
  expect(keys.count).toBeLessThanOrEqual(5);
  await keepScreenshot(app, 'keyboard-placed', testInfo);
});

test('the order book is one tab stop: arrows walk its rows, Enter puts the price in the form', async ({
  app,
}, testInfo) => {
  await openMarket(app, testInfo.project.name);
  await expect(levels(app).getByRole('option').first()).toBeVisible();
  await book(app).getByRole('combobox', { name: 'Price grouping' }).focus();

  const keys = keyboard(app);
  await keys.press('Tab');
  await expect(levels(app)).toBeFocused();
  // It starts on the best ask, the row next to the spread.
  const bestAsk = book(app).getByRole('group', { name: 'Asks' }).getByRole('option').first();
  const bestBid = book(app).getByRole('group', { name: 'Bids' }).getByRole('option').first();
  await expect(bestAsk).toHaveAttribute('aria-selected', 'true');
  await expect(levels(app)).toHaveAttribute('aria-activedescendant', (await bestAsk.getAttribute('id'))!);

  // Down from the best ask crosses the spread to the best bid; Enter fills its price.
  await keys.press('ArrowDown');
  await expect(bestBid).toHaveAttribute('aria-selected', 'true');
  await expect(levels(app)).toHaveAttribute('aria-activedescendant', (await bestBid.getAttribute('id'))!);
  await keepScreenshot(app, 'keyboard-book', testInfo);
  await keys.press('Enter');
  // The row shows the level now at its place: compare with the price it holds once Enter was taken.
  await expect.poll(async () => priceBox(app).inputValue()).toMatch(grouped);
  const picked = won(await priceBox(app).inputValue());
  expect(picked).toBeGreaterThan(0);
  // Focus stays in the book, so another row can be picked; Home goes to the top row, Space picks it.
  await expect(levels(app)).toBeFocused();
  await keys.press('Home', ' ');
  const top = book(app).getByRole('group', { name: 'Asks' }).getByRole('option').last();
  await expect(top).toHaveAttribute('aria-selected', 'true');
  await expect.poll(async () => won(await priceBox(app).inputValue())).toBeGreaterThan(picked);

  // One more Tab leaves the book for the order form: the rows are not tab stops.
  await keys.press('Tab');
  expect(await focused(app)).not.toMatch(/^option/);
  await expect(form(app).getByRole('tab', { name: 'Buy' })).toBeFocused();
  // The form's tablists are one stop each too: the arrows switch the side (and the type).
  await keys.press('ArrowRight');
  await expect(form(app).getByRole('tab', { name: 'Sell' })).toBeFocused();
  await expect(form(app).getByRole('tab', { name: 'Sell' })).toHaveAttribute('aria-selected', 'true');
  await keys.press('Tab', 'ArrowRight');
  await expect(form(app).getByRole('tab', { name: 'Market' })).toHaveAttribute('aria-selected', 'true');
  await expect(form(app).getByRole('textbox', { name: 'Amount (LPJ)' })).toBeVisible();
});

test('the price field is a few Tabs from the market selector', async ({ app }, testInfo) => {
  await openMarket(app, testInfo.project.name);
  await expect(levels(app).getByRole('option').first()).toBeVisible();
  await app.getByRole('combobox', { name: 'Market', exact: true }).focus();
  const keys = keyboard(app);
  const stops: string[] = [];
  while (!(await priceBox(app).evaluate((el) => el === document.activeElement)) && keys.count < 60) {
    await keys.press('Tab');
    stops.push(await focused(app));
  }
  await expect(priceBox(app)).toBeFocused();
  // The chart's timeframes (one stop) and its attribution link, the book's grouping, the book, and one stop for
  // each tablist of the form (side, order type): no book row among them.
  expect(stops.filter((s) => s.startsWith('option'))).toEqual([]);
  testInfo.annotations.push({ type: 'Tabs from the market selector to the price', description: String(keys.count) });
  expect(keys.count, stops.join(' → ')).toBeLessThanOrEqual(12);
});

test('Enter on a Cancel button cancels that order and places nothing; the hint there does not promise Enter', async ({
  app,
}, testInfo) => {
  await openMarket(app, testInfo.project.name);
  const bid = book(app).getByRole('group', { name: 'Bids' }).getByRole('option').first();
  await expect(bid).toBeVisible();
  const price = Number(await bid.getAttribute('data-price')) - 50;
  for (const amount of ['0.5', '0.6']) {
    await priceBox(app).fill(String(price));
    await amountBox(app).fill(amount);
    await amountBox(app).press('Enter');
    await expect(form(app).getByRole('status')).toContainText(/Order #\d+ placed/);
  }
  const rows = openOrders(app).locator('tbody tr');
  await expect(rows).toHaveCount(2);
  const firstId = await rows.first().getAttribute('data-order-id');

  // The form holds a valid order again: a stray "place" would clear its amount and say so.
  await amountBox(app).fill('0.7');
  await expect(form(app).getByRole('status')).toHaveCount(0);
  const cancel = openOrders(app).getByRole('button', { name: `Cancel order #${firstId}` });
  await cancel.focus();
  await expect(form(app).locator('.shortcuts')).toHaveText('B / S: buy or sell, from anywhere · Esc: clear');
  await app.keyboard.press('Enter');
  await expect(openOrders(app)).toContainText(`Order #${firstId} cancelled`);
  await expect(rows).toHaveCount(1);
  await expect(openOrders(app).locator(`tr[data-order-id="${firstId}"]`)).toHaveCount(0);
  await expect(amountBox(app)).toHaveValue('0.7');
  await expect(form(app).getByRole('status')).toHaveCount(0);

  // B from there goes to the form instead; Enter in a field places again.
  await openOrders(app)
    .getByRole('button', { name: /^Cancel order #/ })
    .focus();
  await app.keyboard.press('b');
  await expect(priceBox(app)).toBeFocused();
  await expect(rows).toHaveCount(1);
});
