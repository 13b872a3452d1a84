// E2E harness: a real VS Code (code-server 4.139.1 = VS Code 1.139) with our extension in
// its extension host, driven through Debian's chromium by playwright-core. No mocks.
//
//   const vs = await launchVSCode({ workspace, extensionDir: repoRoot, bridge: true });
//   try { await vs.runCommand('GitOps Lens: Refresh'); await vs.vscode('return vscode.version'); }
//   finally { await vs.close(); }
//
// With `bridge: true` a test-only extension (test/e2e/bridge-extension) runs next to ours
// and answers questions with the real `vscode` API (diagnostics, tree items, commands).
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  ensureCodeServer,
  findRepoRoot,
  installExtensions,
  writeUserSettings,
  startCodeServer,
  type CodeServerProcess,
} from '../../scripts/vscode/code-server.mjs';
import { tempDir } from './temp';

export interface LaunchOptions {
  /** Folder to open (absolute or relative to cwd). */
  workspace: string;
  /** Built extension folder containing package.json and its `main` (dist/extension.js). */
  extensionDir: string;
  /** More extension folders to install next to ours. */
  extraExtensionDirs?: string[];
  /** Extra environment for code-server and so for the extension host (e.g. KUBECONFIG). */
  env?: Record<string, string>;
  /** User settings merged over the harness defaults. */
  settings?: Record<string, unknown>;
  /**
   * Machine settings (`<user-data>/Machine/settings.json`): where a code-server window reads
   * machine-scoped settings (program paths, plugin commands) from; user settings cannot set them.
   */
  machineSettings?: Record<string, unknown>;
  /** true (default): workspace trusted. false: the folder opens in Restricted Mode. */
  trust?: boolean;
  /** Install the test bridge extension and expose session.vscode()/executeCommand(). Default true. */
  bridge?: boolean;
  /** Browser viewport. */
  viewport?: { width: number; height: number };
  /** code-server --log level for the server and extension host (e.g. 'trace'). */
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  /** Keep the temp dirs (logs, profile) after close(); also GITOPS_LENS_E2E_KEEP=1. */
  keep?: boolean;
}

export interface SessionTimings {
  /** ensure-code-server.sh (near zero once cached). */
  ensureMs: number;
  /** spawn → code-server answers /healthz. */
  serverReadyMs: number;
  /** page.goto → `.monaco-workbench` visible. */
  workbenchMs: number;
  /** page.goto → bridge.json written by the bridge extension (onStartupFinished). */
  bridgeMs?: number;
}

