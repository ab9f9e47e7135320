/**
 * Replaying a past window of an exchange, end to end on the mock exchange (its history served on 127.0.0.1 in
 * Binance's formats): pick the market, a start and a length in Settings, watch the download, rest a limit buy
 * below the price in force, play at max speed and see it fill when the price trades through it. The replay
 * bar names the fill model, in English and Korean. The run is kept in Results, and a second run with the same
 * order at the same replay time sits beside it with the same digest.
 */
import type { Page } from '@playwright/test';
import { expect, keepScreenshot, test, useMockExchange } from './fixtures';

const exchange = useMockExchange({ seed: 21, stepsPerSec: 1, historyMinutes: 2 * 1440 });
const nav = (app: Page, name: string) =>
  app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name }).click();
const form = (app: Page) => app.getByRole('region', { name: 'Place order' });
const MINUTE = 60_000;

test('replay a past hour of Binance at max speed: a resting limit buy fills when the price trades through it, and a second run compares in Results', async ({
  app,
}, testInfo) => {
  test.setTimeout(180_000);
  await app.setViewportSize({ width: 1600, height: 1200 });
  // What the exchange publishes, to pick an hour whose price falls, after its first two minutes, below every
  // price traded before (the mock's seeded history moves with the clock), and a buy price it will trade through.
  const cents = (s: string) => Math.round(Number(s) * 100);
  let from = 0;
  let price = 0;
  for (let back = 3; back <= 8 && price === 0; back++) {
    from = Math.floor(Date.now() / 3_600_000) * 3_600_000 - back * 3_600_000;
    const url = `${exchange.mock.urls.binanceRest}/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=${from}&endTime=${from + 60 * MINUTE - 1}&limit=60`;
    const lows = ((await (await fetch(url)).json()) as [number, string, string, string][]).map((r) => cents(r[3]));
    const before = Math.min(...lows.slice(0, 2));
    const lowest = Math.min(...lows.slice(2));
    if (lowest < before - 2) price = Math.floor((before + lowest) / 2);
  }
  expect(price, 'an hour of the mock’s history that falls').toBeGreaterThan(0);

  await nav(app, 'Settings');
  const past = app.getByRole('form', { name: 'Replay a past window' });
  await past.getByRole('combobox', { name: 'Exchange' }).selectOption('binance');
  await past.getByRole('textbox', { name: 'Market' }).fill('BTC-USDT');
  await past.getByLabel('Start (UTC)').fill(new Date(from).toISOString().slice(0, 16));
  await past.getByRole('combobox', { name: 'Length' }).selectOption({ label: '1 hour' });
  await past.getByRole('button', { name: 'Download and replay' }).click();
  await expect(app.getByText(/Binance BTC\/USDT · .* UTC · 1 hour \(exchange history\)/).first()).toBeVisible({
    timeout: 60_000,
  });

  await nav(app, 'Market');
  const selector = app.getByRole('combobox', { name: 'Market', exact: true });
  await expect(selector.locator('option[value="BTC-USDT"]')).toBeAttached();
  await selector.selectOption('BTC-USDT');
  const controls = app.getByRole('region', { name: 'Replay controls' });
  await expect(controls).toContainText('(exchange history)');
  await expect(controls.locator('[data-fill-model="trades"]')).toContainText('Fills follow the exchange’s own trades');
  const pause = controls.getByRole('button', { name: 'Pause' });
  if (await pause.isVisible()) await pause.click();
  // A minute and a half in: the first minute's close is the price in force.
  await controls.getByRole('slider', { name: 'Session time' }).fill('90000');
  await expect(controls.locator('.replay-time')).toHaveText(/^1:3\d \/ 1:00:00$/);

  const placeBuy = async () => {
    await form(app).getByRole('tab', { name: 'Buy', exact: true }).click();
    await form(app).getByRole('tab', { name: 'Limit', exact: true }).click();
    await form(app)
      .getByRole('textbox', { name: 'Price (USDT)', exact: true })
      .fill((price / 100).toFixed(2));
    await form(app).getByRole('textbox', { name: 'Amount (BTC)', exact: true }).fill('0.001');
    await form(app).getByRole('button', { name: 'Buy BTC' }).click();
    await expect(form(app).getByRole('status')).toContainText(/Order #\d+ placed/);
  };
  await placeBuy();
  const openOrders = app.getByRole('region', { name: 'Open orders' });
  await expect(openOrders.locator('tr[data-order-id]')).toHaveCount(1);
  await keepScreenshot(app, 'replay-past-resting', testInfo);

  await controls.getByRole('combobox', { name: 'Replay speed' }).selectOption('max');
  await controls.getByRole('button', { name: 'Play' }).click();
  await expect(controls.locator('.replay-state')).toHaveText('Session ended', { timeout: 60_000 });
  await expect(openOrders.locator('tr[data-order-id]')).toHaveCount(0);
  await app.getByRole('tab', { name: /My fills/ }).click();
  const fills = app.getByRole('region', { name: 'My fills' }).locator('tbody tr');
  await expect(fills).toHaveCount(1);
  await expect(fills.first()).toContainText((price / 100).toLocaleString('en-US', { minimumFractionDigits: 2 }));
  await keepScreenshot(app, 'replay-past-filled', testInfo);

  // The run is kept in Results under the window; a second run with the same order at the same replay time
  // sits beside it with the same digest.
  await nav(app, 'Results');
  const runs = app.getByRole('region', { name: /^Session: / }).locator('tbody tr');
  await expect(runs).toHaveCount(1);
  await expect(runs.first()).toContainText('Ended');
  await expect(runs.first().locator('.result-trades')).toHaveText('1');
  const digest = (await runs.first().locator('.result-digest').textContent())!;
  expect(digest).toMatch(/^[0-9a-f]{16}$/);

  await nav(app, 'Market');
  await controls.getByRole('slider', { name: 'Session time' }).fill('90000');
  await expect(controls.locator('.replay-time')).toHaveText(/^1:3\d \/ 1:00:00$/);
  await placeBuy();
  await controls.getByRole('button', { name: 'Play' }).click();
  await expect(controls.locator('.replay-state')).toHaveText('Session ended', { timeout: 60_000 });
  await nav(app, 'Results');
  await expect(runs).toHaveCount(2);
  await expect(runs.nth(1).locator('.result-trades')).toHaveText('1');
  await expect(runs.nth(1).locator('.result-digest')).toHaveText(digest);
  await keepScreenshot(app, 'replay-past-results', testInfo);

  // In Korean, the fill model is named too.
  await nav(app, 'Settings');
  await app.getByRole('combobox', { name: 'Language' }).selectOption('ko');
  await app.getByRole('navigation', { name: '주 메뉴' }).getByRole('link', { name: '거래소' }).click();
  await expect(app.locator('[data-fill-model="trades"]')).toContainText('거래소의 실제 체결을 따라 체결됩니다');
  await app.getByRole('navigation', { name: '주 메뉴' }).getByRole('link', { name: '설정' }).click();
  await app.getByRole('combobox', { name: '언어' }).selectOption('en');
});
