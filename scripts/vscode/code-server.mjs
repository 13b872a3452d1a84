// Shared plumbing for running a real VS Code (code-server) with our extension:
// used by the E2E harness (test/support/vscode.ts) and by `npm start` (start.mjs).
// Plain ESM so `node scripts/vscode/start.mjs` runs without a build step; types live
// in code-server.d.mts.
import { execFile, spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1';
export const CHROMIUM_PATH = process.env.GITOPS_LENS_CHROMIUM ?? '/usr/bin/chromium';
/** Flags that keep Debian's chromium quiet and offline-friendly (see notes/real-vscode.md). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The repository root. Bundled tests no longer live next to this file, so prefer an
 * explicit env var, then walk up from cwd, then from this file.
 */
export function findRepoRoot() {
  if (process.env.GITOPS_LENS_REPO) return path.resolve(process.env.GITOPS_LENS_REPO);
  for (const start of [process.cwd(), here]) {
    let dir = start;
    for (;;) {
      if (existsSync(path.join(dir, 'scripts', 'vscode', 'ensure-code-server.sh'))) return dir;
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new Error(
    'cannot find the GitOps Lens repository (scripts/vscode/ensure-code-server.sh) from ' +
      `${process.cwd()}; run from inside the repo or set GITOPS_LENS_REPO`,
  );
}

let ensured;
/**
 * Installs Node 24 + code-server into the cache when missing (minutes, once per
 * machine) and returns the launcher path. Memoized per process.
 */
export function ensureCodeServer({ log = (s) => process.stderr.write(s) } = {}) {
  if (process.env.GITOPS_LENS_CODE_SERVER) return Promise.resolve(process.env.GITOPS_LENS_CODE_SERVER);
  ensured ??= new Promise((resolve, reject) => {
    const script = path.join(findRepoRoot(), 'scripts', 'vscode', 'ensure-code-server.sh');
    const child = spawn('bash', [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => {
      err += d;
      log(String(d));
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const launcher = out.trim().split('\n').pop() ?? '';
      if (code === 0 && launcher && existsSync(launcher)) resolve(launcher);
      else reject(new Error(`${script} failed (exit ${code}):\n${err.slice(-4000)}`));
    });
  });
  return ensured;
}

/** A free TCP port on 127.0.0.1 (prefers `preferred` when it is free). */
export async function freePort(preferred = 0) {
  const tryPort = (port) =>
    new Promise((resolve, reject) => {
      const srv = net.createServer();
      srv.unref();
      srv.once('error', reject);
      srv.listen(port, '127.0.0.1', () => {
        const addr = srv.address();
        srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : port));
      });
    });
  if (preferred) {
    try {
      return await tryPort(preferred);
    } catch {
      /* taken: fall through to any free port */
    }
  }
  return tryPort(0);
}

/** Reads `publisher.name-version` from an extension folder's package.json. */
export async function extensionFolderName(extensionDir) {
  const pkgPath = path.join(extensionDir, 'package.json');
  let pkg;
  try {
    pkg = JSON.parse(await fs.readFile(pkgPath, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read extension manifest ${pkgPath}: ${e instanceof Error ? e.message : e}`);
  }
  for (const k of ['publisher', 'name', 'version']) {
    if (typeof pkg[k] !== 'string' || !pkg[k]) throw new Error(`${pkgPath} has no "${k}"`);
  }
  return { id: `${pkg.publisher}.${pkg.name}`, folder: `${pkg.publisher}.${pkg.name}-${pkg.version}`, pkg };
}

/**
 * Symlinks each extension folder into `extensionsDir` as `<publisher>.<name>-<version>`
 * (VS Code's scanner follows symlinks, so the real build output is what runs).
 * Returns the extension ids.
 */
export async function installExtensions(extensionsDir, extensionDirs) {
  await fs.mkdir(extensionsDir, { recursive: true });
  const ids = [];
  for (const dir of extensionDirs) {
    const abs = path.resolve(dir);
    const { id, folder, pkg } = await extensionFolderName(abs);
    const main = typeof pkg.main === 'string' ? path.resolve(abs, pkg.main) : undefined;
    if (main && !existsSync(main) && !existsSync(`${main}.js`)) {
      throw new Error(`extension ${id}: its "main" (${pkg.main}) does not exist in ${abs} — build it first (npm run build)`);
    }
    await fs.symlink(abs, path.join(extensionsDir, folder), 'dir');
    ids.push(id);
  }
  return ids;
}

/**
 * Settings that make a fresh profile quiet and deterministic. Workspace trust:
 * trust=false keeps trust enabled and never prompts, so an untrusted folder (every
 * folder in a fresh browser profile) opens in Restricted Mode; trust=true turns the
 * trust feature off, so everything runs as trusted.
 */
export function baseSettings({ trust = true } = {}) {
  return {
    'telemetry.telemetryLevel': 'off',
    'workbench.startupEditor': 'none',
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'chat.disableAIFeatures': true,
    'chat.commandCenter.enabled': false,
    'update.mode': 'none',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'extensions.ignoreRecommendations': true,
    'git.openRepositoryInParentFolders': 'never',
    'git.autofetch': false,
    'files.autoSave': 'off',
    'editor.minimap.enabled': false,
    'security.workspace.trust.enabled': !trust,
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.banner': 'always',
    'security.workspace.trust.emptyWindow': !!trust,
  };
}

/** Writes `<userDataDir>/User/settings.json` (base settings overlaid by `settings`). */
export async function writeUserSettings(userDataDir, { trust = true, settings = {} } = {}) {
  const dir = path.join(userDataDir, 'User');
  await fs.mkdir(dir, { recursive: true });
  const merged = { ...baseSettings({ trust }), ...settings };
  await fs.writeFile(path.join(dir, 'settings.json'), JSON.stringify(merged, null, 2));
  return merged;
}

/**
 * Starts code-server on 127.0.0.1 and resolves once it answers HTTP.
 * The server runs in its own process group so stop() also ends the extension host.
 */
export async function startCodeServer({
  launcher,
  port,
  extensionsDir,
  userDataDir,
  workspace,
  env = {},
  trust = true,
  logFile,
  extraArgs = [],
  readyTimeoutMs = 60_000,
}) {
  port ||= await freePort();
  // Our own config file: otherwise code-server writes ~/.config/code-server/config.yaml.
  const configFile = path.join(userDataDir, 'code-server.yaml');
  await fs.mkdir(userDataDir, { recursive: true });
  await fs.writeFile(configFile, 'auth: none\ncert: false\n');
  const args = [
    '--config', configFile,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--extensions-dir', extensionsDir,
    '--user-data-dir', userDataDir,
    ...(trust ? ['--disable-workspace-trust'] : []),
    ...extraArgs,
    ...(workspace ? [workspace] : []),
  ];
  const childEnv = { ...process.env, ...env };
  // code-server treats these as "already running inside code-server" and would forward.
  delete childEnv.VSCODE_IPC_HOOK_CLI;
  delete childEnv.VSCODE_PROXY_URI;
  const child = spawn(launcher, args, { env: childEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const sink = logFile ? createWriteStream(logFile) : undefined;
  const onData = (d) => {
    output = (output + d).slice(-20_000);
    sink?.write(d);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  let exited = null;
  const exitPromise = new Promise((resolve) => child.on('exit', (code, signal) => resolve((exited = { code, signal }))));

  const stop = async () => {
    if (exited || child.pid === undefined) return;
    killGroup(child.pid, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 3_000);
    await exitPromise;
    clearTimeout(timer);
    killGroup(child.pid, 'SIGKILL'); // stragglers (extension host, file watcher) in the group
    sink?.end();
  };

  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (exited) {
      throw new Error(`code-server exited early (${JSON.stringify(exited)}):\n${output.slice(-4000)}`);
    }
    if (Date.now() - started > readyTimeoutMs) {
      await stop();
      throw new Error(`code-server did not answer on ${url} within ${readyTimeoutMs} ms:\n${output.slice(-4000)}`);
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, port, pid: child.pid, child, stop, output: () => output, exited: exitPromise, readyMs: Date.now() - started };
}

export function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

/** Runs a program with an argument array (no shell) and returns stdout. */
export function run(file, args, { cwd, env, timeoutMs = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, env: env ? { ...process.env, ...env } : process.env, timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** `git init` + one commit of everything in `dir` (identity set locally, no global config needed). */
export async function gitInitCommit(dir, message = 'initial commit') {
  const env = {
    GIT_AUTHOR_NAME: 'GitOps Lens',
    GIT_AUTHOR_EMAIL: 'gitops-lens@example.invalid',
    GIT_COMMITTER_NAME: 'GitOps Lens',
    GIT_COMMITTER_EMAIL: 'gitops-lens@example.invalid',
  };
  await run('git', ['init', '-q', '-b', 'main'], { cwd: dir, env });
  await run('git', ['add', '-A'], { cwd: dir, env });
  await run('git', ['commit', '-q', '--no-gpg-sign', '-m', message], { cwd: dir, env });
}
