// Plan ordering and tracking rules, no cluster needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareTasks, fluxStage, hoistDependencies, hookOf, kindRank, placeOf, waveOf } from '../../src/core/sync/order';
import { applySetId, argoTrackingId, groupKindsAnnotation, isTrackedBy, stampTracking } from '../../src/core/diff/tracking';
import { compareResource, unifiedDiff } from '../../src/core/diff';
import { normalizedView, toYaml } from '../../src/core/diff';
import type { GitOpsApp } from '../../src/core/apps/types';
import type { KubeObject, ResourceId } from '../../src/core/manifest';

const id = (kind: string, name: string, group = '', namespace?: string): ResourceId => ({ group, version: 'v1', kind, name, namespace });

test('phase, then wave, then Helm kind order, then name; custom resources last', () => {
  const tasks = [
    { id: id('Deployment', 'web', 'apps', 'x'), phase: 'Sync' as const, wave: 0 },
    { id: id('Widget', 'w', 'example.com', 'x'), phase: 'Sync' as const, wave: 0 },
    { id: id('ConfigMap', 'b', '', 'x'), phase: 'Sync' as const, wave: 0 },
    { id: id('ConfigMap', 'a', '', 'x'), phase: 'Sync' as const, wave: 0 },
    { id: id('Job', 'migrate', 'batch', 'x'), phase: 'PreSync' as const, wave: 5 },
    { id: id('Namespace', 'x'), phase: 'Sync' as const, wave: 0 },
    { id: id('Service', 's', '', 'x'), phase: 'Sync' as const, wave: -1 },
    { id: id('Job', 'smoke', 'batch', 'x'), phase: 'PostSync' as const, wave: -10 },
  ].sort(compareTasks);
  assert.deepEqual(tasks.map((t) => t.id.name), ['migrate', 's', 'x', 'a', 'b', 'web', 'w', 'smoke']);
  assert.ok(kindRank(id('Namespace', 'n')) < kindRank(id('CustomResourceDefinition', 'c', 'apiextensions.k8s.io')));
  assert.equal(kindRank(id('Deployment', 'd', 'example.com')), kindRank(id('Widget', 'w', 'example.com')), 'a Deployment of another group is a custom resource');
});

test('hooks and waves from annotations; Skip and unsupported hooks are skipped; bad waves reported', () => {
  const o = (ann: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: ann } });
  assert.deepEqual(hookOf(o({ 'argocd.argoproj.io/hook': 'PreSync' })), { phase: 'PreSync' });
  assert.ok(hookOf(o({ 'argocd.argoproj.io/hook': 'Skip' })).skip);
  assert.ok(hookOf(o({ 'argocd.argoproj.io/hook': 'SyncFail' })).skip);
  assert.deepEqual(waveOf(o({ 'argocd.argoproj.io/sync-wave': '-2' })), { wave: -2 });
  assert.equal(waveOf(o({ 'argocd.argoproj.io/sync-wave': 'soon' })).wave, 0);
  assert.ok(waveOf(o({ 'argocd.argoproj.io/sync-wave': 'soon' })).problem);
  // Flux apps ignore Argo annotations and stage: definitions, classes, the rest, webhooks.
  assert.equal(placeOf('flux-kustomization', o({ 'argocd.argoproj.io/sync-wave': '9' }), id('ConfigMap', 'c')).wave, 2);
  assert.deepEqual(['CustomResourceDefinition', 'Namespace', 'ClusterRole', 'StorageClass', 'Deployment', 'ValidatingWebhookConfiguration'].map((k) => fluxStage({ group: k === 'CustomResourceDefinition' ? 'apiextensions.k8s.io' : k === 'ClusterRole' ? 'rbac.authorization.k8s.io' : k === 'StorageClass' ? 'storage.k8s.io' : k === 'Deployment' ? 'apps' : k.endsWith('Configuration') ? 'admissionregistration.k8s.io' : '', kind: k })), [0, 0, 0, 1, 2, 3]);
});

