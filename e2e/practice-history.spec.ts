/**
 * A fresh offline practice market opens on a past, not a near-empty chart: at first start its simulated
 * traders run through the last 24 hours before the user arrives, so the chart has a day of candles, the
 * indicators have values at every timeframe and the 24 h figures describe a day of trading. Each app here
 * starts on a new data folder, so this is the first start.
 */
import type { Page } from '@playwright/test';
import { expect, keepScreenshot, test } from './fixtures';

const chart = (app: Page) => app.getByRole('region', { name: 'Price chart' });
const summary = (app: Page) => app.getByRole('region', { name: 'Market summary' });
const figure = (app: Page, label: string) => summary(app).locator('dt', { hasText: label }).locator('xpath=../dd');
const units = (text: string | null) => Number((text ?? '').replace(/[^\d.]/g, ''));

test('the practice chart has a day of history, with its indicators and 24 h figures, from the first start', async ({
  app,
}, testInfo) => {
  test.setTimeout(90_000);
  if (testInfo.project.name === 'web') await app.setViewportSize({ width: 1600, height: 1000 });
  await app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Market' }).click();
  // While the past is run, the market says so (with its progress) and takes no order; then it opens.
  const market = app.locator('section.market');
  await expect(market).toHaveAttribute('data-state', 'live', { timeout: 60_000 });
  await expect(app.getByRole('region', { name: 'Place order' }).locator('button[type="submit"]')).toBeEnabled();

  // Fifteen-minute candles over a day: the 25-candle average and the 14-candle RSI have values.
  await chart(app).getByRole('radio', { name: '15m', exact: true }).click();
  await expect(chart(app).locator('.chart-host')).toHaveAttribute('data-state', 'ready', { timeout: 20_000 });
  const legend = chart(app).getByLabel('OHLC');
  await expect(legend).toContainText(/MA25 [\d,.]+/);
  await expect(legend).toContainText(/RSI14 [\d.]+/);
  // Hourly candles too: a day of them.
  await chart(app).getByRole('radio', { name: '1h', exact: true }).click();
  await expect(chart(app).locator('.chart-host')).toHaveAttribute('data-state', 'ready', { timeout: 20_000 });
  await expect(legend).toContainText(/MA7 [\d,.]+/);

  // The day's figures describe a day: a range, and far more volume than a few seconds of trading make.
  await expect(figure(app, '24h change')).toHaveText(/\d.*%/);
  const high = units(await figure(app, '24h high').textContent());
  const low = units(await figure(app, '24h low').textContent());
  expect(high).toBeGreaterThan(low);
  expect(low).toBeGreaterThan(0);
  expect(units(await figure(app, '24h volume').textContent())).toBeGreaterThan(10_000);
  await chart(app).getByRole('radio', { name: '1m', exact: true }).click();
  await expect(chart(app).locator('.chart-host')).toHaveAttribute('data-state', 'ready', { timeout: 20_000 });
  await keepScreenshot(app, 'practice-history', testInfo);
});
