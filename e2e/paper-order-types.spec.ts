/**
 * Trailing stops and brackets in paper trading (web mode), on BTC-KRW fed by the mock exchange (started here on
 * a free port; the app's exchange URLs point at it), driven through the order form as a user would. The mock's
 * price walks one 1,000 KRW tick at a time, so distances are counted in ticks; the test waits on what the
 * screen shows, not on time.
 * - Trailing stops: a sell and a buy trailing the last price by 10,000 KRW. Whichever way the price moves, one
 *   trigger follows it (Open orders shows it moving), and a turn of the price triggers one: it leaves Open
 *   orders and its fill is listed.
 * - A bracket: a buy 8 ticks above the best ask (it fills at once) with a take-profit one tick above its limit
 *   and a stop-loss far below, and the mirrored short beside it so the test does not depend on which way the
 *   price goes first. Each entry leaves two exits linked as OCO; when a take-profit fills, its stop-loss is
 *   cancelled and the pair leaves Open orders.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, keepScreenshot, test, useMockExchange } from './fixtures';
import { orderRow, trailingPairFollowsThenTriggers } from './trailing-pair';

/** The mock's price walks about one tick every other step: the waits below allow it a few minutes. */
const MARKET_PACE = 150_000;
const TICK = 1_000;
/** How far the orders below reach from the price read before placing them: more than it moves meanwhile. */
const REACH = 8 * TICK;

const nav = (app: Page, name: string) =>
  app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name }).click();
const book = (app: Page) => app.getByRole('region', { name: 'Order book' });
const form = (app: Page) => app.getByRole('region', { name: 'Place order' });
const openOrders = (app: Page) => app.getByRole('region', { name: 'Open orders' });
const row = orderRow;

async function openBtc(app: Page): Promise<void> {
  await app.setViewportSize({ width: 1600, height: 1200 });
  await nav(app, 'Market');
  await expect(app.getByRole('heading', { level: 1, name: 'Market' })).toBeAttached();
  const selector = app.getByRole('combobox', { name: 'Market', exact: true });
  await expect(selector.locator('option[value="BTC-KRW"]')).toBeAttached();
  await selector.selectOption('BTC-KRW');
  await expect(app.getByRole('status', { name: 'Feed status' })).toHaveAttribute('data-status', 'live', {
    timeout: 20_000,
  });
  await expect(book(app).getByRole('group', { name: 'Asks' }).getByRole('option').first()).toBeVisible();
  await expect(app.getByRole('region', { name: 'Recent trades' }).locator('tbody tr').first()).toBeVisible({
    timeout: 20_000,
  });
  await app.getByRole('tab', { name: /Open orders/ }).click();
}

/** The best price on one side of the book as shown. */
async function best(app: Page, side: 'Bids' | 'Asks'): Promise<number> {
  const options = book(app).getByRole('group', { name: side }).getByRole('option');
  await expect(options.first()).toBeVisible();
  const prices = (await options.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-price'))))).filter(
    (p) => p > 0,
  );
  return side === 'Bids' ? Math.max(...prices) : Math.min(...prices);
}

const field = (app: Page, name: string): Locator => form(app).getByRole('textbox', { name, exact: true });

