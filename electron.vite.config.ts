import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import renderer from './renderer/vite.config';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // Native and Node-only packages load from node_modules at run time.
      externalizeDeps: true,
      // The main process, and the host process it starts as a utilityProcess (out/main/host.js).
      rolldownOptions: {
        input: { index: resolve('electron/main/index.ts'), host: resolve('engine/host/host-process.ts') },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: true,
      // A sandboxed preload must be CommonJS.
      rolldownOptions: {
        input: { index: resolve('electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  // The renderer's own config, with its folder and page named from the project root: electron-vite bundles this
  // file before loading it, so paths the renderer config works out from its own location would point here.
  renderer: {
    ...renderer,
    root: resolve('renderer'),
    build: {
      ...renderer.build,
      outDir: resolve('out/renderer'),
      rolldownOptions: { input: resolve('renderer/index.html') },
    },
  },
});
