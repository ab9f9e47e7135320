/**
 * The walls between the repository's rooms (eslint.config.js), each shown to stand: a file placed in a room
 * (a path that need not exist) imports across the wall, statically, by re-export and by dynamic import(), and
 * the lint must report it under the wall's own message; the imports the room lives on must pass, so a wall that
 * refuses everything fails here too. The lint runs through ESLint's Node API on the repository's own config.
 */
import { ESLint } from 'eslint';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root, overrideConfigFile: join(root, 'eslint.config.js') });
});

/** The wall messages reported for `code` placed at `path`, one entry per offending import, in order. */
async function wallsHit(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  const other = result.messages.filter(
    (m) => m.ruleId !== 'n/no-restricted-import' && m.ruleId !== '@typescript-eslint/no-unused-vars',
  );
  expect(other, 'the probe itself is clean code').toEqual([]);
  return result.messages.filter((m) => m.ruleId === 'n/no-restricted-import').map((m) => m.message);
}

/** One import per line, each of a name the probe does not use. */
const importing = (...specifiers: string[]) =>
  specifiers.map((s, i) => `import * as m${i} from '${s}';`).join('\n') + '\n';

/** Every one of `specifiers`, imported from `path`, is refused with a message containing `because`. */
async function refused(path: string, because: string, specifiers: string[]): Promise<void> {
  for (const s of specifiers) {
    for (const code of [importing(s), `export * from '${s}';\n`, `export const m = () => import('${s}');\n`]) {
      const hits = await wallsHit(path, code);
      expect(hits, `${path}: ${code}`).toHaveLength(1);
      expect(hits[0], `${path}: ${code}`).toContain(because);
    }
  }
}

/** None of `specifiers`, imported from `path`, is refused. */
async function allowed(path: string, specifiers: string[]): Promise<void> {
  expect(await wallsHit(path, importing(...specifiers)), path).toEqual([]);
}

