#!/usr/bin/env node
// `npm start`: a real VS Code (code-server, in your browser) with GitOps Lens loaded on a
// copy of examples/gitops-repo whose apps are applied to a local test Kubernetes control
// plane, with some drift introduced there.
//
//   npm start                          build, then run until Ctrl+C
//   node scripts/vscode/start.mjs [--port N] [--workspace DIR] [--no-cluster] [--kubeconfig F]
//                                 [--apply] [--no-apply] [--keep-cluster] [--once]
//
//   --port N         preferred port (default $GITOPS_LENS_PORT or 8080; any free port if taken)
//   --workspace DIR  open DIR itself instead of a temp git copy of examples/gitops-repo
//   --no-cluster     do not start the test control plane (and apply nothing)
//   --kubeconfig F   use this kubeconfig (an existing cluster) instead of starting one
//   --apply          apply the workspace's apps and introduce drift even on a cluster this
//                    script did not start or a workspace that is not the example copy
//   --no-apply       open the editor without applying anything or introducing drift
//   --keep-cluster   leave the test control plane running on exit (its state file is
//                    printed; stop it with `node scripts/cluster/down.mjs --state FILE`)
//   --once           check the whole path headless (chromium loads the workbench, the
//                    extension activates), write out/e2e/start.png, clean up and exit
//
// Steps (each prints one line: what it did and how long it took; a failed step says what
// failed and the rest go on where they can; only a missing build or code-server is fatal):
//   build check → code-server → tools (helm, kustomize) → test cluster (scripts/cluster/up.mjs)
//   → workspace (temp git repo, origin https://github.com/example/gitops-repo.git, one commit)
//   → apply (`gitops-lens sync <app> --force` per app of `gitops-lens apps --json`)
//   → drift (kubectl scale / set image with other field managers) → code-server → URL.
// stdout ends with one machine-readable line:
//   GITOPS_LENS_START {"url":…,"workspace":…,"kubeconfig":…,"clusterState":…,"applied":[…],"failed":[…],"drift":[…],"screenshot":…}
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { toolEnvFrom } from '../tools/tool-env.mjs';
import {
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  ensureCodeServer,
  findRepoRoot,
  freePort,
  gitInitCommit,
  installExtensions,
  startCodeServer,
  writeUserSettings,
} from './code-server.mjs';

/** The example repo's own remote: its Argo CD / Flux sources name it. */
const EXAMPLE_REMOTE = 'https://github.com/example/gitops-repo.git';
/**
 * Drift introduced on the test cluster after the apply, through the API server with kubectl
 * and field managers other than ours. Git (examples/gitops-repo) says frontend has 3
 * replicas (apps/shop/overlays/prod/replicas.yaml) and hello runs http-echo 1.0.0.
 */
const EXAMPLE_DRIFT = [
  {
    what: 'shop/frontend replicas 3 → 5',
    namespace: 'shop', kind: 'deployment', name: 'frontend', field: 'spec.replicas', value: 5,
    args: ['-n', 'shop', 'scale', 'deployment/frontend', '--replicas=5'],
  },
  {
    what: 'hello/hello image http-echo:1.0.0 → 1.0.1',
    namespace: 'hello', kind: 'deployment', name: 'hello', field: 'spec.template.spec.containers[0].image', value: 'hashicorp/http-echo:1.0.1',
    args: ['-n', 'hello', 'set', 'image', 'deployment/hello', 'echo=hashicorp/http-echo:1.0.1', '--field-manager=manual-hotfix'],
  },
];

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name) => {
  const i = argv.lastIndexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const say = (msg) => process.stderr.write(`[gitops-lens start] ${msg}\n`);
const warn = (msg) => process.stderr.write(`[gitops-lens start] WARNING: ${msg}\n`);
const secs = (t0) => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
/** One line per step: `<name>: <what it did> (<time>)`, or `<name> FAILED: <why> (<time>)`. */
const timings = {};
const failedSteps = [];
async function step(name, fn) {
  const t0 = Date.now();
  try {
    const r = await fn();
    timings[name] = Date.now() - t0;
    if (r?.line) say(`${name}: ${r.line} (${secs(t0)})`);
    return r;
  } catch (e) {
    timings[name] = Date.now() - t0;
    failedSteps.push(name);
    say(`${name} FAILED: ${e instanceof Error ? e.message : e} (${secs(t0)})`);
    return { failed: true, error: e };
  }
}
/** Runs a command to completion; never rejects. */
function exec(file, args, { cwd, env, timeoutMs = 120_000, stderr = 'pipe', onStderr } = {}) {
  return new Promise((resolve) => {
    let out = '';
    let err = '';
    const child = spawn(file, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', stderr] });
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.stdout.on('data', (d) => (out += d));
    child.stderr?.on('data', (d) => {
      err += d;
      onStderr?.(d);
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout: out, stderr: `${err}${e.message}` });
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? -1 : 0), stdout: out, stderr: err });
    });
  });
}
const lastLine = (text) => text.trim().split('\n').filter(Boolean).pop() ?? '';

