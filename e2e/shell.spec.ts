import { ENGINE_VERSION } from '../engine/version';
import { expect, keepScreenshot, test } from './fixtures';

test('the shell opens with the local engine ready, its version and database path', async ({ app, dataDir }, testInfo) => {
  const status = app.getByRole('status', { name: 'Engine status' });
  await expect(status).toContainText('local engine ready');
  await expect(status).toContainText(`Engine v${ENGINE_VERSION}`);
  await expect(status).toContainText(dataDir);
  await expect(app.getByLabel('LPJ', { exact: true })).toBeVisible();
  await keepScreenshot(app, 'shell', testInfo);
});

test('the navigation rail reaches every screen and marks the current one', async ({ app }) => {
  const nav = app.getByRole('navigation', { name: 'Main navigation' });
  for (const name of ['Ranking', 'Copy trading']) {
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
  await keepScreenshot(app, 'settings-ko', testInfo);

  await app.reload();
  await expect(app.getByRole('heading', { level: 1, name: '설정' })).toBeVisible();
  await app.getByRole('combobox', { name: '언어' }).selectOption('en');
  await expect(app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Market' })).toBeVisible();
});

test('theme switches to light', async ({ app }) => {
  await app.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Settings' }).click();
  await app.getByRole('combobox', { name: 'Theme' }).selectOption('light');
  await expect(app.locator('html')).toHaveAttribute('data-theme', 'light');
});
