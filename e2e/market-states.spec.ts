/**
 * A market that is not live says so once, in one state (connecting, live, reconnecting, stale, offline,
 * unavailable), and nothing on screen contradicts it: no panel repeats an error or spins forever, a book that
 * is merely out of date keeps its last levels (dimmed) instead of claiming it has no orders, orders are off
 * with the reason beside the button, and the status bar shows the live server's real connection. Against a
 * live server unreachable from the start, one stopped and started again mid-session, and a real-coin feed
 * that never answers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Page } from '@playwright/test';
import { expect, keepScreenshot, test } from './fixtures';
import { startListening, SYNC_SERVER_MAIN } from './listening-process';

const market = (app: Page) => app.locator('section.market');
const selector = (app: Page) => app.getByRole('combobox', { name: 'Market', exact: true });
const book = (app: Page) => app.getByRole('region', { name: 'Order book' });
const form = (app: Page) => app.getByRole('region', { name: 'Place order' });
const submit = (app: Page) => form(app).locator('button[type="submit"]');
const statusBar = (app: Page) => app.getByRole('status', { name: 'Engine status' });

async function openMarket(app: Page, project: string, choice: { label: string } | string): Promise<void> {
  if (project === 'web') await app.setViewportSize({ width: 1600, height: 1000 });
  await app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Market' }).click();
  if (typeof choice === 'string') await expect(selector(app).locator(`option[value="${choice}"]`)).toBeAttached();
  await selector(app).selectOption(choice);
}

/** Nothing on screen speaks of a load in progress or a failed one, and no book side claims to be empty. */
async function noPanelSpeaks(app: Page): Promise<void> {
  await expect(app.getByText('Loading…')).toHaveCount(0);
  await expect(app.getByText(/Could not load/)).toHaveCount(0);
  await expect(book(app)).not.toContainText('No orders on this side');
  await expect(app.getByRole('region', { name: 'Recent trades' })).not.toContainText('No trades yet');
}

test.describe('a live market server unreachable from the start', () => {
  test.use({ appEnv: { LPJ_SYNC_URL: 'http://127.0.0.1:9' } });

  test('shows one offline state: the pair by name, quiet panels, orders off with the reason', async ({
    app,
  }, testInfo) => {
    await openMarket(app, testInfo.project.name, { label: 'LPJ · live' });
    await expect(market(app)).toHaveAttribute('data-state', 'offline', { timeout: 20_000 });
    const badge = app.getByRole('status', { name: 'Market status' });
    await expect(badge).toHaveAttribute('data-status', 'offline');
    await expect(badge).toHaveText('Offline');
    // Said once, with the reason and the way to the server settings.
    const said = app.getByRole('note').filter({ hasText: 'The live market server cannot be reached' });
    await expect(said).toHaveCount(1);
    await expect(said).toContainText('cannot reach http://127.0.0.1:9');
    await expect(said.getByRole('button', { name: 'Server settings' })).toBeVisible();
    await noPanelSpeaks(app);
    // The market is named by what it is, not "…/…".
    const summary = app.getByRole('region', { name: 'Market summary' });
    await expect(summary).toContainText('LPJ/KRW');
    await expect(summary).not.toContainText('…');
    await expect(book(app)).toContainText('Price (KRW)');
    // No order can be sent, and the form says why.
    await expect(submit(app)).toHaveCount(0);
    await expect(form(app).getByRole('note')).toHaveText('Orders are paused: the market cannot be reached.');
    await expect(statusBar(app)).toContainText('Live market: Offline');
    await keepScreenshot(app, 'states-live-unreachable', testInfo);

    // The practice market is unaffected.
    await selector(app).selectOption({ label: 'LPJ/KRW · offline practice' });
    await expect(market(app)).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
    await expect(submit(app)).toBeEnabled();
    await expect(statusBar(app)).toContainText('Live market: Offline');

    await app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Settings' }).click();
    await app.getByRole('combobox', { name: 'Language' }).selectOption('ko');
    await app.getByRole('navigation', { name: '주 메뉴' }).getByRole('link', { name: '거래소' }).click();
    await app.getByRole('combobox', { name: '마켓', exact: true }).selectOption({ label: 'LPJ · 실전' });
    await expect(app.getByRole('status', { name: '마켓 상태' })).toHaveText('오프라인');
    await expect(app.getByRole('region', { name: '주문', exact: true }).getByRole('note')).toHaveText(
      '마켓에 연결할 수 없어 주문이 중지됩니다.',
    );
    await keepScreenshot(app, 'states-live-unreachable-ko', testInfo);
  });
});

/** A sync server that can be stopped and started again on the same address and data. */
class RestartableServer {
  readonly dir = mkdtempSync(join(tmpdir(), 'lpj-e2e-restart-'));
  url = '';
  private child: ChildProcess | undefined;