const root = findRepoRoot();
const cleanups = [];
let cleaning;
async function cleanup() {
  cleaning ??= (async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (e) {
        warn(`cleanup: ${e instanceof Error ? e.message : e}`);
      }
    }
  })();
  return cleaning;
}
async function fail(msg) {
  process.stderr.write(`[gitops-lens start] ERROR: ${msg}\n`);
  await cleanup();
  process.exit(1);
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, async () => {
    say(`${sig}: stopping…`);
    await cleanup();
    process.exit(0);
  });
}
const t0All = Date.now();

// 1. The built extension (npm start runs `npm run build` first).
if (!existsSync(path.join(root, 'package.json')) || !existsSync(path.join(root, 'dist', 'extension.js'))) {
  await fail(`the extension is not built (${path.join(root, 'dist/extension.js')} missing): run \`npm run build\` (npm start does it)`);
}
const cli = path.join(root, 'dist', 'cli.js');

// 2. code-server (+ Node 24) in the cache; minutes on the first run only.
let launcher;
{
  const r = await step('code-server', async () => {
    const l = await ensureCodeServer();
    return { launcher: l, line: l };
  });
  if (r.failed) await fail(`could not install code-server: ${r.error instanceof Error ? r.error.message : r.error}`);
  launcher = r.launcher;
}

const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-lens-start-'));
cleanups.push(() => fs.rm(tmp, { recursive: true, force: true }));

// 3. helm and kustomize (the example's hello app is a helm chart): built from Go modules
// into the cache once; the CLI and the extension find them through GITOPS_LENS_TOOL_*.
const env = {};
await step('tools', async () => {
  const script = path.join(root, 'scripts', 'tools', 'ensure-tools.sh');
  if (!existsSync(script)) throw new Error('scripts/tools/ensure-tools.sh is missing; helm/kustomize from PATH');
  const r = await exec('bash', [script, 'helm', 'kustomize'], { timeoutMs: 15 * 60_000 });
  const tools = toolEnvFrom(r.stdout);
  Object.assign(env, tools);
  const found = Object.entries(tools).map(([k, v]) => `${k}=${v}`);
  if (r.code !== 0) throw new Error(`ensure-tools.sh exit ${r.code}: ${lastLine(r.stderr)}${found.length ? ` (have ${found.join(', ')})` : ''}`);
  return { line: found.join(', ') };
});

// 4. A cluster: an explicit kubeconfig, or the local test control plane.
let ownCluster = false;
let clusterState;
const explicitKubeconfig = option('--kubeconfig') ?? process.env.GITOPS_LENS_KUBECONFIG;
if (explicitKubeconfig) {
  env.KUBECONFIG = path.resolve(explicitKubeconfig);
  say(`cluster: using kubeconfig ${env.KUBECONFIG}`);
} else if (flag('--no-cluster')) {
  say('cluster: --no-cluster, VS Code sees your usual KUBECONFIG (if any)');
} else if (!existsSync(path.join(root, 'scripts', 'cluster', 'up.mjs'))) {
  warn('scripts/cluster/up.mjs is missing: starting without a test cluster (KUBECONFIG unchanged)');
} else {
  await step('cluster', async () => {
    // With --keep-cluster the state outlives our temp dir, so the caller can stop it later.
    const stateDir = flag('--keep-cluster') ? await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-lens-start-cluster-')) : tmp;
    const stateFile = path.join(stateDir, 'cluster-state.json');
    // up.mjs's progress (minutes of Go builds on a first run) goes through, minus its hint for tests.
    let partial = '';
    const forward = (d) => {
      const lines = (partial + d).split('\n');
      partial = lines.pop();
      for (const l of lines) if (!/^use it from tests:/.test(l)) process.stderr.write(`  ${l}\n`);
    };
    const r = await exec(process.execPath, [path.join(root, 'scripts/cluster/up.mjs'), '--state', stateFile], { cwd: root, onStderr: forward, timeoutMs: 20 * 60_000 });
    let state;
    try {
      state = JSON.parse(await fs.readFile(stateFile, 'utf8'));
    } catch {
      /* reported below */
    }
    if (r.code !== 0 || !state?.kubeconfigPath) throw new Error(`scripts/cluster/up.mjs exit ${r.code}: continuing without a test cluster (KUBECONFIG unchanged)`);
    ownCluster = true;
    clusterState = stateFile;
    if (flag('--keep-cluster')) {
      say(`--keep-cluster: stop it with node scripts/cluster/down.mjs --state ${stateFile}`);
    } else {
      cleanups.push(
        () =>
          new Promise((resolve) => {
            say('stopping the test control plane…');
            const down = path.join(root, 'scripts/cluster/down.mjs');
            if (!existsSync(down)) return resolve(warn(`scripts/cluster/down.mjs is missing: stop pids ${state.pids} yourself`));
            spawn(process.execPath, [down, '--state', stateFile], { cwd: root, stdio: 'inherit' }).on('exit', resolve);
          }),
      );
    }
    env.KUBECONFIG = state.kubeconfigPath;
    return { line: `test control plane ${state.server}, KUBECONFIG=${state.kubeconfigPath}` };
  });
}

