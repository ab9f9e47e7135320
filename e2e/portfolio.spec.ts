/**
 * The Portfolio screen end to end. A new user's portfolio counts the starting grants and says what will appear
 * once they trade. Then one user trades everywhere they can — the offline practice market, paper trading on the
 * mock exchange's BTC/KRW (on a free port; nothing reaches the internet) and the live LPJ market on a real sync
 * server — and the screen's total equals the sum of every account's holdings at their marks, computed here from
 * the host's own answers for each market (practice.state, paper.state, live.state) with the test's own
 * arithmetic, not from the screen's sum; the allocation's shares add up to exactly 100 %, and each asset traded
 * has its PnL. When the server goes away the live account says so and the rest still make the total. Screenshots
 * in English and Korean, both themes, and at the narrowest window the desktop app allows.
 */
import type { Page } from '@playwright/test';
import { MockExchange } from '../engine/tools/mock-exchange/mock-exchange';
import { exchangeEnv, expect, keepScreenshot, test } from './fixtures';
import {
  GRANT,
  NO_SERVER,
  nav,
  openLive,
  othersOffer,
  placeLimit,
  signUp,
  startTestSyncServer,
  type TestSyncServer,
} from './live-fixtures';

const form = (app: Page) => app.getByRole('region', { name: 'Place order' });
const total = (app: Page) => app.getByTestId('portfolio-total');
const account = (app: Page, id: string) => app.locator(`table.portfolio-accounts tr[data-account="${id}"]`);

/** Several host requests at once over the page's own bridge (its key is in the page), so they see one moment. */
async function host(app: Page, calls: [string, unknown][]): Promise<unknown[]> {
  return app.evaluate(async (requests) => {
    const key = document.querySelector('meta[name="lpj-bridge-key"]')!.getAttribute('content')!;
    const url = new URL('/api', location.href);
    url.protocol = url.protocol.replace('http', 'ws');
    const ws = new WebSocket(url, ['lpj.v1', `lpj-key.${key}`]);
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = reject;
    });
    const answers = new Map<number, unknown>();
    const done = new Promise<void>((resolve, reject) => {
      ws.onmessage = (msg) => {
        const frame = JSON.parse(String(msg.data)) as { type: string; id: number; ok: boolean; result: unknown };
        if (frame.type !== 'response') return;
        if (!frame.ok) reject(new Error(`${requests[frame.id][0]}: ${JSON.stringify(frame)}`));
        answers.set(frame.id, frame.result);
        if (answers.size === requests.length) resolve();
      };
    });
    requests.forEach(([method, params], id) => ws.send(JSON.stringify({ type: 'request', id, method, params })));
    await done;
    ws.close();
    return requests.map((_, id) => answers.get(id));
  }, calls);
}

interface Balance {
  asset: string;
  available: number;
  held: number;
  decimals?: number;
}
interface Mark {
  base: string;
  quote: string;
  priceDecimals: number;
  sizeDecimals: number;
  quoteDecimals: number;
  price?: number;
}
interface Snapshot {
  practice: { lastPrice: number; balances: Balance[] };
  paper: { account: { balances: Balance[] }; marks: Mark[] };
  live: { lastPrice: number; balances: Balance[] };
}

/** The three accounts as the host reports them to the Market screen. */
async function snapshot(app: Page): Promise<Snapshot> {
  const [practice, paper, live] = await host(app, [
    ['practice.state', {}],
    ['paper.state', { market: 'BTC-KRW' }],
    ['live.state', {}],
  ]);
  return { practice, paper, live } as Snapshot;
}

/** What the values depend on: balances and prices (not the books and tapes, which move on). */
const held = (s: Snapshot) => ({
  practice: [s.practice.lastPrice, s.practice.balances],
  paper: [s.paper.account.balances, s.paper.marks],
  live: [s.live.lastPrice, s.live.balances],
});

