// The example repository (examples/gitops-repo) in the real VS Code against the test
// cluster: the Apps view lists its Argo CD, Flux, Helm and kustomize apps under the admin
// context with their live statuses, and syncing one turns it Synced.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findRepoRoot, gitInitCommit } from '../../scripts/vscode/code-server.mjs';
import { sharedTestCluster } from '../support/cluster';
import { launchVSCode, type VSCodeSession } from '../support/vscode';
import { clickDialogButton, extensionDir, waitReady } from '../editor/e2e-support';
import { tempDir } from '../support/temp';
import { changedFiles, snapshot } from '../support/trees';

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

  it('Revert Last Git Change on shop: the dialog lists the other apps\' files, refuses the root commit, and the repo is unchanged', async () => {
    const before = snapshot(repo);
    const state = await vs.executeCommand<{ apps: { id: string; name: string }[] }>('gitopsLens._debug.state');
    const shop = state.apps.find((a) => a.name === 'shop')!;
    await vs.vscode('vscode.commands.executeCommand("gitopsLens.revertLastGitChange", args); return true', shop.id);
    const dialog = vs.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 120_000 }).catch(async (e) => {
      throw new Error(`${(e as Error).message}\nnotifications: ${JSON.stringify(await vs.notifications())}`);
    });
    const text = (await dialog.textContent()) ?? '';
    assert.match(text, /refused — [0-9a-f]+ "example GitOps repository" is the root commit: it created these files and there is no earlier state to revert to/);
    assert.match(text, /The commit also changed files outside this app \(left as they are\):/);
    // The other apps' files, as the example repo has them (examples/gitops-repo).
    for (const f of ['charts/hello/values.yaml', 'apps/blog/deployment.yaml', 'flux/blog.yaml', 'platform/namespaces.yaml']) assert.ok(text.includes(f), `dialog names ${f}:\n${text}`);
    assert.match(text, /no app: README\.md, flux\/gitrepository\.yaml, gitops-lens\.yaml/);
    assert.match(text, /Nothing is written\./);
    await vs.screenshot('git-revert-root-refused');
    await clickDialogButton(vs, /OK/);
    assert.deepEqual(snapshot(repo), before, 'HEAD, index and every file unchanged');
  });

  it('Revert Last Git Change of a later commit: only shop\'s files, previewed as a multi-diff, committed on confirmation, undone by Undo', async () => {
    const git = (...a: string[]) => execFileSync('git', ['-C', repo, ...a], { encoding: 'utf8' });
    const replicas = path.join(repo, 'apps/shop/overlays/prod/replicas.yaml');
    const original = await fs.readFile(replicas, 'utf8');
    await fs.writeFile(replicas, original.replace('replicas: 3', 'replicas: 7'));
    await fs.appendFile(path.join(repo, 'charts/hello/values.yaml'), '# tuned\n');
    // The identity a user's Git has; the revert commit is made with it.
    git('config', 'user.name', 'E2E User');
    git('config', 'user.email', 'e2e@example.com');
    git('commit', '-qam', 'tune shop and hello');
    await vs.waitFor('const s = await vscode.commands.executeCommand("gitopsLens._debug.state"); return s.phase === "ready"', undefined, 30_000);
    const before = snapshot(repo);
    const state = await vs.executeCommand<{ apps: { id: string; name: string }[] }>('gitopsLens._debug.state');
    await vs.vscode('vscode.commands.executeCommand("gitopsLens.revertLastGitChange", args); return true', state.apps.find((a) => a.name === 'shop')!.id);
    const scope = await clickDialogButton(vs, /Revert Only shop's Files/, 120_000);
    assert.match(scope, /"tune shop and hello" also changed files outside shop/);
    assert.match(scope, /charts\/hello\/values\.yaml/);
    const confirm = vs.page.locator('.monaco-dialog-box');
    await confirm.waitFor({ state: 'visible', timeout: 60_000 });
    const tabs = await vs.vscode<string>('return vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.input?.constructor?.name + ":" + t.label).join("|")');
    assert.match(tabs, /replicas\.yaml \(HEAD [0-9a-f]{8} ↔ after/, `the change is open in a diff editor: ${tabs}`);
    await vs.screenshot('git-revert-app-files');
    const shown = await clickDialogButton(vs, /^Commit$/);
    assert.match(shown, /Files changed \(1\):\s+~ apps\/shop\/overlays\/prod\/replicas\.yaml/);
    const undo = vs.page.locator('.notification-list-item').filter({ hasText: /created commit [0-9a-f]{8}/ });
    await undo.waitFor({ state: 'visible', timeout: 30_000 });
    assert.deepEqual(changedFiles(before, snapshot(repo)), ['apps/shop/overlays/prod/replicas.yaml']);
    assert.equal(await fs.readFile(replicas, 'utf8'), original, 'restored to the parent\'s bytes');
    assert.match(git('log', '-1', '--format=%s'), /^Revert shop's files of "tune shop and hello"/);
    await undo.locator('.monaco-button, a.monaco-button').filter({ hasText: 'Undo' }).first().click();
    await vs.waitForText('.notification-list-item-message', /undone: HEAD is [0-9a-f]{8} again/, 30_000);
    assert.deepEqual(snapshot(repo), before, 'Undo restored HEAD, the index and every byte');
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