// 5. The workspace: a fresh git repo copied from examples/gitops-repo, with the remote its
// Argo CD / Flux sources name and one commit (sync applies committed HEAD).
let workspace = option('--workspace');
let exampleCopy = false;
let expectActivation = true; // an empty stand-in workspace has nothing that activates us
if (workspace) {
  workspace = path.resolve(workspace);
  if (!existsSync(workspace)) await fail(`--workspace ${workspace} does not exist`);
  say(`workspace: ${workspace} (as given)`);
} else {
  workspace = path.join(tmp, 'gitops-repo');
  const r = await step('workspace', async () => {
    const example = path.join(root, 'examples', 'gitops-repo');
    if (existsSync(example)) {
      await fs.cp(example, workspace, { recursive: true });
      exampleCopy = true;
    } else {
      expectActivation = false;
      await fs.mkdir(workspace, { recursive: true });
      await fs.writeFile(path.join(workspace, 'README.md'), '# empty workspace (examples/gitops-repo is missing)\n');
    }
    await gitInitCommit(workspace, 'example GitOps repository');
    const remote = await exec('git', ['remote', 'add', 'origin', EXAMPLE_REMOTE], { cwd: workspace });
    if (remote.code !== 0) throw new Error(`git remote add origin: ${lastLine(remote.stderr)}`);
    if (!exampleCopy) throw new Error('examples/gitops-repo is missing: opened an empty git repository instead');
    return { line: `${workspace} (copy of examples/gitops-repo, origin ${EXAMPLE_REMOTE}, 1 commit)` };
  });
  if (r.failed && !existsSync(path.join(workspace, '.git'))) await fail('could not create the workspace');
}
// The sync journal of this session lives with it (the History view shows the apply below).
if (exampleCopy) env.GITOPS_LENS_STATE_DIR = path.join(tmp, 'state');

