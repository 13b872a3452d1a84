// Shared by the editor E2E scenarios (test/e2e/editor-*.e2e.test.ts): a throw-away GitOps
// repo, the built extension, and readers for what the extension shows.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { findRepoRoot, gitInitCommit } from '../../scripts/vscode/code-server.mjs';
import type { VSCodeSession } from '../support/vscode';
import { tempDir } from '../support/temp';

export const EXTENSION_ID = 'gitops-lens.gitops-lens';
const exec = promisify(execFile);

export function extensionDir(): string {
  const dir = process.env.GITOPS_LENS_E2E_EXTENSION_DIR ?? findRepoRoot();
  if (!existsSync(path.join(dir, 'dist', 'extension.js'))) throw new Error(`${dir}/dist/extension.js is missing: run \`npm run build\` first`);
  return dir;
}

export const DEPLOYMENT = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: web',
  '  namespace: shop',
  '  labels: { app: web }',
  'spec:',
  '  replicas: 2',
  '  selector:',
  '    matchLabels: { app: web }',
  '  template:',
  '    metadata:',
  '      labels: { app: web }',
  '    spec:',
  '      containers:',
  '        - name: web',
  '          image: nginx:latest',
  '          ports:',
  '            - containerPort: 80',
  '',
].join('\n');

export const CONFIGMAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\n  namespace: shop\ndata:\n  GREETING: hello\n';

/**
 * A git repo with one kustomize app `apps/web` in namespace `ns` (default shop) mapped to
 * context `admin`; with `api`, a second app `apps/api` (a ConfigMap) in the same namespace.
 */
export async function webRepo(extra: Record<string, string> = {}, opts: { ns?: string; api?: boolean } = {}): Promise<string> {
  const ns = opts.ns ?? 'shop';
  const files: Record<string, string> = {
    'gitops-lens.yaml': 'defaultContext: admin\n',
    'apps/web/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - namespace.yaml\n  - deployment.yaml\n  - configmap.yaml\n',
    'apps/web/namespace.yaml': `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`,
    'apps/web/deployment.yaml': DEPLOYMENT.replace('namespace: shop', `namespace: ${ns}`),
    'apps/web/configmap.yaml': CONFIGMAP.replace('namespace: shop', `namespace: ${ns}`),
    ...(opts.api ? {
      'apps/api/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - configmap.yaml\n',
      'apps/api/configmap.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: api-config\n  namespace: ${ns}\ndata:\n  MODE: fast\n`,
    } : {}),
    ...extra,
  };
  return writeRepo(files);
}

/** Clicks a button of the modal dialog VS Code shows (showWarningMessage with modal: true). */
export async function clickDialogButton(vs: VSCodeSession, label: string | RegExp, timeoutMs = 30_000): Promise<string> {
  const dialog = vs.page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible', timeout: timeoutMs });
  const text = (await dialog.textContent()) ?? '';
  await dialog.locator('.monaco-button, a.monaco-button').filter({ hasText: label }).first().click();
  // Closed — or replaced by the next dialog of the same command (a chain of confirmations).
  const deadline = Date.now() + 10_000;
  while ((await dialog.isVisible()) && (await dialog.textContent().catch(() => null)) === text) {
    if (Date.now() > deadline) throw new Error(`the dialog stayed open after clicking ${label}: ${text}`);
    await vs.page.waitForTimeout(100);
  }
  return text;
}

/** Decorations the active editor shows (our E2E debug command). */
export interface ShownDecorations { at: number; items: { kind: 'resource' | 'field'; line: number; text: string; status?: string; hover?: string }[] }

export async function writeRepo(files: Record<string, string>, prefix = 'gitops-lens-e2e-repo-'): Promise<string> {
  const dir = tempDir(prefix);
  for (const [rel, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), text);
  }
  await gitInitCommit(dir);
  return dir;
}

/** Our extension's debug view of the model (registered only under the E2E bridge). */
export interface DebugState {
  phase: string;
  error?: string;
  trusted: boolean;
  apps: { id: string; name: string; context?: string }[];
  renders: { appId: string; ok: boolean; resources: number; problems: string[] }[];
  lastLoadMs?: number;
  lintMs?: number;
  statusBar?: string;
}

export async function waitReady(vs: VSCodeSession, timeoutMs = 60_000): Promise<DebugState> {
  await vs.waitForExtensionActive(EXTENSION_ID, timeoutMs);
  return vs.waitFor<DebugState>('const s = await vscode.commands.executeCommand("gitopsLens._debug.state"); return s.phase === "ready" && s.lintMs !== undefined && s', undefined, timeoutMs);
}

/** Diagnostics of a workspace file as `line:col rule` strings (1-based, like the Problems panel). */
export async function diagnostics(vs: VSCodeSession, file: string): Promise<{ line: number; col: number; code: string; message: string; source?: string }[]> {
  return vs.vscode(
    'return vscode.languages.getDiagnostics(vscode.Uri.file(args)).map((d) => ({ line: d.range.start.line + 1, col: d.range.start.character + 1, code: String(d.code?.value ?? d.code ?? ""), message: d.message, source: d.source }));',
    file,
  );
}

/** Activation cost from VS Code's extension-host log and our own log line. */
export async function activationTimes(vs: VSCodeSession): Promise<{ activateMs?: number; logToActivatedMs?: number; event?: string }> {
  const exthost = await vs.extensionHostLog();
  const m = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) \[info\] ExtensionService#_doActivateExtension gitops-lens\.gitops-lens, startup: \w+, activationEvent: '([^']*)'/m.exec(exthost);
  const ours = await readOurLog(vs);
  const a = /GitOps Lens activated in ([\d.]+) ms at (\S+)/.exec(ours);
  // The exthost log's local time vs our ISO (UTC) time: compare both as UTC wall clock.
  const local = (s: string) => new Date(s.replace(' ', 'T')).getTime();
  return { activateMs: a ? Number(a[1]) : undefined, logToActivatedMs: m && a ? Date.parse(a[2]) - local(m[1]) : undefined, event: m?.[2] };
}

/** Our LogOutputChannel's file under the session's logs folder. */
export async function readOurLog(vs: VSCodeSession): Promise<string> {
  const logs = path.join(vs.userDataDir, 'logs');
  let text = '';
  for (const entry of await fs.readdir(logs, { recursive: true }).catch(() => [] as string[])) {
    if (path.basename(entry) === 'GitOps Lens.log' || /GitOps Lens\.log$/.test(entry)) text += await fs.readFile(path.join(logs, entry), 'utf8').catch(() => '');
  }
  return text;
}

export async function kubectl(kubeconfig: string, args: string[]): Promise<string> {
  const { stdout } = await exec(process.env.GITOPS_LENS_KUBECTL ?? 'kubectl', ['--kubeconfig', kubeconfig, ...args], { timeout: 60_000 });
  return stdout;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
