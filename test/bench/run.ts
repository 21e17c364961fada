/**
 * `npm run bench`: runs every test/bench/*.bench.ts in turn, each in its own
 * process (so one benchmark's JIT state and memory do not colour the next),
 * and prints their tables. Pass names to run a subset: `npm run bench -- mlp`.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f} ===`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, f)], { stdio: 'inherit' });
  console.log(`=== ${f}: ${r.status === 0 ? 'done' : `FAILED (exit ${r.status})`} in ${((Date.now() - t0) / 1000).toFixed(1)} s ===`);
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
