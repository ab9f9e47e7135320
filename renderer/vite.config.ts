import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * V8's explicit compile hint on the chunks that start-up runs through (the shell and React's DOM renderer, which
 * ./src/main loads in stages, the Market screen, the chart library): their functions are compiled on a background thread while the file streams in, instead of one by
 * one on the main thread when first called — inside the first render's task and the chart's first frame.
 * Nearly all of their functions are called on the way to the first chart. The hint must be the file's first
 * line, so it is added once the bundle is otherwise final.
 */
function compileHints(chunkName: RegExp): Plugin {
  return {
    name: 'compile-hints',
    apply: 'build',
    enforce: 'post',
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        for (const file of Object.values(bundle)) {
          if (file.type === 'chunk' && chunkName.test(file.name))
            file.code = `//# allFunctionsCalledOnLoad\n${file.code}`;
        }
      },
    },
  };
}

// One renderer build for both transports: Electron loads it from file://, web mode serves it over HTTP.
export default defineConfig({
  root: import.meta.dirname,
  base: '.',
  plugins: [react(), compileHints(/^(index|boot|client|MarketScreen|lightweight-charts)/)],
  // `@protocol/*` (the shared contract in engine/protocol) is defined once, in tsconfig.json's `paths`; the
  // bundler reads it from there, so the compiler and the bundle cannot disagree.
  resolve: { tsconfigPaths: true },
  build: {
    outDir: '../out/renderer', // relative to root
    emptyOutDir: true,
    target: 'es2022',
  },
});
