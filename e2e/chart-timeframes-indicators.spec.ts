/**
 * The price chart as a trader uses it: weekly and monthly candles (on the offline practice market and on a
 * paper market priced by the mock exchange, whose weeks/months endpoints speak Upbit's format), studies picked
 * from the indicator picker and still there after a reload, and older candles loaded by scrolling back, the
 * candle under the pointer staying where it was.
 */
import type { Page } from '@playwright/test';
import { expect, keepScreenshot, test, useMockExchange } from './fixtures';

const chart = (app: Page) => app.getByRole('region', { name: 'Price chart' });
const host = (app: Page) => chart(app).locator('.chart-host');
const legend = (app: Page) => chart(app).getByLabel('OHLC');
const radio = (app: Page, name: string) => chart(app).getByRole('radio', { name, exact: true });
const nav = (app: Page, name: string) =>
  app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name }).click();

async function openPractice(app: Page): Promise<void> {
  await app.setViewportSize({ width: 1600, height: 1000 });
  await nav(app, 'Market');
  await expect(app.locator('section.market')).toHaveAttribute('data-state', 'live', { timeout: 60_000 });
}

async function showTimeframe(app: Page, name: string): Promise<void> {
  await radio(app, name).click();
  await expect(radio(app, name)).toHaveAttribute('aria-checked', 'true');
  await expect(host(app)).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
}

const oldest = async (app: Page) => Number(await host(app).getAttribute('data-oldest'));
const bars = async (app: Page) => Number(await host(app).getAttribute('data-bars'));

/** The candles open on Monday (weekly) or on the 1st (monthly), 00:00 UTC, as the exchanges' own do. */
async function expectCalendarCandles(app: Page): Promise<void> {
  await showTimeframe(app, '1W');
  await expect.poll(() => bars(app)).toBeGreaterThan(0);
  const week = new Date(await oldest(app));
  expect(week.getUTCDay()).toBe(1);
  expect(week.getUTCHours() * 60 + week.getUTCMinutes()).toBe(0);
  await expect(legend(app)).toContainText(/O [\d,.]+/);
  await showTimeframe(app, '1M');
  const month = new Date(await oldest(app));
  expect(month.getUTCDate()).toBe(1);
  expect(month.getUTCHours()).toBe(0);
}

/** Drags the chart to the right (to older candles) once, by most of its width. */
async function dragBack(app: Page): Promise<void> {
  const box = (await host(app).boundingBox())!;
  const y = box.y + box.height * 0.4;
  await app.mouse.move(box.x + box.width * 0.1, y);
  await app.mouse.down();
  await app.mouse.move(box.x + box.width * 0.8, y, { steps: 8 });
  await app.mouse.up();
}

