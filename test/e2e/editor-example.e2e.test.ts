// The example repository (examples/gitops-repo) in the real VS Code against the test
// cluster: the Apps view lists its Argo CD, Flux, Helm and kustomize apps under the admin
// context with their live statuses, and syncing one turns it Synced.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findRepoRoot, gitInitCommit } from '../../scripts/vscode/code-server.mjs';
import { sharedTestCluster } from '../support/cluster';
import { launchVSCode, type VSCodeSession } from '../support/vscode';
import { clickDialogButton, extensionDir, waitReady } from '../editor/e2e-support';
import { tempDir } from '../support/temp';

interface TreeRow { label: string; description?: string; icon?: string; children: TreeRow[] }
const EXAMPLE = path.join(findRepoRoot(), 'examples', 'gitops-repo');

describe('editor: the example GitOps repo in a real VS Code', { timeout: 10 * 60_000, skip: (await fs.stat(EXAMPLE).catch(() => undefined)) ? false : 'examples/gitops-repo is missing' }, () => {
  let vs: VSCodeSession;
  let repo: string;

  before(async () => {
    const cluster = await sharedTestCluster();
    repo = path.join(tempDir('gitops-lens-e2e-example-'), 'gitops-repo');
    await fs.cp(EXAMPLE, repo, { recursive: true });
    await gitInitCommit(repo, 'example GitOps repository');
    vs = await launchVSCode({ workspace: repo, extensionDir: extensionDir(), bridge: true, trust: true, env: { KUBECONFIG: cluster.kubeconfigPath, GITOPS_LENS_STATE_DIR: path.join(repo, '..', 'state') } });
    await waitReady(vs, 120_000);
  });
  after(async () => {
    await vs?.close();
    if (repo) await fs.rm(path.dirname(repo), { recursive: true, force: true });
  });

  it('lists every example app under the admin context with a live status', async () => {
    const tree = await vs.waitFor<TreeRow[]>(
      'const t = await vscode.commands.executeCommand("gitopsLens._debug.tree"); const apps = t.flatMap((c) => c.children); return apps.length >= 4 && apps.every((a) => ["pass", "diff-modified", "diff-added"].includes(a.icon)) && t;',
      undefined, 120_000).catch(async (e) => { throw new Error(`${(e as Error).message}\n${JSON.stringify(await vs.executeCommand('gitopsLens._debug.tree'))}`); });
    assert.deepEqual(tree.map((c) => c.label), ['admin']);
    const apps = tree[0].children;
    assert.deepEqual(apps.map((a) => a.label).sort(), ['blog', 'hello', 'platform', 'shop']);
    for (const a of apps) assert.match(a.description ?? '', /synced|out of sync|missing|extra/, `${a.label}: ${a.description}`);
    await vs.page.locator('.activitybar [aria-label^="GitOps"]').first().click();
    await vs.waitForText('.pane-body .monaco-tl-row', /platform/, 15_000);
    await vs.screenshot('example-apps-view');
  });

  it('syncs the platform app through the Apps view command and shows it Synced', async () => {
    await vs.vscode('vscode.commands.executeCommand("gitopsLens.syncApp", "kustomize/platform"); return true');
    // Either the confirmation, or (when an earlier run synced it) a note that nothing is to be written.
    const dialog = vs.page.locator('.monaco-dialog-box');
    const already = vs.page.locator('.notification-list-item-message').filter({ hasText: /already in sync/ });
    await dialog.or(already).first().waitFor({ state: 'visible', timeout: 90_000 }).catch(async (e) => {
      await vs.screenshot('example-platform-sync-missing-dialog');
      throw new Error(`${(e as Error).message}\nnotifications: ${JSON.stringify(await vs.notifications())}`);
    });
    if (await dialog.isVisible()) await clickDialogButton(vs, /^Sync$/);
    await vs.waitFor('const t = await vscode.commands.executeCommand("gitopsLens._debug.tree"); const a = t.flatMap((c) => c.children).find((x) => x.label === "platform"); return a?.icon === "pass";', undefined, 60_000)
      .catch(async (e) => { throw new Error(`${(e as Error).message}\n${JSON.stringify(await vs.executeCommand('gitopsLens._debug.live'))}`); });
    await vs.screenshot('example-platform-synced');
  });
});
