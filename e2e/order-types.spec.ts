/**
 * Brackets and trailing stops on the offline practice market (web mode), driven through the order form as a
 * user would: the market's simulated traders move the price, and the test waits on what the screen shows.
 * - A bracket: a buy with a take-profit just above the market and a stop-loss far below. When the entry fills,
 *   both exits rest, linked as OCO; when the take-profit fills, the stop-loss is cancelled and the pair leaves
 *   Open orders. (A short bracket is placed beside it, mirrored, so the test does not depend on which way the
 *   simulated price goes first: whichever take-profit the market reaches ends its pair.)
 * - Trailing stops: a sell and a buy trailing the last price by 0.2%. Whichever way the price moves, one of the
 *   triggers follows it (Open orders shows it moving), and a turn of the price triggers one.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, keepScreenshot, test } from './fixtures';
import { orderRow, trailingPairFollowsThenTriggers } from './trailing-pair';

/** The simulated traders move the price at their own pace: the waits below allow them a few minutes. */
const MARKET_PACE = 180_000;

async function openMarket(app: Page, project: string): Promise<void> {
  if (project === 'web') await app.setViewportSize({ width: 1600, height: 1200 });
  await app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Market' }).click();
  await expect(app.getByRole('heading', { level: 1, name: 'Market' })).toBeAttached();
}

const book = (app: Page) => app.getByRole('region', { name: 'Order book' });
const form = (app: Page) => app.getByRole('region', { name: 'Place order' });
const openOrders = (app: Page) => app.getByRole('region', { name: 'Open orders' });
const row = orderRow;

/** The best price on one side of the book as shown. */
async function best(app: Page, side: 'Bids' | 'Asks'): Promise<number> {
  const options = book(app).getByRole('group', { name: side }).getByRole('option');
  await expect(options.first()).toBeVisible();
  const prices = (await options.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-price'))))).filter(
    (p) => p > 0,
  );
  return side === 'Bids' ? Math.max(...prices) : Math.min(...prices);
}

async function field(app: Page, name: string): Promise<Locator> {
  return form(app).getByRole('textbox', { name, exact: true });
}

