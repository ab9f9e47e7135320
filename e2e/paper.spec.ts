/**
 * Paper trading on real coins, end to end: on the offline replay of the shipped generated practice session,
 * and on live prices from the mock exchange (started here on a free port; the app's exchange URLs point at it,
 * so nothing reaches the internet).
 */
import type { Page } from '@playwright/test';
import { SAMPLE_SESSION_PATH } from '../engine/node/replay/sample-session';
import { expect, keepScreenshot, test, useMockExchange } from './fixtures';

const nav = (app: Page, name: string) =>
  app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name }).click();
const book = (app: Page) => app.getByRole('region', { name: 'Order book' });
const form = (app: Page) => app.getByRole('region', { name: 'Place order' });
const feedStatus = (app: Page) => app.getByRole('status', { name: 'Feed status' });
const positionCell = (app: Page, market: string, col: string) =>
  app.getByRole('region', { name: 'Positions' }).locator(`[data-market="${market}"] [data-col="${col}"]`);

async function openRealMarket(app: Page, project: string, market: string): Promise<void> {
  if (project === 'web') await app.setViewportSize({ width: 1600, height: 1000 });
  await nav(app, 'Market');
  await expect(app.getByRole('heading', { level: 1, name: 'Market' })).toBeAttached();
  const selector = app.getByRole('combobox', { name: 'Market', exact: true });
  await expect(selector.locator(`option[value="${market}"]`)).toBeAttached();
  await selector.selectOption(market);
  await expect(app.getByRole('region', { name: 'Market summary' })).toContainText(market.replace('-', '/'));
}

