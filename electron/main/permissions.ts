/**
 * What the app's window may ask of the browser engine: nothing. The UI uses no camera, microphone, location,
 * clipboard API, MIDI, HID/serial/USB devices, screen capture or web notifications — desktop notifications of
 * fills come from the main process (desktop-notifier.ts), which needs no permission from a page. So every request
 * and every check is answered no, and a page that was somehow made to ask gets nothing.
 *
 * Kept free of Electron at run time (types only), so the policy is tested in plain Node.
 */
import type { Session } from 'electron';

/** Permissions granted to the app's pages. Empty: add one only with the feature that needs it. */
export const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set<string>();

export function isGranted(permission: string): boolean {
  return GRANTED_PERMISSIONS.has(permission);
}

/** Installs the policy on a session (the window's): permission requests, permission checks and devices. */
export function installPermissionPolicy(
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'>,
): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => callback(isGranted(permission)));
  session.setPermissionCheckHandler((_contents, permission) => isGranted(permission));
  session.setDevicePermissionHandler(() => false);
}
