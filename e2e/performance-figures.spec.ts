/**
 * Performance figures that agree with each other, through the UI, against a real sync server whose boards mark
 * every second but admit only traders with 3 trades and a day of age: the empty leaderboard says those rules
 * (as the server sends them); a follower's profile marks the money that moved in and out on its equity curve —
 * the sign-up grants, the LPJ valued at the listing price before anyone traded, and a copy allocation — and lists
 * them, in English and Korean. The follower and the leader are made over the server's API; the app reads their
 * public profiles signed out.
 */
import type { Page } from '@playwright/test';
import { expect, keepScreenshot, test } from './fixtures';
import { GRANT, othersTrade, startTestSyncServer, type TestSyncServer } from './live-fixtures';

const nav = (app: Page, name: string) =>
  app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name }).click();

async function api(url: string, path: string, body: unknown, token?: string): Promise<unknown> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}
const signUp = async (url: string, nickname: string) =>
  ((await api(url, '/api/v1/auth/signup', { nickname, password: `${nickname}-password` })) as { accessToken: string })
    .accessToken;

test.describe('performance figures', () => {
  test.setTimeout(120_000);
  let server: TestSyncServer;
  test.beforeEach(async () => {
    server = await startTestSyncServer([
      '--mark-interval-ms',
      '1000',
      '--min-trades',
      '3',
      '--min-account-age-ms',
      '86400000',
      '--schedule-every-ms',
      '300',
    ]);
  });
  test.afterEach(async () => {
    await server?.stop();
  });
  test.use({
    appEnv: async ({}, use) => {
      await use({ LPJ_SYNC_URL: server.url });
    },
  });

  test('the empty leaderboard explains its entry rules; the equity curve marks grants and a copy allocation', async ({
    app,
  }, testInfo) => {
    await app.setViewportSize({ width: 1440, height: 960 });
    // The market trades at 100,000 KRW (the listing price); a leader opens a strategy; a follower copies it.
    await othersTrade(server.url, 100_000);
    const leader = await signUp(server.url, 'curve_leader');
    await api(server.url, '/api/v1/strategy', { profitShareBps: 0 }, leader);
    const follower = await signUp(server.url, 'curve_follower');
    // The allocation a mark after the sign-up, so the curve has a point between the two steps.
    await expect
      .poll(async () => {
        const p = (await (await fetch(`${server.url}/api/v1/traders/curve_follower`)).json()) as {
          equity: { hourly: { equity: number }[] };
        };
        return p.equity.hourly.some((x) => x.equity > 0);
      })
      .toBe(true);
    await api(server.url, '/api/v1/subscriptions', { leader: 'curve_leader', allocation: 2_000_000 }, follower);

    // Nobody has 3 trades and a day of age yet: the board says what it takes.
    await nav(app, 'Ranking');
    const rules = app.locator('[data-empty-board]');
    await expect(rules).toContainText('No one is on this board yet. To appear on it, a trader needs:');
    await expect(rules.getByRole('listitem')).toHaveText([
      'at least 3 trades in the period',
      'an account at least 1 day old',
    ]);
    await expect(rules).toContainText('Boards are worked out every 1 second');
    await keepScreenshot(app, 'figures-empty-board', testInfo);

    // The follower's profile: the grants (10,000,000 KRW and 100 LPJ at 100,000) are one step of +20,000,000
    // at the curve's start, the allocation a step of −2,000,000 — each marked, and listed under the curve.
    const grantsWorth = GRANT.KRW + (GRANT.LPJ / 100_000_000) * 100_000;
    await app.evaluate(() => (location.hash = '#/trader/curve_follower'));
    await expect(app.getByRole('heading', { level: 1, name: 'curve_follower' })).toBeVisible();
    const curve = app.locator('.equity-host');
    // The profile is read when it opens: open it again until the marks after the allocation are on the curve.
    await expect(async () => {
      await app
        .getByRole('link', { name: /Ranking/ })
        .first()
        .click();
      await app.evaluate(() => (location.hash = '#/trader/curve_follower'));
      await expect(curve).toHaveAttribute('data-marks', new RegExp(`^\\d+:${grantsWorth} \\d+:-2000000$`), {
        timeout: 2_000,
      });
      expect(Number(await curve.getAttribute('data-points'))).toBeGreaterThanOrEqual(2);
    }).toPass({ timeout: 30_000 });
    const flows = app.getByRole('table', { name: 'Money in and out' });
    await expect(flows.locator('tr[data-kind="grant"]')).toHaveCount(2);
    await expect(flows.locator('tr[data-kind="grant"]').filter({ hasText: '+100.00 LPJ' })).toContainText(
      `+${(grantsWorth - GRANT.KRW).toLocaleString('en-US')} KRW`,
    );
    await expect(
      flows.locator('tr[data-kind="grant"]').filter({ hasText: /\+10,000,000 KRW\s*\+10,000,000 KRW/ }),
    ).toHaveCount(1);
    await expect(flows.locator('tr[data-kind="allocation"]')).toContainText('Copy allocation');
    await expect(flows.locator('tr[data-kind="allocation"]')).toContainText('-2,000,000 KRW');
    await expect(app.getByText('Marked steps in the curve are money moved in or out, not profit')).toBeVisible();
    // The allocation is not a loss: the return over every period stays 0.00%.
    const figures = app.getByRole('table', { name: 'Figures by period' });
    await expect(figures.getByRole('row', { name: /^Return/ }).locator('td')).toHaveText(Array(4).fill('0.00%'));
    await expect(figures.getByRole('row', { name: /^PnL/ }).locator('td')).toHaveText(Array(4).fill('0'));
    await keepScreenshot(app, 'figures-profile', testInfo);

    // In Korean.
    await nav(app, 'Settings');
    await app.getByRole('combobox', { name: 'Language' }).selectOption('ko');
    await app.evaluate(() => (location.hash = '#/trader/curve_follower'));
    await expect(app.getByRole('table', { name: '입출금 내역' }).locator('tr[data-kind="allocation"]')).toContainText(
      '카피 배정',
    );
    await keepScreenshot(app, 'figures-profile-ko', testInfo);
    await app.evaluate(() => (location.hash = '#/ranking'));
    await expect(app.locator('[data-empty-board]').getByRole('listitem')).toHaveText([
      '기간 내 거래 3회 이상',
      '가입 후 1일 이상 경과',
    ]);
    await keepScreenshot(app, 'figures-empty-board-ko', testInfo);
  });
});
