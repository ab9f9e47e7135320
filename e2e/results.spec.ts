/**
 * Results that last and compare, end to end on the shipped generated practice session (offline): a replay run
 * with an order is stopped and its result shows in Results; a second run of the same session sits beside it,
 * each with its digest; a run opens with its equity curve and fills; the replay account's PnL shows by day.
 * And a few seconds of a live session of the mock exchange recorded, then replayed and saved as a file.
 */
import type { Page } from '@playwright/test';
import { expect, keepScreenshot, test, useMockExchange } from './fixtures';

const nav = (app: Page, name: string) =>
  app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name }).click();
const form = (app: Page) => app.getByRole('region', { name: 'Place order' });
const controls = (app: Page) => app.getByRole('region', { name: 'Replay controls' });
const session = (app: Page) => app.getByRole('region', { name: /^Session: / });

test('a stopped replay run and the next one sit side by side in Results with their digests', async ({
  app,
}, testInfo) => {
  test.setTimeout(120_000);
  if (testInfo.project.name === 'web') await app.setViewportSize({ width: 1600, height: 1000 });
  await nav(app, 'Settings');
  await app.getByRole('combobox', { name: 'Real-coin prices' }).selectOption('replay');
  await nav(app, 'Market');
  const selector = app.getByRole('combobox', { name: 'Market', exact: true });
  await expect(selector.locator('option[value="BTC-KRW"]')).toBeAttached();
  await selector.selectOption('BTC-KRW');
  await controls(app).getByRole('combobox', { name: 'Replay speed' }).selectOption('10');
  const play = controls(app).getByRole('button', { name: 'Play' });
  if (await play.isVisible()) await play.click();
  await expect(app.getByRole('region', { name: 'Recent trades' }).locator('tbody tr').first()).toBeVisible({
    timeout: 20_000,
  });

  // Run 1: a market buy, then Stop.
  await form(app).getByRole('tab', { name: 'Market' }).click();
  await form(app).getByRole('textbox', { name: 'Spend (KRW)' }).fill('1000000');
  await form(app).getByRole('button', { name: 'Buy BTC' }).click();
  await expect(form(app).getByRole('status')).toContainText(/Order #\d+ placed and traded/);
  await controls(app).getByRole('button', { name: 'Stop' }).click();
  await expect(controls(app).locator('.replay-time')).toHaveText(/^0:00 \/ 10:00$/);

  // Reached from Orders & trades as well as from the rail.
  await nav(app, 'Orders & trades');
  await app.getByRole('button', { name: 'Results and reports' }).click();
  await expect(app.getByRole('heading', { level: 1, name: 'Results' })).toBeVisible();
  const rows = session(app).locator('tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Stopped');
  const trades = Number(await rows.first().locator('.result-trades').textContent());
  expect(trades).toBeGreaterThan(0);
  const firstDigest = (await rows.first().locator('.result-digest').textContent())!;
  expect(firstDigest).toMatch(/^[0-9a-f]{16}$/);

  // Run 2 of the same session, played to its end without an order.
  await nav(app, 'Market');
  await controls(app).getByRole('slider', { name: 'Session time' }).fill('594000');
  await expect(controls(app).locator('.replay-time')).toHaveText(/^9:5\d \/ 10:00$/);
  await controls(app).getByRole('button', { name: 'Play' }).click();
  await expect(app.getByRole('status', { name: 'Feed status' })).toHaveText('Session ended', { timeout: 30_000 });

  await nav(app, 'Results');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0).locator('.result-digest')).toHaveText(firstDigest);
  await expect(rows.nth(1)).toContainText('Ended');
  await expect(rows.nth(1).locator('.result-trades')).toHaveText('0');
  await expect(rows.nth(1).locator('.result-digest')).toHaveText('cbf29ce484222325');

  // Run 1 in detail: its curve and its fills.
  await rows.nth(0).getByRole('button', { name: 'Show' }).click();
  const detail = app.getByRole('region', { name: 'Run 1' });
  await expect(detail.getByRole('img', { name: 'Equity curve of the run' })).toHaveAttribute('data-points', /^\d+$/);
  await expect(detail.getByRole('table', { name: 'Fills' }).locator('tbody tr')).toHaveCount(trades);
  await keepScreenshot(app, 'results-runs', testInfo);

  // The replay account's PnL by day.
  const reports = app.getByRole('region', { name: 'Reports' });
  await reports.getByRole('combobox', { name: 'Account' }).selectOption('replay');
  await reports.getByRole('button', { name: 'Show PnL' }).click();
  await expect(reports.getByRole('table', { name: 'Reports' }).locator('tbody tr')).toHaveCount(1);
  await expect(reports.getByRole('table', { name: 'Reports' })).toContainText('BTC-KRW');

  // In Korean as well.
  await nav(app, 'Settings');
  await app.getByRole('combobox', { name: 'Language' }).selectOption('ko');
  await app.getByRole('navigation', { name: '주 메뉴' }).getByRole('link', { name: '결과' }).click();
  await expect(app.getByRole('heading', { level: 1, name: '결과' })).toBeVisible();
  await expect(app.getByRole('region', { name: /^세션: / }).locator('tbody tr')).toHaveCount(2);
  await keepScreenshot(app, 'results-runs-ko', testInfo);
});

