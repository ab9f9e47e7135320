/**
 * `npm start`: builds and opens the desktop app. Where Electron cannot run — its binary cannot be fetched, or
 * there is no display — it starts web mode instead and prints the address to open in a browser.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureElectronNative, ensureNodeNative } from './ensure-native.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(join(root, 'package.json'));
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });

function electronBinary() {
  const tryPath = () => {
    try {
      const p = require('electron');
      return typeof p === 'string' && existsSync(p) ? p : null;
    } catch {
      return null;
    }
  };
  let path = tryPath();
  if (path) return path;
  // Installs never download binaries; the Electron runtime is fetched on first start instead.
  console.log('[start] fetching the Electron runtime (first start only)…');
  const r = spawnSync(process.execPath, [join(dirname(require.resolve('electron/package.json')), 'install.js')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status === 0) path = tryPath();
  return path;
}

function hasDisplay() {
  if (process.platform !== 'linux') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

async function startDesktop() {
  if (process.env.LPJ_WEB === '1') return false;
  if (!hasDisplay()) {
    console.log('[start] no display found (DISPLAY/WAYLAND_DISPLAY unset): the desktop window cannot open');
    return false;
  }
  const electron = electronBinary();
  if (!electron) {
    console.log('[start] the Electron runtime is not available on this machine');
    return false;
  }
  try {
    await ensureElectronNative(electron);
    run(npx, ['electron-vite', 'build']);
  } catch (err) {
    console.log(`[start] could not prepare the desktop app: ${err.message}`);
    return false;
  }
  const child = spawn(electron, [root], { cwd: root, stdio: 'inherit' });
  const code = await new Promise((r) => child.once('exit', r));
  if (code !== 0) {
    console.log(`[start] the desktop app exited with code ${code}`);
    return false;
  }
  return true;
}

if (!(await startDesktop())) {
  console.log('[start] starting web mode instead');
  ensureNodeNative();
  run(npx, ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']);
  const args = ['--import', 'tsx', 'engine/host/web-main.ts', ...process.argv.slice(2)];
  const web = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => web.kill(sig));
  web.once('exit', (code) => process.exit(code ?? 0));
}
