// The CLI end to end against the real test API server; kubectl interoperability of the ApplySet.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCliCaptured } from '../support/cli';
import { runRevisionDiff } from '../../src/cli/revdiff';
import { clusterClientFromFile, type ClusterClient } from '../../src/core/cluster';
import { readJournal, journalPath } from '../../src/core/journal';
import { revisionDiff } from '../../src/core/sync';
import { APPLYSET_ID_LABEL, applySetId } from '../../src/core/diff/tracking';
import { sharedTestCluster, type SharedCluster } from '../support/cluster';
import { appConfig, commitAll, configMap, makeRepo, removeRepo, stateDirFor, uniq, writeFiles } from './support';

let cluster: SharedCluster;
let client: ClusterClient;
const repos: string[] = [];
before(async () => {
  cluster = await sharedTestCluster();
  client = clusterClientFromFile(cluster.adminKubeconfig);
});
after(() => { client?.close(); repos.forEach(removeRepo); });

const cli = (root: string, state: string, ...argv: string[]) =>
  runCliCaptured(argv, { cwd: root, env: { ...process.env, GITOPS_LENS_STATE_DIR: state, KUBECONFIG: cluster.kubeconfigPath } });

describe('gitops-lens plan / sync / history', () => {
  test('plan shows ordered tasks with sources; sync applies HEAD, refuses uncommitted edits unless allowed, and journals', async () => {
    const ns = uniq('cli');
    const root = makeRepo({ 'gitops-lens.yaml': appConfig('cliapp', 'app', ns) + `appContexts:\n  kustomize/app: admin\n`, 'app/ns.yaml': `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`, 'app/a.yaml': configMap('a', { wave: 1 }) });
    repos.push(root);
    const state = stateDirFor();
    const plan = await cli(root, state, 'plan', 'cliapp');
    assert.equal(plan.code, 1, plan.stderr + plan.stdout);
    assert.match(plan.stdout, /plan for kustomize\/app → context admin .* from HEAD [0-9a-f]{7}/);
    assert.match(plan.stdout, new RegExp(`Sync\\s+0\\s+create\\s+Namespace ${ns}\\s+ok\\s+app/ns.yaml:1:1`));
    assert.match(plan.stdout, new RegExp(`Sync\\s+1\\s+create\\s+ConfigMap ${ns}/a\\s+deferred`));

    const sync = await cli(root, state, 'sync', 'cliapp');
    assert.equal(sync.code, 0, sync.stderr + sync.stdout);
    assert.match(sync.stdout, /succeeded: synced kustomize\/app to HEAD [0-9a-f]{7}: 2 applied/);
    assert.match(sync.stderr, /Sync wave 0: 1 resource/);

    // An uncommitted edit: HEAD is what syncs by default; the working tree needs an explicit override.
    writeFiles(root, { 'app/a.yaml': configMap('a', { wave: 1, data: { key: 'edited' } }) });
    assert.equal((await cli(root, state, 'plan', 'cliapp')).code, 0, 'HEAD is unchanged');
    const wt = await cli(root, state, 'plan', 'cliapp', '--working-tree');
    assert.equal(wt.code, 1);
    assert.match(wt.stdout, /from working tree \(uncommitted changes in 1 file\)/);
    assert.match(wt.stdout, /note: previewing UNCOMMITTED changes: app\/a.yaml/);
    const refused = await cli(root, state, 'sync', 'cliapp', '--working-tree');
    assert.equal(refused.code, 3);
    assert.match(refused.stderr, /--allow-uncommitted/);
    const forced = await cli(root, state, 'sync', 'cliapp', '--working-tree', '--allow-uncommitted');
    assert.equal(forced.code, 0, forced.stderr + forced.stdout);
    assert.match(forced.stdout, /warning: synced uncommitted changes \(.*app\/a.yaml\)/);
    assert.deepEqual((await client.get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: ns, name: 'a' }))?.data, { key: 'edited' });

    const { entries } = await readJournal(journalPath(root, { GITOPS_LENS_STATE_DIR: state }));
    assert.deepEqual(entries.map((e) => [e.outcome, e.uncommitted]), [['succeeded', true], ['succeeded', false]]);
    assert.equal(entries[1].user.name, 'Test User');
    assert.equal(entries[1].context, 'admin');
    const history = await cli(root, state, 'history');
    assert.equal(history.code, 0);
    assert.match(history.stdout, /sync\s+kustomize\/app\s+admin\s+[0-9a-f]{8}\+uncommitted\s+succeeded\s+Test User/);
    assert.match(history.stdout, /sync success rate 100% \(2\/2\)/);
    const json = JSON.parse((await cli(root, state, 'history', 'cliapp', '--json')).stdout);
    assert.equal(json.entries.length, 2);
  });

  test('a controller-managed Argo CD app is refused unless forced; --reconcile asks Argo CD instead', async () => {
    const ns = uniq('auto');
    await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'argocd' } });
    const root = makeRepo({
      'argocd/app.yaml': `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: ${ns}, namespace: argocd}\nspec:\n  source: {repoURL: https://git.example.com/o/r.git, path: app}\n  destination: {name: admin, namespace: ${ns}}\n  syncPolicy: {automated: {selfHeal: true}}\n`,
      'app/a.yaml': configMap('a'),
    });
    execFileSync('git', ['-C', root, 'remote', 'add', 'origin', 'https://git.example.com/o/r.git']);
    repos.push(root);
    const state = stateDirFor();
    const r = await cli(root, state, 'sync', ns);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /Argo CD syncs .* automatically .*--reconcile .*--force/);
    assert.equal(await client.get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: ns, name: 'a' }), null);
    // No Argo CD in the test cluster: the reconcile request says the Application is unknown there.
    const rec = await cli(root, state, 'sync', ns, '--reconcile');
    assert.equal(rec.code, 2);
    assert.match(rec.stderr, /Application argocd\/.* (does not exist|cannot read)|does not serve Application/);
    const forced = await cli(root, state, 'sync', ns, '--force');
    assert.equal(forced.code, 0, forced.stderr + forced.stdout);
    assert.match(forced.stdout, /warning: forced: Argo CD syncs/);
    const live = await client.get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: ns, name: 'a' });
    assert.equal(live?.metadata?.annotations?.['argocd.argoproj.io/tracking-id'], `${ns}:/ConfigMap:${ns}/a`);
  });

  test('our ApplySet id is the one kubectl computes for the same parent', async () => {
    const ns = uniq('kubectl');
    await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const dir = stateDirFor();
    writeFileSync(join(dir, 'cm.yaml'), configMap('k', { namespace: ns }));
    execFileSync('kubectl', ['--kubeconfig', cluster.adminKubeconfig, 'apply', '--server-side', '--prune', '--applyset=secrets/gitops-lens-kset', '-n', ns, '-f', join(dir, 'cm.yaml')], { env: { ...process.env, KUBECTL_APPLYSET: 'true' }, stdio: 'pipe' });
    const parent = await client.get({ group: '', version: 'v1', kind: 'Secret', namespace: ns, name: 'gitops-lens-kset' });
    assert.equal(parent?.metadata?.labels?.[APPLYSET_ID_LABEL], applySetId({ name: 'gitops-lens-kset', namespace: ns, kind: 'Secret', group: '' }));
    const member = await client.get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: ns, name: 'k' });
    assert.equal(member?.metadata?.labels?.['applyset.kubernetes.io/part-of'], parent?.metadata?.labels?.[APPLYSET_ID_LABEL]);
  });
});