const units = (b: Balance) => BigInt(b.available) + BigInt(b.held);
/** An LPJ market's holdings in won: LPJ has 8 decimals, prices and won are whole. */
function lpjValue(balances: Balance[], lastPrice: number): bigint {
  let v = 0n;
  for (const b of balances) {
    if (b.asset === 'KRW') v += units(b);
    else if (b.asset === 'LPJ') v += (units(b) * BigInt(lastPrice)) / 10n ** 8n;
    else throw new Error(`unexpected ${b.asset} on an LPJ market`);
  }
  return v;
}
/** Paper holdings in won at KRW_DECIMALS: each coin at its own KRW market's mark; USDT has none. */
function paperValue(s: Snapshot['paper']): bigint {
  let v = 0n;
  for (const b of s.account.balances) {
    if (b.asset === 'KRW') {
      expect(b.decimals).toBe(KRW_DECIMALS);
      v += units(b);
      continue;
    }
    const mark = s.marks.find((m) => m.base === b.asset && m.quote === 'KRW');
    if (!mark || units(b) === 0n) continue;
    expect(mark.price, `${b.asset}'s mark`).toBeGreaterThan(0);
    const shift = mark.sizeDecimals - (mark.quoteDecimals - mark.priceDecimals);
    v += ((units(b) * BigInt(mark.price!)) / 10n ** BigInt(shift)) * 10n ** BigInt(KRW_DECIMALS - mark.quoteDecimals);
  }
  return v;
}
/** Paper trading keeps won to 4 decimals; the LPJ markets in whole won. */
const KRW_DECIMALS = 4;
const SCALE = 10n ** BigInt(KRW_DECIMALS);

/** Sum of the shares in a table of the allocation, in basis points and as shown. */
async function shareSum(app: Page, name: string): Promise<{ bps: number; shown: number }> {
  const rows = app.getByRole('table', { name, exact: true }).locator('tbody tr');
  let bps = 0;
  let shown = 0;
  for (const row of await rows.all()) {
    bps += Number(await row.getAttribute('data-share-bps'));
    shown += Math.round(Number((await row.locator('td').last().textContent())!.replace('%', '')) * 100);
  }
  return { bps, shown };
}

async function openPortfolio(app: Page): Promise<void> {
  await nav(app, 'Portfolio');
  await expect(app.getByRole('heading', { level: 1, name: 'Portfolio' })).toBeVisible();
  await expect(total(app)).toBeVisible({ timeout: 20_000 });
}

async function toKorean(app: Page): Promise<void> {
  await nav(app, 'Settings');
  await app.getByRole('combobox', { name: 'Language' }).selectOption('ko');
  await app.getByRole('navigation', { name: '주 메뉴' }).getByRole('link', { name: '포트폴리오' }).click();
  await expect(app.getByRole('heading', { level: 1, name: '포트폴리오' })).toBeVisible();
}

let mock: MockExchange;
test.beforeEach(async () => {
  mock = await MockExchange.start({ port: 0, seed: 5, stepsPerSec: 10 });
});
test.afterEach(async () => {
  await mock?.close();
});
// Until Settings names the test server, the app looks for none; the exchanges are the mock's.
test.use({
  appEnv: async ({}, use) => {
    await use({
      ...NO_SERVER,
      ...exchangeEnv(mock),
    });
  },
});

test.describe('a new user', () => {
  test('sees the starting grants counted, and what will appear once they trade', async ({ app }, testInfo) => {
    await app.setViewportSize({ width: 1440, height: 960 });
    await openPortfolio(app);
    // The practice grant and the paper grant in won; the live market is not counted until signed in.
    const [practice, paper] = (await host(app, [
      ['practice.state', {}],
      ['paper.state', { market: 'BTC-KRW' }],
    ])) as [Snapshot['practice'], Snapshot['paper']];
    const expected = lpjValue(practice.balances, practice.lastPrice) * SCALE + paperValue(paper);
    await expect(total(app)).toHaveAttribute('data-value', expected.toString());
    await expect(total(app)).toHaveText('20,000,000 KRW');
    await expect(account(app, 'live')).toHaveAttribute('data-state', 'signed_out');
    await expect(account(app, 'live')).toContainText('Sign in to the live market to count it.');
    // The granted USDT has no won market: named, not counted.
    await expect(app.getByTestId('portfolio-unvalued')).toHaveText('Not counted in the total: USDT: no won market.');
    // What will appear: each asset's PnL after a trade, and the curve of the total as it is recorded.
    await expect(
      app.getByText('No trades yet: the profit and loss of each asset you trade will be listed here.'),
    ).toBeVisible();
    await expect(
      app.getByText('The curve of your total value appears here: it is recorded when the app starts and every five'),
    ).toBeVisible();
    expect((await shareSum(app, 'Allocation by account')).bps).toBe(10_000);
    await keepScreenshot(app, 'portfolio-new-user', testInfo);

    await toKorean(app);
    await expect(app.getByText('아직 체결이 없습니다: 거래한 자산마다 손익이 여기에 나타납니다.')).toBeVisible();
    await expect(account(app, 'live')).toContainText('실전 시장에 로그인하면 함께 집계됩니다.');
    await keepScreenshot(app, 'portfolio-new-user-ko', testInfo);
  });
});

