/**
 * Paper portfolios end to end on prices from the mock exchange: a second portfolio with its own fees and
 * starting balance, a trade in each, and one click to switch between them, each showing its own balances and
 * the fees in force.
 */
import type { Page } from '@playwright/test';
import { expect, keepScreenshot, test, useMockExchange } from './fixtures';

const nav = (app: Page, name: string) =>
  app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name }).click();
const form = (app: Page) => app.getByRole('region', { name: 'Place order' });
const balances = (app: Page) => app.getByRole('region', { name: 'Balances' });
const krwAvailable = (app: Page) => balances(app).locator('[data-asset="KRW"] [data-col="available"]');
const portfolio = (app: Page) => balances(app).getByRole('combobox', { name: 'Portfolio' });
const terms = (app: Page) => balances(app).locator('[data-terms]');

async function buy(app: Page, won: string): Promise<void> {
  await form(app).getByRole('tab', { name: 'Market' }).click();
  await form(app).getByRole('textbox', { name: 'Spend (KRW)' }).fill(won);
  await form(app).getByRole('button', { name: 'Buy BTC' }).click();
  await expect(form(app).getByRole('status')).toContainText(/Order #\d+ placed and traded/);
}

test.describe('paper portfolios', () => {
  test.setTimeout(120_000);
  useMockExchange({ seed: 7, stepsPerSec: 10 });

  test('a second portfolio with its own fees trades apart from the first; switching shows each', async ({
    app,
  }, testInfo) => {
    await app.setViewportSize({ width: 1600, height: 1000 });
    await nav(app, 'Market');
    const selector = app.getByRole('combobox', { name: 'Market', exact: true });
    await expect(selector.locator('option[value="BTC-KRW"]')).toBeAttached();
    await selector.selectOption('BTC-KRW');
    await expect(app.getByRole('status', { name: 'Feed status' })).toHaveAttribute('data-status', 'live', {
      timeout: 20_000,
    });

    // The paper account every earlier version had is the first portfolio, at Upbit's published fees.
    await expect(portfolio(app)).toHaveValue('1');
    await expect(portfolio(app).locator('option:checked')).toHaveText('Main');
    await expect(terms(app)).toContainText('Maker 0.05 % · Taker 0.05 % · Limits wait their queue · Latency 0 ms');
    await buy(app, '1000000');
    await expect(krwAvailable(app)).not.toHaveText(/^10,000,000/);
    const mainKrw = await krwAvailable(app).textContent();

    // A second portfolio: 3,000,000 KRW, 2 bp maker, 25 bp taker, orders filling on touch.
    await balances(app).getByRole('button', { name: 'Portfolios…' }).click();
    const dialog = app.getByRole('dialog', { name: 'Paper portfolios' });
    await dialog.getByRole('button', { name: 'New portfolio' }).click();
    const create = dialog.getByRole('form', { name: 'New portfolio' });
    await create.getByRole('textbox', { name: 'Name' }).fill('Scalper');
    await create.getByRole('textbox', { name: 'Starting KRW' }).fill('3000000');
    await create.getByRole('textbox', { name: 'Starting USDT' }).fill('');
    await create.getByRole('textbox', { name: 'Maker fee (bp)' }).fill('2');
    await create.getByRole('textbox', { name: 'Taker fee (bp)' }).fill('25');
    await create.getByRole('combobox', { name: 'Resting limit orders' }).selectOption('touch');
    await create.getByRole('button', { name: 'Create portfolio' }).click();
    await expect(dialog.locator('[data-portfolio-row="Scalper"]')).toContainText('2/25 bp');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toHaveCount(0);

    // One click switches; the balances and the fees in force are the second portfolio's.
    await portfolio(app).selectOption({ label: 'Scalper' });
    await expect(terms(app)).toContainText('Maker 0.02 % · Taker 0.25 % · Limits fill on touch · Latency 300 ms');
    await expect(krwAvailable(app)).toHaveText(/^3,000,000(\.0+)?$/);
    await buy(app, '500000');
    await expect(krwAvailable(app)).toHaveText(/^2,5\d\d,\d{3}/);
    const scalperKrw = await krwAvailable(app).textContent();
    await keepScreenshot(app, 'paper-portfolio-second', testInfo);

    // Back and forth: each shows its own, untouched by the other's trade.
    await portfolio(app).selectOption({ label: 'Main' });
    await expect(terms(app)).toContainText('Taker 0.05 %');
    await expect(krwAvailable(app)).toHaveText(mainKrw!);
    await portfolio(app).selectOption({ label: 'Scalper' });
    await expect(terms(app)).toContainText('Taker 0.25 %');
    await expect(krwAvailable(app)).toHaveText(scalperKrw!);

    // Resetting the second, after a confirmation, restores its start and leaves the first as it was.
    await balances(app).getByRole('button', { name: 'Portfolios…' }).click();
    await dialog.locator('[data-portfolio-row="Scalper"]').getByRole('button', { name: 'Reset' }).click();
    const confirm = app.getByRole('dialog', { name: 'Reset portfolio “Scalper”?' });
    await expect(confirm).toContainText('Other portfolios are not touched.');
    await confirm.getByRole('button', { name: 'Reset' }).click();
    await expect(dialog.getByRole('status')).toHaveText('Done');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(krwAvailable(app)).toHaveText(/^3,000,000(\.0+)?$/);
    // The coin it bought is gone (its row stays at zero, as after any reset).
    await expect(balances(app).locator('[data-asset="BTC"] [data-col="available"]')).toHaveText(/^0(\.0+)?$/);
    await portfolio(app).selectOption({ label: 'Main' });
    await expect(krwAvailable(app)).toHaveText(mainKrw!);
  });
});

test('the offline practice account resets to its starting funds after a confirmation', async ({ app }) => {
  await app.setViewportSize({ width: 1600, height: 1000 });
  await nav(app, 'Market');
  const bid = app.getByRole('region', { name: 'Order book' }).getByRole('group', { name: 'Bids' }).getByRole('option');
  await expect(bid.first()).toBeVisible({ timeout: 30_000 });
  const price = Number(await bid.first().getAttribute('data-price')) - 50;
  await form(app).getByRole('textbox', { name: 'Price (KRW)' }).fill(String(price));
  await form(app).getByRole('textbox', { name: 'Amount (LPJ)' }).fill('1');
  await form(app).getByRole('button', { name: 'Buy LPJ' }).click();
  await expect(form(app).getByRole('status')).toContainText(/Order #\d+ placed/);
  await expect(krwAvailable(app)).not.toHaveText('10,000,000');

  await balances(app).getByRole('button', { name: 'Reset account' }).click();
  const confirm = app.getByRole('dialog', { name: 'Reset the practice account?' });
  await confirm.getByRole('button', { name: 'Reset account' }).click();
  await expect(balances(app).getByRole('status')).toHaveText('The practice account was reset');
  await expect(krwAvailable(app)).toHaveText('10,000,000');
  await expect(app.getByRole('region', { name: 'Open orders' })).toContainText('No open orders');
});