export interface VSCodeSession {
  page: Page;
  browser: Browser;
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  workspace: string;
  /** Temp root holding user-data, extensions, bridge dir and server.log. */
  root: string;
  userDataDir: string;
  extensionsDir: string;
  /** Ids (`publisher.name`) of the installed extensions, ours first. */
  extensionIds: string[];
  timings: SessionTimings;
  /** Command palette: F1, type `title`, run the entry whose label matches it. */
  runCommand(title: string, opts?: { timeoutMs?: number }): Promise<void>;
  /**
   * Quick open (Ctrl+P) a workspace-relative path and wait for its editor tab (and, with
   * the bridge, until the extension host sees it as the active editor).
   */
  openFile(relPath: string, opts?: { timeoutMs?: number }): Promise<void>;
  /** Saves a PNG into ${GITOPS_LENS_E2E_ARTIFACTS:-out/e2e}/<name>.png; returns the path. */
  screenshot(name: string): Promise<string>;
  /** Texts of the notifications currently shown (toasts and, if open, the center). */
  notifications(): Promise<string[]>;
  /** Waits until an element matching `selector` contains `text`; returns its text. */
  waitForText(selector: string, text: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Contents of the extension-host log files (remote exthost) under the user-data logs. */
  extensionHostLog(): Promise<string>;
  /** code-server's stdout/stderr so far. */
  serverLog(): string;
  /** Runs `code` as the body of `async (vscode, args, require) => { ... }` in the extension host. */
  vscode<T = unknown>(code: string, args?: unknown): Promise<T>;
  /** vscode.commands.executeCommand in the extension host; returns its (JSON-safe) result. */
  executeCommand<T = unknown>(id: string, ...args: unknown[]): Promise<T>;
  /** Polls `vscode(code, args)` until it returns a truthy value; returns that value. */
  waitFor<T = unknown>(code: string, args?: unknown, timeoutMs?: number): Promise<T>;
  /** Polls the extension host until the extension is active (or throws with the exthost log). */
  waitForExtensionActive(id: string, timeoutMs?: number): Promise<void>;
  /** Closes the browser, kills code-server's process group, removes temp dirs. Idempotent. */
  close(): Promise<void>;
}

const live = new Set<{ kill(): void }>();
let exitHooked = false;
function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  // Synchronous last resort: a crashed or interrupted test must not leave servers behind.
  process.on('exit', () => {
    for (const s of live) s.kill();
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      for (const s of live) s.kill();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}

export function artifactsDir(): string {
  return path.resolve(process.env.GITOPS_LENS_E2E_ARTIFACTS ?? 'out/e2e');
}

export function bridgeExtensionDir(): string {
  return path.join(findRepoRoot(), 'test', 'e2e', 'bridge-extension');
}

export async function launchVSCode(opts: LaunchOptions): Promise<VSCodeSession> {
  hookExit();
  const trust = opts.trust ?? true;
  const bridge = opts.bridge ?? true;
  const keep = opts.keep ?? process.env.GITOPS_LENS_E2E_KEEP === '1';
  const workspace = path.resolve(opts.workspace);
  if (!existsSync(workspace)) throw new Error(`launchVSCode: workspace ${workspace} does not exist`);

  const t0 = Date.now();
  const launcher = await ensureCodeServer();
  const ensureMs = Date.now() - t0;

  // Kept folders (GITOPS_LENS_E2E_KEEP) are for reading after the run: not registered for removal.
  const root = keep ? await fs.mkdtemp(path.join(os.tmpdir(), 'gitops-lens-e2e-')) : tempDir('gitops-lens-e2e-');
  const userDataDir = path.join(root, 'user-data');
  const extensionsDir = path.join(root, 'extensions');
  const bridgeDir = path.join(root, 'bridge');
  // VS Code's IPC and git sockets go to the server's TMPDIR: a short folder of our own (socket
  // paths are limited to 108 bytes), removed with the session.
  const socketDir = keep ? await fs.mkdtemp(path.join(os.tmpdir(), 'vs-')) : tempDir('vs-');
  const extensionIds = await installExtensions(extensionsDir, [
    opts.extensionDir,
    ...(opts.extraExtensionDirs ?? []),
    ...(bridge ? [bridgeExtensionDir()] : []),
  ]);
  await writeUserSettings(userDataDir, { trust, settings: opts.settings });
  if (opts.machineSettings) {
    await fs.mkdir(path.join(userDataDir, 'Machine'), { recursive: true });
    await fs.writeFile(path.join(userDataDir, 'Machine', 'settings.json'), JSON.stringify(opts.machineSettings, null, 2));
  }

  let server: CodeServerProcess | undefined;
  let browser: Browser | undefined;
  let closed = false;
  const killer = {
    kill(): void {
      if (server?.pid !== undefined) {
        try {
          process.kill(-server.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    },
  };
  live.add(killer);

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await browser?.close().catch(() => undefined);
    await server?.stop();
    live.delete(killer);
    if (!keep) await fs.rm(root, { recursive: true, force: true }).catch(() => undefined);
    if (!keep) await fs.rm(socketDir, { recursive: true, force: true }).catch(() => undefined);
  };

  try {
    for (let attempt = 1; ; attempt++) {
      try {
        server = await startCodeServer({
          launcher,
          extensionsDir,
          userDataDir,
          workspace,
          trust,
          logFile: path.join(root, 'server.log'),
          env: { TMPDIR: socketDir, ...opts.env, ...(bridge ? { GITOPS_LENS_E2E_BRIDGE: bridgeDir } : {}) },
          extraArgs: opts.logLevel ? ['--log', opts.logLevel] : [],
        });
        break;
      } catch (e) {
        // The free port we picked can be taken by a parallel test before code-server binds it.
        if (attempt >= 3 || !(e instanceof Error && e.message.includes('EADDRINUSE'))) throw e;
      }
    }
    if (!server) throw new Error('unreachable: code-server did not start');
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1440, height: 900 } });
    const page = await context.newPage();

    const tGoto = Date.now();
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`, { waitUntil: 'domcontentloaded' });
    await page.locator('.monaco-workbench').first().waitFor({ state: 'visible', timeout: 60_000 });
    const workbenchMs = Date.now() - tGoto;
    const timings: SessionTimings = { ensureMs, serverReadyMs: server.readyMs, workbenchMs };

    let bridgeInfo: { port: number; token: string } | undefined;
    if (bridge) {
      bridgeInfo = await waitForBridge(bridgeDir, 60_000, () => server?.output() ?? '');
      timings.bridgeMs = Date.now() - tGoto;
    }

    const call = async (msg: Record<string, unknown>): Promise<unknown> => {
      if (!bridgeInfo) throw new Error('the E2E bridge is off: launch with { bridge: true }');
      const res = await fetch(`http://127.0.0.1:${bridgeInfo.port}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-bridge-token': bridgeInfo.token },
        body: JSON.stringify(msg),
        signal: AbortSignal.timeout(60_000),
      });
      const body = (await res.json()) as { ok: boolean; value?: unknown; error?: { message: string; stack?: string } };
      if (!body.ok) {
        const err = new Error(`extension host: ${body.error?.message ?? 'unknown error'}`);
        if (body.error?.stack) err.stack = `${err.message}\n--- in extension host ---\n${body.error.stack}`;
        throw err;
      }
      return body.value;
    };

    const session: VSCodeSession = {
      page,
      browser,
      url: server.url,
      workspace,
      root,
      userDataDir,
      extensionsDir,
      extensionIds,
      timings,
      runCommand: (title, o) => runCommand(page, title, o?.timeoutMs ?? 15_000),
      async openFile(rel, o) {
        const timeoutMs = o?.timeoutMs ?? 15_000;
        await openFile(page, rel, timeoutMs);
        if (bridgeInfo) {
          // The UI tab shows before the extension host hears about the new active editor.
          await session.waitFor(
            'return vscode.window.activeTextEditor?.document.uri.fsPath === args;',
            path.resolve(workspace, rel),
            timeoutMs,
          );
        }
      },
      async screenshot(name) {
        const dir = artifactsDir();
        await fs.mkdir(dir, { recursive: true });
        const file = path.join(dir, `${name.replace(/[^\w.-]+/g, '_')}.png`);
        await page.screenshot({ path: file });
        return file;
      },
      notifications: () =>
        page.locator('.notification-list-item-message').evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim())),
      async waitForText(selector, text, timeoutMs = 15_000) {
        const loc = page.locator(selector).filter({ hasText: text }).first();
        await loc.waitFor({ state: 'attached', timeout: timeoutMs });
        return (await loc.textContent()) ?? '';
      },
      extensionHostLog: () => readExtensionHostLogs(path.join(userDataDir, 'logs')),
      serverLog: () => server?.output() ?? '',
      vscode: async <T>(code: string, args?: unknown) => (await call({ op: 'eval', code, args })) as T,
      executeCommand: async <T>(id: string, ...args: unknown[]) =>
        (await call({ op: 'executeCommand', command: id, args })) as T,
      async waitFor<T>(code: string, args?: unknown, timeoutMs = 15_000): Promise<T> {
        const deadline = Date.now() + timeoutMs;
        let last: unknown;
        for (;;) {
          last = await session.vscode(code, args);
          if (last) return last as T;
          if (Date.now() > deadline) {
            throw new Error(`waitFor timed out after ${timeoutMs} ms (last value ${JSON.stringify(last)}): ${code}`);
          }
          await sleep(200);
        }
      },
      async waitForExtensionActive(id, timeoutMs = 30_000) {
        const deadline = Date.now() + timeoutMs;
        let state: { present: boolean; active: boolean } = { present: false, active: false };
        while (Date.now() < deadline) {
          state = await session.vscode<{ present: boolean; active: boolean }>(
            'const e = vscode.extensions.getExtension(args); return { present: !!e, active: !!e?.isActive };',
            id,
          );
          if (state.active) return;
          await sleep(250);
        }
        throw new Error(
          `extension ${id} ${state.present ? 'is installed but not active' : 'is not installed'} after ${timeoutMs} ms\n` +
            `--- extension host log ---\n${(await session.extensionHostLog()).slice(-6000)}`,
        );
      },
      close,
    };
    return session;
  } catch (e) {
    const log = server?.output() ?? '';
    await close();
    if (e instanceof Error && log && !e.message.includes(log.slice(-200))) {
      e.message += `\n--- code-server output (tail) ---\n${log.slice(-3000)}`;
    }
    throw e;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitForBridge(
  dir: string,
  timeoutMs: number,
  serverLog: () => string,
): Promise<{ port: number; token: string }> {
  const file = path.join(dir, 'bridge.json');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      return JSON.parse(await fs.readFile(file, 'utf8')) as { port: number; token: string };
    } catch {
      await sleep(100);
    }
  }
  throw new Error(
    `the E2E bridge extension did not start within ${timeoutMs} ms (no ${file}); ` +
      `is it disabled (Restricted Mode, virtual workspace) or did the extension host fail?\n${serverLog().slice(-3000)}`,
  );
}