test.describe('after trading on every market', () => {
  let server: TestSyncServer;
  test.beforeEach(async () => {
    server = await startTestSyncServer();
  });
  test.afterEach(async () => {
    await server?.stop();
  });

  test('the total is every account at its marks, the shares add up to 100 %, and each asset has its PnL', async ({
    app,
  }, testInfo) => {
    test.setTimeout(240_000);
    await app.setViewportSize({ width: 1440, height: 960 });

    // Offline practice: buy LPJ at market, then sell part of it.
    await nav(app, 'Market');
    await expect(app.locator('.market')).toHaveAttribute('data-kind', 'practice');
    await expect(
      app.getByRole('region', { name: 'Order book' }).getByRole('group', { name: 'Asks' }).getByRole('option').first(),
    ).toBeVisible({ timeout: 30_000 });
    await form(app).getByRole('tab', { name: 'Market' }).click();
    await form(app).getByRole('textbox', { name: 'Spend (KRW)' }).fill('100000');
    await form(app).getByRole('button', { name: 'Buy LPJ' }).click();
    await expect(form(app).getByRole('status')).toContainText(/Order #\d+ placed and traded/);
    await form(app).getByRole('tab', { name: 'Sell' }).click();
    await form(app).getByRole('textbox', { name: 'Amount (LPJ)' }).fill('2');
    await form(app).getByRole('button', { name: 'Sell LPJ' }).click();
    await expect(form(app).getByRole('status')).toContainText(/Order #\d+ placed and traded/);

    // Paper trading on the mock exchange: buy BTC at market.
    const selector = app.getByRole('combobox', { name: 'Market', exact: true });
    await expect(selector.locator('option[value="BTC-KRW"]')).toBeAttached();
    await selector.selectOption('BTC-KRW');
    await expect(app.getByRole('status', { name: 'Feed status' })).toHaveAttribute('data-status', 'live', {
      timeout: 20_000,
    });
    await expect(
      app.getByRole('region', { name: 'Order book' }).getByRole('group', { name: 'Asks' }).getByRole('option').first(),
    ).toBeVisible();
    await form(app).getByRole('tab', { name: 'Buy' }).click();
    await form(app).getByRole('tab', { name: 'Market' }).click();
    await form(app).getByRole('textbox', { name: 'Spend (KRW)' }).fill('1000000');
    await form(app).getByRole('button', { name: 'Buy BTC' }).click();
    await expect(form(app).getByRole('status')).toContainText(/Order #\d+ placed and traded/);

    // The live market: sign up, and buy 1 LPJ that someone offers at 10,000 KRW (the last price after).
    await signUp(app, server.url, 'portfolio_e2e');
    await othersOffer(server.url, 'sell', 10_000, 100);
    // The form keeps the order type last used (market, above).
    await openLive(app);
    await form(app).getByRole('tab', { name: 'Limit', exact: true }).click();
    await placeLimit(app, 'Buy', '10000', '1');
    const liveLpj = app.getByRole('region', { name: 'Balances' }).locator('[data-asset="LPJ"] [data-col="available"]');
    await expect(liveLpj).toHaveText(new RegExp(`^${(GRANT.LPJ / 1e8 + 1).toLocaleString('en-US')}(\\.0+)?$`));

    // Paper prices hold still from here; the live market's last price stays 10,000 (nobody else trades).
    mock.setSpeed(0);
    await openPortfolio(app);
    for (const id of ['practice', 'paper-1', 'live'])
      await expect(account(app, id)).toHaveAttribute('data-state', 'ok');

    // The practice market's simulated traders keep trading: compare at a moment its price held still around a
    // refresh of the screen (the host's answers read before and after it agree).
    let expected = 0n;
    await expect(async () => {
      const before = await snapshot(app);
      const asOf = await total(app).getAttribute('data-as-of');
      await app.getByRole('button', { name: 'Refresh' }).click();
      await expect(total(app)).not.toHaveAttribute('data-as-of', asOf!, { timeout: 5_000 });
      const after = await snapshot(app);
      expect(held(after)).toEqual(held(before));
      const practice = lpjValue(before.practice.balances, before.practice.lastPrice) * SCALE;
      const paper = paperValue(before.paper);
      const live = lpjValue(before.live.balances, before.live.lastPrice) * SCALE;
      expected = practice + paper + live;
      await expect(account(app, 'practice')).toHaveAttribute('data-value', practice.toString(), { timeout: 1 });
      await expect(account(app, 'paper-1')).toHaveAttribute('data-value', paper.toString(), { timeout: 1 });
      await expect(account(app, 'live')).toHaveAttribute('data-value', live.toString(), { timeout: 1 });
      await expect(total(app)).toHaveAttribute('data-value', expected.toString(), { timeout: 1 });
    }).toPass({ timeout: 90_000 });
    // Shown in whole won with the paper account's decimals, grouped.
    const shown = (await total(app).textContent())!;
    expect(shown.replace(/[^\d.]/g, '').split('.')[0]).toBe((expected / SCALE).toString());
    expect(expected / SCALE).toBeGreaterThan(BigInt(GRANT.KRW) + 20_000_000n - 100_000n);

    // Allocation by account and by asset: the shares add up to exactly 100.00 %.
    for (const name of ['Allocation by account', 'Allocation by asset'])
      expect(await shareSum(app, name)).toEqual({ bps: 10_000, shown: 10_000 });
    const byAsset = app.getByRole('table', { name: 'Allocation by asset', exact: true });
    for (const asset of ['KRW', 'LPJ', 'BTC']) await expect(byAsset.locator(`tr[data-key="${asset}"]`)).toBeVisible();

    // PnL per asset traded: LPJ (practice and live) and BTC (paper), with the fees paid.
    const pnl = app.getByRole('table', { name: 'PnL by asset' });
    for (const asset of ['LPJ', 'BTC']) {
      const row = pnl.locator(`tr[data-asset="${asset}"]`);
      await expect(row.locator('[data-realised]')).toHaveText(/^(0|[+-][\d,.]+)$/);
      await expect(row.locator('[data-unrealised]')).toHaveText(/^(0|[+-][\d,.]+)$/);
      await expect(row.locator('td').last()).toHaveText(/^[1-9][\d,.]*$/);
    }
    const positions = app.getByRole('table', { name: 'Positions' });
    await expect(positions.locator('tr[data-account="practice"][data-market="LPJ-KRW"]')).toBeVisible();
    await expect(positions.locator('tr[data-account="paper-1"][data-market="BTC-KRW"]')).toBeVisible();
    await expect(positions.locator('tr[data-account="live"]')).toBeVisible();
    await keepScreenshot(app, 'portfolio', testInfo);

    await nav(app, 'Settings');
    await app.getByRole('combobox', { name: 'Theme' }).selectOption('light');
    await openPortfolio(app);
    await keepScreenshot(app, 'portfolio-light', testInfo);
    await app.setViewportSize({ width: 960, height: 700 });
    // Nothing wider than the window: the tables scroll inside their panels.
    expect(await app.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(960);
    await keepScreenshot(app, 'portfolio-narrow', testInfo);

    await app.setViewportSize({ width: 1440, height: 960 });
    await toKorean(app);
    await expect(app.getByRole('table', { name: '자산별 손익' }).locator('tr[data-asset="LPJ"]')).toBeVisible();
    await expect(total(app)).toHaveText(/^[1-9][\d,]*(\.\d+)? KRW$/);
    await keepScreenshot(app, 'portfolio-ko', testInfo);

    // The server goes away: the live account says it is not counted and why, the others still show and make
    // the total.
    await server.stop();
    const live = account(app, 'live');
    await expect(async () => {
      await app.getByRole('button', { name: '새로고침' }).click();
      await expect(live).toHaveAttribute('data-state', 'offline', { timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    await expect(live).toContainText('서버에 연결할 수 없어 다시 연결될 때까지 집계하지 않습니다.');
    const counted = await Promise.all(
      ['practice', 'paper-1'].map(async (id) => BigInt((await account(app, id).getAttribute('data-value'))!)),
    );
    await expect(total(app)).toHaveAttribute('data-value', (counted[0] + counted[1]).toString());
    await expect(app.getByRole('table', { name: '계정별 자산 배분' }).locator('tbody tr')).toHaveCount(2);
    await keepScreenshot(app, 'portfolio-offline-ko', testInfo);
  });
});
