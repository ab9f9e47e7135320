/**
 * The paper account's total value does not depend on the market on screen: every holding is valued at its own
 * market's price. Live prices from the mock exchange (on a free port; the app's exchange URLs point at it); the
 * test buys BTC on BTC/KRW, then stops the mock's market so prices hold still, and the total on the ETH/KRW
 * screen equals the one on the BTC/KRW screen, BTC valued on both. A holding the total cannot count (the granted
 * USDT, which no KRW market prices) is named under it with the reason, in English and in Korean.
 */
import type { Page } from '@playwright/test';
import { expect, keepScreenshot, test, useMockExchange } from './fixtures';

const nav = (app: Page, name: string) =>
  app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name }).click();
const form = (app: Page) => app.getByRole('region', { name: 'Place order' });
const balances = (app: Page) => app.locator('section.balances-panel');
const value = (app: Page, asset: string) => balances(app).locator(`[data-asset="${asset}"] [data-col="value"]`);
const total = (app: Page) => balances(app).locator('[data-col="total"]');

async function showMarket(app: Page, market: string): Promise<void> {
  const selector = app.getByRole('combobox', { name: 'Market', exact: true });
  await expect(selector.locator(`option[value="${market}"]`)).toBeAttached();
  await selector.selectOption(market);
  await expect(app.getByRole('region', { name: 'Market summary' })).toContainText(market.replace('-', '/'));
}

const exchange = useMockExchange({ seed: 11, stepsPerSec: 10 });

test('the total value is the same on the BTC and ETH screens, and names what it leaves out', async ({
  app,
}, testInfo) => {
  test.setTimeout(120_000);
  await app.setViewportSize({ width: 1600, height: 1000 });
  await nav(app, 'Market');
  await showMarket(app, 'BTC-KRW');
  await expect(app.getByRole('status', { name: 'Feed status' })).toHaveAttribute('data-status', 'live', {
    timeout: 20_000,
  });
  await expect(
    app.getByRole('region', { name: 'Order book' }).getByRole('group', { name: 'Asks' }).getByRole('option').first(),
  ).toBeVisible();

  // 1,000,000 KRW of BTC at market.
  await form(app).getByRole('tab', { name: 'Market' }).click();
  await form(app).getByRole('textbox', { name: 'Spend (KRW)' }).fill('1000000');
  await form(app).getByRole('button', { name: 'Buy BTC' }).click();
  await expect(form(app).getByRole('status')).toContainText(/Order #\d+ placed and traded/);
  await expect(value(app, 'BTC')).toHaveText(/^[1-9][\d,]*$/);
  // The granted USDT has no KRW market: said so in its row, and named under the total.
  await expect(value(app, 'USDT')).toHaveText('Not priced in KRW');
  await expect(balances(app).locator('tfoot tr.excluded')).toHaveText('Not in the total — USDT: Not priced in KRW');

  // Prices hold still from here; the two screens must then agree.
  exchange.mock.setSpeed(0);
  let onBtc = '';
  await expect(async () => {
    await showMarket(app, 'BTC-KRW');
    await expect(value(app, 'BTC')).toHaveText(/^[1-9][\d,]*$/);
    onBtc = (await total(app).textContent())!;
    await showMarket(app, 'ETH-KRW');
    // BTC is valued on the ETH screen too, at BTC/KRW's price.
    await expect(value(app, 'BTC')).toHaveText(/^[1-9][\d,]*$/);
    expect(await total(app).textContent()).toBe(onBtc);
  }).toPass({ timeout: 60_000 });
  // About 10,000,000 KRW less the fee and the price moves: the BTC is in the total.
  expect(Number(onBtc.replace(/,/g, ''))).toBeGreaterThan(9_900_000);
  await keepScreenshot(app, 'balances-total-eth', testInfo);

  // The same in Korean.
  await nav(app, 'Settings');
  await app.getByRole('combobox', { name: 'Language' }).selectOption('ko');
  await app.getByRole('navigation').getByRole('link', { name: '거래소' }).click();
  await expect(value(app, 'USDT')).toHaveText('KRW 시세 없음');
  await expect(balances(app).locator('tfoot tr.excluded')).toHaveText('총액에서 제외 — USDT: KRW 시세 없음');
  await expect(total(app)).toHaveText(onBtc);
  await keepScreenshot(app, 'balances-total-eth-ko', testInfo);
});
