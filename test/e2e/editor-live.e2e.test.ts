// Live state in the real VS Code against a real kube-apiserver: statuses in the Apps view,
// `kubectl scale` reaching the replicas: line within seconds, Compare with Live, Revert
// Drift, Preview + Sync App, Sync History.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { clusterClientFromFile } from '../../src/core/cluster';
import { executeSync, loadDesired, planSync } from '../../src/core/sync';
import { sharedTestCluster } from '../support/cluster';
import { tempDir } from '../support/temp';
import { launchVSCode, type VSCodeSession } from '../support/vscode';
import { clickDialogButton, extensionDir, kubectl, waitReady, webRepo, type ShownDecorations } from '../editor/e2e-support';

interface TreeRow { label: string; description?: string; icon?: string; contextValue?: string; children: TreeRow[] }

describe('editor: live drift, diff, revert and sync in a real VS Code', { timeout: 15 * 60_000 }, () => {
  let vs: VSCodeSession;
  let repo: string;
  let kubeconfig: string;
  let stateDir: string;
  const ns = `e2e-web-${randomBytes(3).toString('hex')}`;
  const k = (...args: string[]) => kubectl(kubeconfig, ['--context', 'admin', ...args]);

  const apps = () => vs.executeCommand<TreeRow[]>('gitopsLens._debug.tree');
  const waitApp = (name: string, re: RegExp, timeoutMs = 30_000) => vs.waitFor<TreeRow>(
    'const t = await vscode.commands.executeCommand("gitopsLens._debug.tree"); const a = t.flatMap((c) => c.children).find((x) => x.label === args.name); return a && new RegExp(args.re).test(`${a.icon} ${a.description}`) && a;',
    { name, re: re.source }, timeoutMs).catch(async (e) => {
    throw new Error(`${(e as Error).message}\nApps view: ${JSON.stringify(await apps())}`);
  });

  before(async () => {
    const cluster = await sharedTestCluster();
    kubeconfig = cluster.kubeconfigPath;
    repo = await webRepo({}, { ns, api: true });
    stateDir = tempDir('gitops-lens-state-');
    // What a previous sync would have left: web synced by GitOps Lens (the core, outside the editor), api not at all.
    const client = clusterClientFromFile(kubeconfig, 'admin');
    try {
      const plan = await planSync(await loadDesired(repo, 'kustomize/apps/web', { revision: 'HEAD' }), client);
      const res = await executeSync(plan, client, { journal: false });
      assert.equal(res.outcome, 'succeeded', res.message);
    } finally {
      client.close();
    }
    vs = await launchVSCode({ workspace: repo, extensionDir: extensionDir(), bridge: true, trust: true, env: { KUBECONFIG: kubeconfig, GITOPS_LENS_STATE_DIR: stateDir } });
    await waitReady(vs);
  });
  after(async () => {
    await vs?.close();
    // The test control plane runs no controllers: deleting the namespace would not delete its objects.
    if (kubeconfig) await k('delete', '-n', ns, 'deployment,configmap', '--all', '--wait=false').catch(() => undefined);
    if (kubeconfig) await k('delete', 'namespace', ns, '--wait=false').catch(() => undefined);
    // …and the namespace stays Terminating: untrack it so a later run on this cluster does not see it as Extra.
    if (kubeconfig) await k('label', 'namespace', ns, 'applyset.kubernetes.io/part-of-').catch(() => undefined);
    if (repo) await fs.rm(repo, { recursive: true, force: true });
    if (stateDir) await fs.rm(stateDir, { recursive: true, force: true });
  });

  it('lists the apps under their cluster with live statuses', async () => {
    await waitApp('apps/web', /^pass .*synced/);
    await waitApp('apps/api', /^diff-modified .*1 missing/);
    const tree = await apps();
    assert.equal(tree[0].label, 'admin');
    assert.match(tree[0].description ?? '', /v1\.\d+/, 'cluster row shows the server version');
    await vs.page.locator('.activitybar [aria-label^="GitOps"]').first().click();
    await vs.waitForText('.pane-body .monaco-tl-row', /apps\/api/, 15_000);
    await vs.screenshot('live-apps-view');
  });

  it('shows the live value on the replicas: line within seconds of kubectl scale', async () => {
    await vs.openFile('apps/web/deployment.yaml');
    await vs.waitFor('const d = await vscode.commands.executeCommand("gitopsLens._debug.decorations"); return d.items.some((i) => i.kind === "resource" && i.status === "Synced")', undefined, 20_000);
    const t0 = Date.now();
    await k('scale', '-n', ns, 'deployment/web', '--replicas=5');
    const t1 = Date.now();
    const shown = await vs.waitFor<ShownDecorations>('const d = await vscode.commands.executeCommand("gitopsLens._debug.decorations"); return d.items.some((i) => i.kind === "field" && /live: 5/.test(i.text)) && d', undefined, 15_000);
    const field = shown.items.find((i) => i.kind === 'field')!;
    assert.equal(field.line, 7, 'on the replicas: line (0-based 7)');
    assert.ok(shown.items.some((i) => i.kind === 'resource' && i.status === 'OutOfSync'));
    console.log(`[perf] live change → decoration: ${shown.at - t1} ms after kubectl scale returned (${shown.at - t0} ms after it started)`);
    assert.ok(shown.at - t1 < 3_000, `decoration after ${shown.at - t1} ms`);
    await waitApp('apps/web', /^diff-modified .*1 out of sync/);
    await vs.page.waitForTimeout(500);
    await vs.screenshot('live-scale-drift');
  });

  it('Compare with Live opens the native diff editor with both sides', async () => {
    await vs.vscode('const e = vscode.window.activeTextEditor; e.selection = new vscode.Selection(7, 4, 7, 4);');
    await vs.runCommand('GitOps: Compare with Live');
    const tab = await vs.waitFor<{ original: string; modified: string; label: string }>(
      'const t = vscode.window.tabGroups.activeTabGroup.activeTab; return t?.input instanceof vscode.TabInputTextDiff && { original: t.input.original.toString(), modified: t.input.modified.toString(), label: t.label };',
      undefined, 15_000);
    assert.match(tab.original, /^gitops-lens-live:/);
    assert.match(tab.modified, /^gitops-lens-desired:/);
    const texts = await vs.vscode<[string, string]>('const t = vscode.window.tabGroups.activeTabGroup.activeTab.input; return [ (await vscode.workspace.openTextDocument(t.original)).getText(), (await vscode.workspace.openTextDocument(t.modified)).getText() ];');
    assert.match(texts[0], /replicas: 5/);
    assert.match(texts[1], /replicas: 2/);
    await vs.page.locator('.monaco-diff-editor').first().waitFor({ state: 'visible', timeout: 10_000 });
    await vs.screenshot('live-compare');
    await vs.runCommand('View: Close Editor');
  });

  it('Revert Drift restores the changed field in the cluster', async () => {
    await vs.openFile('apps/web/deployment.yaml');
    await vs.vscode('const e = vscode.window.activeTextEditor; e.selection = new vscode.Selection(7, 4, 7, 4);');
    await vs.runCommand('GitOps: Revert Drift');
    const text = await clickDialogButton(vs, 'Revert Drift', 60_000);
    assert.match(text, /spec\.replicas: live 5 → Git 2/);
    const deadline = Date.now() + 30_000;
    let replicas = '';
    while (Date.now() < deadline && replicas !== '2') {
      replicas = (await k('get', '-n', ns, 'deployment/web', '-o', 'jsonpath={.spec.replicas}')).trim();
      if (replicas !== '2') await new Promise((r) => setTimeout(r, 300));
    }
    assert.equal(replicas, '2');
    await vs.waitFor('const d = await vscode.commands.executeCommand("gitopsLens._debug.decorations"); return !d.items.some((i) => i.kind === "field")', undefined, 15_000);
    await waitApp('apps/web', /^pass/);
    await vs.screenshot('live-revert-drift');
  });

  it('Revert Drift with an uncommitted edit: the user picks HEAD or the working tree, and the dialog shows exactly the value applied', async () => {
    const file = path.join(repo, 'apps/web/deployment.yaml');
    const committed = await fs.readFile(file, 'utf8');
    await fs.writeFile(file, committed.replace('replicas: 2', 'replicas: 4'));
    try {
      await vs.openFile('apps/web/deployment.yaml');
      for (const choice of [{ button: 'Apply Working Tree', shown: /spec\.replicas: live 6 → working tree 4/, label: /working tree \(uncommitted changes in 1 file\)/, applied: '4' }, { button: 'Apply HEAD', shown: /spec\.replicas: live 6 → Git 2/, label: /HEAD [0-9a-f]+/, applied: '2' }]) {
        await k('scale', '-n', ns, 'deployment/web', '--replicas=6');
        await vs.waitFor('const d = await vscode.commands.executeCommand("gitopsLens._debug.decorations"); return d.items.some((i) => i.kind === "field" && /live: 6/.test(i.text))', undefined, 30_000);
        await vs.vscode('const e = vscode.window.activeTextEditor; e.selection = new vscode.Selection(7, 4, 7, 4);');
        await vs.vscode('vscode.commands.executeCommand("gitopsLens.revertDrift"); return true');
        const which = await clickDialogButton(vs, choice.button, 60_000);
        assert.match(which, /the working tree differs from HEAD/);
        const shown = await clickDialogButton(vs, 'Revert Drift', 60_000);
        assert.match(shown, choice.shown);
        assert.match(shown, choice.label);
        const deadline = Date.now() + 30_000;
        let replicas = '';
        while (Date.now() < deadline && replicas !== choice.applied) {
          replicas = (await k('get', '-n', ns, 'deployment/web', '-o', 'jsonpath={.spec.replicas}')).trim();
          if (replicas !== choice.applied) await new Promise((r) => setTimeout(r, 300));
        }
        assert.equal(replicas, choice.applied, `${choice.button}: the live object has the value the dialog showed`);
      }
    } finally {
      await fs.writeFile(file, committed);
    }
    // Back to HEAD's 2 replicas, which the cluster has now: Synced again.
    await waitApp('apps/web', /^pass/, 30_000);
  });

  it('Preview Sync shows every change, asks, and Sync App turns OutOfSync into Synced', async () => {
    await vs.executeCommand('workbench.action.closeAllEditors');
    await vs.vscode('vscode.commands.executeCommand("gitopsLens.previewSync", "kustomize/apps/api"); return true');
    await vs.page.locator('.monaco-dialog-box').waitFor({ state: 'visible', timeout: 60_000 });
    const tab = await vs.vscode<string>('return vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.input?.constructor?.name + ":" + t.label).join("|")');
    assert.match(tab, /Preview Sync: apps\/api/, `multi-diff editor open: ${tab}`);
    await vs.screenshot('live-preview-sync');
    const text = await clickDialogButton(vs, /^Sync$/);
    assert.match(text, /create \(1\):[\s\S]*ConfigMap/);
    await waitApp('apps/api', /^pass .*synced/, 60_000);
    assert.equal((await k('get', '-n', ns, 'configmap/api-config', '-o', 'jsonpath={.data.MODE}')).trim(), 'fast');
    await vs.screenshot('live-synced');
  });

  it('Adopt Live Value writes the live value into the manifest (comment-preserving) and the drift goes away', async () => {
    await vs.executeCommand('workbench.action.closeAllEditors');
    await vs.openFile('apps/web/deployment.yaml');
    await k('scale', '-n', ns, 'deployment/web', '--replicas=4');
    await vs.waitFor('const d = await vscode.commands.executeCommand("gitopsLens._debug.decorations"); return d.items.some((i) => i.kind === "field" && /live: 4/.test(i.text))', undefined, 15_000);
    await vs.vscode('vscode.commands.executeCommand("gitopsLens.adoptLiveValue", args); return true', { appId: 'kustomize/apps/web', key: `apps/Deployment/${ns}/web`, path: 'spec.replicas' });
    const shown = await clickDialogButton(vs, 'Write to File', 60_000);
    assert.match(shown, /Edits the working tree only \(not committed/);
    assert.match(shown, /~ apps\/web\/deployment\.yaml/);
    await vs.waitFor('return vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.input instanceof vscode.TabInputTextDiff && t.input.original.scheme === "gitops-lens-git")', undefined, 10_000);
    await vs.waitFor(`return require("fs").readFileSync(${JSON.stringify(path.join(repo, 'apps/web/deployment.yaml'))}, "utf8").includes("replicas: 4")`, undefined, 15_000);
    const text = await fs.readFile(path.join(repo, 'apps/web/deployment.yaml'), 'utf8');
    assert.match(text, /^ {2}replicas: 4$/m);
    assert.match(text, /labels: \{ app: web \}/, 'the rest of the file is untouched');
    await vs.waitFor('const d = await vscode.commands.executeCommand("gitopsLens._debug.decorations"); return d.items.some((i) => i.kind === "resource" && i.status === "Synced") && !d.items.some((i) => i.kind === "field")', undefined, 30_000);
    await vs.screenshot('live-adopt');
  });

  it('Compare Revisions shows the rendered change between two commits, no cluster needed', async () => {
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' }).trim();
    git('-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', 'commit', '-qam', 'web: 4 replicas (adopted from the cluster)');
    const previous = git('rev-parse', '--short', 'HEAD~1');
    await vs.vscode('vscode.commands.executeCommand("gitopsLens.compareRevisions", "kustomize/apps/web"); return true');
    const pick = async (label: string) => {
      const row = vs.page.locator('.quick-input-list .monaco-list-row').filter({ hasText: label }).first();
      await row.waitFor({ state: 'visible', timeout: 30_000 });
      await row.click();
    };
    await pick(previous);
    await pick('HEAD');
    const doc = await vs.waitFor<{ uri: string; text: string }>('const d = vscode.window.activeTextEditor?.document; return d?.uri.scheme === "gitops-lens-revdiff" && { uri: d.uri.toString(), text: d.getText() };', undefined, 60_000);
    assert.match(doc.text, /1 changed/);
    assert.match(doc.text, /^-\s+replicas: 2$/m);
    assert.match(doc.text, /^\+\s+replicas: 4$/m);
    await vs.screenshot('live-compare-revisions');
  });

  it('records syncs in the Sync History view', async () => {
    await vs.executeCommand('gitopsLens.showSyncHistory');
    const rows = await vs.waitFor<{ label: string; description: string }[]>(
      'const t = await vscode.commands.executeCommand("gitopsLens._debug.history"); return t.length >= 2 && t;', undefined, 15_000);
    assert.match(rows[0].label, /apps\/api → admin/);
    assert.match(rows[0].description, /sync · succeeded/);
    assert.match(rows[1].description, /reapply · succeeded/);
    await vs.waitForText('.pane-body .monaco-tl-row', /apps\/api → admin/, 15_000);
    await vs.screenshot('live-history');
  });
});
