/**
 * Cloud sync through the UI: two web-mode apps (two data folders) signed in to one sync server as the same
 * user. A theme changed in one app shows in the other without a reload, the status bar says
 * synced, and Settings lists both devices.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { nav, NO_SERVER, signUp, useLivePlayers } from './live-fixtures';

const players = useLivePlayers({ width: 1280, height: 900 }, () => NO_SERVER);

async function signIn(page: Page, serverUrl: string, nickname: string): Promise<void> {
  await nav(page, 'Settings');
  await page.getByRole('textbox', { name: 'Server address' }).fill(serverUrl);
  await page.getByRole('button', { name: 'Connect' }).click();
  await expect(page.locator('.live-status')).toHaveAttribute('data-connection', 'signed_out', { timeout: 15_000 });
  await page.getByRole('textbox', { name: 'Nickname' }).fill(nickname);
  await page.getByLabel('Password').fill(`${nickname}-password`);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.locator('.live-status')).toHaveAttribute('data-connection', 'online', { timeout: 15_000 });
}

const syncStatus = (page: Page) => page.locator('.cloud-status');

test('the theme changed in one app shows in the other app of the same account, and both devices are listed', async () => {
  const a = await players.openPlayer();
  const b = await players.openPlayer();
  await signUp(a, players.server.url, 'cloud_e2e');
  await signIn(b, players.server.url, 'cloud_e2e');
  await expect(syncStatus(a)).toHaveAttribute('data-state', 'synced', { timeout: 15_000 });
  await expect(syncStatus(b)).toHaveAttribute('data-state', 'synced', { timeout: 15_000 });
  await expect(syncStatus(b)).toContainText('Sync: synced');

  // A picks the light theme in Settings: B's Settings and page follow.
  await a.getByRole('combobox', { name: 'Theme' }).selectOption('light');
  await expect(b.getByRole('combobox', { name: 'Theme' })).toHaveValue('light', { timeout: 15_000 });
  await expect(b.locator('html')).toHaveAttribute('data-theme', 'light');

  // Both devices are listed, each app marking itself.
  const devices = b.getByRole('list', { name: 'Devices' }).getByRole('listitem');
  await expect(devices).toHaveCount(2, { timeout: 15_000 });
  await expect(devices.filter({ hasText: 'this device' })).toHaveCount(1);
});