// 6. Apply the workspace's apps with our own CLI, then 7. drift them with kubectl.
const applied = [];
const failedApps = [];
const drift = [];
const wantApply = !flag('--no-apply') && env.KUBECONFIG && (flag('--apply') || (ownCluster && exampleCopy));
if (!wantApply) {
  say(`apply: skipped (${flag('--no-apply') ? '--no-apply' : !env.KUBECONFIG ? 'no cluster' : 'not the example copy on a test cluster started here; --apply to apply anyway'})`);
} else {
  await step('apply', async () => {
    const cliEnv = env;
    const list = await exec(process.execPath, [cli, 'apps', '--json'], { cwd: workspace, env: cliEnv });
    if (list.code !== 0) throw new Error(`gitops-lens apps --json exit ${list.code}: ${lastLine(list.stderr)}`);
    const apps = JSON.parse(list.stdout).apps ?? [];
    if (apps.length === 0) throw new Error('gitops-lens apps --json lists no apps');
    // Plain kustomize/directory roots first (the example's platform creates namespaces the
    // others deploy into); whatever still fails is retried once after the rest.
    const controllerKinds = /^(argo|flux)/;
    let queue = [...apps].sort((a, b) => Number(controllerKinds.test(a.kind)) - Number(controllerKinds.test(b.kind)) || a.id.localeCompare(b.id)).map((a) => a.id);
    const lastError = {};
    for (let pass = 0; pass < 2 && queue.length; pass++) {
      const retry = [];
      for (const id of queue) {
        const t = Date.now();
        const r = await exec(process.execPath, [cli, 'sync', id, '--force'], { cwd: workspace, env: cliEnv, timeoutMs: 180_000 });
        const summary = lastLine(r.stdout) || lastLine(r.stderr);
        if (r.code === 0) {
          applied.push(id);
          say(`  sync ${id}: ${summary} (${secs(t)})`);
        } else {
          // The CLI's `error: …` lines say why; the last line only says that it refused/failed.
          const why = `${r.stdout}\n${r.stderr}`.split('\n').find((l) => /^(error|gitops-lens):/.test(l.trim()));
          lastError[id] = `exit ${r.code}: ${why ? `${why.trim()}; ` : ''}${summary}`;
          say(`  sync ${id} failed${pass === 0 ? ', retried after the others' : ''}: ${lastError[id]} (${secs(t)})`);
          retry.push(id);
        }
      }
      queue = retry;
    }
    failedApps.push(...queue);
    if (queue.length) throw new Error(`${applied.length}/${apps.length} apps applied; failed: ${queue.map((id) => `${id} (${lastError[id]})`).join('; ')}`);
    return { line: `${applied.length}/${apps.length} apps synced with gitops-lens sync --force: ${applied.join(', ')}` };
  });

  await step('drift', async () => {
    if (!exampleCopy) return { line: 'skipped (not the example repository)' };
    const kubectl = process.env.GITOPS_LENS_TOOL_KUBECTL ?? 'kubectl';
    const errors = [];
    for (const d of EXAMPLE_DRIFT) {
      const r = await exec(kubectl, ['--kubeconfig', env.KUBECONFIG, ...d.args], { timeoutMs: 30_000 });
      if (r.code === 0) drift.push(d);
      else errors.push(`${d.what}: kubectl ${d.args.join(' ')} exit ${r.code}: ${lastLine(r.stderr)}`);
    }
    if (errors.length) throw new Error(`${drift.length}/${EXAMPLE_DRIFT.length} changes made; ${errors.join('; ')}`);
    return { line: `kubectl changed ${drift.map((d) => d.what).join(', ')}` };
  });
}

// 8. code-server with our extension.
const extensionsDir = path.join(tmp, 'extensions');
const userDataDir = path.join(tmp, 'user-data');
let server;
{
  const r = await step('editor', async () => {
    await installExtensions(extensionsDir, [root]);
    await writeUserSettings(userDataDir, { trust: true });
    const port = await freePort(Number(option('--port') ?? process.env.GITOPS_LENS_PORT ?? 8080));
    server = await startCodeServer({
      launcher,
      port,
      extensionsDir,
      userDataDir,
      workspace,
      env,
      trust: true,
      logFile: path.join(tmp, 'code-server.log'),
    });
    return { line: `code-server answering on ${server.url}` };
  });
  if (r.failed) await fail(`code-server did not start: ${r.error instanceof Error ? r.error.message : r.error}`);
}
cleanups.push(() => server.stop());
const url = `${server.url}/?folder=${encodeURIComponent(workspace)}`;
const result = () => ({
  url,
  workspace,
  kubeconfig: env.KUBECONFIG ?? null,
  clusterState: flag('--keep-cluster') ? clusterState ?? null : null,
  applied,
  failed: failedApps,
  drift: drift.map(({ what, namespace, kind, name, field, value }) => ({ what, namespace, kind, name, field, value })),
  timingsMs: timings,
});
say(`ready in ${secs(t0All)} (after the build)`);

if (flag('--once')) {
  const screenshot = await checkOnce(url);
  // A check: every failed step fails it (after the rest ran and the screenshot was taken).
  if (failedSteps.length) {
    say(`once: failed steps: ${failedSteps.join(', ')}`);
    process.exitCode = 1;
  }
  process.stdout.write(`GITOPS_LENS_START ${JSON.stringify({ ...result(), screenshot })}\n`);
  await cleanup();
  process.exit(process.exitCode ?? 0);
}

