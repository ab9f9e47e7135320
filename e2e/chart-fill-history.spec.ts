/**
 * My fills on the price chart across the history it loaded, not only the latest 100 the market view carries:
 * the practice account trades 130 times through the same WebSocket API the page uses, and the chart's marks
 * count every one of those fills — while the page watches, and again after a reload, when all but the latest
 * 100 can only have come from the practice market's own count per candle.
 */
import type { Page } from '@playwright/test';
import { seedChartOrders } from './bench/seed-orders';
import { expect, keepScreenshot, test } from './fixtures';

const chart = (app: Page) => app.getByRole('region', { name: 'Price chart' });

test('the chart marks my fills older than the latest 100, before and after a reload', async ({ app }, testInfo) => {
  test.setTimeout(120_000);
  await app.setViewportSize({ width: 1600, height: 1000 });
  await app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Market' }).click();
  const host = chart(app).locator('.chart-host');
  await expect(host).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });

  const seeded = await seedChartOrders(app.url(), { orders: 0, fills: 130 });
  expect(seeded.fills).toBeGreaterThanOrEqual(130);
  // Every fill is on the chart, grouped into one mark per candle and side.
  await expect(host).toHaveAttribute('data-fill-count', String(seeded.fills), { timeout: 30_000 });
  const marks = Number(await host.getAttribute('data-fill-marks'));
  expect(marks).toBeGreaterThan(0);
  expect(marks).toBeLessThan(seeded.fills);

  await app.reload();
  await expect(host).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(host).toHaveAttribute('data-fill-count', String(seeded.fills), { timeout: 30_000 });
  await keepScreenshot(app, 'chart-fill-history', testInfo);
});
