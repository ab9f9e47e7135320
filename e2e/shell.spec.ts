import { ENGINE_VERSION } from '../engine/core/version';
import { expect, keepScreenshot, test } from './fixtures';

test('the shell opens with the local engine ready, its version and database path', async ({
  app,
  dataDir,
}, testInfo) => {
  const status = app.getByRole('status', { name: 'Engine status' });
  await expect(status).toContainText('local engine ready');
  await expect(status).toContainText(`Engine v${ENGINE_VERSION}`);
  await expect(status).toContainText(dataDir);
  await expect(app.getByLabel('LPJ', { exact: true })).toBeVisible();
  await keepScreenshot(app, 'shell', testInfo);
});

test('the navigation rail reaches every screen and marks the current one', async ({ app }) => {
  const nav = app.getByRole('navigation', { name: 'Main navigation' });
  for (const name of ['Watchlist', 'Portfolio', 'Ranking', 'Copy trading', 'Results']) {
    await nav.getByRole('link', { name }).click();
    await expect(app.getByRole('heading', { level: 1, name })).toBeVisible();
    await expect(nav.getByRole('link', { name })).toHaveAttribute('aria-current', 'page');
  }
  await nav.getByRole('link', { name: 'Market' }).click();
  await expect(app.getByRole('heading', { level: 1, name: 'Market' })).toBeAttached();
  await expect(nav.getByRole('link', { name: 'Market' })).toHaveAttribute('aria-current', 'page');
  await nav.getByRole('link', { name: 'Settings' }).click();
  await expect(app.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
});

test('language switches to Korean and back, and the choice survives a reload', async ({ app }, testInfo) => {
  await app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Settings' }).click();
  await app.getByRole('combobox', { name: 'Language' }).selectOption('ko');

  const nav = app.getByRole('navigation', { name: '주 메뉴' });
  await expect(nav.getByRole('link', { name: '거래소' })).toBeVisible();
  await expect(app.getByRole('status', { name: 'Engine status' })).toContainText('로컬 엔진 준비됨');
  await expect(app.locator('html')).toHaveAttribute('lang', 'ko');
  await expect(app.locator('.durability-list li', { hasText: 'practice.db' })).toContainText(
    'SQLite WAL, synchronous=NORMAL: 앱이 비정상 종료되어도 유지됩니다. 정전이나 운영체제 오류 시 가장 최근의 변경이 사라질 수 있습니다',
  );
  await keepScreenshot(app, 'settings-ko', testInfo);

  await app.reload();
  await expect(app.getByRole('heading', { level: 1, name: '설정' })).toBeVisible();
  await app.getByRole('combobox', { name: '언어' }).selectOption('en');
  await expect(
    app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Market' }),
  ).toBeVisible();
});

test('Settings says what each local database survives', async ({ app }) => {
  await app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Settings' }).click();
  const list = app.locator('.durability-list li');
  await expect(list).toHaveCount(5);
  for (const file of ['app.db', 'practice.db', 'paper.db', 'candles.db', 'results.db']) {
    await expect(list.filter({ hasText: file })).toContainText(
      'SQLite WAL, synchronous=NORMAL: survives an app crash; the most recent changes may be lost on a power cut or an operating-system crash',
    );
  }
});

test('theme switches to light', async ({ app }) => {
  await app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Settings' }).click();
  await app.getByRole('combobox', { name: 'Theme' }).selectOption('light');
  await expect(app.locator('html')).toHaveAttribute('data-theme', 'light');
});