  async start(): Promise<void> {
    const port = this.url ? new URL(this.url).port : '0';
    const started = await startListening(
      [SYNC_SERVER_MAIN, '--port', port, '--data-dir', this.dir, '--log-level', 'warn'],
      /sync server: (http:\/\/\S+)/,
      'sync server',
    );
    this.url = started.url;
    this.child = started.process;
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }

  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

test.describe('a live market server that drops mid-session', () => {
  const server = new RestartableServer();
  test.beforeAll(async () => {
    await server.start();
  });
  test.afterAll(async () => {
    await server.remove();
  });
  test.use({
    appEnv: async ({}, use) => {
      await use({ LPJ_SYNC_URL: server.url });
    },
  });

  test('keeps the last book marked stale, pauses orders, and is live again once the server is back', async ({
    app,
  }, testInfo) => {
    test.setTimeout(150_000);
    await openMarket(app, testInfo.project.name, { label: 'LPJ · live' });
    // Signed up right in the market's sign-in prompt.
    const gate = app.getByRole('region', { name: 'LPJ · live' });
    await gate.getByRole('textbox', { name: 'Nickname' }).fill('stale_e2e');
    await gate.getByLabel('Password').fill('stale_e2e-password');
    await gate.getByRole('button', { name: 'Create account' }).click();
    await expect(market(app)).toHaveAttribute('data-state', 'live', { timeout: 20_000 });
    await expect(statusBar(app)).toContainText('Live market: Online');

    // A resting sell puts a level in the book (once the account's grant is shown).
    await expect(
      app.getByRole('region', { name: 'Balances' }).locator('[data-asset="LPJ"] [data-col="available"]'),
    ).toHaveText('100.00');
    await form(app).getByRole('tab', { name: 'Sell' }).click();
    await form(app).getByRole('textbox', { name: 'Price (KRW)' }).fill('20000');
    await form(app).getByRole('textbox', { name: 'Amount (LPJ)' }).fill('1');
    await submit(app).click();
    await expect(form(app).getByRole('status')).toContainText(/Order #\d+ placed/);
    const ask = book(app).getByRole('group', { name: 'Asks' }).locator('[data-price="20000"]');
    await expect(ask).toBeVisible();
    const openOrders = app.getByRole('region', { name: 'Open orders' });
    await expect(openOrders.locator('tbody tr')).toHaveCount(1);

    // The server stops: the state says so once; the book keeps its level, dimmed; orders pause.
    await server.stop();
    await expect(market(app)).toHaveAttribute('data-state', 'reconnecting', { timeout: 20_000 });
    await expect(market(app)).toHaveAttribute('data-stale', 'true');
    await expect(app.getByRole('status', { name: 'Market status' })).toHaveText('Reconnecting…');
    await expect(app.getByRole('note').filter({ hasText: 'dropped; reconnecting' })).toHaveCount(1);
    await expect(ask).toBeVisible();
    await expect(book(app)).not.toContainText('No orders on this side');
    await expect(openOrders.locator('tbody tr')).toHaveCount(1);
    // A cancel cannot reach the server either: it waits, with the reason, rather than fail.
    const cancel = openOrders.getByRole('button', { name: /^Cancel order #/ });
    await expect(cancel).toBeDisabled();
    await expect(openOrders).toContainText('Orders are paused until the connection is back.');
    await expect(submit(app)).toBeDisabled();
    await expect(form(app).getByRole('note')).toHaveText('Orders are paused until the connection is back.');
    await expect(statusBar(app)).toContainText('Live market: Reconnecting…');
    await keepScreenshot(app, 'states-live-reconnecting', testInfo);

    // Still away after a while: offline, and still the last book, said to be the last received.
    await expect(market(app)).toHaveAttribute('data-state', 'offline', { timeout: 30_000 });
    await expect(ask).toBeVisible();
    await expect(app.getByRole('note').filter({ hasText: 'the last data received' })).toHaveCount(1);
    await expect(form(app).getByRole('note')).toHaveText('Orders are paused: the market cannot be reached.');
    await expect(statusBar(app)).toContainText('Live market: Offline');
    await keepScreenshot(app, 'states-live-offline-stale', testInfo);

    // Back: live, current, orders on, nothing left of the outage on screen.
    await server.start();
    await expect(market(app)).toHaveAttribute('data-state', 'live', { timeout: 45_000 });
    await expect(market(app)).not.toHaveAttribute('data-stale', 'true');
    await expect(app.getByRole('note').filter({ hasText: 'cannot be reached' })).toHaveCount(0);
    await expect(form(app).getByRole('note')).toHaveCount(0);
    await expect(submit(app)).toBeEnabled();
    await expect(statusBar(app)).toContainText('Live market: Online');
    await expect(ask).toBeVisible();
    await expect(cancel).toBeEnabled();
    await expect(openOrders).not.toContainText('paused');
    await keepScreenshot(app, 'states-live-back', testInfo);
  });
});

test.describe('a real-coin market whose feed never answers', () => {
  test.use({ appEnv: { LPJ_UPBIT_WS: 'ws://127.0.0.1:9', LPJ_UPBIT_REST: 'http://127.0.0.1:9' } });

  test('is connecting, in one note, with Buy off and the reason, not "Loading…" and an empty book', async ({
    app,
  }, testInfo) => {
    await openMarket(app, testInfo.project.name, 'BTC-KRW');
    await expect(market(app)).toHaveAttribute('data-state', 'connecting');
    await expect(app.getByRole('status', { name: 'Feed status' })).toHaveText('Connecting…');
    await expect(app.getByRole('note').filter({ hasText: 'Connecting to Upbit for prices' })).toHaveCount(1);
    await expect(submit(app)).toHaveText('Buy BTC (paper trading)');
    await expect(submit(app)).toBeDisabled();
    await expect(form(app).getByRole('note')).toHaveText('Orders can be placed once the market is connected.');
    // Enter in the form sends nothing either.
    await form(app).getByRole('textbox', { name: 'Price (KRW)' }).fill('90000000');
    await form(app).getByRole('textbox', { name: 'Amount (BTC)' }).fill('0.001');
    await form(app).getByRole('textbox', { name: 'Amount (BTC)' }).press('Enter');
    await expect(form(app).getByRole('status')).toHaveCount(0);
    await expect(app.getByRole('region', { name: 'Open orders' })).not.toContainText('#');
    await noPanelSpeaks(app);
    await keepScreenshot(app, 'states-paper-no-feed', testInfo);
  });
});
