/**
 * The desktop shell: one secure window in front of the app host. All behaviour lives in the host, which runs
 * in a process of its own (engine/host/host-process.ts, started as a utilityProcess) so that matching, the
 * simulator, SQLite and feed sockets can never freeze the window; this file only relays IPC to it
 * (./host-relay.ts) and wires the window and the operating system.
 *
 * Only the app's own window may call the host (sender and frame are checked on every IPC call); it is
 * sandboxed, sees the host only through the preload's typed API, gets no browser permissions
 * (./permissions) and cannot navigate away. Files reach the host only as the user's own choice in a native
 * dialog shown here (a session to replay): the renderer never names a path.
 */
import { app, BrowserWindow, dialog, ipcMain, Notification, shell, type IpcMainInvokeEvent } from 'electron';
import { join } from 'node:path';
import type { Reply } from '../../engine/protocol/wire';
import { HostRelay } from './host-relay';
import { forkUtilityHost } from './utility-host';
import { IPC_EVENT, IPC_INVOKE, IPC_NOTIFY, IPC_PICK_SESSION } from './ipc-channels';
import { installPermissionPolicy } from './permissions';
import { electronNativeBinding } from './native-binding';
import { loadWindowState, trackWindowState } from './window-state';
import { DEEP_LINK_SCHEME, deepLinkInArgs, hashFor, parseDeepLink } from './deep-link';
import { installMenu } from './menu';
import { PriceTray } from './tray';
import { DesktopNotifier } from './desktop-notifier';

const here = import.meta.dirname;
let win: BrowserWindow | null = null;
let relay: HostRelay | null = null;
let tray: PriceTray | null = null;
/** A link that arrived before the window could show it. */
let pendingLink: string | undefined = deepLinkInArgs(process.argv);

// Same override as web mode, so tests and power users can point the app at another data folder.
if (process.env.LPJ_DATA_DIR) app.setPath('userData', process.env.LPJ_DATA_DIR);

if (!app.requestSingleInstanceLock()) {
  // A second launch only brings the first window forward.
  app.quit();
} else {
  app.on('second-instance', (_event, argv) => {
    // Windows and Linux start a second instance for a playground777:// link; the first one handles it.
    const link = deepLinkInArgs(argv);
    if (link) openLink(link);
    showWindow();
  });
  // macOS delivers links to the running app.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    openLink(url);
  });
  app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
  void app.whenReady().then(start);
}

function showWindow(): void {
  if (!win) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

/** Shows the screen a deep link names; links that do not parse are ignored. */
function openLink(raw: string): void {
  const target = parseDeepLink(raw);
  if (!target) return;
  if (!relay || !win) {
    pendingLink = raw;
    return;
  }
  relay.emit('app.navigate', { hash: hashFor(target) });
  showWindow();
}

function start(): void {
  const dataDir = app.getPath('userData');
  const started = new HostRelay({
    spawn: () => forkUtilityHost(join(here, 'host.js')),
    // The utility process runs Electron's Node, so it loads the Electron-ABI build of better-sqlite3 too.
    start: {
      dataDir,
      appVersion: app.getVersion(),
      nativeBinding: electronNativeBinding(app.getAppPath(), app.isPackaged),
    },
    // A restarted host has none of the old one's in-memory state (open markets, picked sessions): reload the UI.
    onRestarted: () => win?.webContents.reload(),
  });
  relay = started;

  ipcMain.handle(IPC_INVOKE, async (event, method: unknown, params: unknown): Promise<Reply> => {
    if (!fromAppWindow(event)) return notAppWindow;
    if (typeof method !== 'string')
      return { ok: false, error: { code: 'BAD_REQUEST', message: 'method must be a string' } };
    return started.invoke(method, params);
  });
  // A session to replay: the user picks it in the native dialog; the UI gets the host's handle, not the path.
  ipcMain.handle(IPC_PICK_SESSION, async (event): Promise<Reply> => {
    if (!fromAppWindow(event) || !win) return notAppWindow;
    const choice = await dialog.showOpenDialog(win, {
      title: 'Choose a session to replay',
      properties: ['openFile'],
      filters: [
        { name: 'Playground 777 sessions', extensions: ['p777s', 'gz'] },
        { name: 'All files', extensions: ['*'] },
      ],
    });
    const path = choice.canceled ? undefined : choice.filePaths[0];
    return path ? started.sessionPicked(path) : { ok: true, result: null };
  });
  started.onPush((frame) => win?.webContents.send(IPC_EVENT, frame));
  installMenu((hash) => started.emit('app.navigate', { hash }));
  tray = new PriceTray(showWindow);
  started.onPush((frame) => tray?.onHostEvent(frame));
  // Notes the UI words in the user's language; shown while the window is not in front.
  const notifier = new DesktopNotifier({
    windowFocused: () => win?.isFocused() ?? false,
    supported: () => Notification.isSupported(),
    show: (note, onClick) => {
      const shown = new Notification(note);
      shown.on('click', onClick);
      shown.show();
    },
    bringForward: showWindow,
  });
  ipcMain.on(IPC_NOTIFY, (event, note: unknown) => {
    if (fromAppWindow(event)) notifier.offer(note);
  });

  createWindow(dataDir);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow(dataDir);
  });
}

const notAppWindow: Reply = { ok: false, error: { code: 'FORBIDDEN', message: 'caller is not the app window' } };

/** Only our own window's top frame may call the host. */
function fromAppWindow(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>): boolean {
  return !!win && event.sender === win.webContents && event.senderFrame === win.webContents.mainFrame;
}

function createWindow(dataDir: string): void {
  const state = loadWindowState(dataDir);
  win = new BrowserWindow({
    ...state.bounds,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Playground 777',
    backgroundColor: '#0f1217',
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
      spellcheck: false,
    },
  });
  installPermissionPolicy(win.webContents.session);
  if (state.maximized) win.maximize();
  trackWindowState(win, dataDir);
  win.once('ready-to-show', () => {
    win?.show();
    if (pendingLink) {
      const link = pendingLink;
      pendingLink = undefined;
      // The UI subscribes to host events once it has loaded; give it that moment.
      if (win?.webContents.isLoading()) win.webContents.once('did-finish-load', () => openLink(link));
      else openLink(link);
    }
  });
  win.on('closed', () => (win = null));

  // Links to the outside world open in the system browser; the app window never navigates away.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (url === win?.webContents.getURL()) return;
    event.preventDefault();
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
  });

  const devUrl = process.env.ELECTRON_RENDERER_URL;
  if (!app.isPackaged && devUrl) void win.loadURL(devUrl);
  else void win.loadFile(join(here, '../renderer/index.html'));
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
app.on('before-quit', (event) => {
  tray?.destroy();
  tray = null;
  if (!relay) return;
  // The host closes its databases first; then the app quits for real (relay is null by then).
  event.preventDefault();
  const closing = relay;
  void closing.close().finally(() => {
    relay = null;
    app.quit();
  });
});
