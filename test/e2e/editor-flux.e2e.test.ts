// A home-lab Flux fleet (test/support/flux-fleets) in the real VS Code against the test
// cluster (issue 11): the Apps view shows the cluster entry point mapped to its context, every
// Kustomization and HelmRelease of the tree with a real status (remote charts Unknown with
// the reason, not errors), and the Problems panel holds no false error.
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gitInitCommit } from '../../scripts/vscode/code-server.mjs';
import { sharedTestCluster } from '../support/cluster';
import { launchVSCode, type VSCodeSession } from '../support/vscode';
import { extensionDir, waitReady } from '../editor/e2e-support';
import { homeLabFiles, HOME_LAB_APPS } from '../support/flux-fleets';
import { tempDir } from '../support/temp';

interface TreeRow { label: string; description?: string; icon?: string; children: TreeRow[] }

describe('editor: a home-lab Flux fleet in a real VS Code', { timeout: 10 * 60_000 }, () => {
  let vs: VSCodeSession;
  let repo: string;

  before(async () => {
    const cluster = await sharedTestCluster();
    repo = path.join(tempDir('gitops-lens-e2e-flux-'), 'home-ops');
    const files = homeLabFiles(HOME_LAB_APPS);
    // The entry point mapped to the test cluster's context, as a user writes it.
    files['gitops-lens.yaml'] = 'clusters:\n  kubernetes/flux/cluster: admin\n';
    for (const [rel, text] of Object.entries(files)) {
      await fs.mkdir(path.dirname(path.join(repo, rel)), { recursive: true });
      await fs.writeFile(path.join(repo, rel), text);
    }
    await gitInitCommit(repo, 'home-ops fleet');
    vs = await launchVSCode({ workspace: repo, extensionDir: extensionDir(), bridge: true, trust: true, env: { KUBECONFIG: cluster.kubeconfigPath, GITOPS_LENS_STATE_DIR: path.join(repo, '..', 'state') } });
    await waitReady(vs, 120_000);
  });
  after(async () => {
    await vs?.close();
    if (repo) await fs.rm(path.dirname(repo), { recursive: true, force: true });
  });

  it('groups the fleet under its entry point\'s context, every app with a status, no false error', async () => {
    const started = Date.now();
    const tree = await vs.waitFor<TreeRow[]>(
      'const t = await vscode.commands.executeCommand("gitopsLens._debug.tree"); const apps = t.flatMap((c) => c.children); return apps.length >= 9 && apps.every((a) => a.icon && a.icon !== "loading~spin") && t;',
      undefined, 180_000).catch(async (e) => { throw new Error(`${(e as Error).message}\n${JSON.stringify(await vs.executeCommand('gitopsLens._debug.tree'))}`); });
    console.log(`[perf] home-lab fleet: Apps view complete ${Date.now() - started} ms after the extension was ready`);
    assert.deepEqual(tree.map((c) => c.label), ['admin']);
    const apps = tree[0].children;
    assert.deepEqual(apps.map((a) => a.label).sort(), ['atuin', 'atuin', 'cluster-apps', 'echo', 'echo', 'plex', 'plex', 'plex-trakt-sync', 'plex-trakt-sync']);
    for (const a of apps) assert.doesNotMatch(a.description ?? '', /render failed/, `${a.label}: ${a.description}`);
    const state = await vs.executeCommand<{ renders: { appId: string; ok: boolean; problems: string[] }[] }>('gitopsLens._debug.state');
    const kustomizations = state.renders.filter((r) => r.appId.includes('/ks/'));
    assert.equal(kustomizations.length, 5);
    assert.deepEqual(kustomizations.filter((r) => !r.ok).map((r) => `${r.appId}: ${r.problems.join('; ')}`), [], 'every Kustomization renders');

    const errors = await vs.vscode<string[]>('return vscode.languages.getDiagnostics().flatMap(([uri, ds]) => ds.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).map((d) => `${uri.fsPath}: ${d.message}`))');
    assert.deepEqual(errors, [], 'no error in the Problems panel');

    await vs.page.locator('.activitybar [aria-label^="GitOps"]').first().click();
    await vs.waitForText('.pane-body .monaco-tl-row', /cluster-apps/, 15_000);
    await vs.screenshot('flux-home-lab-apps');
  });
});
