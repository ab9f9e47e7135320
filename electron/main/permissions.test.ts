/** The window gets no browser permission: every request, check and device is refused. */
import { describe, expect, it } from 'vitest';
import { installPermissionPolicy } from './permissions';

// Every permission Electron 40 can ask a session about (Session.setPermissionRequestHandler's list).
const PERMISSIONS = [
  'clipboard-read',
  'clipboard-sanitized-write',
  'display-capture',
  'fullscreen',
  'geolocation',
  'idle-detection',
  'media',
  'mediaKeySystem',
  'midi',
  'midiSysex',
  'notifications',
  'pointerLock',
  'keyboardLock',
  'openExternal',
  'speaker-selection',
  'storage-access',
  'top-level-storage-access',
  'window-management',
  'unknown',
  'fileSystem',
  'hid',
  'serial',
  'usb',
];

describe('window permission policy', () => {
  it('denies every permission request and check, and every device', () => {
    // The handlers Electron would call, each with its own signature, called here with hand-made arguments.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const handlers: Record<string, (...args: any[]) => unknown> = {};
    installPermissionPolicy({
      setPermissionRequestHandler: (h) => void (handlers.request = h!),
      setPermissionCheckHandler: (h) => void (handlers.check = h!),
      setDevicePermissionHandler: (h) => void (handlers.device = h!),
    });
    for (const permission of PERMISSIONS) {
      let granted: boolean | undefined;
      handlers.request({}, permission, (g: boolean) => (granted = g), {
        requestingUrl: 'file:///app/index.html',
        isMainFrame: true,
      });
      expect(granted, `request ${permission}`).toBe(false);
      expect(
        handlers.check({}, permission, 'file://', { requestingUrl: 'file:///app/index.html', isMainFrame: true }),
        `check ${permission}`,
      ).toBe(false);
    }
    expect(handlers.device({ deviceType: 'usb', origin: 'file://', device: {} })).toBe(false);
  });
});
