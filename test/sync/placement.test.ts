// One placement rule, checked against outside oracles on the real API server: where kubectl
// puts an object without a namespace (and its ApplySet parent), and where the API server puts
// a custom resource of a cluster-scoped CRD that the same app declares. Drift, plan and the
// revision diff must all name the objects where they really are.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { clusterClientFromFile, LiveCache, type ClusterClient } from '../../src/core/cluster';
import { DriftEngine } from '../../src/core/diff';
import { resourceKey } from '../../src/core/manifest';
import { executeSync, loadDesired, planSync, revisionDiff } from '../../src/core/sync';
import { sharedTestCluster } from '../support/cluster';
import { commitAll, configMap, makeRepo, removeRepo, stateDirFor, uniq, writeFiles } from './support';
import { tempDir } from '../support/temp';

let admin: ClusterClient;
let adminKubeconfig: string;
const cleanups: (() => Promise<void> | void)[] = [];
before(async () => {
  const c = await sharedTestCluster();
  adminKubeconfig = c.adminKubeconfig;
  admin = clusterClientFromFile(c.adminKubeconfig);
});
after(async () => {
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
  admin?.close();
});

/** A copy of the admin kubeconfig whose context has a namespace (the user's file is never touched). */
function kubeconfigWithNamespace(namespace: string): string {
  const kc = new KubeConfig();
  kc.loadFromFile(adminKubeconfig);
  const dir = tempDir('gitops-lens-placement-kc-');
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const ctx = kc.getCurrentContext();
  kc.loadFromOptions({ clusters: kc.clusters, users: kc.users, contexts: kc.contexts.map((c) => (c.name === ctx ? { ...c, namespace } : c)), currentContext: ctx });
  const file = join(dir, 'config');
  writeFileSync(file, kc.exportConfig());
  return file;
}

