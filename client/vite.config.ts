import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The client is its own Vite root. TypeScript settings come from the
// repository's root tsconfig.json (the nearest one above client/src, which Vite
// and its transformer find on their own); shared is imported by package name
// through the npm workspace link and compiled from its TypeScript sources.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // Phaser alone is ~1.4 MB minified; it is imported dynamically (only screens
    // with an arena load it), so the landing page stays small.
    chunkSizeWarningLimit: 1600,
  },
  worker: { format: 'es' },
  server: { port: 5173 },
});
