/**
 * Price alerts and the notification centre, end to end on a paper market fed by the mock exchange (started here
 * on a free port; the app's exchange URLs point at it): an alert set from the Market screen fires on the
 * exchange's moving price and shows in the centre and as fired in the list; a paper fill notifies; the fills
 * switch in Settings stops fill notices.
 */
import type { Page } from '@playwright/test';
import { expect, keepScreenshot, test, useMockExchange } from './fixtures';

const nav = (app: Page, name: string) =>
  app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name }).click();
const form = (app: Page) => app.getByRole('region', { name: 'Place order' });
const alertsPanel = (app: Page) => app.getByRole('dialog', { name: 'Price alerts' });
const centre = (app: Page) => app.getByRole('dialog', { name: 'Notifications' });
const bell = (app: Page) => app.getByRole('button', { name: /^Notifications, \d+ unread$/ });

async function openBtc(app: Page): Promise<void> {
  await app.setViewportSize({ width: 1600, height: 1000 });
  await nav(app, 'Market');
  const selector = app.getByRole('combobox', { name: 'Market', exact: true });
  await expect(selector.locator('option[value="BTC-KRW"]')).toBeAttached();
  await selector.selectOption('BTC-KRW');
  await expect(app.getByRole('status', { name: 'Feed status' })).toHaveAttribute('data-status', 'live', {
    timeout: 20_000,
  });
  await expect(app.getByRole('region', { name: 'Recent trades' }).locator('tbody tr').first()).toBeVisible({
    timeout: 20_000,
  });
}

