/**
 * The depth chart beside the order book, end to end in web mode on a paper market of the mock exchange (still,
 * so the book does not move between reading the chart and the book): the panel switches to the chart and
 * remembers it, and the hover readout of a level says the same cumulative amount as the book's row at that price.
 */
import type { Page } from '@playwright/test';
import { expect, keepScreenshot, test, useMockExchange } from './fixtures';

const bookPanel = (app: Page) => app.locator('.book-panel');
const canvas = (app: Page) => app.getByRole('img', { name: 'Cumulative bids and asks around the mid price' });
const readout = (app: Page) => app.locator('.depth-readout');

/** Hovers the chart at a share of its width and reads what the readout says there. */
async function readAt(app: Page, share: number) {
  const box = (await canvas(app).boundingBox())!;
  await app.mouse.move(box.x + box.width * share, box.y + box.height / 2);
  await expect(readout(app)).toBeVisible();
  return {
    side: (await readout(app).getAttribute('data-side'))!,
    price: (await readout(app).getAttribute('data-price'))!,
    total: (await readout(app).locator('[data-col="total"]').textContent())!,
    value: (await readout(app).locator('[data-col="value"]').textContent())!,
  };
}

test.describe('depth chart', () => {
  test.setTimeout(120_000);
  useMockExchange({ seed: 5, stepsPerSec: 0 }, (m) => m.step(40));

  test('shows the book as cumulative depth whose readout agrees with the book, and stays chosen', async ({
    app,
  }, testInfo) => {
    await app.setViewportSize({ width: 1600, height: 1000 });
    const selector = app.getByRole('combobox', { name: 'Market', exact: true });
    await expect(selector.locator('option[value="BTC-KRW"]')).toBeAttached();
    await selector.selectOption('BTC-KRW');
    const book = app.getByRole('region', { name: 'Order book' });
    await expect(book.getByRole('group', { name: 'Bids' }).getByRole('option').first()).toBeVisible({
      timeout: 20_000,
    });

    await bookPanel(app).getByRole('tab', { name: 'Depth' }).click();
    const depth = app.getByRole('region', { name: 'Depth chart' });
    await expect(depth.getByRole('tab', { name: 'Depth' })).toHaveAttribute('aria-selected', 'true');
    await expect(canvas(app)).toBeVisible();

    // A bid a few levels from the best, and an ask: each reads what the book says at that price.
    const bid = await readAt(app, 0.3);
    expect(bid.side).toBe('bid');
    expect(bid.total).toMatch(/^\d+\.\d{8} BTC$/);
    expect(bid.value).toMatch(/^[\d,]+ KRW$/);
    await keepScreenshot(app, 'depth-chart', testInfo);
    const ask = await readAt(app, 0.75);
    expect(ask.side).toBe('ask');
    expect(Number(ask.price)).toBeGreaterThan(Number(bid.price));

    await app.mouse.move(0, 0);
    await depth.getByRole('tab', { name: 'Book' }).click();
    for (const r of [bid, ask]) {
      const level = book.locator(`[role="option"][data-side="${r.side}"][data-price="${r.price}"]`);
      await expect(level).toBeVisible();
      // The book's third column is the cumulative amount at that level.
      await expect(level.locator('span').nth(2)).toHaveText(r.total.replace(' BTC', ''));
    }

    // The choice is remembered across a reload.
    await bookPanel(app).getByRole('tab', { name: 'Depth' }).click();
    await app.reload();
    await expect(canvas(app)).toBeVisible({ timeout: 20_000 });
    await expect(app.getByRole('region', { name: 'Depth chart' }).getByRole('tab', { name: 'Depth' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
  });
});
