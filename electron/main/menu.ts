/**
 * The application menu: the app's screens (with the usual shortcuts), editing, view and window roles. Screen
 * items ask the UI to navigate through the same typed event a deep link uses.
 */
import { app, Menu, type MenuItemConstructorOptions } from 'electron';

export function installMenu(navigate: (hash: string) => void): void {
  const mac = process.platform === 'darwin';
  const screen = (label: string, hash: string, accelerator: string): MenuItemConstructorOptions => ({
    label,
    accelerator,
    click: () => navigate(hash),
  });
  const template: MenuItemConstructorOptions[] = [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    { label: 'File', submenu: [mac ? { role: 'close' as const } : { role: 'quit' as const }] },
    { role: 'editMenu' },
    {
      label: 'Go',
      submenu: [
        screen('Market', '#/market', 'CmdOrCtrl+1'),
        screen('Watchlist', '#/markets', 'CmdOrCtrl+2'),
        screen('Portfolio', '#/portfolio', 'CmdOrCtrl+3'),
        screen('Ranking', '#/ranking', 'CmdOrCtrl+4'),
        screen('Copy trading', '#/copy', 'CmdOrCtrl+5'),
        screen('Orders && trades', '#/history', 'CmdOrCtrl+6'),
        screen('Settings', '#/settings', 'CmdOrCtrl+,'),
      ],
    },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
