// Revert against the real test API server: adopt live values into Git, re-apply Git, roll back to a revision.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusterClientFromFile, type ClusterClient } from '../../src/core/cluster';
import { parseJsonPath, resourceIdOf } from '../../src/core/manifest';
import { adoptLiveValue, adoptValue, reapplyFromGit, rollbackToRevision, undoGitChange } from '../../src/core/revert';
import { executeSync, loadDesired, planSync } from '../../src/core/sync';
import { readJournal } from '../../src/core/journal';
import { runCliCaptured } from '../support/cli';
import { sharedTestCluster } from '../support/cluster';
import { appConfig, commitAll, configMap, gitIn, makeRepo, removeRepo, stateDirFor, uniq, writeFiles } from './support';

let client: ClusterClient;
const repos: string[] = [];
before(async () => { client = clusterClientFromFile((await sharedTestCluster()).adminKubeconfig); });
after(() => { client?.close(); repos.forEach(removeRepo); });

const deployment = (name: string, replicas: number) => `# Web front end, owned by team web.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}   # keep in sync with the Service
  labels: {app: ${name}}
spec:
  # scaled by hand during sales; see runbook
  replicas: ${replicas} # default two
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
        - name: web
          image: "nginx:1.27"   # pinned


---
# trailing document comment
apiVersion: v1
kind: ConfigMap
metadata: {name: ${name}-cfg}
data:
  mode: "blue"  # deployment colour
`;

async function scale(ns: string, name: string, replicas: number) {
  await client.raw('PATCH', `/apis/apps/v1/namespaces/${ns}/deployments/${name}`, { spec: { replicas } }, 'application/merge-patch+json');
}