describe('placement agrees with kubectl and the API server', () => {
  test('an app without a destination namespace: drift, plan, revision diff and the ApplySet parent use the context namespace, where kubectl puts them', async () => {
    const ns = uniq('ctxns');
    await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    cleanups.push(() => admin.delete({ group: '', version: 'v1', kind: 'Namespace', name: ns }));
    const kubeconfig = kubeconfigWithNamespace(ns);
    const name = uniq('ctxapp');
    const root = makeRepo({ 'gitops-lens.yaml': `apps:\n  - name: ${name}\n    path: app\n    context: admin\n`, 'app/cm.yaml': configMap('placed') });
    cleanups.push(() => removeRepo(root));

    // The oracles: kubectl with that context namespace and no -n puts the member there; kubectl's
    // ApplySet (which insists on an explicit -n) puts its parent with the members.
    execFileSync('kubectl', ['--kubeconfig', kubeconfig, 'apply', '--server-side', '-f', join(root, 'app')], { stdio: 'pipe' });
    const member = await admin.get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: ns, name: 'placed' });
    assert.ok(member, 'kubectl put the member in the context namespace');
    execFileSync('kubectl', ['--kubeconfig', kubeconfig, 'apply', '--server-side', '--prune', `--applyset=secrets/gitops-lens-${name}`, '-n', ns, '-f', join(root, 'app')], { env: { ...process.env, KUBECTL_APPLYSET: 'true' }, stdio: 'pipe' });
    const parent = await admin.get({ group: '', version: 'v1', kind: 'Secret', namespace: ns, name: `gitops-lens-${name}` });
    assert.ok(parent, 'kubectl put the ApplySet parent with its members');
    const liveKey = resourceKey({ group: '', kind: 'ConfigMap', namespace: ns, name: 'placed' });

    const desired = await loadDesired(root, name, { kubeconfig: [kubeconfig] });
    assert.equal(desired.contextNamespace, ns);
    const client = clusterClientFromFile(kubeconfig);
    cleanups.push(() => client.close());
    const plan = await planSync(desired, client);
    assert.deepEqual(plan.tasks.map((t) => t.key), [liveKey]);
    assert.equal(plan.tasks[0].live?.metadata?.uid, member.metadata?.uid);
    assert.equal(plan.applySet?.parent.metadata?.namespace, ns, 'the ApplySet parent is where kubectl put it (it used to fall back to `default`)');
    assert.equal(plan.applySet?.parent.metadata?.labels?.['applyset.kubernetes.io/id'], parent.metadata?.labels?.['applyset.kubernetes.io/id']);

    const cache = new LiveCache(client);
    cleanups.push(() => cache.close());
    const drift = await new DriftEngine({ client, cache }).diffApp(desired.app, desired.render);
    assert.deepEqual(drift.resources.map((r) => [r.key, r.status === 'Missing']), [[liveKey, false]]);

    writeFiles(root, { 'app/cm.yaml': configMap('placed', { data: { key: 'changed' } }) });
    commitAll(root, 'change');
    const rev = await revisionDiff(root, name, 'HEAD~1', 'HEAD', { kubeconfig: [kubeconfig] });
    assert.deepEqual(rev.resources.map((r) => [r.key, r.status]), [[liveKey, 'changed']], 'the revision diff names the same key (it used to leave the namespace empty)');
  });

  test('a custom resource of a cluster-scoped CRD the app declares: no namespace in drift, plan, and on the API server', async () => {
    const ns = uniq('crdscope');
    await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    cleanups.push(() => admin.delete({ group: '', version: 'v1', kind: 'Namespace', name: ns }));
    const group = `${uniq('g')}.example.com`;
    const crd = `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: gadgets.${group}\nspec:\n  group: ${group}\n  scope: Cluster\n  names: {plural: gadgets, singular: gadget, kind: Gadget, listKind: GadgetList}\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          x-kubernetes-preserve-unknown-fields: true\n`;
    const gadgetName = uniq('gadget');
    const root = makeRepo({
      'gitops-lens.yaml': `apps:\n  - name: crdscope\n    path: app\n    namespace: ${ns}\n`,
      'app/crd.yaml': crd,
      'app/gadget.yaml': `apiVersion: ${group}/v1\nkind: Gadget\nmetadata:\n  name: ${gadgetName}\nspec:\n  size: 1\n`,
    });
    cleanups.push(() => removeRepo(root));
    cleanups.push(() => admin.delete({ group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', name: `gadgets.${group}` }));
    const gadgetKey = `${group}/Gadget//${gadgetName}`;

    // Before the CRD exists only the render knows the kind's scope.
    const desired = await loadDesired(root, 'crdscope');
    const cache = new LiveCache(admin);
    cleanups.push(() => cache.close());
    const engine = new DriftEngine({ client: admin, cache });
    const before = await engine.diffApp(desired.app, desired.render);
    assert.deepEqual(before.resources.filter((r) => r.id.kind === 'Gadget').map((r) => [r.key, r.status]), [[gadgetKey, 'Missing']], 'drift used to give it the destination namespace');
    const plan = await planSync(desired, admin);
    assert.ok(plan.ok, JSON.stringify(plan.problems));
    assert.equal(plan.tasks.find((t) => t.id.kind === 'Gadget')?.key, gadgetKey);

    const result = await executeSync(plan, admin, { journal: false, waveTimeoutMs: 10 * 60_000, lockDir: stateDirFor() });
    assert.equal(result.outcome, 'succeeded', result.message);
    const live = await admin.get({ group, version: 'v1', kind: 'Gadget', name: gadgetName });
    assert.ok(live, 'the API server has the Gadget');
    assert.equal(live.metadata?.namespace, undefined, 'the API server agrees: cluster-scoped');
    const after = await engine.diffApp(desired.app, desired.render);
    assert.deepEqual(after.resources.filter((r) => r.id.kind === 'Gadget').map((r) => [r.key, r.status]), [[gadgetKey, 'Synced']]);
    await admin.delete({ group, version: 'v1', kind: 'Gadget', name: gadgetName }).catch(() => undefined);
  });
});
