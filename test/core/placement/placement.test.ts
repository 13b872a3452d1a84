// One placement rule (core/placement). Where the old copies disagreed, the rule that won is
// checked against an outside oracle where one runs here (kustomize's namespace transformer);
// the cluster-side cases (discovery, kubectl's context namespace, the API server) are in
// test/sync/placement.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { GitOpsApp } from '../../../src/core/apps';
import type { Discovery } from '../../../src/core/cluster';
import { kindScope, placeResource, prepareDesired } from '../../../src/core/placement';
import { resourceIdOf, type KubeObject } from '../../../src/core/manifest';
import type { RenderedResource } from '../../../src/core/render';
import { toolPath } from '../../support/tools';
import { tempDir } from '../../support/temp';

function app(over: Partial<GitOpsApp>): GitOpsApp {
  return {
    id: 'a', name: 'web', kind: 'argo-application', tracking: 'argocd-annotation', sources: [], destination: { resolution: 'server' },
    automated: false, selfHeal: false, autoPrune: false, syncOptions: [], ignoreDifferences: [], problems: [], ...over,
  } as GitOpsApp;
}
const cm = (ns?: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', ...(ns ? { namespace: ns } : {}) } });
const rendered = (o: KubeObject): RenderedResource => ({ object: o, id: resourceIdOf(o) });

test('Argo CD: destination.namespace fills only empty namespaces; cluster-scoped kinds lose theirs', () => {
  const argo = app({ destination: { resolution: 'server', namespace: 'shop' } });
  assert.equal(placeResource(resourceIdOf(cm()), argo, {}).id.namespace, 'shop');
  assert.equal(placeResource(resourceIdOf(cm('other')), argo, {}).id.namespace, 'other');
  const role = resourceIdOf({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r', namespace: 'shop' } });
  const placed = placeResource(role, argo, {});
  assert.equal(placed.id.namespace, undefined);
  assert.equal(placed.key, 'rbac.authorization.k8s.io/ClusterRole//r');
});

test('no destination namespace: the context namespace, else `default` (kubectl\'s rule)', () => {
  const plain = app({ kind: 'directory', tracking: 'applyset' });
  assert.equal(placeResource(resourceIdOf(cm()), plain, { contextNamespace: 'team-a' }).id.namespace, 'team-a');
  assert.equal(placeResource(resourceIdOf(cm()), plain, {}).id.namespace, 'default');
  // The ApplySet parent lives where its members default to (it used to fall back to `default`).
  const prepared = prepareDesired({ resources: [rendered(cm())] }, plain, { contextNamespace: 'team-a' });
  assert.equal(prepared.applySet?.namespace, 'team-a');
  assert.equal(prepared.resources[0].object.metadata?.namespace, 'team-a');
  assert.equal(prepared.resources[0].object.metadata?.labels?.['applyset.kubernetes.io/part-of'], prepared.applySet?.id);
});

test('Flux Kustomization targetNamespace overrides every namespaced object, as kustomize\'s namespace transformer does', async () => {
  // The oracle: real kustomize with `namespace:` set, which is how kustomize-controller applies targetNamespace.
  const dir = tempDir('gitops-lens-placement-');
  try {
    writeFileSync(join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: other\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\n');
    writeFileSync(join(dir, 'kustomization.yaml'), 'namespace: tgt\nresources:\n- cm.yaml\n');
    const out = execFileSync(await toolPath('kustomize'), ['build', dir], { encoding: 'utf8' });
    const byName = new Map(out.split(/^---$/m).map((d) => parseYaml(d) as KubeObject).map((o) => [o.metadata?.name, o.metadata?.namespace]));
    const flux = app({ kind: 'flux-kustomization', tracking: 'flux-labels', destination: { resolution: 'unresolved', namespace: 'tgt' }, flux: { prune: true, suspend: false, targetNamespace: 'tgt', dependsOn: [], substitute: {}, missingSubstituteFrom: [] } });
    const written: KubeObject[] = [cm('other'), { ...cm(), metadata: { name: 'd' } }, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r' } }];
    for (const o of written) assert.equal(placeResource(resourceIdOf(o), flux, { contextNamespace: 'ctx' }).id.namespace, byName.get(o.metadata?.name), o.metadata?.name);
    assert.equal(byName.get('c'), 'tgt', 'kustomize replaced the written namespace');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('is it namespaced: discovery, then a CRD in the render, then the built-in table, else unknown and looked up both ways', () => {
  const discovery: Discovery = { problems: [], fetchedAt: 0, resources: [{ group: 'example.com', version: 'v1', kind: 'Widget', plural: 'widgets', namespaced: false, verbs: ['get'], preferred: true, subresources: [] }] };
  const crds = new Map([['example.com/Widget', true], ['example.com/Gadget', false]]);
  assert.deepEqual(kindScope('example.com', 'Widget', discovery, crds), { namespaced: false, source: 'discovery', served: true });
  assert.deepEqual(kindScope('example.com', 'Gadget', discovery, crds), { namespaced: false, source: 'rendered-crd', served: false });
  assert.deepEqual(kindScope('apps', 'Deployment', discovery, crds), { namespaced: true, source: 'built-in', served: false });
  const unknown = kindScope('example.com', 'Thing', discovery, crds);
  assert.equal(unknown.source, 'unknown');
  const thing = placeResource({ group: 'example.com', version: 'v1', kind: 'Thing', name: 't' }, app({ destination: { resolution: 'server', namespace: 'shop' } }), { discovery, renderedCrds: crds });
  assert.equal(thing.id.namespace, 'shop', 'unknown kinds are placed as namespaced (Argo CD: IsNamespacedOrUnknown)');
  assert.deepEqual(thing.keys, ['example.com/Thing/shop/t', 'example.com/Thing//t']);
  // A CRD declared in the render decides the scope of its own kind.
  const prepared = prepareDesired({ resources: [rendered({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'gadgets.example.com' }, spec: { group: 'example.com', scope: 'Cluster', names: { kind: 'Gadget' } } }), rendered({ apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g', namespace: 'x' } })] }, app({ destination: { resolution: 'server', namespace: 'shop' } }), {});
  assert.equal(prepared.resources[1].key, 'example.com/Gadget//g');
  assert.equal(prepared.resources[1].object.metadata?.namespace, undefined);
});