describe('adopt live', () => {
  test('writes the live value into the source YAML, keeping every other byte', async () => {
    const ns = uniq('adopt');
    await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const root = makeRepo({ 'gitops-lens.yaml': appConfig('adopt', 'app', ns), 'app/web.yaml': deployment('web', 2) });
    repos.push(root);
    const r = await executeSync(await planSync(await loadDesired(root, 'adopt'), client), client, { journal: false, lockDir: stateDirFor() });
    assert.equal(r.outcome, 'succeeded', r.message);
    await scale(ns, 'web', 4);
    const file = join(root, 'app/web.yaml');
    const original = readFileSync(file, 'utf8');
    const out = await adoptLiveValue(root, 'adopt', `apps/Deployment/${ns}/web`, 'spec.replicas', client);
    assert.ok(out.ok, out.ok ? '' : out.reason);
    assert.equal(out.line, 9);
    const edited = readFileSync(file, 'utf8');
    const at = original.indexOf('replicas: 2') + 'replicas: '.length;
    // Byte-level: exactly one character differs, at the value.
    assert.equal(edited.length, original.length);
    assert.equal(edited.slice(0, at), original.slice(0, at));
    assert.equal(edited[at], '4');
    assert.equal(edited.slice(at + 1), original.slice(at + 1));
    assert.equal(gitIn(root, 'status', '--porcelain').trim(), 'M app/web.yaml', 'a Git change left for review');

    assert.equal(out.plan.base, 'working tree');
    assert.equal(out.plan.commitMessage, undefined);
    // Undo puts back the exact bytes; adopting again writes the same edit.
    const undone = await undoGitChange(out.undo!);
    assert.ok(undone.ok, undone.message);
    assert.equal(readFileSync(file, 'utf8'), original);
    assert.equal(gitIn(root, 'status', '--porcelain'), '');
    const again = await adoptLiveValue(root, 'adopt', `apps/Deployment/${ns}/web`, 'spec.replicas', client);
    assert.ok(again.ok, again.ok ? '' : again.reason);
    assert.equal(readFileSync(file, 'utf8'), edited);

    // A value in the second document of the same file, to be committed: refused while the file
    // has uncommitted edits (they would be mixed into the generated commit), nothing written.
    await client.raw('PATCH', `/api/v1/namespaces/${ns}/configmaps/web-cfg`, { data: { mode: 'green' } }, 'application/merge-patch+json');
    const mixed = await adoptLiveValue(root, 'adopt', `/ConfigMap/${ns}/web-cfg`, 'data.mode', client, { commit: true });
    assert.equal(mixed.ok, false);
    assert.match(mixed.ok ? '' : mixed.reason, /uncommitted changes in files this change writes: app\/web\.yaml/);
    assert.equal(readFileSync(file, 'utf8'), edited);
    gitIn(root, 'commit', '-qam', 'replicas 4');
    const out2 = await adoptLiveValue(root, 'adopt', `/ConfigMap/${ns}/web-cfg`, 'data.mode', client, { commit: true });
    assert.ok(out2.ok, out2.ok ? '' : out2.reason);
    assert.equal(readFileSync(file, 'utf8'), edited.replace('mode: "blue"  # deployment colour', 'mode: green  # deployment colour'));
    assert.equal(gitIn(root, 'log', '-1', '--format=%s').trim(), 'Adopt live data.mode of ConfigMap web-cfg');
    assert.deepEqual(gitIn(root, 'show', '--name-only', '--format=', 'HEAD').trim().split('\n'), ['app/web.yaml']);
    assert.equal(gitIn(root, 'status', '--porcelain'), '');
  });

  test('refused with a reason for values produced by a kustomize patch and for Helm templates', async () => {
    const ns = uniq('adoptk');
    await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const root = makeRepo({
      'gitops-lens.yaml': appConfig('kapp', 'app', ns),
      'app/kustomization.yaml': 'resources:\n  - web.yaml\npatches:\n  - path: replicas.yaml\n',
      'app/web.yaml': deployment('web', 2),
      'app/replicas.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n',
    });
    repos.push(root);
    const r = await executeSync(await planSync(await loadDesired(root, 'kapp'), client), client, { journal: false, lockDir: stateDirFor() });
    assert.equal(r.outcome, 'succeeded', r.message);
    await scale(ns, 'web', 6);
    const before = readFileSync(join(root, 'app/web.yaml'), 'utf8');
    const out = await adoptLiveValue(root, 'kapp', `apps/Deployment/${ns}/web`, 'spec.replicas', client);
    assert.equal(out.ok, false);
    assert.match(out.ok ? '' : out.reason, /spec\.replicas in .*web\.yaml is changed by a kustomize patch or transformer/);
    assert.equal(readFileSync(join(root, 'app/web.yaml'), 'utf8'), before);

    const helmObj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } };
    const refused = await adoptValue(root, { object: helmObj, id: resourceIdOf(helmObj), origin: { file: join(root, 'chart/templates/cm.yaml'), docIndex: 0, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, via: 'helm-source' } }, parseJsonPath('data.a'), 'c');
    assert.equal(refused.ok, false);
    assert.match(refused.ok ? '' : refused.reason, /comes from a Helm template .*change the chart's values instead/);
  });

  test("refuses to write a Secret's data or stringData into Git; the file stays as it was", async () => {
    const ns = uniq('adopts');
    await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const text = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  labels: {tier: db}\ntype: Opaque\nstringData:\n  password: from-git\ndata:\n  user: Z2l0\n';
    const root = makeRepo({ 'gitops-lens.yaml': appConfig('sec', 'app', ns), 'app/secret.yaml': text });
    repos.push(root);
    const r = await executeSync(await planSync(await loadDesired(root, 'sec'), client), client, { journal: false, lockDir: stateDirFor() });
    assert.equal(r.outcome, 'succeeded', r.message);
    // Changed in the cluster by hand: the live values differ from Git.
    await client.raw('PATCH', `/api/v1/namespaces/${ns}/secrets/db`, { data: { password: Buffer.from('live-secret-Qm7').toString('base64'), user: Buffer.from('live-user').toString('base64') }, metadata: { labels: { tier: 'cache' } } }, 'application/merge-patch+json');
    for (const path of ['data.password', 'data.user', 'stringData.password', 'data']) {
      const out = await adoptLiveValue(root, 'sec', `/Secret/${ns}/db`, path, client);
      assert.equal(out.ok, false, path);
      assert.equal(out.ok ? '' : out.reason, 'refusing to write Secret values into Git', path);
      assert.equal(readFileSync(join(root, 'app/secret.yaml'), 'utf8'), text, path);
    }
    // Other fields of a Secret are adopted as usual.
    const label = await adoptLiveValue(root, 'sec', `/Secret/${ns}/db`, 'metadata.labels.tier', client);
    assert.ok(label.ok, label.ok ? '' : label.reason);
    assert.equal(readFileSync(join(root, 'app/secret.yaml'), 'utf8'), text.replace('{tier: db}', '{tier: cache}'));
    assert.equal(gitIn(root, 'status', '--porcelain').trim(), 'M app/secret.yaml');
  });
});

