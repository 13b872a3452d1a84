// Smoke: a real VS Code (code-server) opens a kustomize repo, our extension activates in
// the real extension host, and the harness can drive the UI and query the vscode API.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gitInitCommit } from '../../scripts/vscode/code-server.mjs';
import { EXTENSION_ID, extensionDir } from '../editor/e2e-support';
import { deployment, kustomization } from '../support/manifests';
import { launchVSCode, type VSCodeSession } from '../support/vscode';
import { tempDir } from '../support/temp';

async function kustomizeRepo(): Promise<string> {
  const dir = tempDir('gitops-lens-smoke-');
  await fs.writeFile(path.join(dir, 'kustomization.yaml'), kustomization({ resources: ['deployment.yaml'] }));
  await fs.writeFile(path.join(dir, 'deployment.yaml'), deployment({ name: 'web', namespace: 'default', replicas: 2, image: 'nginx:1.27' }));
  await gitInitCommit(dir);
  return dir;
}

describe('VS Code smoke (code-server + chromium)', { timeout: 10 * 60_000 }, () => {
  let vs: VSCodeSession;
  let workspace: string;

  before(async () => {
    workspace = await kustomizeRepo();
    vs = await launchVSCode({
      workspace,
      extensionDir: extensionDir(),
      bridge: true,
      trust: true,
      env: { GITOPS_LENS_E2E_MARKER: 'reaches-the-extension-host' },
    });
  });
  after(async () => {
    await vs?.close();
    if (workspace) await fs.rm(workspace, { recursive: true, force: true });
  });

  it('loads the workbench on the workspace folder', async () => {
    assert.ok(await vs.page.locator('.monaco-workbench').isVisible());
    const folders = await vs.vscode<{ uri: string }[]>('return vscode.workspace.workspaceFolders');
    assert.deepEqual(folders.map((f) => f.uri), [`file://${workspace}`]);
    assert.equal(await vs.vscode('return vscode.workspace.isTrusted'), true);
  });

  it('answers through the bridge from the real extension host', async () => {
    const version = await vs.vscode<string>('return vscode.version');
    assert.match(version, /^1\.139\./);
    assert.equal(await vs.executeCommand('gitopsLensE2E.nonexistent').catch(() => 'rejected'), 'rejected');
    // launchVSCode's env (e.g. KUBECONFIG) must reach the extension host process.
    assert.equal(await vs.vscode('return process.env.GITOPS_LENS_E2E_MARKER'), 'reaches-the-extension-host');
  });

  it('has our extension installed and active', async () => {
    await vs.waitForExtensionActive(EXTENSION_ID, 60_000);
    const ext = await vs.vscode<{ id: string; active: boolean; version: string }>(
      'const e = vscode.extensions.getExtension(args); return { id: e.id, active: e.isActive, version: e.packageJSON.version };',
      EXTENSION_ID,
    );
    assert.equal(ext.id, EXTENSION_ID);
    assert.equal(ext.active, true);
    assert.match(await vs.extensionHostLog(), /_doActivateExtension gitops-lens\.gitops-lens/);
  });

  it('drives the UI: quick open, command palette, notifications', async () => {
    await vs.openFile('deployment.yaml');
    const active = await vs.vscode<string | undefined>('return vscode.window.activeTextEditor?.document.uri.path');
    assert.equal(active, path.join(workspace, 'deployment.yaml'));

    // Not awaited in the host: showInformationMessage settles only when dismissed.
    await vs.vscode('vscode.window.showInformationMessage("hello from the e2e bridge"); return true');
    await vs.waitForText('.notification-list-item-message', 'hello from the e2e bridge');
    assert.ok((await vs.notifications()).includes('hello from the e2e bridge'));
    await vs.runCommand('Notifications: Clear All Notifications');
    await vs.page.locator('.notification-list-item-message').first().waitFor({ state: 'detached', timeout: 10_000 });

    await vs.screenshot('smoke');
    await vs.runCommand('File: New Untitled Text File');
    await vs.waitFor('return vscode.window.activeTextEditor?.document.isUntitled', undefined, 10_000);
  });
});

describe('VS Code smoke in Restricted Mode (trust: false)', { timeout: 10 * 60_000 }, () => {
  let vs: VSCodeSession;
  let workspace: string;

  before(async () => {
    workspace = await kustomizeRepo();
    vs = await launchVSCode({ workspace, extensionDir: extensionDir(), bridge: true, trust: false });
  });
  after(async () => {
    await vs?.close();
    if (workspace) await fs.rm(workspace, { recursive: true, force: true });
  });

  it('opens the folder untrusted, without a trust prompt, and our extension still runs', async () => {
    assert.equal(await vs.vscode('return vscode.workspace.isTrusted'), false);
    await vs.waitForText('.statusbar-item', 'Restricted Mode');
    assert.equal(await vs.page.locator('.monaco-dialog-box').count(), 0, 'no modal trust dialog');
    // package.json declares untrustedWorkspaces: "limited", so it activates in Restricted Mode.
    await vs.waitForExtensionActive(EXTENSION_ID, 60_000);
    await vs.screenshot('smoke-restricted');
  });
});
