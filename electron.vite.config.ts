import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import { defineConfig } from 'electron-vite';
import { build, type Plugin, type Rollup } from 'vite';

/**
 * Bundles src-renderer/early/early-boot.ts on its own (one small IIFE) and
 * inlines it at the top of index.html's <head>, so a signed-in tab sends its
 * first API calls before the main bundle has even downloaded. The hub allows
 * it by its hash in the page's CSP (src-main/console/inline-scripts.ts).
 */
function inlineEarlyBoot(entry: string): Plugin {
  return {
    name: 'outpost-inline-early-boot',
    async transformIndexHtml(html) {
      const built = await build({
        configFile: false,
        logLevel: 'warn',
        build: { write: false, minify: true, target: 'es2022', modulePreload: false, rollupOptions: { input: entry, output: { format: 'iife' } } },
      });
      const output = (Array.isArray(built) ? built[0] : built) as Rollup.RollupOutput;
      const chunk = output.output.find((o): o is Rollup.OutputChunk => o.type === 'chunk');
      if (!chunk) throw new Error(`the early boot script ${entry} built to nothing`);
      // Right after <meta charset> (which must stay in the first 1024 bytes) and before the style sheet: an
      // inline script after a style sheet would wait for it to load.
      const charset = /<meta charset="UTF-8" \/>/i;
      if (!charset.test(html)) throw new Error('index.html has no <meta charset="UTF-8" /> to put the early boot script after');
      return html.replace(charset, (meta) => `${meta}\n    <script>${chunk.code.trim()}</script>`);
    },
  };
}

/**
 * Writes a brotli copy (`.br`, best compression) next to each built script and
 * style sheet; the hub sends it to browsers that accept br
 * (src-main/console/static-files.ts). Compressed once here, not per request.
 */
function precompressAssets(): Plugin {
  return {
    name: 'outpost-precompress-assets',
    apply: 'build',
    writeBundle(options, bundle) {
      for (const item of Object.values(bundle)) {
        if (!/\.(js|css)$/.test(item.fileName)) continue;
        const source = item.type === 'chunk' ? Buffer.from(item.code) : Buffer.from(item.source);
        const params = { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: source.length };
        writeFileSync(join(options.dir!, `${item.fileName}.br`), brotliCompressSync(source, { params }));
      }
    },
  };
}

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
    plugins: [inlineEarlyBoot(resolve(__dirname, 'src-renderer/early/early-boot.ts')), precompressAssets()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      // The console is downloaded by browsers (and parsed before the first chart): ship it minified.
      minify: true,
      rollupOptions: {
        input: resolve(__dirname, 'src-renderer/index.html'),
        // Pages are loaded on demand (App.tsx); the small modules they share go into bigger chunks rather
        // than a request each (a fresh tab opens a TLS connection for each parallel request).
        output: { experimentalMinChunkSize: 20_000 },
        // TanStack Query marks its modules "use client" (for React Server Components); meaningless in this bundle.
        onwarn: (warning, warn) => (warning.code === 'MODULE_LEVEL_DIRECTIVE' ? undefined : warn(warning)),
      },
    },
  },
});