process.stdout.write(
  `\nGitOps Lens is running in VS Code (code-server ${path.basename(path.dirname(path.dirname(launcher)))}):\n\n` +
    `  ${url}\n\n` +
    `  workspace:  ${workspace}\n` +
    `  KUBECONFIG: ${env.KUBECONFIG ?? '(unchanged)'}\n` +
    `  applied:    ${applied.length ? applied.join(', ') : '(nothing)'}${failedApps.length ? `; FAILED: ${failedApps.join(', ')}` : ''}\n` +
    `  drift:      ${drift.length ? drift.map((d) => d.what).join('; ') : '(none)'}\n` +
    `  logs:       ${path.join(tmp, 'code-server.log')}, ${path.join(userDataDir, 'logs')}\n\n` +
    `Press Ctrl+C to stop (temp workspace${flag('--keep-cluster') ? '' : ' and cluster'} are removed).\n\n` +
    `GITOPS_LENS_START ${JSON.stringify(result())}\n`,
);
const exit = await server.exited;
if (cleaning) await new Promise(() => {}); // we stopped it ourselves; the signal handler exits
warn(`code-server exited (${JSON.stringify(exit)}):\n${server.output().slice(-2000)}`);
await cleanup();
process.exit(1);

/**
 * Headless check of the full path: the workbench loads, our extension activates, the Apps
 * view and the drifted replicas line render; returns the screenshot's path.
 */
async function checkOnce(target) {
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    return fail('--once needs playwright-core (npm install)');
  }
  const t = Date.now();
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  try {
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await page.goto(target);
    await page.locator('.monaco-workbench').first().waitFor({ state: 'visible', timeout: 60_000 });
    say(`once: workbench loaded (${secs(t)} after opening the page)`);
    const logs = path.join(userDataDir, 'logs');
    const deadline = Date.now() + 60_000;
    let activated = false;
    while (!activated && Date.now() < deadline) {
      activated = (await readLogs(logs)).includes('_doActivateExtension gitops-lens.gitops-lens');
      if (!activated) await new Promise((r) => setTimeout(r, 500));
    }
    if (activated) say(`once: extension activated (${secs(t)} after opening the page)`);
    else warn('gitops-lens.gitops-lens did not activate within 60 s (see the exthost log)');
    if (activated && exampleCopy) {
      // What `npm start` is for: the apps with their live statuses, and the drifted line.
      const t1 = Date.now();
      try {
        await page.locator('.activitybar [aria-label^="GitOps"]').first().click({ timeout: 10_000 });
        await page.locator('.pane-body .monaco-tl-row').filter({ hasText: /shop/ }).first().waitFor({ state: 'attached', timeout: 30_000 });
        await page.keyboard.press('Control+P');
        await page.locator('.quick-input-widget input').first().waitFor({ state: 'visible', timeout: 10_000 });
        await page.keyboard.type('apps/shop/base/deployment.yaml');
        await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'deployment.yaml' }).first().waitFor({ state: 'visible', timeout: 10_000 });
        await page.keyboard.press('Enter');
        await page.locator('.tabs-container .tab.active').filter({ hasText: 'deployment.yaml' }).first().waitFor({ state: 'visible', timeout: 10_000 });
        say(`once: Apps view lists the example apps; opened apps/shop/base/deployment.yaml (${secs(t1)})`);
        const t2 = Date.now();
        // The `live: 5` after the replicas: line is CSS content (not DOM text); the CodeLens
        // row above the resource says OutOfSync once the drift reached the editor.
        await page.locator('.monaco-editor .codelens-decoration').filter({ hasText: /OutOfSync/ }).first().waitFor({ state: 'attached', timeout: 20_000 });
        say(`once: the editor shows the drift (CodeLens OutOfSync, live value on the replicas: line) (${secs(t2)})`);
      } catch (e) {
        warn(`once: could not show the Apps view and the drift in the editor: ${e instanceof Error ? e.message.split('\n')[0] : e}`);
      }
    }
    await page.waitForTimeout(3_000); // let views and decorations render for the screenshot
    const shot = path.resolve(process.env.GITOPS_LENS_E2E_ARTIFACTS ?? path.join(root, 'out/e2e'), 'start.png');
    await fs.mkdir(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot });
    say(`once: screenshot ${shot} (${secs(t)} in the browser)`);
    if (!activated && expectActivation) process.exitCode = 1;
    return shot;
  } finally {
    await browser.close();
  }
}

async function readLogs(dir) {
  let text = '';
  for (const entry of await fs.readdir(dir, { recursive: true }).catch(() => [])) {
    if (/exthost.*\.log$/i.test(path.basename(entry))) {
      text += await fs.readFile(path.join(dir, entry), 'utf8').catch(() => '');
    }
  }
  return text;
}