describe('rendered diff between revisions (no cluster)', () => {
  test('pairs resources by identity across commits, with a unified diff per resource and a summary', async () => {
    const root = makeRepo({ 'gitops-lens.yaml': appConfig('rd', 'app', 'shop'), 'app/a.yaml': configMap('a', { data: { v: '1' } }), 'app/gone.yaml': configMap('gone'), 'app/same.yaml': configMap('same') });
    repos.push(root);
    writeFiles(root, { 'app/a.yaml': configMap('a', { data: { v: '2' } }), 'app/gone.yaml': null, 'app/new.yaml': configMap('new') });
    commitAll(root, 'change');
    writeFiles(root, { 'app/a.yaml': configMap('a', { data: { v: 'uncommitted' } }) });
    const d = await revisionDiff(root, 'rd', 'HEAD~1', 'HEAD');
    assert.ok(d.ok);
    assert.deepEqual(d.summary, { added: 1, removed: 1, changed: 1, unchanged: 1 });
    const a = d.resources.find((r) => r.id.name === 'a')!;
    assert.deepEqual(a.changes, ['data.v']);
    assert.match(a.diff, /^--- HEAD~1 ConfigMap shop\/a\n\+\+\+ HEAD ConfigMap shop\/a\n@@ .* @@\n/);
    assert.match(a.diff, /\n-  v: "1"\n\+  v: "2"\n/);
    assert.ok(!a.diff.includes('uncommitted'), 'the working tree is never read');
    assert.equal(d.resources.find((r) => r.id.name === 'new')!.status, 'added');
    assert.equal(d.resources.find((r) => r.id.name === 'gone')!.status, 'removed');

    const rd = (...argv: string[]) => runCliCaptured(['rd', ...argv], { cwd: root, run: runRevisionDiff });
    const stat = await rd('--from', 'HEAD~1', '--to', 'HEAD', '--stat');
    assert.equal(stat.code, 1);
    assert.match(stat.stdout, /changed\s+ConfigMap shop\/a\s+data\.v/);
    assert.match(stat.stdout, /1 added, 1 removed, 1 changed, 1 unchanged/);
    assert.equal((await rd('--from', 'HEAD', '--to', 'HEAD')).code, 0);
    assert.equal(await rd('--from', 'nope', '--to', 'HEAD').then((r) => r.code, () => 2), 2);
  });
});
