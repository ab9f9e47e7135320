/**
 * Lint for the whole repository, and the walls between its rooms: what each folder may import is written here
 * once and checked by `npm run lint` (and so by `npm test`). The lint tests in build/lint/ show that every wall
 * reports a forbidden import.
 *
 * A wall is a list of `n/no-restricted-import` entries. An entry names packages by name or glob (`electron`,
 * `node:**`), or folders by an absolute glob that is matched against the file an import resolves to (through
 * relative paths and the tsconfig path alias alike); `!` lets a part through. Unlike ESLint's own
 * no-restricted-imports, the rule sees dynamic `import()` too, and it needs no resolver plugin.
 *
 * Flat config gives a file the options of the last block that sets a rule, so a block lists every wall of its
 * folder: an inner room (renderer/src/lib) repeats its outer room's walls (renderer/src) and comes after it.
 */
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import n from 'eslint-plugin-n';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;

/** A folder of the repository and everything in it, as the absolute glob an import's resolved file is matched against. */
const folder = (path) => join(root, path, '**');
/** A package and every subpath of it (`react` and `react/jsx-runtime`). */
const packages = (...names) => names.flatMap((name) => [name, `${name}/**`]);

/** Node's own modules, by either name (`fs/promises`, `node:fs/promises`). */
const NODE_BUILTINS = ['node:*', 'node:*/**', ...builtinModules];

/** Packages that do I/O in Node: the pure core uses none of them. */
const NODE_IO_PACKAGES = packages('better-sqlite3', 'ws', 'axios', 'msgpackr', 'sirv');

const noUi = {
  name: packages('electron', 'react', 'react-dom', 'zustand', 'lightweight-charts'),
  message: 'engine/ is plain TypeScript that runs in Node: no Electron and no UI.',
};
const engineStandsAlone = {
  name: [folder('sync-server'), folder('renderer'), folder('electron'), folder('e2e')],
  message: 'engine/ stands alone: the server, the UI and the desktop shell build on it, never the reverse.',
};
/** What every file of engine/ keeps to, tests included. */
const engineWalls = [noUi, engineStandsAlone];

/**
 * The rooms of engine/, inner to outer: protocol ← core ← node ← host and tools. Each names what it may not
 * import; its tests (and testing/ helpers) keep only the walls all of engine/ keeps.
 */
const engineRooms = {
  'engine/protocol': [
    {
      name: ['**', '!zod', '!zod/**', `!${folder('engine/protocol')}`],
      message: 'The protocol is the contract every process shares: it imports zod and itself, nothing else.',
    },
  ],
  'engine/core': [
    ...engineWalls,
    {
      name: [...NODE_BUILTINS, ...NODE_IO_PACKAGES],
      message:
        'engine/core is the pure domain core: no Node built-ins and no I/O, so it could run in a browser or a worker.',
    },
    {
      name: [folder('engine'), `!${folder('engine/core')}`, `!${folder('engine/protocol')}`],
      message: 'engine/core imports only itself and the protocol: infrastructure, the host and the tools build on it.',
    },
  ],
  'engine/node': [
    ...engineWalls,
    {
      name: [folder('engine/host'), folder('engine/tools')],
      message: 'engine/node is infrastructure under the desktop host and the tools: it imports neither.',
    },
  ],
  'engine/host': [
    ...engineWalls,
    {
      name: [folder('engine/tools')],
      message: 'The desktop host ships and the developer tools do not: engine/host does not import engine/tools.',
    },
  ],
  'engine/tools': engineWalls,
};

/** Tests and their helpers, which may reach further than the code they test. */
const TEST_FILES = ['**/*.test.ts', '**/testing/**'];

const rendererWalls = [
  {
    // Checked first, by the import as written: a path into engine/ is refused even where it leads to the protocol.
    name: ['**/engine/**'],
    message: 'The renderer reaches the protocol through @protocol/*, never by a path into engine/.',
  },
  {
    name: [folder('.'), `!${folder('renderer/src')}`, `!${folder('engine/protocol')}`, `!${folder('node_modules')}`],
    message: 'The renderer imports only its own code, the protocol (@protocol/*) and browser packages.',
  },
  {
    name: NODE_BUILTINS,
    message: 'The renderer runs in a browser page: no Node built-ins.',
  },
  {
    name: packages('electron', 'better-sqlite3', 'ws', 'axios'),
    message:
      'The renderer reaches the host only through its API (renderer/src/api): no Electron, database or sockets of Node.',
  },
];

const serverWalls = [
  {
    name: packages('electron', 'react', 'react-dom'),
    message: 'The sync server is a plain Node service: no Electron and no UI.',
  },
  { name: [folder('renderer'), folder('electron')], message: 'The sync server does not import the desktop app.' },
];
const appHostWall = {
  name: [folder('engine/host')],
  message: 'The sync server does not import the desktop app host (engine/host).',
};
const toolsWall = {
  name: [folder('engine/tools')],
  message: 'The sync server ships and the developer tools do not: its code does not import engine/tools.',
};

