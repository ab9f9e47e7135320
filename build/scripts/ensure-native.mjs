/**
 * better-sqlite3 is a native addon and must match the runtime that loads it. Node (tests, web mode, the sync
 * server) uses the copy in node_modules; the desktop app in development uses a second copy built for
 * Electron's ABI, kept in node_modules/.cache/lpj-native/electron-<abi>/ (see electron/main/native-binding.ts).
 *
 *   node build/scripts/ensure-native.mjs node       # rebuild node_modules' copy if it does not load in Node
 *   node build/scripts/ensure-native.mjs electron   # build the Electron copy if missing
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(join(root, 'package.json'));

export function ensureNodeNative() {
  const probe = spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], {
    cwd: root,
    encoding: 'utf8',
  });
  if (probe.status === 0) return;
  console.log(
    '[native] better-sqlite3 does not load in this Node (' +
      (probe.stderr.split('\n').find((l) => l.includes('Error')) ?? 'unknown error') +
      '): rebuilding it',
  );
  execFileSync('npm', ['rebuild', 'better-sqlite3'], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
}

/** Returns the path of better_sqlite3.node built for the installed Electron, building it when needed. */
export async function ensureElectronNative(electronPath) {
  const abi = execFileSync(electronPath, ['-p', 'process.versions.modules'], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    encoding: 'utf8',
  }).trim();
  const target = join(root, 'node_modules', '.cache', 'lpj-native', `electron-${abi}`, 'better_sqlite3.node');
  if (existsSync(target)) return target;
  const electronVersion = require('electron/package.json').version;
  console.log(`[native] building better-sqlite3 for Electron ${electronVersion} (ABI ${abi}); this happens once`);
  // Build in a scratch copy so node_modules keeps the Node build that tests and web mode load.
  const scratch = mkdtempSync(join(tmpdir(), 'lpj-native-'));
  try {
    const pkgDir = dirname(require.resolve('better-sqlite3/package.json'));
    const copy = join(scratch, 'node_modules', 'better-sqlite3');
    cpSync(pkgDir, copy, { recursive: true, filter: (src) => !src.includes(`${pkgDir}/build`) });
    const { rebuild } = await import('@electron/rebuild');
    await rebuild({
      buildPath: scratch,
      electronVersion,
      onlyModules: ['better-sqlite3'],
      force: true,
      projectRootPath: scratch,
    });
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(copy, 'build', 'Release', 'better_sqlite3.node'), target);
    return target;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const which = process.argv[2];
  if (which === 'node') ensureNodeNative();
  else if (which === 'electron') console.log(await ensureElectronNative(require('electron')));
  else {
    console.error('usage: ensure-native.mjs node|electron');
    process.exit(2);
  }
}