describe('the walls between rooms', () => {
  it('engine/ imports no Electron, no UI library, and nothing of the server, the renderer or the desktop shell', async () => {
    for (const at of ['engine/core/matching/probe.ts', 'engine/node/store/probe.ts', 'engine/host/probe.ts']) {
      await refused(at, 'no Electron and no UI', [
        'electron',
        'react',
        'react/jsx-runtime',
        'react-dom/client',
        'zustand',
        'lightweight-charts',
      ]);
    }
    const at = 'engine/tools/bench/probe.ts';
    await refused(at, 'engine/ stands alone', [
      '../../../sync-server/app',
      '../../../renderer/src/lib/units',
      '../../../electron/main/index',
      '../../../e2e/fixtures',
      '../../../sync-server/no/such/file',
    ]);
    await allowed(at, ['../../core/matching/engine', '../../node/db/database', '../mock-exchange/mock-exchange']);
  });

  it('engine/protocol imports zod and itself, nothing else', async () => {
    const at = 'engine/protocol/probe.ts';
    await refused(at, 'imports zod and itself', ['node:fs', 'ws', '../core/matching/money', '../node/db/database']);
    await allowed(at, ['zod', './api', './units']);
  });

  it('engine/core is pure: no Node built-in, no I/O package, nothing of engine/ but itself and the protocol', async () => {
    const at = 'engine/core/matching/probe.ts';
    await refused(at, 'could run in a browser or a worker', [
      'node:fs',
      'node:zlib',
      'fs',
      'worker_threads',
      'better-sqlite3',
      'ws',
      'axios',
      'msgpackr',
    ]);
    await refused(at, 'engine/core imports only itself and the protocol', [
      '../../node/db/database',
      '../../node/store/durable-engine',
      '../../host/app-host',
      '../../tools/mock-exchange/mock-exchange',
    ]);
    await allowed(at, ['./money', '../market-data/types', '../../protocol/units', 'zod']);
  });

  it("engine/core's tests may use Node and the infrastructure, and stay inside engine/", async () => {
    const at = 'engine/core/paper/probe.test.ts';
    await allowed(at, [
      'node:fs',
      '../../node/replay/session-reader',
      '../../tools/mock-exchange/mock-exchange',
      'vitest',
    ]);
    await refused(at, 'engine/ stands alone', ['../../../sync-server/app']);
    const helper = 'engine/core/matching/testing/probe.ts';
    await allowed(helper, ['node:child_process', '../../../node/store/durable-engine']);
  });

  it('engine/node builds on the core and imports neither the desktop host nor the tools', async () => {
    const at = 'engine/node/store/probe.ts';
    await refused(at, 'imports neither', [
      '../../host/app-host',
      '../../host/web-bridge',
      '../../tools/mock-exchange/mock-exchange',
      '../../tools/bench/engine-bench',
    ]);
    await allowed(at, [
      '../../core/matching/engine',
      '../../protocol/sync',
      '../db/database',
      'node:fs',
      'better-sqlite3',
    ]);
  });

  it('engine/host does not import the developer tools', async () => {
    const at = 'engine/host/probe.ts';
    await refused(at, 'does not import engine/tools', [
      '../tools/mock-exchange/mock-exchange',
      '../tools/record-sample',
    ]);
    await allowed(at, [
      '../core/paper/index',
      '../node/db/database',
      '../protocol/api',
      './app-host',
      'ws',
      'node:http',
    ]);
  });

  it('electron/main relays to the host process and imports only the protocol from engine/', async () => {
    const at = 'electron/main/probe.ts';
    await refused(at, 'of engine/ it imports the protocol alone', [
      '../../engine/host/app-host',
      '../../engine/core/matching/engine',
      '../../engine/node/db/database',
    ]);
    await allowed(at, ['electron', '../../engine/protocol/host-channel', './host-relay', 'node:path']);
    await allowed('electron/main/probe.test.ts', ['../../engine/host/testing/fork-host']);
  });

  it('renderer/src imports no Node built-in, no Node-side package, nothing outside the renderer but the protocol, and the protocol only as @protocol/*', async () => {
    const at = 'renderer/src/screens/probe.tsx';
    await refused(at, 'no Node built-ins', ['node:fs', 'node:fs/promises', 'fs', 'path', 'child_process', 'os']);
    await refused(at, 'no Electron, database or sockets of Node', ['electron', 'better-sqlite3', 'ws', 'axios']);
    await refused(at, 'through @protocol/*', ['../../../engine/protocol/api', '../../../engine/core/matching/money']);
    await refused(at, 'only its own code, the protocol', [
      '../../../sync-server/config',
      '../../../electron/preload/index',
      '../../../e2e/fixtures',
    ]);
    await allowed(at, [
      '@protocol/api',
      '@protocol/client',
      'react',
      'zustand',
      'lightweight-charts',
      '../stores/engine-store',
      '../lib/units',
      './market/MarketSelector',
    ]);
  });

  it('renderer/src/components import no screen', async () => {
    const at = 'renderer/src/components/market/probe.tsx';
    await refused(at, 'nothing below a screen imports one', [
      '../../screens/MarketScreen',
      '../../screens/market/MarketSelector',
    ]);
    await refused(at, 'no Node built-ins', ['node:path']);
    await allowed(at, [
      '../../stores/engine-store',
      '../../lib/units',
      '../../api/index',
      './PriceChart',
      '@protocol/api',
    ]);
  });

  it('renderer/src/stores import no screen and no component', async () => {
    const at = 'renderer/src/stores/probe.ts';
    await refused(at, 'nothing below a screen imports one', ['../screens/MarketScreen']);
    await refused(at, 'does not depend on the components', ['../components/market/PriceChart', '../components/Header']);
    await refused(at, 'through @protocol/*', ['../../../engine/protocol/api']);
    await allowed(at, ['../api/index', '../lib/units', '../i18n/index', './engine-store', '@protocol/api', 'zustand']);
  });

  it('renderer/src/lib imports no screen, store, component or API call', async () => {
    const at = 'renderer/src/lib/probe.ts';
    await refused(at, 'lib/ holds pure helpers', [
      '../screens/MarketScreen',
      '../stores/engine-store',
      '../components/Header',
      '../api/index',
      '../api/ws-client',
    ]);
    await refused(at, 'no Node built-ins', ['node:crypto']);
    await allowed(at, ['./units', '../i18n/index', '@protocol/api', 'lightweight-charts']);
  });

  it('electron/preload imports nothing but electron, the protocol and the IPC channel names', async () => {
    const at = 'electron/preload/probe.ts';
    await refused(at, 'exposes the typed API and nothing else', [
      'node:fs',
      'ws',
      '../main/host-relay',
      '../main/index',
      '../../engine/host/app-host',
      '../../renderer/src/api/index',
    ]);
    await allowed(at, ['electron', '../../engine/protocol/api', '../../engine/protocol/wire', '../main/ipc-channels']);
  });

  it('sync-server/ imports no Electron, no UI, nothing of the desktop app, and not its app host', async () => {
    const at = 'sync-server/trading/probe.ts';
    await refused(at, 'no Electron and no UI', ['electron', 'react', 'react-dom']);
    await refused(at, 'does not import the desktop app.', [
      '../../renderer/src/lib/units',
      '../../electron/main/host-relay',
    ]);
    await refused(at, 'desktop app host (engine/host)', ['../../engine/host/app-host', '../../engine/host/web-bridge']);
    await refused(at, 'does not import engine/tools', ['../../engine/tools/mock-exchange/mock-exchange']);
    await allowed(at, [
      '../../engine/core/matching/money',
      '../../engine/protocol/sync',
      '../config',
      'fastify',
      'node:http',
    ]);
  });

  it('sync-server tests may run the desktop app host against the server, and are walled off from the rest as the server is', async () => {
    const at = 'sync-server/probe.test.ts';
    await allowed(at, [
      '../engine/host/app-host',
      '../engine/tools/mock-exchange/mock-exchange',
      './testing/harness',
      'vitest',
    ]);
    await refused(at, 'no Electron and no UI', ['electron', 'react']);
    await refused(at, 'does not import the desktop app.', ['../renderer/src/lib/units']);
  });

  it('e2e/ drives the UI through the page and imports no renderer internals', async () => {
    const at = 'e2e/probe.spec.ts';
    await refused(at, 'never by importing the renderer', [
      '../renderer/src/lib/units',
      '../renderer/src/stores/engine-store',
      '../renderer/vite.config',
    ]);
    await allowed(at, ['@playwright/test', './fixtures', '../engine/protocol/sync', 'node:fs']);
  });
});
