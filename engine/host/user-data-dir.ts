import { homedir } from 'node:os';
import { join } from 'node:path';

export const PRODUCT_NAME = 'Playground 777';

/**
 * The folder Electron's app.getPath('userData') names for this app, computed without Electron so that web
 * mode and the desktop app share one data folder on a machine.
 */
export function defaultUserDataDir(platform: NodeJS.Platform = process.platform, env = process.env): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), PRODUCT_NAME);
}