test.describe('on the practice market', () => {
  test.setTimeout(180_000);

  test('weekly and monthly candles, indicators that survive a reload, and scrolling back', async ({
    app,
  }, testInfo) => {
    await openPractice(app);
    await expect(radio(app, '1W')).toBeVisible();
    await expectCalendarCandles(app);

    // The picker starts with the chart's old studies; replace them with EMA 10, Bollinger bands and MACD.
    await showTimeframe(app, '1m');
    await expect(legend(app)).toContainText(/MA7 [\d,]+/);
    await chart(app).getByRole('button', { name: 'Indicators' }).click();
    const picker = chart(app).getByRole('dialog', { name: 'Indicators' });
    for (const name of ['MA7', 'MA25', 'RSI14']) await picker.getByRole('button', { name: `Remove ${name}` }).click();
    await expect(legend(app).locator('[data-study]')).toHaveCount(0);
    const add = async (value: string) => {
      await picker.getByRole('combobox', { name: 'Indicator to add' }).selectOption(value);
      await picker.getByRole('button', { name: 'Add' }).click();
    };
    await add('ema');
    await picker.locator('[data-study="ema20"]').getByRole('spinbutton', { name: 'Period' }).fill('10');
    await add('bollinger');
    await add('macd');
    // A period out of bounds is shown as invalid and not kept.
    const macdSlow = picker.locator('[data-study="macd12-26-9"]').getByRole('spinbutton', { name: 'Slow' });
    await macdSlow.fill('5');
    await expect(macdSlow).toHaveAttribute('aria-invalid', 'true');
    await macdSlow.fill('26');
    await app.keyboard.press('Escape');
    await expect(picker).toHaveCount(0);
    await expect(legend(app).locator('[data-study="ema10"]')).toHaveText(/^EMA10 [\d,]+$/);
    await expect(legend(app).locator('[data-study="bb20-2"]')).toHaveText(/^BB20 2 [\d,]+ \/ [\d,]+ \/ [\d,]+$/);
    await expect(legend(app).locator('[data-study="macd12-26-9"]')).toHaveText(
      /^MACD 12 26 9 -?[\d,]+ \/ -?[\d,]+ \/ -?[\d,]+$/,
    );
    await expect(legend(app)).not.toContainText('RSI14');

    // The host keeps the choice: a reload shows the same studies.
    await app.reload();
    await openPractice(app);
    await expect(host(app)).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
    await expect(legend(app).locator('[data-study]')).toHaveText([/^EMA10 /, /^BB20 2 /, /^MACD 12 26 9 /]);

    // Scrolling back: 1m candles of a simulated day, 500 at a time.
    await expect.poll(() => bars(app)).toBe(500);
    const firstOldest = await oldest(app);
    await expect(async () => {
      await dragBack(app);
      expect(await oldest(app)).toBeLessThan(firstOldest);
    }).toPass({ timeout: 60_000 });
    expect(await bars(app)).toBeGreaterThan(500);
    expect(await oldest(app)).toBeLessThanOrEqual(firstOldest - 500 * 60_000);

    // Older candles go in front of the ones on screen without moving them: the candle under the pointer is
    // one of those that were there, not one of the older ones put in front.
    const box = (await host(app).boundingBox())!;
    const before = await bars(app);
    const shownFrom = await oldest(app);
    await expect(async () => {
      await dragBack(app);
      expect(await bars(app)).toBeGreaterThan(before);
    }).toPass({ timeout: 60_000 });
    await app.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.4);
    await app.mouse.move(box.x + box.width * 0.5 + 2, box.y + box.height * 0.4);
    await expect
      .poll(async () => Number(await legend(app).getAttribute('data-time')))
      .toBeGreaterThanOrEqual(shownFrom);

    // Far enough back, the simulated past ends: said once, nothing more asked.
    await expect(async () => {
      await dragBack(app);
      await expect(chart(app).locator('[data-older="end"]')).toHaveText('Start of history', { timeout: 2_000 });
    }).toPass({ timeout: 90_000 });
    await keepScreenshot(app, 'chart-scrolled-back', testInfo);
  });
});

test.describe('on a paper market priced by the mock exchange', () => {
  test.setTimeout(120_000);
  const exchange = useMockExchange({ seed: 7, stepsPerSec: 10 });

  test('weekly and monthly candles come from the exchange’s own week and month candles', async ({ app }, testInfo) => {
    await app.setViewportSize({ width: 1600, height: 1000 });
    await nav(app, 'Market');
    const selector = app.getByRole('combobox', { name: 'Market', exact: true });
    await expect(selector.locator('option[value="BTC-KRW"]')).toBeAttached();
    await selector.selectOption('BTC-KRW');
    await expect(app.getByRole('status', { name: 'Feed status' })).toHaveAttribute('data-status', 'live', {
      timeout: 20_000,
    });
    await expectCalendarCandles(app);
    // The mock keeps three years of months; they came from /v1/candles/months, not from minutes.
    await expect.poll(() => bars(app)).toBeGreaterThanOrEqual(36);
    expect(exchange.mock.stats().rest.some((r) => r.path.startsWith('/v1/candles/months'))).toBe(true);
    expect(exchange.mock.stats().rest.some((r) => r.path.startsWith('/v1/candles/weeks'))).toBe(true);
    await showTimeframe(app, '1W');
    await expect.poll(() => bars(app)).toBeGreaterThanOrEqual(150);
    await showTimeframe(app, '1M');
    await keepScreenshot(app, 'chart-paper-months', testInfo);
    // All of them are shown: scrolling back says so.
    await expect(async () => {
      await dragBack(app);
      await expect(chart(app).locator('[data-older="end"]')).toHaveText('Start of history', { timeout: 2_000 });
    }).toPass({ timeout: 60_000 });
  });
});
