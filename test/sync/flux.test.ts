// A Flux Kustomization app: staged order, Flux owner labels, controller refusal and reconcile request.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterClientFromFile, type ClusterClient } from '../../src/core/cluster';
import { executeSync, loadDesired, planSync, requestReconcile } from '../../src/core/sync';
import { FLUX_NAME_LABEL, FLUX_NAMESPACE_LABEL } from '../../src/core/diff/tracking';
import { sharedTestCluster } from '../support/cluster';
import { configMap, gitIn, makeRepo, removeRepo, stateDirFor, uniq } from './support';

let client: ClusterClient;
const repos: string[] = [];
before(async () => { client = clusterClientFromFile((await sharedTestCluster()).adminKubeconfig); });
after(() => { client?.close(); repos.forEach(removeRepo); });

const KS_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'kustomizations.kustomize.toolkit.fluxcd.io' },
  spec: {
    group: 'kustomize.toolkit.fluxcd.io', scope: 'Namespaced', names: { plural: 'kustomizations', singular: 'kustomization', kind: 'Kustomization', listKind: 'KustomizationList' },
    versions: [{ name: 'v1', served: true, storage: true, subresources: { status: {} }, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
  },
};

describe('Flux Kustomization app', () => {
  test('staged plan, refused while Flux reconciles it, reconcile requested by annotation, forced sync stamps Flux labels', async () => {
    const ns = uniq('flux');
    const name = uniq('web');
    const root = makeRepo({
      'clusters/admin/flux-system/sync.yaml': `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: repo, namespace: flux-system}
spec: {url: https://git.example.com/o/fleet.git, interval: 1m}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: ${name}, namespace: flux-system}
spec:
  interval: 10m
  path: ./apps/web
  prune: true
  targetNamespace: ${ns}
  sourceRef: {kind: GitRepository, name: repo}
`,
      'apps/web/cm.yaml': configMap('settings', { annotations: { 'argocd.argoproj.io/sync-wave': '-5' } }),
      'apps/web/role.yaml': `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: ${ns}-reader}\nrules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]\n`,
      'apps/web/ns.yaml': `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}\n`,
    });
    gitIn(root, 'remote', 'add', 'origin', 'https://git.example.com/o/fleet.git');
    repos.push(root);
    const desired = await loadDesired(root, name);
    assert.equal(desired.app.kind, 'flux-kustomization');
    const plan = await planSync(desired, client);
    assert.ok(!plan.problems.some((p) => p.severity === 'error'), JSON.stringify(plan.problems));
    // Flux staging: Namespace and ClusterRole first, then the rest; Argo waves mean nothing here.
    assert.deepEqual(plan.tasks.map((t) => `${t.wave}:${t.id.kind}`), ['0:Namespace', '0:ClusterRole', '2:ConfigMap']);
    assert.equal(plan.controller?.kind, 'flux');
    const lockDir = stateDirFor();
    const refused = await executeSync(plan, client, { journal: false, lockDir });
    assert.equal(refused.outcome, 'refused');
    assert.match(refused.message, /Flux reconciles .* Request a reconcile from Flux instead, or force the sync/);

    const missing = await requestReconcile(desired.app, client).catch((e: Error) => ({ ok: false, message: e.message }));
    if (!(await client.get({ group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', name: KS_CRD.metadata.name }))) {
      assert.equal(missing.ok, false);
      await client.apply(KS_CRD);
      for (let i = 0; i < 50 && !(await client.discover({ refresh: true })).resources.some((r) => r.kind === 'Kustomization' && r.group === 'kustomize.toolkit.fluxcd.io'); i++) await new Promise((r) => setTimeout(r, 100));
    }
    await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
    await client.apply({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name, namespace: 'flux-system' }, spec: { path: './apps/web', interval: '10m' } }, { fieldManager: 'flux-test' });
    const now = new Date('2026-01-02T03:04:05.000Z');
    const req = await requestReconcile(desired.app, client, { now });
    assert.ok(req.ok, req.message);
    const ks = await client.get({ group: 'kustomize.toolkit.fluxcd.io', version: 'v1', kind: 'Kustomization', namespace: 'flux-system', name });
    assert.equal(ks?.metadata?.annotations?.['reconcile.fluxcd.io/requestedAt'], now.toISOString());
    assert.deepEqual(ks?.spec, { path: './apps/web', interval: '10m' }, 'nothing else of the object changes');

    const forced = await executeSync(plan, client, { journal: false, lockDir, force: true });
    assert.equal(forced.outcome, 'succeeded', forced.message);
    const cm = await client.get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: ns, name: 'settings' });
    assert.equal(cm?.metadata?.labels?.[FLUX_NAME_LABEL], name);
    assert.equal(cm?.metadata?.labels?.[FLUX_NAMESPACE_LABEL], 'flux-system');
    await client.delete({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', name: `${ns}-reader` });
  });
});