const screens = {
  name: [folder('renderer/src/screens')],
  message: 'Screens are built from components, stores and lib; nothing below a screen imports one.',
};

export default defineConfig([
  globalIgnores(['out/', 'dist/', 'renderer/dist/', 'test-results/', 'playwright-report/', 'e2e/artifacts/']),

  js.configs.recommended,
  tseslint.configs.recommended,
  {
    settings: {
      // Extensionless imports of TypeScript files resolve as the bundler and tsx resolve them.
      n: { tryExtensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] },
    },
    plugins: { n },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A parameter a subclass hook or callback must accept but does not use is named `_x`; `{ drop: _, ...rest }`
      // copies an object less one field.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // A callback made before the variable it reads is assigned (a socket's own connect hook reading the socket)
      // needs the `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // `cond ? a() : b()` as a statement makes one of two calls (the book mirrors delete or set a level so).
      '@typescript-eslint/no-unused-expressions': ['error', { allowTernary: true }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: globals.node },
  },

  ...Object.entries(engineRooms).map(([room, walls]) => ({
    files: [`${room}/**`],
    ignores: TEST_FILES.map((glob) => `${room}/${glob}`),
    rules: { 'n/no-restricted-import': ['error', walls] },
  })),
  {
    files: TEST_FILES.map((glob) => `engine/${glob}`),
    rules: { 'n/no-restricted-import': ['error', engineWalls] },
  },

  {
    files: ['renderer/src/**'],
    plugins: { 'react-hooks': reactHooks },
    // The two rules of hooks only: the plugin's other rules judge code by what the React Compiler needs, and the
    // renderer is not compiled by it.
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      'n/no-restricted-import': ['error', rendererWalls],
    },
  },
  {
    files: ['renderer/src/components/**'],
    rules: { 'n/no-restricted-import': ['error', [...rendererWalls, screens]] },
  },
  {
    files: ['renderer/src/stores/**'],
    rules: {
      'n/no-restricted-import': [
        'error',
        [
          ...rendererWalls,
          screens,
          {
            name: [folder('renderer/src/components')],
            message: 'View state does not depend on the components that show it.',
          },
        ],
      ],
    },
  },
  {
    files: ['renderer/src/lib/**'],
    rules: {
      'n/no-restricted-import': [
        'error',
        [
          ...rendererWalls,
          {
            name: ['screens', 'stores', 'components', 'api'].map((room) => folder(`renderer/src/${room}`)),
            message: 'lib/ holds pure helpers: no screens, stores, components or API calls.',
          },
        ],
      ],
    },
  },

  {
    files: ['electron/main/**'],
    ignores: TEST_FILES.map((glob) => `electron/main/${glob}`),
    rules: {
      'n/no-restricted-import': [
        'error',
        [
          {
            name: [folder('engine'), `!${folder('engine/protocol')}`],
            message:
              'The desktop shell only relays messages to the host process: of engine/ it imports the protocol alone.',
          },
        ],
      ],
    },
  },
  {
    files: ['electron/preload/**'],
    rules: {
      'n/no-restricted-import': [
        'error',
        [
          {
            name: ['**', '!electron', `!${folder('engine/protocol')}`, `!${join(root, 'electron/main/ipc-channels')}*`],
            message:
              'The preload exposes the typed API and nothing else: it imports electron, the protocol and the IPC channel names.',
          },
        ],
      ],
    },
  },

  {
    files: ['sync-server/**'],
    rules: { 'n/no-restricted-import': ['error', [...serverWalls, appHostWall, toolsWall]] },
  },
  {
    // Its benchmark and test helpers drive the server with the developer tools (the mock exchange).
    files: ['sync-server/bench/**', 'sync-server/testing/**'],
    rules: { 'n/no-restricted-import': ['error', [...serverWalls, appHostWall]] },
  },
  {
    // app-live.test.ts runs the desktop app host against a real server, to prove the two work together: tests may
    // cross this one wall, the server's own code may not.
    files: ['sync-server/**/*.test.ts'],
    rules: { 'n/no-restricted-import': ['error', serverWalls] },
  },

  {
    files: ['e2e/**'],
    rules: {
      // Playwright reads a fixture's dependencies from its first parameter's pattern: `async ({}, use)` uses none.
      'no-empty-pattern': ['error', { allowObjectPatternsAsParameters: true }],
      'n/no-restricted-import': [
        'error',
        [
          {
            name: [folder('renderer')],
            message: 'The e2e specs drive the UI through the page, never by importing the renderer.',
          },
        ],
      ],
    },
  },
]);