/** Places what the form holds and returns the order id the form reports. */
async function place(app: Page, button: 'Buy BTC' | 'Sell BTC'): Promise<string> {
  await form(app).getByRole('button', { name: button }).click();
  const status = form(app).getByRole('status');
  await expect(status).toContainText(/Order #\d+ placed/);
  const id = /#(\d+)/.exec((await status.textContent()) ?? '')![1];
  // Esc clears the form and its message: the next order's message is its own.
  await app.keyboard.press('Escape');
  await expect(status).toHaveCount(0);
  return id;
}

async function side(app: Page, which: 'buy' | 'sell'): Promise<void> {
  await form(app)
    .getByRole('tab', { name: which === 'buy' ? 'Buy' : 'Sell', exact: true })
    .click();
}

/** Coins for the sells below: a market buy of 1,000,000 KRW. */
async function buyCoins(app: Page): Promise<void> {
  await side(app, 'buy');
  await form(app).getByRole('tab', { name: 'Market', exact: true }).click();
  await field(app, 'Spend (KRW)').fill('1000000');
  await place(app, 'Buy BTC');
}

test.describe('paper order types on live prices from the mock exchange', () => {
  const exchange = useMockExchange({ seed: 5, stepsPerSec: 6 });

  test('a trailing stop follows the last price and triggers when the price turns', async ({ app }, testInfo) => {
    test.setTimeout(2 * MARKET_PACE + 60_000);
    await openBtc(app);
    await buyCoins(app);
    await app.getByRole('tab', { name: /My fills/ }).click();
    const bought = app.getByRole('region', { name: 'My fills' }).locator('tbody tr');
    await expect(bought.first()).toBeVisible();
    const boughtFills = await bought.count();
    await app.getByRole('tab', { name: /Open orders/ }).click();

    const trailing = async (which: 'buy' | 'sell') => {
      await side(app, which);
      await form(app).getByRole('tab', { name: 'Trailing stop', exact: true }).click();
      await form(app).getByRole('radio', { name: 'KRW' }).click();
      await field(app, 'Trailing distance').fill(String(10 * TICK));
      await field(app, 'Amount (BTC)').fill('0.001');
      return place(app, which === 'buy' ? 'Buy BTC' : 'Sell BTC');
    };
    const ids = [await trailing('sell'), await trailing('buy')];
    for (const id of ids) {
      await expect(row(app, id)).toContainText('trails 10,000');
      await expect(row(app, id)).toContainText('waiting for stop');
    }
    await trailingPairFollowsThenTriggers(app, ids, {
      timeout: MARKET_PACE,
      followed: () => keepScreenshot(app, 'paper-trailing-follows', testInfo),
      triggered: () => keepScreenshot(app, 'paper-trailing-triggered', testInfo),
    });
    // Its fill is listed beside the market buy's.
    await app.getByRole('tab', { name: /My fills/ }).click();
    const fills = app.getByRole('region', { name: 'My fills' }).locator('tbody tr');
    await expect.poll(() => fills.count()).toBeGreaterThan(boughtFills);
  });

  test('a bracket places linked exits when it fills; its take-profit filling cancels its stop-loss', async ({
    app,
  }, testInfo) => {
    test.setTimeout(MARKET_PACE + 60_000);
    await openBtc(app);
    await buyCoins(app);

    const bracket = async (which: 'buy' | 'sell', price: number, takeProfit: number, stopLoss: number) => {
      await side(app, which);
      await form(app).getByRole('tab', { name: 'Limit', exact: true }).click();
      await field(app, 'Price (KRW)').fill(String(price));
      await field(app, 'Amount (BTC)').fill('0.001');
      await field(app, 'Take-profit (KRW)').fill(String(takeProfit));
      await field(app, 'Stop-loss (KRW)').fill(String(stopLoss));
      return place(app, which === 'buy' ? 'Buy BTC' : 'Sell BTC');
    };
    // Each entry reaches into the book, so it fills at once however the price moved since it was read; its
    // take-profit rests one tick beyond the entry's limit.
    const ask = await best(app, 'Asks');
    const buyAt = ask + REACH;
    const long = await bracket('buy', buyAt, buyAt + TICK, Math.floor((ask * 0.9) / TICK) * TICK);
    const bid = await best(app, 'Bids');
    const sellAt = bid - REACH;
    const short = await bracket('sell', sellAt, sellAt - TICK, Math.ceil((bid * 1.1) / TICK) * TICK);

    // Each filled entry left two exits, each naming its entry and its OCO partner.
    const exits = openOrders(app).locator('[data-order-links]');
    await expect(exits.filter({ hasText: `exit of #${long}` })).toHaveCount(2);
    await expect(exits.filter({ hasText: `exit of #${short}` })).toHaveCount(2);
    await expect(exits.filter({ hasText: 'OCO with #' })).toHaveCount(4);
    await expect(openOrders(app).locator('tr', { hasText: 'Stop-market' })).toHaveCount(2);
    await keepScreenshot(app, 'paper-bracket-exits', testInfo);

    // The market reaches one take-profit: it fills, and its stop-loss is cancelled with it. The price walks five
    // times faster from here, so reaching nine ticks either way does not depend on a lucky stretch of the walk.
    exchange.mock.setSpeed(30);
    await expect(exits).toHaveCount(2, { timeout: MARKET_PACE });
    await expect(openOrders(app).locator('tr', { hasText: 'Stop-market' })).toHaveCount(1);
    await keepScreenshot(app, 'paper-bracket-take-profit', testInfo);
    // The take-profit's fill, at its price.
    await app.getByRole('tab', { name: /My fills/ }).click();
    const fills = app.getByRole('region', { name: 'My fills' }).locator('tbody tr');
    const takeProfitPrices = [buyAt + TICK, sellAt - TICK].map((p) => p.toLocaleString('en-US'));
    await expect(fills.filter({ hasText: new RegExp(takeProfitPrices.join('|')) }).first()).toBeVisible();
  });
});