test.describe('recording', () => {
  useMockExchange({ seed: 7, stepsPerSec: 20 });

  test('a few seconds of a live session recorded, then replayed from Settings', async ({ app }, testInfo) => {
    test.setTimeout(120_000);
    if (testInfo.project.name === 'web') await app.setViewportSize({ width: 1600, height: 1000 });
    await nav(app, 'Market');
    const selector = app.getByRole('combobox', { name: 'Market', exact: true });
    await expect(selector.locator('option[value="BTC-KRW"]')).toBeAttached();
    await selector.selectOption('BTC-KRW');
    await expect(app.getByRole('status', { name: 'Feed status' })).toHaveAttribute('data-status', 'live', {
      timeout: 20_000,
    });

    const record = app.getByRole('group', { name: 'Record this session' });
    await record.getByRole('button', { name: 'Record' }).click();
    const progress = record.locator('.recording-progress');
    await expect
      .poll(async () => Number(await progress.getAttribute('data-events')), { timeout: 20_000 })
      .toBeGreaterThan(20);
    await record.getByRole('button', { name: 'Stop recording' }).click();
    await expect(record.getByRole('status')).toContainText(/^Recorded: upbit-BTC-KRW-.*\.p777s$/);

    await nav(app, 'Settings');
    const recorded = app.getByRole('table', { name: 'Recorded sessions' }).locator('tbody tr');
    await expect(recorded).toHaveCount(1);
    await recorded.first().getByRole('button', { name: 'Replay' }).click();
    await expect(app.getByRole('combobox', { name: 'Real-coin prices' })).toHaveValue('replay');
    await expect(app.getByText(/^Recorded session — BTC\/KRW · .+ UTC · \d+ seconds?$/)).toBeVisible();
    // Saved as a file the user can open again.
    const download = app.waitForEvent('download');
    await recorded.first().getByRole('button', { name: 'Save file' }).click();
    expect((await download).suggestedFilename()).toMatch(/^upbit-BTC-KRW-.*\.p777s$/);

    await nav(app, 'Market');
    await selector.selectOption('BTC-KRW');
    const controls = app.getByRole('region', { name: 'Replay controls' });
    await expect(controls).toBeVisible();
    const play = controls.getByRole('button', { name: 'Play' });
    if (await play.isVisible()) await play.click();
    await expect(
      app.getByRole('region', { name: 'Order book' }).getByRole('group', { name: 'Asks' }).getByRole('option').first(),
    ).toBeVisible({ timeout: 20_000 });
    await keepScreenshot(app, 'recorded-session-replayed', testInfo);
  });
});
