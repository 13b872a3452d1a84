// The plan compares through core/diff, so an Argo CD app's ignoreDifferences decide what counts as a change.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterClientFromFile, type ClusterClient } from '../../src/core/cluster';
import { executeSync, loadDesired, planSync } from '../../src/core/sync';
import { sharedTestCluster } from '../support/cluster';
import { commitAll, configMap, gitIn, makeRepo, removeRepo, stateDirFor, uniq, writeFiles } from './support';

let client: ClusterClient;
const repos: string[] = [];
before(async () => { client = clusterClientFromFile((await sharedTestCluster()).adminKubeconfig); });
after(() => { client?.close(); repos.forEach(removeRepo); });

describe('plan and ignoreDifferences', () => {
  test('a live change in a field covered by ignoreDifferences leaves the task unchanged; other fields still make it configure', async () => {
    const ns = uniq('ignore');
    await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const root = makeRepo({
      'argocd/app.yaml': `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: ${ns}, namespace: argocd}
spec:
  project: default
  source: {repoURL: https://git.example.com/org/ignore.git, path: app, targetRevision: HEAD}
  destination: {server: ${client.server}, namespace: ${ns}}
  ignoreDifferences:
    - kind: ConfigMap
      name: a
      jsonPointers: [/data/scale]
`,
      'app/a.yaml': configMap('a', { data: { scale: '1', v: 'git' } }),
      'app/s.yaml': 'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {password: hunter2-git}\n',
    });
    gitIn(root, 'remote', 'add', 'origin', 'https://git.example.com/org/ignore.git');
    repos.push(root);
    const lockDir = stateDirFor();
    const first = await planSync(await loadDesired(root, ns), client);
    assert.ok(first.ok, JSON.stringify(first.problems));
    assert.equal((await executeSync(first, client, { journal: false, lockDir })).outcome, 'succeeded');

    const patch = (kind: string, name: string, body: unknown) => client.raw('PATCH', `/api/v1/namespaces/${ns}/${kind}/${name}`, body, 'application/merge-patch+json');
    await patch('configmaps', 'a', { data: { scale: '5' } });
    const ignored = await planSync(await loadDesired(root, ns), client);
    assert.ok(ignored.ok, JSON.stringify(ignored.problems));
    const a = ignored.tasks.find((t) => t.id.name === 'a')!;
    assert.equal(a.action, 'unchanged', `changes: ${a.changes.join(', ')}`);
    assert.deepEqual(a.changes, []);
    assert.equal(a.diff, '');

    await patch('configmaps', 'a', { data: { v: 'hand' } });
    await patch('secrets', 's', { stringData: { password: 'hunter2-live' } });
    const drifted = await planSync(await loadDesired(root, ns), client);
    const a2 = drifted.tasks.find((t) => t.id.name === 'a')!;
    assert.equal(a2.action, 'configure');
    assert.deepEqual(a2.changes, ['data.v'], 'the ignored field is not listed');
    assert.match(a2.diff, /^-  v: hand$/m);
    assert.ok(!/scale/.test(a2.diff.split('\n').filter((l) => /^[-+] /.test(l)).join('\n')));
    const s = drifted.tasks.find((t) => t.id.name === 's')!;
    assert.equal(s.action, 'configure');
    assert.deepEqual(s.changes, ['data.password']);
    assert.match(s.diff, /<secret sha256:[0-9a-f]{12}>/);
    for (const secret of ['hunter2-git', 'hunter2-live', Buffer.from('hunter2-git').toString('base64'), Buffer.from('hunter2-live').toString('base64')]) {
      assert.ok(!s.diff.includes(secret), `the diff leaks ${secret}`);
    }
  });

  test('removing a field from Git makes the task configure, and the sync removes it', async () => {
    const ns = uniq('removal');
    await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const root = makeRepo({ 'gitops-lens.yaml': `apps:\n  - {name: rm, path: app, namespace: ${ns}}\n`, 'app/a.yaml': configMap('a', { data: { keep: '1', gone: '2' } }) });
    repos.push(root);
    const lockDir = stateDirFor();
    assert.equal((await executeSync(await planSync(await loadDesired(root, 'rm'), client), client, { journal: false, lockDir })).outcome, 'succeeded');
    writeFiles(root, { 'app/a.yaml': configMap('a', { data: { keep: '1' } }) });
    commitAll(root, 'drop gone');
    const plan = await planSync(await loadDesired(root, 'rm'), client);
    const t = plan.tasks.find((x) => x.id.name === 'a')!;
    assert.equal(t.action, 'configure');
    assert.deepEqual(t.changes, ['data.gone']);
    assert.match(t.diff, /^-  gone: "2"$/m);
    assert.equal((await executeSync(plan, client, { journal: false, lockDir })).outcome, 'succeeded');
    assert.deepEqual((await client.get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: ns, name: 'a' }))!.data, { keep: '1' });
  });
});
