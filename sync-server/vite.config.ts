import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/**
 * The sync server as one JavaScript file for Node (`out/sync-server/main.js`), which `npm run server` runs: no
 * TypeScript loader in the running process, so nothing between V8 and the code on the order path. Packages stay
 * in node_modules (an SSR build leaves imports of them as they are); better-sqlite3 is native and must.
 * The shipped markets file goes beside the bundle, where the default `--markets` looks for it. Not minified, so
 * a logged stack names the functions it passed through.
 */
export default defineConfig({
  root: import.meta.dirname,
  logLevel: 'warn',
  build: {
    ssr: resolve(import.meta.dirname, 'main.ts'),
    outDir: resolve(import.meta.dirname, '../out/sync-server'),
    emptyOutDir: true,
    target: 'node20',
    minify: false,
  },
  plugins: [
    {
      name: 'shipped-markets-file',
      apply: 'build',
      generateBundle() {
        this.emitFile({
          type: 'asset',
          fileName: 'markets.json',
          source: readFileSync(resolve(import.meta.dirname, 'markets.json'), 'utf8'),
        });
      },
    },
  ],
});
