// The whole test suite: build, prepare real tools and a real control plane, compile the
// tests with esbuild, and run them with node's test runner (its summary closes the output).
//   npm test                 everything (unit, cluster, end-to-end in code-server)
//   npm test -- <substr>...  only test files whose path contains one of the substrings
import { build } from 'esbuild';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ensureTools } from './tools/tool-env.mjs';

const root = new URL('..', import.meta.url).pathname;
process.chdir(root);
const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

function step(title) { console.log(`\n== ${title}`); }

step('build');
execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });

const tests = findTests('test').filter((f) => filters.length === 0 || filters.some((s) => f.includes(s))).sort();
if (tests.length === 0) { console.error('no test files match', filters); process.exit(2); }
const needs = (re) => tests.some((f) => re.test(f));

// Real binaries (helm, kustomize, ...) are built from Go modules into a cache once; their
// paths reach the tests through the environment so no test process builds them again.
const env = { ...process.env };
step('tools');
const tools = ensureTools(root);
Object.assign(env, tools.env);
console.log(tools.stdout.trim());

let clusterState;
if (needs(/test\/(cluster|diff|sync|e2e|editor|health)/) && !env.GITOPS_LENS_TEST_KUBECONFIG && existsSync('scripts/cluster/up.mjs')) {
  step('test control plane');
  clusterState = join(mkdtempSync(join(tmpdir(), 'gitops-lens-cluster-')), 'state.json');
  execFileSync(process.execPath, ['scripts/cluster/up.mjs', '--state', clusterState], { stdio: 'inherit' });
  env.GITOPS_LENS_SHARED_CLUSTER = clusterState;
}
if (needs(/\.e2e\.test\.ts$/) && existsSync('scripts/vscode/ensure-code-server.sh')) {
  step('code-server');
  execFileSync('bash', ['scripts/vscode/ensure-code-server.sh'], { stdio: ['ignore', 'inherit', 'inherit'] });
}

step('compile tests');
// Each run compiles into its own folder (inside the repo, so node_modules resolve), so two
// runs at once never delete each other's files.
const outDir = `out/test-run-${process.pid}`;
rmSync(outDir, { recursive: true, force: true });
process.on('exit', () => rmSync(outDir, { recursive: true, force: true }));
await build({
  entryPoints: tests, outdir: outDir, outbase: 'test', outExtension: { '.js': '.mjs' },
  bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external',
  sourcemap: 'inline', logLevel: 'warning',
});
const compiled = tests.map((f) => join(outDir, relative('test', f)).replace(/\.ts$/, '.mjs'));

step(`run ${compiled.length} test files`);
const code = await new Promise((resolve) => {
  const child = spawn(process.execPath, ['--enable-source-maps', '--test', '--test-reporter=spec', `--test-concurrency=${env.GITOPS_LENS_TEST_CONCURRENCY ?? 2}`, ...compiled], { stdio: 'inherit', env });
  child.on('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0)));
});

if (clusterState) {
  try { execFileSync(process.execPath, ['scripts/cluster/down.mjs', '--state', clusterState], { stdio: 'inherit' }); } catch { /* reported by down.mjs */ }
}
process.exit(code);
