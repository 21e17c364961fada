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

/**
 * Two libraries probe at load whether `eval` works (`new Function('')` in a
 * try/catch) and fall back to plain code when it does not: msgpackr (through
 * colyseus.js) and zod. Under the server's CSP (no 'unsafe-eval') the probe
 * fails anyway, but Chromium still reports each attempt as a CSP violation
 * and logs a console error. These replacements make the probes answer "no"
 * without trying, which is exactly what they conclude under the CSP; the
 * build fails if a library update moves the probe, rather than silently
 * bringing the violation back.
 */
const EVAL_PROBES: { module: RegExp; probe: RegExp; answer: string }[] = [
  { module: /@colyseus[\\/]msgpackr[\\/]unpack\.js$/, probe: /try \{\s*new Function\(''\)\s*\} catch/, answer: 'try { throw 0 } catch' },
  { module: /zod[\\/]v4[\\/]core[\\/]util\.js$/, probe: /const F = Function;\s*new F\(""\);\s*return true;/, answer: 'return false;' },
];

function noEvalProbes(): Plugin {
  return {
    name: 'gradient-rally:no-eval-probes',
    apply: 'build',
    transform(code, id) {
      const rule = EVAL_PROBES.find((r) => r.module.test(id));
      if (!rule) return null;
      if (!rule.probe.test(code)) this.error(`${id}: its eval probe changed; update EVAL_PROBES in client/vite.config.ts`);
      return { code: code.replace(rule.probe, rule.answer), map: null };
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
  plugins: [noEvalProbes(), precompress()],
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
