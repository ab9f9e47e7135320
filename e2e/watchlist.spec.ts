/**
 * The Watchlist screen, end to end in web mode against the mock exchange (still: its markets do not step, so the
 * prices the list shows can be checked against the exchange's own): prices and 24h change of the practice
 * market and of Upbit's and Binance's markets, the search, a favourite that comes first and survives a reload,
 * a row (by mouse and by keyboard) opening its market, and the live market listed once signed in to a server.
 */
import type { Page } from '@playwright/test';
import type { MockExchange } from '../engine/tools/mock-exchange/mock-exchange';
import { formatUnits } from '../engine/protocol/units';
import { expect, keepScreenshot, test, useMockExchange } from './fixtures';
import { othersTrade, signUp, startTestSyncServer, type TestSyncServer } from './live-fixtures';

const nav = (app: Page, name: string) =>
  app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name, exact: true }).click();
const list = (app: Page) => app.getByRole('table', { name: 'Markets' });
const row = (app: Page, key: string) => list(app).locator(`tr[data-key="${key}"]`);
const rowKeys = (app: Page) =>
  list(app)
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((r) => r.dataset.key));

/** What the list should say for a mock market: its last price, and the change from its reference in percent. */
function expected(mock: MockExchange, symbol: string, reference: 'prevClose' | 'open24', decimals: number) {
  const m = mock.markets.get(symbol)!;
  const ref = m[reference];
  const bps = (BigInt(m.last - ref) * 10_000n) / BigInt(ref);
  return {
    price: formatUnits(m.last, decimals, { minFraction: decimals }),
    change: `${m.last > ref ? '+' : ''}${formatUnits(bps, 2, { minFraction: 2 })}%`,
  };
}