describe('re-apply and roll back', () => {
  test('re-apply Git\'s version of one resource repairs only that resource', async () => {
    const ns = uniq('reapply');
    await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const root = makeRepo({ 'gitops-lens.yaml': appConfig('reapply', 'app', ns), 'app/a.yaml': configMap('a', { data: { v: 'git' } }), 'app/b.yaml': configMap('b', { data: { v: 'git' } }) });
    repos.push(root);
    const lockDir = stateDirFor();
    await executeSync(await planSync(await loadDesired(root, 'reapply'), client), client, { journal: false, lockDir });
    for (const n of ['a', 'b']) await client.raw('PATCH', `/api/v1/namespaces/${ns}/configmaps/${n}`, { data: { v: 'hand' } }, 'application/merge-patch+json');
    const journal = join(stateDirFor(), 'j.jsonl');
    const { plan, result } = await reapplyFromGit(root, 'reapply', client, { resources: [`/ConfigMap/${ns}/a`], journal, lockDir });
    assert.deepEqual(plan.tasks.map((t) => `${t.id.name}:${t.action}`), ['a:configure']);
    assert.deepEqual(plan.tasks[0].changes, ['data.v']);
    assert.equal(result.outcome, 'succeeded');
    const get = (n: string) => client.get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: ns, name: n });
    assert.deepEqual((await get('a'))!.data, { v: 'git' });
    assert.deepEqual((await get('b'))!.data, { v: 'hand' });
    assert.equal((await readJournal(journal)).entries[0].type, 'reapply');
  });

  test('roll back to an earlier revision syncs that commit and warns that the cluster differs from the branch head', async () => {
    const ns = uniq('rollback');
    await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const root = makeRepo({ 'gitops-lens.yaml': appConfig('rb', 'app', ns), 'app/a.yaml': configMap('a', { data: { v: '1' } }) });
    repos.push(root);
    const v1 = gitIn(root, 'rev-parse', 'HEAD').trim();
    writeFiles(root, { 'app/a.yaml': configMap('a', { data: { v: '2' } }), 'app/new.yaml': configMap('new') });
    commitAll(root, 'v2');
    const lockDir = stateDirFor();
    const journal = join(stateDirFor(), 'j.jsonl');
    await executeSync(await planSync(await loadDesired(root, 'rb'), client), client, { journal, lockDir });
    // The CLI's dry run: which of the app's files differ, the plan with its diff; nothing applied.
    const dry = await runCliCaptured(['revert', 'rb', '--to', 'HEAD~1', '--prune', '--dry-run', '--context', 'admin'], { cwd: root, env: { ...process.env, KUBECONFIG: (await sharedTestCluster()).kubeconfigPath, GITOPS_LENS_STATE_DIR: stateDirFor() } });
    assert.equal(dry.code, 0, dry.output);
    assert.match(dry.stdout, /files of \S+ that differ from HEAD at HEAD~1: app\/a\.yaml, app\/new\.yaml/);
    assert.match(dry.stdout, /^-\s+v: "2"$/m);
    assert.match(dry.stdout, /^\+\s+v: "1"$/m);
    assert.deepEqual((await client.get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: ns, name: 'a' }))!.data, { v: '2' }, 'the dry run applied nothing');
    const { plan, result, warning } = await rollbackToRevision(root, 'rb', 'HEAD~1', client, { journal, lockDir, prune: true });
    assert.equal(plan.revision.commit, v1);
    assert.match(warning, /the cluster will differ from the branch head/);
    assert.ok(result.warnings.includes(warning));
    assert.equal(result.outcome, 'succeeded', result.message);
    assert.deepEqual((await client.get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: ns, name: 'a' }))!.data, { v: '1' });
    assert.equal(await client.get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: ns, name: 'new' }), null);
    const entries = (await readJournal(journal)).entries;
    assert.deepEqual(entries.map((e) => e.type), ['rollback', 'sync']);
    assert.equal(entries[0].commit, v1);
  });
});
