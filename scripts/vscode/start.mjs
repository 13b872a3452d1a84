#!/usr/bin/env node
// `npm start`: a real VS Code (code-server, in your browser) with GitOps Lens loaded on a
// copy of examples/gitops-repo, pointed at a local test Kubernetes control plane.
//
//   npm start                          build, then run until Ctrl+C
//   node scripts/vscode/start.mjs [--port N] [--workspace DIR] [--no-cluster] [--once]
//
//   --port N         preferred port (default $GITOPS_LENS_PORT or 8080; any free port if taken)
//   --workspace DIR  open DIR itself instead of a temp git copy of examples/gitops-repo
//   --no-cluster     do not start the test control plane
//   --kubeconfig F   use this kubeconfig (an existing cluster) instead of starting one
//   --once           check the whole path headless (chromium loads the workbench, the
//                    extension activates), write out/e2e/start.png, clean up and exit
//
// Each missing piece is named on stderr; only a missing code-server or build is fatal.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
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

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name) => {
  const i = argv.lastIndexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const say = (msg) => process.stderr.write(`[gitops-lens start] ${msg}\n`);
const warn = (msg) => process.stderr.write(`[gitops-lens start] WARNING: ${msg}\n`);

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

// 1. The built extension.
if (!existsSync(path.join(root, 'package.json')) || !existsSync(path.join(root, 'dist', 'extension.js'))) {
  await fail(`the extension is not built (${path.join(root, 'dist/extension.js')} missing): run \`npm run build\` (npm start does it)`);
}

// 2. code-server (+ Node 24) in the cache; minutes on the first run only.
let launcher;
try {
  const t = Date.now();
  launcher = await ensureCodeServer();
  if (Date.now() - t > 5_000) say(`code-server installed in ${((Date.now() - t) / 1000).toFixed(0)}s`);
} catch (e) {
  await fail(`could not install code-server: ${e instanceof Error ? e.message : e}`);
}

const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-lens-start-'));
cleanups.push(() => fs.rm(tmp, { recursive: true, force: true }));

// 3. A cluster: an explicit kubeconfig, or the local test control plane.
const env = {};
const explicitKubeconfig = option('--kubeconfig') ?? process.env.GITOPS_LENS_KUBECONFIG;
if (explicitKubeconfig) {
  env.KUBECONFIG = path.resolve(explicitKubeconfig);
  say(`using kubeconfig ${env.KUBECONFIG}`);
} else if (flag('--no-cluster')) {
  say('--no-cluster: VS Code sees your usual KUBECONFIG (if any)');
} else if (!existsSync(path.join(root, 'scripts', 'cluster', 'up.mjs'))) {
  warn('scripts/cluster/up.mjs is missing: starting without a test cluster (KUBECONFIG unchanged)');
} else {
  const stateFile = path.join(tmp, 'cluster-state.json');
  say('starting the test control plane (the first run builds it from Go modules and takes minutes)…');
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'scripts/cluster/up.mjs'), '--state', stateFile], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('error', () => resolve(-1));
    child.on('exit', (c) => resolve(c ?? -1));
  });
  let state;
  try {
    state = JSON.parse(await fs.readFile(stateFile, 'utf8'));
  } catch {
    /* reported below */
  }
  if (code !== 0 || !state?.kubeconfigPath) {
    warn(`scripts/cluster/up.mjs failed (exit ${code}): starting without a test cluster`);
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
    env.KUBECONFIG = state.kubeconfigPath;
    say(`test cluster ${state.server} (KUBECONFIG=${state.kubeconfigPath})`);
  }
}

// 4. The workspace: a fresh git repo copied from examples/gitops-repo.
let workspace = option('--workspace');
let expectActivation = true; // an empty stand-in workspace has nothing that activates us
if (workspace) {
  workspace = path.resolve(workspace);
  if (!existsSync(workspace)) await fail(`--workspace ${workspace} does not exist`);
} else {
  workspace = path.join(tmp, 'gitops-repo');
  const example = path.join(root, 'examples', 'gitops-repo');
  if (existsSync(example)) {
    await fs.cp(example, workspace, { recursive: true });
  } else {
    warn('examples/gitops-repo is missing: opening an empty git repository instead');
    expectActivation = false;
    await fs.mkdir(workspace, { recursive: true });
    await fs.writeFile(path.join(workspace, 'README.md'), '# empty workspace (examples/gitops-repo is missing)\n');
  }
  await gitInitCommit(workspace, 'example GitOps repository');
}

// 5. code-server with our extension.
const extensionsDir = path.join(tmp, 'extensions');
const userDataDir = path.join(tmp, 'user-data');
await installExtensions(extensionsDir, [root]);
await writeUserSettings(userDataDir, { trust: true });
const port = await freePort(Number(option('--port') ?? process.env.GITOPS_LENS_PORT ?? 8080));
let server;
try {
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
} catch (e) {
  await fail(e instanceof Error ? e.message : String(e));
}
cleanups.push(() => server.stop());
const url = `${server.url}/?folder=${encodeURIComponent(workspace)}`;

if (flag('--once')) {
  await checkOnce(url);
  await cleanup();
  process.exit(process.exitCode ?? 0);
}

process.stdout.write(
  `\nGitOps Lens is running in VS Code (code-server ${path.basename(path.dirname(path.dirname(launcher)))}):\n\n` +
    `  ${url}\n\n` +
    `  workspace:  ${workspace}\n` +
    `  KUBECONFIG: ${env.KUBECONFIG ?? '(unchanged)'}\n` +
    `  logs:       ${path.join(tmp, 'code-server.log')}, ${path.join(userDataDir, 'logs')}\n\n` +
    `Press Ctrl+C to stop (temp workspace and cluster are removed).\n`,
);
const exit = await server.exited;
if (cleaning) await new Promise(() => {}); // we stopped it ourselves; the signal handler exits
warn(`code-server exited (${JSON.stringify(exit)}):\n${server.output().slice(-2000)}`);
await cleanup();
process.exit(1);

/** Headless check of the full path: workbench loads and our extension activates. */
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
    say(`workbench loaded in ${Date.now() - t} ms`);
    const logs = path.join(userDataDir, 'logs');
    const deadline = Date.now() + 60_000;
    let activated = false;
    while (!activated && Date.now() < deadline) {
      activated = (await readLogs(logs)).includes('_doActivateExtension gitops-lens.gitops-lens');
      if (!activated) await new Promise((r) => setTimeout(r, 500));
    }
    if (activated) say(`extension activated (${Date.now() - t} ms after opening the page)`);
    else warn('gitops-lens.gitops-lens did not activate within 60 s (see the exthost log)');
    await page.waitForTimeout(2_000); // let views render for the screenshot
    const shot = path.resolve(process.env.GITOPS_LENS_E2E_ARTIFACTS ?? 'out/e2e', 'start.png');
    await fs.mkdir(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot });
    say(`screenshot ${shot}`);
    if (!activated && expectActivation) process.exitCode = 1;
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
