// The whole test suite: build, prepare real tools and a real control plane, compile the
// tests with esbuild, and run them with node's test runner (its summary closes the output).
// Test processes get their own temp folder (TMPDIR); the run fails if anything is left in
// it at the end, so every test must remove what it creates (test/support/temp.ts).
//   npm test                 everything (unit, cluster, end-to-end in code-server)
//   npm test -- <substr>...  only test files whose path contains one of the substrings
import { build } from 'esbuild';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
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

// One temp folder per run, so the leftover check sees only this run's files, never those
// of other runs on a shared machine. Everything from here on (control plane, test files,
// the tools they start) writes its temporary files there.
// A short name: VS Code's IPC sockets end up two folders below it (107-byte path limit).
const runTmp = mkdtempSync(join(tmpdir(), 'gitops-lens-run-'));
env.TMPDIR = runTmp;
let keepRunTmp = false;
process.on('exit', () => { if (!keepRunTmp) rmSync(runTmp, { recursive: true, force: true, maxRetries: 3 }); });
let child;
let clusterState;
const stopCluster = () => {
  if (!clusterState) return;
  try { execFileSync(process.execPath, ['scripts/cluster/down.mjs', '--state', clusterState], { stdio: 'inherit', env }); } catch { /* reported by down.mjs */ }
  clusterState = undefined;
};
// Ctrl+C / kill: the test processes get the signal too and clean up after themselves; the
// control plane is detached, so stop it here (the exit hook then drops the run's folder).
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    const done = () => {
      stopCluster();
      process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
    };
    if (child && child.exitCode === null && child.signalCode === null) child.once('exit', done);
    else done();
  });
}

// A control plane someone else started (npm run mutate, cluster:up) is used as it is.
const given = env.GITOPS_LENS_SHARED_CLUSTER && existsSync(env.GITOPS_LENS_SHARED_CLUSTER);
if (needs(/test\/(cluster|diff|sync|e2e|editor|health)/) && !env.GITOPS_LENS_TEST_KUBECONFIG && !given && existsSync('scripts/cluster/up.mjs')) {
  step('test control plane');
  clusterState = join(mkdtempSync(join(runTmp, 'gitops-lens-cluster-')), 'state.json');
  try {
    execFileSync(process.execPath, ['scripts/cluster/up.mjs', '--state', clusterState], { stdio: 'inherit', env });
  } catch {
    keepRunTmp = true; // the control plane's logs named above are in it
    console.error(`the test control plane did not start; its files stay in ${runTmp}`);
    process.exit(1);
  }
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
let code = await new Promise((resolve) => {
  child = spawn(process.execPath, ['--enable-source-maps', '--test', '--test-reporter=spec', `--test-concurrency=${env.GITOPS_LENS_TEST_CONCURRENCY ?? 2}`, ...compiled], { stdio: 'inherit', env });
  child.on('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0)));
});

const stateFolder = clusterState && dirname(clusterState);
stopCluster();
if (stateFolder) rmSync(stateFolder, { recursive: true, force: true });

step('leftovers');
const left = readdirSync(runTmp);
if (left.length === 0) console.log('the tests left nothing in the temp folder');
else {
  console.error(`the tests left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in the temp folder (every test must remove what it creates; see test/support/temp.ts):`);
  for (const name of left.sort()) console.error(`  ${name}`);
  if (code === 0) code = 1;
}
process.exit(code); // the exit hook removes the run's temp folder
