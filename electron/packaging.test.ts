import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// electron-builder cannot package here (it needs the Electron runtime), so its configuration is checked
// against electron-builder's own schema instead: a typo must fail the tests, not a release build later.
const root = resolve(import.meta.dirname, '..');
const require = createRequire(join(root, 'package.json'));

describe('electron-builder configuration', () => {
  it('passes electron-builder validation and names resources that exist', async () => {
    const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config');
    const { DebugLogger } = require('builder-util');
    const config = await getConfig(root, join(root, 'build', 'electron-builder.yml'), null);
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    expect(config.appId).toBe('com.playground777.app');
    expect(config.productName).toBe('Playground 777');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    for (const icon of [config.linux.icon, config.win.icon, config.mac.icon, config.mac.entitlements]) {
      expect(existsSync(join(root, icon)), icon).toBe(true);
    }
  });

  it('flips the fuses that close the packaged binary to other code, and asks macOS for no library exemptions', async () => {
    const { getConfig } = require('app-builder-lib/out/util/config/config');
    const config = await getConfig(root, join(root, 'build', 'electron-builder.yml'), null);
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    // The integrity fuse checks app.asar: the app must be packed into one.
    expect(config.asar).not.toBe(false);
    for (const plist of new Set([config.mac.entitlements, config.mac.entitlementsInherit])) {
      const text = readFileSync(join(root, plist), 'utf8').replace(/<!--[\s\S]*?-->/g, '');
      expect(text, plist).not.toMatch(/disable-library-validation|allow-dyld-environment-variables|get-task-allow/);
      expect(text).toMatch(/<key>com\.apple\.security\.cs\.allow-jit<\/key>\s*<true\/>/);
    }
  });

  it('rejects an invalid configuration (the check is live)', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config');
    const { DebugLogger } = require('builder-util');
    await expect(
      validateConfiguration({ appId: 'x', nsis: { oneClick: 'yes' }, notAnOption: true }, new DebugLogger(false)),
    ).rejects.toThrow(/configuration/i);
  });
});
