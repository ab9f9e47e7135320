import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * In development the project's node_modules holds better-sqlite3 built for Node (tests and web mode use it),
 * so `npm start` builds a second copy for Electron's ABI into this cache and the desktop app loads that one.
 * A packaged app has its dependencies rebuilt for Electron by electron-builder and needs no override.
 */
export function electronNativeBinding(appRoot: string, isPackaged: boolean): string | undefined {
  if (isPackaged) return undefined;
  const candidate = join(
    appRoot,
    'node_modules',
    '.cache',
    'lpj-native',
    `electron-${process.versions.modules}`,
    'better_sqlite3.node',
  );
  return existsSync(candidate) ? candidate : undefined;
}