test('a Namespace or CRD moves to the wave of the first resource that needs it', () => {
  const crd: KubeObject = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' }, spec: { group: 'example.com', names: { kind: 'Widget' } } };
  const tasks = [
    { id: id('Namespace', 'shop'), phase: 'Sync' as const, wave: 3, desired: { apiVersion: 'v1', kind: 'Namespace' } as KubeObject },
    { id: id('CustomResourceDefinition', 'widgets.example.com', 'apiextensions.k8s.io'), phase: 'Sync' as const, wave: 2, desired: crd },
    { id: id('Widget', 'w', 'example.com', 'shop'), phase: 'Sync' as const, wave: -1 },
    { id: id('ConfigMap', 'c', '', 'shop'), phase: 'PreSync' as const, wave: 0 },
  ];
  hoistDependencies(tasks);
  assert.deepEqual(tasks.map((t) => `${t.phase}:${t.wave}`), ['PreSync:0', 'Sync:-1', 'Sync:-1', 'PreSync:0']);
  assert.match((tasks[1] as { waveNote?: string }).waveNote!, /moved from wave 2 to wave -1: Widget shop\/w needs it/);
});

test('tracking marks: Argo tracking-id, Flux labels, ApplySet part-of; copies and owned objects are not tracked', () => {
  const base = { id: 'x', name: 'web', kind: 'argo-application', sources: [], destination: { resolution: 'server' }, automated: false, selfHeal: false, autoPrune: false, syncOptions: [], ignoreDifferences: [], problems: [] } as unknown as GitOpsApp;
  const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n', labels: { keep: 'me' } } };
  const cid = id('ConfigMap', 'c', '', 'n');
  const argo = stampTracking({ ...base, tracking: 'argocd-annotation' }, cm, cid);
  assert.equal(argo.metadata?.annotations?.['argocd.argoproj.io/tracking-id'], 'web:/ConfigMap:n/c');
  assert.equal(argo.metadata?.labels?.keep, 'me');
  assert.equal(argoTrackingId('web', id('Namespace', 'n')), 'web:/Namespace:/n');
  assert.ok(isTrackedBy({ ...base, tracking: 'argocd-annotation' }, argo, cid));
  assert.ok(!isTrackedBy({ ...base, tracking: 'argocd-annotation' }, argo, id('ConfigMap', 'copy', '', 'n')), 'a copied annotation does not make a member');
  const flux = stampTracking({ ...base, kind: 'flux-kustomization', namespace: 'flux-system', tracking: 'flux-labels' }, cm, cid);
  assert.deepEqual(flux.metadata?.labels, { keep: 'me', 'kustomize.toolkit.fluxcd.io/name': 'web', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' });
  const owned = { ...flux, metadata: { ...flux.metadata, ownerReferences: [{ kind: 'X' }] } };
  assert.ok(!isTrackedBy({ ...base, kind: 'flux-kustomization', namespace: 'flux-system', tracking: 'flux-labels' }, owned, cid));
  assert.match(applySetId({ name: 'set', namespace: 'ns', kind: 'Secret', group: '' }), /^applyset-[A-Za-z0-9_-]{43}-v1$/);
  assert.equal(groupKindsAnnotation([id('Service', 's'), id('Deployment', 'd', 'apps'), id('Service', 't')]), 'Deployment.apps,Service');
});

test('normalized comparison masks Secret values and ignores server bookkeeping', () => {
  const live: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', resourceVersion: '5', uid: 'u', managedFields: [] }, data: { p: Buffer.from('old').toString('base64') } };
  const desired: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { p: 'new' } };
  const res = compareResource({ id: id('Secret', 's'), desired, live, fieldManager: 'gitops-lens', ignores: [] });
  assert.deepEqual(res.changes.map((c) => c.path), ['data.p']);
  const leaks = (text: string) => ['old', 'new', Buffer.from('old').toString('base64'), Buffer.from('new').toString('base64')].some((v) => text.includes(v));
  const diff = unifiedDiff(res.pair, { oldLabel: 'live', newLabel: 'desired' });
  assert.match(diff, /^--- live\n\+\+\+ desired\n@@ /);
  assert.ok(!leaks(diff));
  // The plan preview documents (editor) mask too, and drop server bookkeeping.
  const doc = toYaml(normalizedView(live)) + toYaml(normalizedView(desired));
  assert.ok(!leaks(doc) && !doc.includes('resourceVersion') && !doc.includes('uid'));
  assert.equal(normalizedView(null), undefined);
});
