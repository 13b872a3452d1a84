// Runs every bench/*.bench.ts (or those matching the arguments): each is bundled with esbuild
// into out/bench and run in its own node process, so one benchmark's heap never skews another's.
// Each prints its own table comparing GitOps Lens with the standard tools on the same input.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { ensureTools } from './tools/tool-env.mjs';

const root = new URL('..', import.meta.url).pathname;
process.chdir(root);
const filters = process.argv.slice(2);
const benches = readdirSync('bench').filter((f) => f.endsWith('.bench.ts') && (filters.length === 0 || filters.some((s) => f.includes(s)))).sort();
console.log(`machine: ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}`);

const env = { ...process.env };
Object.assign(env, ensureTools(root).env);

let failed = 0;
for (const b of benches) {
  const outfile = join('out/bench', b.replace(/\.ts$/, '.mjs'));
  await build({ entryPoints: [join('bench', b)], outfile, bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'warning' });
  console.log(`\n== ${b}`);
  const r = spawnSync(process.execPath, ['--expose-gc', outfile], { stdio: 'inherit', env });
  if (r.status !== 0) {
    failed++;
    console.error(`${b} failed (exit ${r.status ?? r.signal})`);
  }
}
process.exit(failed ? 1 : 0);