async function quickInput(page: Page, key: string, value: string, timeoutMs: number): Promise<void> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  // Focus the workbench first so the keybinding reaches it, not e.g. a webview.
  await page.locator('.monaco-workbench').first().focus().catch(() => undefined);
  await page.keyboard.press(key);
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill(value);
}

async function runCommand(page: Page, title: string, timeoutMs: number): Promise<void> {
  await quickInput(page, 'F1', `>${title}`, timeoutMs);
  // Palette labels read "Category: Title"; accept the exact label or its title part.
  const row = page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: title }) })
    .filter({
      has: page.locator('.label-name').filter({
        hasText: new RegExp(`(^|: )${escapeRegExp(title)}$`),
      }),
    })
    .first();
  try {
    await row.waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    const shown = await page.locator('.quick-input-list .monaco-list-row .label-name').allTextContents();
    await page.keyboard.press('Escape');
    throw new Error(`command "${title}" not in the command palette; it shows: ${JSON.stringify(shown.slice(0, 15))}`);
  }
  await row.click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: timeoutMs }).catch(() => undefined);
}

async function openFile(page: Page, relPath: string, timeoutMs: number): Promise<void> {
  const base = path.basename(relPath);
  await quickInput(page, 'Control+P', relPath, timeoutMs);
  const row = page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: base }) })
    .first();
  try {
    await row.waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    await page.keyboard.press('Escape');
    throw new Error(`quick open found no file for "${relPath}"`);
  }
  await page.keyboard.press('Enter');
  await page
    .locator(`.tabs-container .tab.active[data-resource-name="${base}"], .tabs-container .tab.active[aria-label*="${base}"]`)
    .first()
    .waitFor({ state: 'visible', timeout: timeoutMs });
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Concatenates every exthost log file (remote extension host) under `logsDir`, oldest first. */
export async function readExtensionHostLogs(logsDir: string): Promise<string> {
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (/exthost/i.test(e.name) && e.name.endsWith('.log')) files.push(p);
    }
  };
  await walk(logsDir);
  files.sort();
  const parts = await Promise.all(
    files.map(async (f) => `==> ${path.relative(logsDir, f)} <==\n${await fs.readFile(f, 'utf8').catch(() => '')}`),
  );
  return parts.join('\n');
}
