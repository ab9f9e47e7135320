/**
 * One number rule per market, through the UI: on BTC-KRW (paper trading on the mock exchange's prices, started
 * here on a free port) every amount in the book and the tape has the lot's eight decimals, so a column lines up;
 * the chart legend's studies are prices at the tick with separators; the price and amount fields group thousands
 * while typing, keep the caret after the digit typed, and place exactly the order typed.
 */
import type { Page } from '@playwright/test';
import { expect, keepScreenshot, test, useMockExchange } from './fixtures';

const nav = (app: Page, name: string) =>
  app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name }).click();
const book = (app: Page) => app.getByRole('region', { name: 'Order book' });
const form = (app: Page) => app.getByRole('region', { name: 'Place order' });
const tape = (app: Page) => app.getByRole('region', { name: 'Recent trades' });
/** Grouped whole part, then exactly `decimals` fraction digits. */
const fixed = (decimals: number) => new RegExp(`^\\d{1,3}(,\\d{3})*\\.\\d{${decimals}}$`);
const caret = (field: ReturnType<Page['getByRole']>) => field.evaluate((el) => (el as HTMLInputElement).selectionStart);

test.describe('number formats', () => {
  test.setTimeout(120_000);
  useMockExchange({ seed: 11, stepsPerSec: 10, historyMinutes: 120 });

  test('book and tape amounts align at the lot’s decimals; the legend and the fields are grouped', async ({
    app,
  }, testInfo) => {
    await app.setViewportSize({ width: 1600, height: 1000 });
    await nav(app, 'Market');
    const selector = app.getByRole('combobox', { name: 'Market', exact: true });
    await expect(selector.locator('option[value="BTC-KRW"]')).toBeAttached();
    await selector.selectOption('BTC-KRW');
    await expect(book(app).getByRole('group', { name: 'Asks' }).getByRole('option').first()).toBeVisible({
      timeout: 20_000,
    });
    await expect(tape(app).locator('tbody tr').nth(3)).toBeVisible({ timeout: 20_000 });

    // Every amount and running total in the book, and every amount on the tape: eight decimals, zeros kept.
    const bookAmounts = await book(app).locator('.book-row .num').allTextContents();
    expect(bookAmounts.length).toBeGreaterThan(4);
    for (const a of bookAmounts) expect(a).toMatch(fixed(8));
    const tapeAmounts = await tape(app).locator('tbody tr td:nth-child(2)').allTextContents();
    expect(tapeAmounts.length).toBeGreaterThan(3);
    for (const a of tapeAmounts) expect(a).toMatch(fixed(8));
    // ...and so they line up: the decimal point sits at the same distance from each cell's right edge.
    const rightOfPoint = await book(app)
      .locator('.book-row .num:not(.muted)')
      .evaluateAll((cells) =>
        cells.slice(0, 6).map((c) => {
          const text = c.firstChild!;
          const range = document.createRange();
          const at = c.textContent!.indexOf('.');
          range.setStart(text, at);
          range.setEnd(text, at + 1);
          return Math.round(c.getBoundingClientRect().right - range.getBoundingClientRect().left);
        }),
      );
    expect(new Set(rightOfPoint).size).toBe(1);

    // The chart legend: prices and the moving averages at the tick (won, whole) with separators, volume to the lot.
    const chart = app.getByRole('region', { name: 'Price chart' });
    await expect(chart.locator('.chart-host')).toHaveAttribute('data-state', 'ready', { timeout: 20_000 });
    const legend = chart.locator('.chart-legend');
    await expect(legend.locator('[data-study="ma7"]')).toHaveText(/^MA7 \d{1,3}(,\d{3})+$/);
    await expect(legend.locator('[data-study="ma25"]')).toHaveText(/^MA25 \d{1,3}(,\d{3})+$/);
    await expect(legend).toContainText(/Vol \d[\d,]*\.\d{8}/);

    // The price field groups as it is typed, and the caret stays after the digit just typed.
    const price = form(app).getByRole('textbox', { name: 'Price (KRW)' });
    await price.click();
    await app.keyboard.type('94000000');
    await expect(price).toHaveValue('94,000,000');
    expect(await caret(price)).toBe(10);
    for (let i = 0; i < 4; i++) await app.keyboard.press('ArrowLeft');
    await app.keyboard.type('5');
    await expect(price).toHaveValue('940,005,000');
    expect(await caret(price)).toBe(7);
    // Backspace just after a separator takes the digit before it.
    await app.keyboard.press('ArrowRight');
    await app.keyboard.press('Backspace');
    await expect(price).toHaveValue('94,000,000');
    expect(await caret(price)).toBe(6);
    await price.fill('50000000');
    await expect(price).toHaveValue('50,000,000');
    const amount = form(app).getByRole('textbox', { name: 'Amount (BTC)' });
    await amount.click();
    await app.keyboard.type('1234.5');
    await expect(amount).toHaveValue('1,234.5');
    await amount.fill('0.001');
    await expect(amount).toHaveValue('0.001');
    await keepScreenshot(app, 'number-formats-typed', testInfo);

    // The order placed is exactly the one typed: 0.001 BTC at 50,000,000 KRW, shown by the same rule. That is far
    // below the mock's market (about 95,000,000), so the form asks first, with the typed price grouped the same way.
    await form(app).getByRole('button', { name: 'Buy BTC' }).click();
    const far = app.getByRole('dialog', { name: 'Price far from the market' });
    await expect(far).toContainText('The price of 50,000,000 KRW is ');
    await far.getByRole('button', { name: 'Place order' }).click();
    await expect(form(app).getByRole('status')).toContainText(/Order #\d+ placed/);
    const row = app.getByRole('region', { name: 'Open orders' }).locator('tbody tr').first();
    await expect(row.locator('td').nth(3)).toHaveText('50,000,000');
    await expect(row.locator('td').nth(5)).toHaveText('0.00100000');
    await expect(row.locator('td').nth(6)).toHaveText('0.00000000');
    await expect(row.locator('[data-status]')).toHaveText('open');
    const balances = app.getByRole('region', { name: 'Balances' });
    await expect(balances.locator('[data-asset="KRW"] [data-col="held"]')).toHaveText(/^50,0\d\d$/);
    await keepScreenshot(app, 'number-formats', testInfo);

    await nav(app, 'Settings');
    await app.getByRole('combobox', { name: 'Language' }).selectOption('ko');
    await app.getByRole('navigation').getByRole('link', { name: '거래소' }).click();
    await expect(app.locator('.book-panel .book-row .num').first()).toHaveText(fixed(8));
    await keepScreenshot(app, 'number-formats-ko', testInfo);
  });
});
