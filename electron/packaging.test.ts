import { existsSync } from 'node:fs';
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

  it('rejects an invalid configuration (the check is live)', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config');
    const { DebugLogger } = require('builder-util');
    await expect(validateConfiguration({ appId: 'x', nsis: { oneClick: 'yes' }, notAnOption: true }, new DebugLogger(false))).rejects.toThrow(/configuration/i);
  });
});