async function buyAtMarket(app: Page, krw: string): Promise<void> {
  await form(app).getByRole('tab', { name: 'Market' }).click();
  await form(app).getByRole('textbox', { name: 'Spend (KRW)' }).fill(krw);
  await form(app).getByRole('button', { name: 'Buy BTC' }).click();
  await expect(form(app).getByRole('status')).toContainText(/Order #\d+ placed and traded/);
}

test.describe('price alerts and notifications on the mock exchange', () => {
  test.setTimeout(120_000);
  const exchange = useMockExchange({ seed: 11, stepsPerSec: 10 });

  test('an alert set on the Market screen fires on the moving price and shows in the centre', async ({
    app,
  }, testInfo) => {
    await openBtc(app);
    await app.getByRole('button', { name: 'Alerts', exact: true }).click();
    const panel = alertsPanel(app);
    await expect(panel).toContainText(/Last price [\d,]+ KRW/);
    await expect(panel).toContainText('No alerts on this market yet.');

    // Worst inputs are refused in the form, with the reason, and set nothing (a minus sign cannot be typed).
    const input = panel.getByRole('textbox', { name: 'Price' });
    await input.fill('-5');
    await expect(input).toHaveValue('5');
    for (const bad of ['0', '0.000', 'abc']) {
      await input.fill(bad);
      await panel.getByRole('button', { name: 'Set alert' }).click();
      await expect(panel.getByRole('alert')).toHaveText('Enter a price above zero');
    }
    await panel.getByRole('combobox', { name: 'Alert when' }).selectOption('move');
    await panel.getByRole('textbox', { name: 'Percent' }).fill('5000');
    await panel.getByRole('button', { name: 'Set alert' }).click();
    await expect(panel.getByRole('alert')).toHaveText('Enter a percent between 0.01 and 1,000');
    await expect(panel).toContainText('No alerts on this market yet.');

    // One that waits (below 1 won) and one that fires on a move of 0.01% either way.
    await panel.getByRole('combobox', { name: 'Alert when' }).selectOption('below');
    await panel.getByRole('textbox', { name: 'Price' }).fill('1');
    await panel.getByRole('button', { name: 'Set alert' }).click();
    await expect(panel.locator('.alerts-item')).toHaveCount(1);
    await expect(panel.locator('.alerts-item').first()).toContainText('at or below 1 KRW');
    await expect(panel.locator('.alerts-item').first()).toContainText('Waiting');
    await expect(app.getByRole('button', { name: 'Alerts 1', exact: true })).toBeVisible();

    await panel.getByRole('combobox', { name: 'Alert when' }).selectOption('move');
    await panel.getByRole('textbox', { name: 'Percent' }).fill('0.01');
    await panel.getByRole('button', { name: 'Set alert' }).click();
    await expect(panel.locator('.alerts-item')).toHaveCount(2);
    // The exchange's price jumps 30 ticks (30,000 KRW, about 0.03%); its own walk moves one tick a step at most.
    exchange.mock.market('KRW-BTC').mid += 30 * 1_000;
    const fired = panel.locator('.alerts-item[data-fired="true"]');
    await expect(fired).toHaveCount(1, { timeout: 30_000 });
    await expect(fired).toContainText(/moves 0\.01% from [\d,]+ KRW/);
    await expect(fired).toContainText(/Fired at [\d,]+ KRW/);
    await keepScreenshot(app, 'price-alert-fired', testInfo);

    // The centre has it, worded from its data.
    await app.keyboard.press('Escape');
    await expect(bell(app)).toHaveAccessibleName('Notifications, 1 unread');
    await bell(app).click();
    const notice = centre(app).locator('li[data-kind="price_alert"]');
    await expect(notice).toHaveCount(1);
    await expect(notice).toContainText(/BTC\/KRW reached [\d,]+ KRW/);
    await expect(notice).toContainText(/Paper trading · alert: moves 0\.01% from [\d,]+ KRW/);
    await keepScreenshot(app, 'price-alert-notification', testInfo);
    await centre(app).getByRole('button', { name: 'Mark all read' }).click();
    await expect(bell(app)).toHaveAccessibleName('Notifications, 0 unread');

    // Still fired (and the other still waiting) after a reload; deleting the waiting one leaves the fired one.
    await app.reload();
    await openBtc(app);
    await app.getByRole('button', { name: 'Alerts 1', exact: true }).click();
    await expect(panel.locator('.alerts-item[data-fired="true"]')).toHaveCount(1);
    await panel.getByRole('button', { name: 'Delete alert: at or below 1 KRW' }).click();
    await expect(panel.locator('.alerts-item')).toHaveCount(1);
    await expect(app.getByRole('button', { name: 'Alerts', exact: true })).toBeVisible();
  });

  test('a paper fill notifies, and the fills switch in Settings stops it', async ({ app }, testInfo) => {
    await openBtc(app);
    await buyAtMarket(app, '100000');
    await bell(app).click();
    const fills = centre(app).locator('li[data-kind="order_filled"]');
    await expect(fills).not.toHaveCount(0);
    const count = await fills.count();
    await expect(fills.first()).toContainText(/Bought 0\.\d{8} BTC/);
    await expect(fills.first()).toContainText(/Paper trading · BTC\/KRW at [\d,]+ KRW, fee [\d,]+ KRW/);
    await keepScreenshot(app, 'paper-fill-notification', testInfo);
    await app.keyboard.press('Escape');

    await nav(app, 'Settings');
    const switches = app.getByRole('group', { name: 'Notifications' });
    await switches.getByRole('checkbox', { name: 'My fills' }).uncheck();
    await expect(switches.getByRole('checkbox', { name: 'My fills' })).not.toBeChecked();
    // Remembered by the host: still off after a reload.
    await app.reload();
    await nav(app, 'Settings');
    await expect(switches.getByRole('checkbox', { name: 'My fills' })).not.toBeChecked();
    await expect(switches.getByRole('checkbox', { name: 'Price alerts' })).toBeChecked();

    await openBtc(app);
    await buyAtMarket(app, '100000');
    await expect(app.getByRole('region', { name: 'Balances' })).toBeVisible();
    await bell(app).click();
    // The fill notices are hidden, and the new fill recorded none.
    await expect(centre(app).locator('li[data-kind="order_filled"]')).toHaveCount(0);
    await app.keyboard.press('Escape');
    await nav(app, 'Settings');
    await switches.getByRole('checkbox', { name: 'My fills' }).check();
    await openBtc(app);
    await bell(app).click();
    await expect(centre(app).locator('li[data-kind="order_filled"]')).toHaveCount(count);
  });
});
