// Prune against the real test API server: exactly Extra, never more; refusals leave everything in place.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterClientFromFile, type ClusterClient } from '../../src/core/cluster';
import { executeSync, loadDesired, planSync } from '../../src/core/sync';
import { ARGO_TRACKING_ID } from '../../src/core/diff/tracking';
import { readJournal } from '../../src/core/journal';
import { RESTRICTED_NAMESPACE, sharedTestCluster, startTestCluster, type TestCluster } from '../support/cluster';
import { appConfig, commitAll, configMap, gitIn, makeRepo, removeRepo, stateDirFor, uniq, writeFiles } from './support';
import { join } from 'node:path';

let client: ClusterClient;
const repos: string[] = [];
before(async () => {
  client = clusterClientFromFile((await sharedTestCluster()).adminKubeconfig);
});
after(() => { client?.close(); repos.forEach(removeRepo); });

const cm = (c: ClusterClient, ns: string, name: string) => c.get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: ns, name });

describe('prune', () => {
  test('deletes exactly the Extra resources; Prune=false, prune: disabled, untracked and other apps\' objects survive', async () => {
    const ns = uniq('prune');
    await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const root = makeRepo({
      'gitops-lens.yaml': `apps:\n  - {name: mine, path: mine, namespace: ${ns}}\n  - {name: other, path: other, namespace: ${ns}}\n`,
      'mine/a.yaml': configMap('a'),
      'mine/b.yaml': configMap('b', { wave: 1 }),
      'mine/b2.yaml': configMap('b2', { wave: 3 }),
      'mine/c.yaml': configMap('c', { annotations: { 'argocd.argoproj.io/sync-options': 'Prune=false' } }),
      'mine/d.yaml': configMap('d', { annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' } }),
      'other/o.yaml': configMap('o'),
    });
    repos.push(root);
    const lockDir = stateDirFor();
    for (const app of ['mine', 'other']) {
      const r = await executeSync(await planSync(await loadDesired(root, app), client), client, { journal: false, lockDir });
      assert.equal(r.outcome, 'succeeded', r.message);
    }
    await client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'untracked', namespace: ns }, data: { k: 'v' } });
    writeFiles(root, { 'mine/b.yaml': null, 'mine/b2.yaml': null, 'mine/c.yaml': null, 'mine/d.yaml': null });
    commitAll(root, 'remove b, b2, c, d');

    // Without --prune the plan still lists every deletion it would make.
    const dry = await planSync(await loadDesired(root, 'mine'), client);
    assert.deepEqual(dry.tasks.filter((t) => t.action === 'skip').map((t) => `${t.id.name}: ${t.reason}`).sort(), [
      'b2: Extra: would be pruned with --prune', 'b: Extra: would be pruned with --prune',
      'c: Extra, kept: annotated argocd.argoproj.io/sync-options: Prune=false', 'd: Extra, kept: kustomize.toolkit.fluxcd.io/prune: disabled',
    ]);

    const plan = await planSync(await loadDesired(root, 'mine'), client, { prune: true });
    assert.ok(plan.ok, JSON.stringify(plan.problems));
    // Reverse wave order: b2 (wave 3) before b (wave 1).
    assert.deepEqual(plan.tasks.filter((t) => t.action === 'prune').map((t) => t.id.name), ['b2', 'b']);
    assert.ok(plan.tasks.find((t) => t.id.name === 'b')!.diff.includes('-  name: b'));
    assert.ok(!plan.tasks.some((t) => ['untracked', 'o'].includes(t.id.name)));
    const journal = join(stateDirFor(), 'journal.jsonl');
    const result = await executeSync(plan, client, { journal, lockDir });
    assert.equal(result.outcome, 'succeeded', result.message);
    assert.deepEqual(result.results.filter((r) => r.status === 'pruned').map((r) => r.key.split('/')[3]), ['b2', 'b']);
    assert.equal(await cm(client, ns, 'b'), null);
    assert.equal(await cm(client, ns, 'b2'), null);
    for (const name of ['a', 'c', 'd', 'untracked', 'o']) assert.ok(await cm(client, ns, name), `${name} must survive`);
    const { entries } = await readJournal(journal);
    assert.equal(entries.length, 1);
    assert.equal(entries[0].prune, true);
    assert.deepEqual(entries[0].tasks.filter((t) => t.status === 'pruned').map((t) => t.key.split('/')[3]), ['b2', 'b']);
  });

  test('the last-moment re-check keeps what changed after the plan: Prune=false added live, deleted and recreated (new uid)', async () => {
    const ns = uniq('recheck');
    await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const root = makeRepo({ 'gitops-lens.yaml': appConfig('recheck', 'app', ns), 'app/keep.yaml': configMap('keep'), 'app/marked.yaml': configMap('marked'), 'app/recreated.yaml': configMap('recreated'), 'app/ending.yaml': configMap('ending'), 'app/gone.yaml': configMap('gone') });
    repos.push(root);
    const lockDir = stateDirFor();
    assert.equal((await executeSync(await planSync(await loadDesired(root, 'recheck'), client), client, { journal: false, lockDir })).outcome, 'succeeded');
    writeFiles(root, { 'app/marked.yaml': null, 'app/recreated.yaml': null, 'app/ending.yaml': null, 'app/gone.yaml': null });
    commitAll(root, 'remove marked, recreated, ending, gone');
    const plan = await planSync(await loadDesired(root, 'recheck'), client, { prune: true });
    assert.ok(plan.ok, JSON.stringify(plan.problems));
    assert.deepEqual(plan.tasks.filter((t) => t.action === 'prune').map((t) => t.id.name).sort(), ['ending', 'gone', 'marked', 'recreated']);

    // Between plan and execute: someone marks one object Prune=false, deletes and recreates
    // another, and deletes a third that a finalizer keeps (Terminating).
    await client.raw('PATCH', `/api/v1/namespaces/${ns}/configmaps/marked`, { metadata: { annotations: { 'argocd.argoproj.io/sync-options': 'Prune=false' } } }, 'application/merge-patch+json');
    const old = (await cm(client, ns, 'recreated'))!;
    await client.delete({ group: '', version: 'v1', kind: 'ConfigMap', namespace: ns, name: 'recreated' });
    assert.equal(await cm(client, ns, 'recreated'), null);
    // The same object (labels, annotations, data) as someone would re-create it: only the server's fields differ.
    const { uid, resourceVersion, creationTimestamp, managedFields, ...meta } = old.metadata!;
    await client.apply({ ...old, metadata: meta }, { fieldManager: 'someone-else', force: true });
    const recreated = (await cm(client, ns, 'recreated'))!;
    assert.notEqual(recreated.metadata?.uid, uid);
    await client.raw('PATCH', `/api/v1/namespaces/${ns}/configmaps/ending`, { metadata: { finalizers: ['example.com/hold'] } }, 'application/merge-patch+json');
    await client.delete({ group: '', version: 'v1', kind: 'ConfigMap', namespace: ns, name: 'ending' });
    const ending = (await cm(client, ns, 'ending'))!;
    assert.ok(ending.metadata?.deletionTimestamp);

    const result = await executeSync(plan, client, { journal: false, lockDir });
    assert.equal(result.outcome, 'succeeded', result.message);
    const byName = Object.fromEntries(result.results.filter((r) => r.action === 'prune').map((r) => [r.key.split('/')[3], `${r.status}: ${r.message ?? ''}`]));
    assert.deepEqual(byName, {
      marked: 'skipped: kept: it is now annotated Prune=false',
      recreated: 'skipped: kept: it was replaced since the plan (different uid)',
      ending: 'skipped: kept: it is already being deleted',
      gone: 'pruned: ',
    });
    // Nothing deleted it a second time: the Terminating object is as it was; let it go now.
    assert.equal((await cm(client, ns, 'ending'))?.metadata?.resourceVersion, ending.metadata?.resourceVersion);
    await client.raw('PATCH', `/api/v1/namespaces/${ns}/configmaps/ending`, { metadata: { finalizers: null } }, 'application/merge-patch+json');
    assert.ok(await cm(client, ns, 'marked'), 'marked Prune=false after the plan: kept');
    assert.equal((await cm(client, ns, 'recreated'))?.metadata?.uid, recreated.metadata?.uid, 'the new object is not the one planned: kept');
    assert.equal(await cm(client, ns, 'gone'), null);
    assert.ok(await cm(client, ns, 'keep'));
  });

  test('a user who cannot list every kind of the app is never offered a prune: what it can see stays a skip', async (t) => {
    const cluster = await sharedTestCluster();
    if (!cluster.restrictedKubeconfig) return t.skip(cluster.restrictedSkipReason);
    // The app holds ConfigMaps in team-a (the restricted user may read there) and a ClusterRole
    // (it may not list those): its listing of the app's members is incomplete.
    const name = uniq('partial');
    const role = uniq('gitops-lens-test-role');
    const root = makeRepo({
      'gitops-lens.yaml': appConfig(name, 'app', RESTRICTED_NAMESPACE),
      'app/a.yaml': configMap(`${name}-a`), 'app/b.yaml': configMap(`${name}-b`),
      'app/role.yaml': `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: ${role}\nrules: []\n`,
    });
    repos.push(root);
    const restricted = clusterClientFromFile(cluster.kubeconfigPath, 'restricted');
    try {
      assert.equal((await executeSync(await planSync(await loadDesired(root, name), client), client, { journal: false, lockDir: stateDirFor() })).outcome, 'succeeded');
      writeFiles(root, { 'app/b.yaml': null });
      commitAll(root, 'remove b');
      const plan = await planSync(await loadDesired(root, name), restricted, { prune: true });
      assert.equal(plan.liveComplete, false);
      assert.match(plan.problems.filter((p) => p.code === 'listing-incomplete').map((p) => `${p.severity}: ${p.message}`).join('\n'), /^error: cannot list clusterroles\.rbac\.authorization\.k8s\.io: /m);
      const b = plan.tasks.find((x) => x.id.name === `${name}-b`);
      assert.deepEqual([b?.action, b?.reason], ['skip', 'Extra, kept: the live listing was incomplete, so pruning is unsafe']);
      assert.equal(plan.summary.prune, 0);
      assert.equal((await executeSync(plan, restricted, { journal: false, lockDir: stateDirFor() })).outcome, 'refused');
      assert.ok(await cm(client, RESTRICTED_NAMESPACE, `${name}-b`));
    } finally {
      restricted.close();
      for (const n of [`${name}-a`, `${name}-b`]) await client.delete({ group: '', version: 'v1', kind: 'ConfigMap', namespace: RESTRICTED_NAMESPACE, name: n }).catch(() => undefined);
      await client.delete({ group: '', version: 'v1', kind: 'Secret', namespace: RESTRICTED_NAMESPACE, name: `gitops-lens-${name}` }).catch(() => undefined);
      await client.delete({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', name: role }).catch(() => undefined);
    }
  });

  test('PruneLast=true is pruned after everything else, whatever its wave', async () => {
    const ns = uniq('prunelast');
    await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const root = makeRepo({
      'gitops-lens.yaml': appConfig('last', 'app', ns), 'app/keep.yaml': configMap('keep'),
      'app/late.yaml': configMap('late', { wave: 2, annotations: { 'argocd.argoproj.io/sync-options': 'PruneLast=true' } }),
      'app/mid.yaml': configMap('mid', { wave: 1 }), 'app/early.yaml': configMap('early'),
    });
    repos.push(root);
    const lockDir = stateDirFor();
    assert.equal((await executeSync(await planSync(await loadDesired(root, 'last'), client), client, { journal: false, lockDir })).outcome, 'succeeded');
    writeFiles(root, { 'app/late.yaml': null, 'app/mid.yaml': null, 'app/early.yaml': null });
    commitAll(root, 'remove late, mid, early');
    const plan = await planSync(await loadDesired(root, 'last'), client, { prune: true });
    // Reverse wave order (mid, wave 1, before early, wave 0), then the PruneLast object although its wave is the highest.
    assert.deepEqual(plan.tasks.filter((t) => t.action === 'prune').map((t) => t.id.name), ['mid', 'early', 'late']);
    const result = await executeSync(plan, client, { journal: false, lockDir });
    assert.equal(result.outcome, 'succeeded', result.message);
    assert.deepEqual(result.results.filter((r) => r.status === 'pruned').map((r) => r.key.split('/')[3]), ['mid', 'early', 'late']);
  });

  test('an empty desired set is refused and nothing is pruned', async () => {
    const ns = uniq('empty');
    await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const root = makeRepo({ 'gitops-lens.yaml': appConfig('emptied', 'app', ns), 'app/a.yaml': configMap('a'), 'app/b.yaml': configMap('b') });
    repos.push(root);
    const lockDir = stateDirFor();
    assert.equal((await executeSync(await planSync(await loadDesired(root, 'emptied'), client), client, { journal: false, lockDir })).outcome, 'succeeded');
    writeFiles(root, { 'app/a.yaml': null, 'app/b.yaml': '# everything moved elsewhere\n' });
    commitAll(root, 'empty the app');
    const plan = await planSync(await loadDesired(root, 'emptied'), client, { prune: true });
    assert.equal(plan.ok, false);
    assert.match(plan.problems.find((p) => p.code === 'empty-desired')!.message, /renders no resources: refusing to prune everything it tracks \(2 object/);
    assert.ok(plan.tasks.every((t) => t.action === 'skip'));
    const result = await executeSync(plan, client, { journal: false, lockDir });
    assert.equal(result.outcome, 'refused');
    assert.ok(await cm(client, ns, 'a'));
    assert.ok(await cm(client, ns, 'b'));
  });
});

describe('prune with the API server gone', () => {
  let own: TestCluster;
  let c: ClusterClient;
  before(async () => {
    own = await startTestCluster({ name: 'prune-outage' });
    c = clusterClientFromFile(own.adminKubeconfig, undefined, { requestTimeoutMs: 5000 });
  });
  after(async () => { c?.close(); await own?.stop(); });

  test('an API server stopped before the prune phase leaves everything in place and says so', async () => {
    const ns = uniq('outage');
    await c.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    // An Argo CD app (tracking-id annotation), declared in the repo with this repo as its source.
    const root = makeRepo({
      'argocd/app.yaml': `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: outage, namespace: argocd}
spec:
  project: default
  source: {repoURL: https://git.example.com/org/deploy.git, path: app, targetRevision: HEAD}
  destination: {server: ${own.server}, namespace: ${ns}}
`,
      'app/a.yaml': configMap('a'),
      'app/b.yaml': configMap('b'),
    });
    gitIn(root, 'remote', 'add', 'origin', 'https://git.example.com/org/deploy.git');
    repos.push(root);
    const lockDir = stateDirFor();
    const first = await planSync(await loadDesired(root, 'outage'), c);
    assert.ok(first.ok, JSON.stringify(first.problems));
    assert.equal((await executeSync(first, c, { journal: false, lockDir })).outcome, 'succeeded');
    const b = await cm(c, ns, 'b');
    assert.equal(b?.metadata?.annotations?.[ARGO_TRACKING_ID], `outage:/ConfigMap:${ns}/b`);

    writeFiles(root, { 'app/b.yaml': null });
    commitAll(root, 'remove b');
    const plan = await planSync(await loadDesired(root, 'outage'), c, { prune: true });
    assert.deepEqual(plan.tasks.map((t) => `${t.id.name}:${t.action}`), ['a:unchanged', 'b:prune']);
    await own.stopApiServer();
    let result;
    try {
      result = await executeSync(plan, c, { journal: false, lockDir });
    } finally {
      await own.startApiServer();
    }
    assert.equal(result.outcome, 'failed');
    assert.match(result.message, /prune stopped, the cluster of context ".*" cannot be reached; everything not yet pruned was left in place/);
    assert.equal(result.results.find((r) => r.key.endsWith('/b'))?.status, 'failed');
    assert.ok(await cm(c, ns, 'a'));
    assert.ok(await cm(c, ns, 'b'), 'b stays when the prune could not be verified');
  });
});
