import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-main/electron/main.ts'),
          cli: resolve(__dirname, 'src-main/cli/index.ts'),
          // Worker threads are started from their own files (src-main/store/spawn-worker.ts): out/main/writer.js, out/main/reader.js.
          writer: resolve(__dirname, 'src-main/ingest/pipeline/writer-worker.ts'),
          reader: resolve(__dirname, 'src-main/history/reader-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-main/electron/preload.ts') },
        // A sandboxed preload must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    esbuild: { jsx: 'automatic' },
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      // The console is downloaded by browsers (and parsed before the first chart): ship it minified.
      minify: true,
      rollupOptions: {
        input: resolve(__dirname, 'src-renderer/index.html'),
        // TanStack Query marks its modules "use client" (for React Server Components); meaningless in this bundle.
        onwarn: (warning, warn) => (warning.code === 'MODULE_LEVEL_DIRECTIVE' ? undefined : warn(warning)),
      },
    },
  },
});