/** Places what the form holds and returns the order id the form reports. */
async function place(app: Page, button: 'Buy LPJ' | 'Sell LPJ'): Promise<string> {
  await form(app).getByRole('button', { name: button }).click();
  const status = form(app).getByRole('status');
  await expect(status).toContainText(/Order #\d+ placed/);
  const id = /#(\d+)/.exec((await status.textContent()) ?? '')![1];
  // Esc clears the form and its message: the next order's message is its own.
  await app.keyboard.press('Escape');
  await expect(status).toHaveCount(0);
  return id;
}

/** An amount in LPJ (lots of 0.01) worth at least `krw` at `price`. */
const amountWorth = (krw: number, price: number) => {
  // Whole lots of 0.01 LPJ, counted in integers and written with the lot's two decimals.
  const lots = Math.ceil((krw * 100) / price);
  return `${Math.floor(lots / 100)}.${String(lots % 100).padStart(2, '0')}`;
};

/** A limit entry at `price` that fills what it can now (IOC), with exits. */
async function bracket(app: Page, side: 'buy' | 'sell', price: number, takeProfit: number, stopLoss: number) {
  await form(app)
    .getByRole('tab', { name: side === 'buy' ? 'Buy' : 'Sell', exact: true })
    .click();
  await form(app).getByRole('tab', { name: 'Limit', exact: true }).click();
  await (await field(app, 'Price (KRW)')).fill(String(price));
  await (await field(app, 'Amount (LPJ)')).fill(amountWorth(3_000, price));
  await form(app).getByRole('radio', { name: 'IOC' }).click();
  await (await field(app, 'Take-profit (KRW)')).fill(String(takeProfit));
  await (await field(app, 'Stop-loss (KRW)')).fill(String(stopLoss));
  return place(app, side === 'buy' ? 'Buy LPJ' : 'Sell LPJ');
}

test('a bracket order places linked exits when it fills; its take-profit filling cancels its stop-loss', async ({
  app,
}, testInfo) => {
  test.setTimeout(MARKET_PACE + 60_000);
  await openMarket(app, testInfo.project.name);
  await app.getByRole('tab', { name: /Open orders/ }).click();
  // Coins for the short entry to sell: a market buy.
  await form(app).getByRole('tab', { name: 'Market', exact: true }).click();
  await (await field(app, 'Spend (KRW)')).fill('20000');
  await place(app, 'Buy LPJ');
  const ask = await best(app, 'Asks');
  const bid = await best(app, 'Bids');
  // Each entry reaches a little into the book, so it fills at once however the price moved since it was read;
  // its take-profit rests one step beyond the entry's limit.
  const buyAt = Math.ceil(ask * 1.0015);
  const sellAt = Math.floor(bid * 0.9985);
  const long = await bracket(app, 'buy', buyAt, buyAt + 1, Math.floor(ask * 0.9));
  const short = await bracket(app, 'sell', sellAt, sellAt - 1, Math.ceil(bid * 1.1));

  // Each filled entry left two exits, each naming its entry and its OCO partner.
  const exits = openOrders(app).locator('[data-order-links]');
  await expect(exits.filter({ hasText: `exit of #${long}` })).toHaveCount(2);
  await expect(exits.filter({ hasText: `exit of #${short}` })).toHaveCount(2);
  await expect(exits.filter({ hasText: 'OCO with #' })).toHaveCount(4);
  await expect(openOrders(app).locator('tr', { hasText: 'Stop-market' })).toHaveCount(2);
  await keepScreenshot(app, 'bracket-exits', testInfo);

  // The market reaches one take-profit: it fills, and its stop-loss is cancelled with it.
  await expect(exits).toHaveCount(2, { timeout: MARKET_PACE });
  await expect(openOrders(app).locator('tr', { hasText: 'Stop-market' })).toHaveCount(1);
  await keepScreenshot(app, 'bracket-take-profit', testInfo);
  // The take-profit's fill, at its price.
  await app.getByRole('tab', { name: /My fills/ }).click();
  const fills = app.getByRole('region', { name: 'My fills' }).locator('tbody tr');
  const takeProfitPrices = [buyAt + 1, sellAt - 1].map((p) => p.toLocaleString('en-US'));
  await expect(fills.filter({ hasText: new RegExp(takeProfitPrices.join('|')) }).first()).toBeVisible();
});

test('a trailing stop follows the last price and triggers when the price turns', async ({ app }, testInfo) => {
  test.setTimeout(2 * MARKET_PACE + 60_000);
  await openMarket(app, testInfo.project.name);
  await app.getByRole('tab', { name: /Open orders/ }).click();
  // Coins to sell: a market buy.
  await form(app).getByRole('tab', { name: 'Market', exact: true }).click();
  await (await field(app, 'Spend (KRW)')).fill('20000');
  await place(app, 'Buy LPJ');

  const amount = amountWorth(3_000, await best(app, 'Bids'));
  const trailing = async (side: 'buy' | 'sell') => {
    await form(app)
      .getByRole('tab', { name: side === 'buy' ? 'Buy' : 'Sell', exact: true })
      .click();
    await form(app).getByRole('tab', { name: 'Trailing stop', exact: true }).click();
    await form(app).getByRole('radio', { name: '%' }).click();
    await (await field(app, 'Trailing distance')).fill('0.2');
    await (await field(app, 'Amount (LPJ)')).fill(amount);
    return place(app, side === 'buy' ? 'Buy LPJ' : 'Sell LPJ');
  };
  const ids = [await trailing('sell'), await trailing('buy')];
  for (const id of ids) await expect(row(app, id)).toContainText('trails 0.2%');
  await trailingPairFollowsThenTriggers(app, ids, {
    timeout: MARKET_PACE,
    followed: () => keepScreenshot(app, 'trailing-follows', testInfo),
    triggered: () => keepScreenshot(app, 'trailing-triggered', testInfo),
  });
});
