/**
 * A replay is labelled as what it is: its state is playing, paused or ended (never a green "Live" beside
 * "Replay"), its ticker figures cover the session as far as it has played (a ten-minute session has no 24
 * hours), and the paper account traded on it is said to be separate from the one traded on live prices.
 * On the shipped generated practice session (ten minutes), offline.
 */
import type { Page } from '@playwright/test';
import { expect, keepScreenshot, test } from './fixtures';

const nav = (app: Page, name: string) =>
  app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name }).click();
const badge = (app: Page) => app.getByRole('status', { name: 'Feed status' });
const summary = (app: Page) => app.getByRole('region', { name: 'Market summary' });
const balances = (app: Page) => app.getByRole('region', { name: 'Balances' });

test('a replay says playing, paused or ended, shows its session’s figures, and names its own paper account', async ({
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
  const controls = app.getByRole('region', { name: 'Replay controls' });
  await expect(controls).toBeVisible();

  // Playing, and said so: no "Live" anywhere in the market's badges.
  const play = controls.getByRole('button', { name: 'Play' });
  if (await play.isVisible()) await play.click();
  await expect(badge(app)).toHaveAttribute('data-replay', 'playing');
  await expect(badge(app)).toHaveText('Playing');
  await expect(summary(app)).not.toContainText('Live');
  await expect(summary(app)).toContainText('Replay');

  // The figures are the session's, and labelled so.
  for (const label of ['Session change', 'Session high', 'Session low', 'Session volume'])
    await expect(summary(app)).toContainText(label);
  await expect(summary(app)).not.toContainText('24h');
  const figure = (label: string) => summary(app).locator('dt', { hasText: label }).locator('xpath=../dd');
  await expect(figure('Session high')).toHaveText(/^\d[\d,]*$/, { timeout: 20_000 });
  await expect(figure('Session volume')).toHaveText(/^[\d,.]+ BTC$/);
  const high = Number((await figure('Session high').textContent())!.replace(/,/g, ''));
  const low = Number((await figure('Session low').textContent())!.replace(/,/g, ''));
  expect(high).toBeGreaterThanOrEqual(low);
  expect(low).toBeGreaterThan(0);

  // Its paper account is not the one traded on live prices.
  await expect(balances(app)).toContainText('Replay paper account, separate from your paper account on live prices');
  await keepScreenshot(app, 'replay-playing', testInfo);

  // Paused, then played to its end: the badge follows, and says the session ended.
  await controls.getByRole('button', { name: 'Pause' }).click();
  await expect(badge(app)).toHaveText('Paused');
  await expect(badge(app)).toHaveAttribute('data-replay', 'paused');
  await controls.getByRole('slider', { name: 'Session time' }).fill('597000');
  await expect(controls.locator('.replay-time')).toHaveText(/^9:5\d \/ 10:00$/);
  await controls.getByRole('combobox', { name: 'Replay speed' }).selectOption('10');
  await controls.getByRole('button', { name: 'Play' }).click();
  await expect(badge(app)).toHaveText('Session ended', { timeout: 30_000 });
  await expect(badge(app)).toHaveAttribute('data-replay', 'ended');
  await expect(summary(app)).not.toContainText('Live');
  await expect(summary(app)).toContainText('Session high');
  await keepScreenshot(app, 'replay-ended', testInfo);

  // In Korean as well.
  await nav(app, 'Settings');
  await app.getByRole('combobox', { name: 'Language' }).selectOption('ko');
  await app.getByRole('navigation', { name: '주 메뉴' }).getByRole('link', { name: '거래소' }).click();
  await expect(app.getByRole('status', { name: '시세 연결 상태' })).toHaveText('세션 종료');
  await expect(app.getByRole('region', { name: '시세 요약' })).toContainText('세션 고가');
  await expect(app.getByRole('region', { name: '잔고' })).toContainText('리플레이 모의 계좌');
  await keepScreenshot(app, 'replay-ended-ko', testInfo);

  // Back on live prices (Upbit), the paper account there names itself the other way round.
  await app.getByRole('navigation', { name: '주 메뉴' }).getByRole('link', { name: '설정' }).click();
  await app.getByRole('combobox', { name: '언어' }).selectOption('en');
  await app.getByRole('combobox', { name: 'Real-coin prices' }).selectOption('upbit');
  await nav(app, 'Market');
  await expect(balances(app)).toContainText('Paper account for live prices, separate from the replay paper account', {
    timeout: 20_000,
  });
});
