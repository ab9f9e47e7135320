import { defineConfig } from 'vitest/config';

// Unit and integration tests of the plain-Node parts and of the renderer's pure modules (no DOM); the UI as a
// whole is tested end to end by Playwright (e2e/).
export default defineConfig({
  // Path aliases come from each folder's tsconfig.json (the renderer's `@protocol/*`), as in the renderer build.
  resolve: { tsconfigPaths: true },
  test: {
    include: [
      'engine/**/*.test.ts',
      'sync-server/**/*.test.ts',
      'electron/**/*.test.ts',
      'renderer/src/**/*.test.ts',
      'build/**/*.test.ts',
    ],
    environment: 'node',
    // A stylesheet imported as text (`?raw`) keeps its text, for the tests that read the theme's tokens.
    css: { include: [/\.css\?raw$/] },
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