test.describe('markets list', () => {
  test.setTimeout(120_000);
  const exchange = useMockExchange({ seed: 11, stepsPerSec: 0 }, (m) => m.step(40));

  test('shows every market priced, finds one, keeps a favourite first across a reload and opens a market', async ({
    app,
  }, testInfo) => {
    await app.setViewportSize({ width: 1400, height: 1000 });
    await nav(app, 'Watchlist');
    await expect(app.getByRole('heading', { level: 1, name: 'Watchlist' })).toBeVisible();

    // Several markets of both exchanges, each at the exchange's last price and change.
    const checks = [
      { key: 'upbit:BTC-KRW', ...expected(exchange.mock, 'KRW-BTC', 'prevClose', 0) },
      { key: 'upbit:ETH-KRW', ...expected(exchange.mock, 'KRW-ETH', 'prevClose', 0) },
      { key: 'binance:BTC-USDT', ...expected(exchange.mock, 'BTCUSDT', 'open24', 2) },
      { key: 'binance:XRP-USDT', ...expected(exchange.mock, 'XRPUSDT', 'open24', 4) },
    ];
    for (const c of checks) {
      await expect(row(app, c.key).locator('[data-col="price"]')).toHaveText(c.price, { timeout: 20_000 });
      await expect(row(app, c.key).locator('[data-col="change"]')).toHaveText(c.change);
    }
    // The offline practice market is listed with its own price and day's change.
    await expect(row(app, 'lpj').locator('[data-col="price"]')).toHaveText(/^\d{1,3}(,\d{3})*$/, { timeout: 30_000 });
    await expect(row(app, 'lpj').locator('[data-col="change"]')).toHaveText(/^[+-]?\d+\.\d\d%$/);
    // A coin the exchange does not list has no price, and says so.
    await expect(row(app, 'upbit:DOGE-KRW').locator('[data-col="price"]')).toHaveText('No price yet');
    // A day's sparkline from hourly candles.
    await expect(row(app, 'binance:BTC-USDT').locator('svg.sparkline')).toHaveAttribute('data-points', '24');
    await expect(row(app, 'upbit:BTC-KRW').locator('svg.sparkline polyline')).toBeAttached();
    await keepScreenshot(app, 'watchlist', testInfo);

    // The search narrows the list, by coin and by exchange.
    const search = app.getByRole('searchbox', { name: 'Search markets' });
    await search.fill('eth');
    await expect.poll(() => rowKeys(app)).toEqual(['upbit:ETH-KRW', 'binance:ETH-USDT']);
    await search.fill('binance sol');
    await expect.poll(() => rowKeys(app)).toEqual(['binance:SOL-USDT']);
    await search.fill('');

    // A star puts the market first, and it is still first after a reload.
    await expect.poll(async () => (await rowKeys(app))[0]).toBe('lpj');
    await row(app, 'binance:SOL-USDT')
      .getByRole('button', { name: /Add SOL\/USDT · Binance to favourites/ })
      .click();
    await expect.poll(async () => (await rowKeys(app))[0]).toBe('binance:SOL-USDT');
    await app.reload();
    await expect(app.getByRole('heading', { level: 1, name: 'Watchlist' })).toBeVisible();
    await expect.poll(async () => (await rowKeys(app))[0]).toBe('binance:SOL-USDT');
    await expect(
      row(app, 'binance:SOL-USDT').getByRole('button', { name: /Remove SOL\/USDT · Binance from favourites/ }),
    ).toHaveAttribute('aria-pressed', 'true');
    await keepScreenshot(app, 'watchlist-favourite', testInfo);

    // Choosing a row opens that market, switching the price source to its exchange.
    await row(app, 'binance:ETH-USDT')
      .getByRole('button', { name: /^ETH\/USDT/ })
      .click();
    await expect(app.getByRole('heading', { level: 1, name: 'Market' })).toBeAttached();
    await expect(app.getByRole('combobox', { name: 'Market', exact: true })).toHaveValue('ETH-USDT');
    await expect(app.getByRole('region', { name: 'Market summary' })).toContainText('ETH/USDT');
    await expect(app.getByRole('region', { name: 'Market summary' })).toContainText('Binance');

    // By keyboard: search, arrow down to the rows, Enter opens the one chosen.
    await nav(app, 'Watchlist');
    await expect(row(app, 'binance:ETH-USDT')).toHaveAttribute('aria-current', 'true');
    await search.fill('krw');
    await search.press('ArrowDown');
    await expect(row(app, 'lpj').getByRole('button', { name: /^LPJ\/KRW/ })).toBeFocused();
    await app.keyboard.press('ArrowDown');
    await expect(row(app, 'upbit:BTC-KRW').getByRole('button', { name: /^BTC\/KRW/ })).toBeFocused();
    await app.keyboard.press('Enter');
    await expect(app.getByRole('combobox', { name: 'Market', exact: true })).toHaveValue('BTC-KRW');
    await expect(app.getByRole('region', { name: 'Market summary' })).toContainText('Upbit');
  });

  test('says an exchange is unreachable and still shows the other one', async ({ app }) => {
    await app.setViewportSize({ width: 1400, height: 1000 });
    // Binance answers nothing but errors from here on (and keeps doing so for the retries).
    exchange.mock.failRest(500, 1_000, { exchange: 'binance' });
    await nav(app, 'Watchlist');
    await expect(app.getByRole('status').filter({ hasText: 'Binance did not answer' })).toBeVisible({
      timeout: 30_000,
    });
    await expect(row(app, 'binance:BTC-USDT').locator('[data-col="price"]')).toHaveText('No price yet');
    await expect(row(app, 'upbit:BTC-KRW').locator('[data-col="price"]')).toHaveText(
      expected(exchange.mock, 'KRW-BTC', 'prevClose', 0).price,
    );
  });
});

test.describe('the live market in the list', () => {
  test.setTimeout(120_000);
  let server: TestSyncServer;
  test.beforeEach(async () => {
    server = await startTestSyncServer();
  });
  test.afterEach(async () => {
    await server?.stop();
  });
  // No exchange here: the list's paper markets ask an address where nothing listens, never the internet.
  test.use({
    appEnv: {
      LPJ_UPBIT_WS: 'ws://127.0.0.1:9',
      LPJ_UPBIT_REST: 'http://127.0.0.1:9',
      LPJ_BINANCE_WS: 'ws://127.0.0.1:9',
      LPJ_BINANCE_REST: 'http://127.0.0.1:9',
    },
  });

  test('is listed once signed in, at its last trade, and opens the live market', async ({ app }, testInfo) => {
    await app.setViewportSize({ width: 1400, height: 1000 });
    await othersTrade(server.url, 10_300);
    await nav(app, 'Watchlist');
    await expect(row(app, 'lpj')).toBeVisible();
    await expect(row(app, 'lpj-live')).toHaveCount(0);

    await signUp(app, server.url, 'watcher');
    await nav(app, 'Watchlist');
    await expect(row(app, 'lpj-live').locator('[data-col="price"]')).toHaveText('10,300', { timeout: 20_000 });
    await expect(row(app, 'lpj-live')).toContainText('Live market');
    await keepScreenshot(app, 'watchlist-live', testInfo);
    await row(app, 'lpj-live')
      .getByRole('button', { name: /^LPJ\/KRW/ })
      .click();
    await expect(app.locator('.market')).toHaveAttribute('data-kind', 'live');
  });
});