test.describe('replay', () => {
  test.setTimeout(120_000);
  test('paper-trade BTC on the replay feed and see PnL move', async ({ app }, testInfo) => {
    // The source is chosen in Settings; the replay is labelled as the generated practice session it is.
    await app.setViewportSize({ width: 1600, height: 1000 });
    await nav(app, 'Settings');
    const source = app.getByRole('combobox', { name: 'Real-coin prices' });
    await expect(source).toHaveValue('upbit');
    await source.selectOption('replay');
    await expect(
      app.getByText('Generated practice session — BTC/KRW · 10 minutes (simulated, not real market data)'),
    ).toBeVisible();

    await openRealMarket(app, testInfo.project.name, 'BTC-KRW');
    const controls = app.getByRole('region', { name: 'Replay controls' });
    await expect(controls).toContainText(
      'Generated practice session — BTC/KRW · 10 minutes (simulated, not real market data)',
    );
    await expect(feedStatus(app)).toHaveAttribute('data-status', 'live');
    await expect(book(app).getByRole('group', { name: 'Asks' }).getByRole('option').first()).toBeVisible();

    // Fast, but slow enough that the 10-minute session is still playing while the test trades.
    await controls.getByRole('combobox', { name: 'Replay speed' }).selectOption('10');
    const play = controls.getByRole('button', { name: 'Play' });
    if (await play.isVisible()) await play.click();
    await expect(controls.getByRole('button', { name: 'Pause' })).toBeVisible();
    const time = controls.locator('.replay-time');
    const startedAt = Number(await time.getAttribute('data-position'));
    await expect.poll(async () => Number(await time.getAttribute('data-position'))).toBeGreaterThan(startedAt);
    await expect(app.getByRole('region', { name: 'Recent trades' }).locator('tbody tr').first()).toBeVisible({
      timeout: 20_000,
    });

    // A market buy of 1,000,000 KRW walks the replayed book.
    await form(app).getByRole('tab', { name: 'Market' }).click();
    await form(app).getByRole('textbox', { name: 'Spend (KRW)' }).fill('1000000');
    await form(app).getByRole('button', { name: 'Buy BTC' }).click();
    await expect(form(app).getByRole('status')).toContainText(/Order #\d+ placed and traded/);

    await app.getByRole('tab', { name: 'Positions' }).click();
    const quantity = positionCell(app, 'BTC-KRW', 'quantity');
    await expect(quantity).toHaveText(/^0\.0\d+$/);
    await expect(positionCell(app, 'BTC-KRW', 'average')).toHaveText(/^9\d,\d{3},\d{3}$/);
    await expect(positionCell(app, 'BTC-KRW', 'realised')).toHaveText('0');
    const unrealised = positionCell(app, 'BTC-KRW', 'unrealised');
    await expect(unrealised).toHaveText(/^[+-]?[\d,]+$/);
    // Marked at the replay's last price: as the replay trades on, the unrealised PnL moves.
    const first = await unrealised.textContent();
    await expect.poll(() => unrealised.textContent(), { timeout: 30_000 }).not.toBe(first);
    await keepScreenshot(app, 'paper-replay-position', testInfo);

    // Sell part of it at market: the position shrinks, the sale's fee is paid, and its profit or loss is realised
    // (exactly 0 when the replay's bid has reached the average price, so the sign is not asserted).
    const held = (await quantity.textContent())!;
    const feesBefore = (await positionCell(app, 'BTC-KRW', 'fees').textContent())!;
    const half = (Number(held.replace('0.', '')) >> 1).toString().padStart(8, '0');
    await form(app).getByRole('tab', { name: 'Sell' }).click();
    await form(app).getByRole('tab', { name: 'Market' }).click();
    await form(app).getByRole('textbox', { name: 'Amount (BTC)' }).fill(`0.${half}`);
    await form(app).getByRole('button', { name: 'Sell BTC' }).click();
    await expect(form(app).getByRole('status')).toContainText(/Order #\d+ placed and traded/);
    await expect(quantity).not.toHaveText(held);
    await expect(positionCell(app, 'BTC-KRW', 'fees')).not.toHaveText(feesBefore);
    await expect(positionCell(app, 'BTC-KRW', 'realised')).toHaveText(/^(0|[+-][\d,]+)$/);

    // Seek back to the start: the session clock follows.
    await controls.getByRole('button', { name: 'Pause' }).click();
    await controls.getByRole('slider', { name: 'Session time' }).fill('60000');
    await expect(time).toHaveText(/^1:0\d \/ 10:00$/);
    await keepScreenshot(app, 'paper-replay', testInfo);
  });

  test('a session file picked in Settings replays, and only what was picked', async ({ app }, testInfo) => {
    // The desktop app picks in the operating system's dialog, which a test cannot drive.
    test.skip(
      testInfo.project.name !== 'web',
      'the native open dialog of the desktop app cannot be driven from a test',
    );
    await nav(app, 'Settings');
    const chooser = app.waitForEvent('filechooser');
    await app.getByRole('button', { name: 'Play a session file…' }).click();
    await (await chooser).setFiles(SAMPLE_SESSION_PATH);
    await expect(app.getByText('Playing generated-practice-btc-krw.p777s')).toBeVisible();
    await expect(app.getByRole('combobox', { name: 'Real-coin prices' })).toHaveValue('replay');
    await expect(
      app.getByText('Generated practice session — BTC/KRW · 10 minutes (simulated, not real market data)'),
    ).toBeVisible();

    // A file that is not a session is refused with the reason, and the picked one keeps playing.
    const second = app.waitForEvent('filechooser');
    await app.getByRole('button', { name: 'Play a session file…' }).click();
    await (
      await second
    ).setFiles({ name: 'notes.p777s', mimeType: 'application/octet-stream', buffer: Buffer.from('not a session') });
    await expect(app.getByRole('alert')).toContainText('notes.p777s: not a session file');
    await openRealMarket(app, testInfo.project.name, 'BTC-KRW');
    await expect(app.getByRole('region', { name: 'Replay controls' })).toContainText(
      'Generated practice session — BTC/KRW · 10 minutes',
    );
  });

  test('reset asks first, then restores the starting balances', async ({ app }, testInfo) => {
    await nav(app, 'Settings');
    await app.getByRole('combobox', { name: 'Real-coin prices' }).selectOption('replay');
    await openRealMarket(app, testInfo.project.name, 'BTC-KRW');
    await expect(book(app).getByRole('group', { name: 'Asks' }).getByRole('option').first()).toBeVisible();
    const krw = app.getByRole('region', { name: 'Balances' }).locator('[data-asset="KRW"] [data-col="available"]');
    await expect(krw).toHaveText('10,000,000');
    await form(app).getByRole('tab', { name: 'Market' }).click();
    await form(app).getByRole('textbox', { name: 'Spend (KRW)' }).fill('100000');
    await form(app).getByRole('button', { name: 'Buy BTC' }).click();
    await expect(form(app).getByRole('status')).toContainText(/placed and traded/);
    await expect(krw).not.toHaveText('10,000,000');

    await app.getByRole('button', { name: 'Reset account' }).click();
    const dialog = app.getByRole('dialog', { name: 'Reset the paper account?' });
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'Go back' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(krw).not.toHaveText('10,000,000');

    await app.getByRole('button', { name: 'Reset account' }).click();
    await dialog.getByRole('button', { name: 'Reset account' }).click();
    await expect(app.getByText('The paper account was reset')).toBeVisible();
    await expect(krw).toHaveText('10,000,000');
    await expect(
      app.getByRole('region', { name: 'Balances' }).locator('[data-asset="BTC"] [data-col="available"]'),
    ).toHaveText('0.00000000');
  });
});

test.describe('live prices from the mock exchange', () => {
  test.setTimeout(120_000);
  const exchange = useMockExchange({ seed: 7, stepsPerSec: 10 });

  test('BTC-KRW opens live with book and trades, and shows reconnecting when the exchange drops the connection', async ({
    app,
  }, testInfo) => {
    await openRealMarket(app, testInfo.project.name, 'BTC-KRW');
    await expect(app.getByRole('region', { name: 'Market summary' })).toContainText('Upbit');
    await expect(feedStatus(app)).toHaveAttribute('data-status', 'live', { timeout: 20_000 });
    await expect(feedStatus(app)).toHaveText('Live');
    await expect(book(app).getByRole('group', { name: 'Asks' }).getByRole('option').first()).toBeVisible();
    await expect(book(app).getByRole('group', { name: 'Bids' }).getByRole('option').first()).toBeVisible();
    await expect(app.getByRole('region', { name: 'Recent trades' }).locator('tbody tr').first()).toBeVisible({
      timeout: 20_000,
    });
    await expect(app.getByRole('region', { name: 'Price chart' }).locator('.chart-host')).toHaveAttribute(
      'data-state',
      'ready',
      { timeout: 20_000 },
    );
    await expect(app.getByRole('region', { name: 'Replay controls' })).toHaveCount(0);
    await keepScreenshot(app, 'paper-live', testInfo);

    // The reconnect can be quick: record every status the badge shows rather than hope to catch one.
    await app.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { feedStatuses: string[] }).feedStatuses = seen;
      const badge = document.querySelector('[aria-label="Feed status"]')!;
      new MutationObserver(() => seen.push(badge.getAttribute('data-status') ?? '')).observe(badge, {
        attributes: true,
        attributeFilter: ['data-status'],
      });
    });
    const dropped = await fetch(`${exchange.mock.urls.control}/drop`, { method: 'POST', body: '{}' });
    expect(dropped.ok).toBe(true);
    await expect
      .poll(() => app.evaluate(() => (window as unknown as { feedStatuses: string[] }).feedStatuses))
      .toContain('reconnecting');
    await expect(feedStatus(app)).toHaveAttribute('data-status', 'live', { timeout: 20_000 });

    // Silence makes the data stale: marked as such, and the prices dimmed.
    await fetch(`${exchange.mock.urls.control}/silence`, { method: 'POST', body: JSON.stringify({ ms: 30_000 }) });
    await expect(feedStatus(app)).toHaveAttribute('data-status', /stale|reconnecting/, { timeout: 30_000 });
    await expect(app.locator('section.market')).toHaveAttribute('data-stale', 'true');
    await expect(app.getByRole('note').filter({ hasText: 'Prices are not live' }).first()).toBeVisible();
    await keepScreenshot(app, 'paper-stale', testInfo);
  });
});
