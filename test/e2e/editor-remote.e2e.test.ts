// Argo CD apps that render elsewhere, in the real VS Code: a config management plugin mapped
// to a command in the user's settings renders; one without a command is Unknown with the
// reason (information at the declaration, not an error in the user's file); a source in
// another repository (served by git http-backend on 127.0.0.1) is cloned into the cache and
// "Refresh Remote Charts and Git Sources" picks up a commit pushed there, while a plain
// Refresh keeps the cached clone. Oracles: the manifest files the plugin command prints and
// the files of the other repository.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launchVSCode, type VSCodeSession } from '../support/vscode';
import { serveGitRepos, type GitServer } from '../support/git-server';
import { makeRepo, type FixtureRepo } from '../support/repos';
import { removeTemp, tempDir } from '../support/temp';
import { extensionDir, waitReady, writeRepo, type DebugState } from '../editor/e2e-support';

interface TreeRow { label: string; description?: string; icon?: string; tooltip?: string; children: TreeRow[] }
const SELF = 'https://github.com/example/e2e-remote.git';

const application = (name: string, source: string) => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${name}
  namespace: argocd
spec:
  project: default
  source:
${source}  destination:
    server: https://kubernetes.default.svc
    namespace: ${name}
`;
const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  key: value\n`;
const service = (name: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  ports:\n    - port: 80\n`;

function findRow(rows: TreeRow[], label: string): TreeRow | undefined {
  for (const r of rows) {
    if (r.label === label) return r;
    const hit = findRow(r.children, label);
    if (hit) return hit;
  }
  return undefined;
}

describe('editor: plugin apps and a source in another repository', { timeout: 10 * 60_000 }, () => {
  let vs: VSCodeSession;
  let repo: string;
  let served: string;
  let cache: string;
  let server: GitServer;
  let platform: FixtureRepo;

  before(async () => {
    served = tempDir('gitops-lens-e2e-gitserve-');
    cache = tempDir('gitops-lens-e2e-cache-');
    server = await serveGitRepos(served);
    platform = makeRepo('platform', { 'apps/guestbook/deployment.yaml': configMap('guestbook-ui'), 'apps/guestbook/service.yaml': service('guestbook-ui') });
    execFileSync('git', ['clone', '-q', '--bare', platform.root, path.join(served, 'platform.git')]);
    repo = await writeRepo({
      'gitops-lens.yaml': `repoURL: ${SELF}\n`,
      'apps/cmp.yaml': application('cmp', `    repoURL: ${SELF}\n    targetRevision: main\n    path: deploy/cmp\n    plugin:\n      name: cat-manifests\n`),
      'deploy/cmp/all.yaml': `${configMap('cmp-settings')}---\n${service('cmp')}`,
      'apps/avp.yaml': application('avp', `    repoURL: ${SELF}\n    targetRevision: main\n    path: deploy/avp\n    plugin:\n      name: argocd-vault-plugin\n`),
      'deploy/avp/cm.yaml': configMap('avp-settings'),
      'apps/guestbook.yaml': application('guestbook', `    repoURL: ${server.url}/platform.git\n    targetRevision: main\n    path: apps/guestbook\n`),
    }, 'gitops-lens-e2e-remote-');
    vs = await launchVSCode({
      workspace: repo, extensionDir: extensionDir(), bridge: true, trust: true,
      env: { KUBECONFIG: path.join(cache, 'no-kubeconfig'), GITOPS_LENS_CACHE: cache },
      // A machine setting, as the user sets it for this machine (a workspace cannot).
      machineSettings: { 'gitopsLens.plugins': { 'cat-manifests': ['cat', 'all.yaml'] } },
    });
    await waitReady(vs, 120_000);
  });
  after(async () => {
    await vs?.close();
    await server?.stop();
    platform?.cleanup();
    for (const d of [repo, served, cache]) if (d) removeTemp(d);
  });

  const renders = async () => (await vs.executeCommand<DebugState>('gitopsLens._debug.state')).renders;
  const renderOf = async (name: string) => (await renders()).find((r) => r.appId.endsWith(`/${name}`));

  it('a plugin mapped in the user settings renders what its command prints', async () => {
    const cmp = await renderOf('cmp');
    assert.ok(cmp, JSON.stringify(await renders()));
    const inspected = await vs.vscode('return vscode.workspace.getConfiguration("gitopsLens").inspect("plugins");');
    assert.equal(cmp.ok, true, `${cmp.problems.join('\n')}\nsetting: ${JSON.stringify(inspected)}`);
    assert.equal(cmp.resources, 2, 'the ConfigMap and Service of deploy/cmp/all.yaml');
  });

  it('a plugin without a command is Unknown with the reason: information at the declaration, not an error', async () => {
    const avp = await renderOf('avp');
    assert.ok(avp && !avp.ok);
    assert.match(avp.problems[0], /rendered by plugin argocd-vault-plugin in the cluster; not rendered here/);
    const diags = await vs.vscode<{ line: number; severity: number; message: string }[]>(
      'return vscode.languages.getDiagnostics(vscode.Uri.file(args)).map((d) => ({ line: d.range.start.line + 1, severity: d.severity, message: d.message }));',
      path.join(repo, 'apps/avp.yaml'),
    );
    const shown = diags.filter((d) => /argocd-vault-plugin/.test(d.message));
    assert.equal(shown.length, 1, JSON.stringify(diags));
    assert.equal(shown[0].severity, 2, 'Information (vscode.DiagnosticSeverity.Information)');
    const tree = await vs.executeCommand<TreeRow[]>('gitopsLens._debug.tree');
    const row = findRow(tree, 'avp');
    assert.ok(row, JSON.stringify(tree));
    assert.equal(row.icon, 'question', `Unknown: ${row.description}`);
    assert.match(row.tooltip ?? '', /rendered by plugin argocd-vault-plugin in the cluster/);
  });

  it('another repository is cloned into the cache; a pushed commit shows after "Refresh Remote Charts and Git Sources", not after Refresh', async () => {
    const first = await renderOf('guestbook');
    assert.ok(first?.ok, JSON.stringify(first));
    assert.equal(first.resources, 2);
    writeFileSync(platform.path('apps/guestbook/configmap.yaml'), configMap('guestbook-extra'));
    execFileSync('git', ['-C', platform.root, 'add', '-A']);
    execFileSync('git', ['-C', platform.root, 'commit', '-qm', 'add a ConfigMap'], { env: { ...process.env, GIT_AUTHOR_NAME: 'P', GIT_AUTHOR_EMAIL: 'p@example.com', GIT_COMMITTER_NAME: 'P', GIT_COMMITTER_EMAIL: 'p@example.com' } });
    execFileSync('git', ['-C', platform.root, 'push', '-q', path.join(served, 'platform.git'), 'main']);
    const requests = server.requests;
    await vs.executeCommand('gitopsLens.refresh');
    assert.equal((await renderOf('guestbook'))?.resources, 2, 'Refresh uses the cached clone');
    assert.equal(server.requests, requests, 'and does not contact the other repository');
    await vs.executeCommand('gitopsLens.refreshRemoteSources');
    const after = await vs.waitFor<{ resources: number }>('const s = await vscode.commands.executeCommand("gitopsLens._debug.state"); const r = s.renders.find((x) => x.appId.endsWith("/guestbook")); return r && r.resources === 3 && r;', undefined, 60_000);
    assert.equal(after.resources, 3);
    assert.ok(server.requests > requests);
  });
});
