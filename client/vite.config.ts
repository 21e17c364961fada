import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

/**
 * Writes `file.br` and `file.gz` beside every text asset of the build, once,
 * at the strongest settings (brotli 11, gzip 9): the server sends them as they
 * are (sirv picks the one the browser accepts), so compressing costs the
 * server nothing per request. Files under 1 KB are left alone (the headers
 * outweigh the saving).
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'gradient-rally:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir);
    },
    closeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir).flatMap((name) => {
          const path = join(dir, name);
          return statSync(path).isDirectory() ? walk(path) : [path];
        });
      for (const file of walk(outDir)) {
        if (!/\.(js|mjs|css|html|svg|json|wasm|txt)$/.test(file)) continue;
        const raw = readFileSync(file);
        if (raw.length < 1024) continue;
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(raw, {
            params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
          }),
        );
        writeFileSync(`${file}.gz`, gzipSync(raw, { level: 9 }));
      }
    },
  };
}

// The client is its own Vite root. TypeScript settings come from the
// repository's root tsconfig.json (the nearest one above client/src, which Vite
// and its transformer find on their own); shared is imported by package name
// through the npm workspace link and compiled from its TypeScript sources.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Source maps only when asked for (`SOURCEMAP=1 npm run build`): they would
    // publish the whole source and weigh several times the code.
    sourcemap: process.env.SOURCEMAP === '1' || process.env.SOURCEMAP === 'true',
    // Phaser alone is ~1.4 MB minified; it is imported dynamically (only screens
    // with an arena load it), so the landing page stays small.
    chunkSizeWarningLimit: 1600,
  },
  worker: { format: 'es' },
  server: { port: 5173 },
});
