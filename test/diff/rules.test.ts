// Pure parts of the drift engine: normalization, quantities, masking, list pairing, ignore
// rules (Argo jsonPointers / jqPathExpressions / managedFieldsManagers, Flux paths), jq subset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  APPLYSET_PART_OF, ARGO_TRACKING_ID, applySetId, applySetParentOf, compareResource, compileIgnores, compileJqPaths, diffLines, diffValues, isTrackedBy,
  maskSecret, mergeOver, normalizeObject, pairLists, parseJsonPointer, parseQuantity, stampTracking, trackerFor, trackingSelector, unifiedDiff,
} from '../../src/core/diff';
import { remapPath } from '../../src/core/diff/compare';
import type { KubeObject } from '../../src/core/manifest';
import type { GitOpsApp, IgnoreDifference } from '../../src/core/apps';

const dep = (containers: unknown[], extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'n', uid: 'u', resourceVersion: '5', generation: 3, creationTimestamp: 'x', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
  spec: { replicas: 1, template: { spec: { containers } } }, status: { replicas: 1 }, ...extra,
});

test('normalize: server metadata, status and last-applied dropped; stringData folded; Service protocol defaulted', () => {
  const n = normalizeObject(dep([]));
  assert.deepEqual(n.metadata, { name: 'd', namespace: 'n' });
  assert.equal(n.status, undefined);
  const s = normalizeObject({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { a: 'hello' }, data: { b: 'eA==' } });
  assert.deepEqual(s.data, { a: Buffer.from('hello').toString('base64'), b: 'eA==' });
  assert.equal(s.stringData, undefined);
  const svc = normalizeObject({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } });
  assert.deepEqual((svc.spec as { ports: unknown[] }).ports, [{ port: 80, protocol: 'TCP' }]);
});

test('quantities compare by value in resource fields only', () => {
  assert.equal(parseQuantity('1000m'), 1);
  assert.equal(parseQuantity('1Gi'), 2 ** 30);
  assert.equal(parseQuantity('1e3'), 1000);
  const a = { resources: { requests: { cpu: '1000m', memory: '1024Mi' } }, env: '1000m' };
  const b = { resources: { requests: { cpu: '1', memory: '1Gi' } }, env: '1' };
  assert.deepEqual(diffValues(a, b).map((c) => c.path.join('.')), ['env']);
});

test('lists of objects pair by merge key: an inserted container is one change, not a cascade', () => {
  const desired = [{ name: 'a', image: 'x' }, { name: 'new', image: 'n' }, { name: 'b', image: 'y' }];
  const live = [{ name: 'a', image: 'x' }, { name: 'b', image: 'y2' }];
  assert.deepEqual(diffValues(desired, live), [
    { path: [1], desired: { name: 'new', image: 'n' }, live: undefined },
    { path: [2, 'image'], desired: 'y', live: 'y2' },
  ]);
});

test('one duplicate-key rule: a list with a repeated merge key pairs by index everywhere (diff, source path, merged view)', () => {
  // Two containers named `a`: which is which cannot come from the key, so every caller pairs by position.
  const desired = { containers: [{ name: 'a', image: 'one' }, { name: 'a', image: 'two' }] };
  const live = { containers: [{ name: 'a', image: 'two' }, { name: 'a', image: 'one' }] };
  assert.deepEqual(diffValues(desired, live).map((c) => c.path), [['containers', 0, 'image'], ['containers', 1, 'image']]);
  assert.deepEqual(remapPath(desired, live, ['containers', 1, 'image']), ['containers', 1, 'image'], 'the source path stays at the same index (it used to jump to the first `a`)');
  assert.deepEqual(mergeOver([{ name: 'a', x: 1 }, { name: 'a', x: 2 }], [{ name: 'a', y: 1 }]), [{ name: 'a', y: 1 }], 'an unkeyable list is replaced, not merged into the last `a`');
  // With unique keys the same callers pair by key.
  assert.deepEqual(remapPath({ c: [{ name: 'a' }, { name: 'b' }] }, { c: [{ name: 'b' }, { name: 'a' }] }, ['c', 1]), ['c', 0]);
  assert.deepEqual(mergeOver([{ name: 'a', x: 1 }, { name: 'b', x: 2 }], [{ name: 'b', y: 1 }]), [{ name: 'b', x: 2, y: 1 }, { name: 'a', x: 1 }]);
  assert.deepEqual(pairLists([{ name: 'a' }, { name: 'b' }], [{ name: 'b' }, { name: 'c' }]), { partner: [-1, 0], unpaired: [1] });
  assert.equal(pairLists([{ name: 'a' }, { name: 'a' }], [{ name: 'a' }]), undefined);
});

test('Secret values masked, the same value gives the same mask within a run', () => {
  const m = maskSecret({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'c2VjcmV0', b: 'c2VjcmV0' } });
  const d = m.data as Record<string, string>;
  assert.match(d.a, /^<secret sha256:[0-9a-f]{12}>$/);
  assert.equal(d.a, d.b);
  assert.ok(!JSON.stringify(m).includes('c2VjcmV0'));
  // Masking twice keeps masks comparable.
  assert.deepEqual(maskSecret(m).data, m.data);
});

test('jq subset: paths, iteration, select with ==, and/or, test()', () => {
  const obj = { spec: { containers: [{ name: 'app', image: 'a', env: [{ name: 'X' }] }, { name: 'sidecar', image: 'istio/proxy' }] }, metadata: { annotations: { 'a/b': '1' } } };
  assert.deepEqual(compileJqPaths('.spec.containers[] | select(.name == "sidecar") | .image')(obj), [['spec', 'containers', 1, 'image']]);
  assert.deepEqual(compileJqPaths('.spec.containers[]?.env')(obj), [['spec', 'containers', 0, 'env']]);
  assert.deepEqual(compileJqPaths('.metadata.annotations."a/b"')(obj), [['metadata', 'annotations', 'a/b']]);
  assert.deepEqual(compileJqPaths('.metadata.annotations["a/b"]')(obj), [['metadata', 'annotations', 'a/b']]);
  assert.deepEqual(compileJqPaths('.spec.containers[] | select(.name == "app" or (.image | test("^istio")))')(obj), [['spec', 'containers', 0], ['spec', 'containers', 1]]);
  assert.deepEqual(compileJqPaths('.spec.containers[] | select(.name != "app" and (.image | startswith("istio")))')(obj), [['spec', 'containers', 1]]);
  assert.deepEqual(compileJqPaths('.spec.containers[1]')(obj), [['spec', 'containers', 1]]);
  assert.deepEqual(compileJqPaths('.nope.deeper')(obj), []);
  assert.throws(() => compileJqPaths('.a | map(.b)'), /unsupported jq/);
});

test('Argo ignoreDifferences: group/kind/name matching, ~1 pointers, jq, managedFieldsManagers; bad jq reported', () => {
  const rules: IgnoreDifference[] = [
    { group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas', '/metadata/annotations/team~1owner'], jqPathExpressions: ['.spec.template.spec.containers[] | select(.name == "sidecar") | .image'], managedFieldsManagers: [] },
    { kind: 'Deployment', jsonPointers: ['/spec/paused'], jqPathExpressions: [], managedFieldsManagers: [] }, // no group: only core kinds, as in Argo CD
    { group: 'apps', kind: 'Deployment', name: 'other', jsonPointers: ['/spec/template'], jqPathExpressions: ['.a | map(.b)'], managedFieldsManagers: [] },
  ];
  const { rules: compiled, problems } = compileIgnores(rules);
  assert.equal(problems.length, 1);
  assert.match(problems[0].message, /map/);
  const live: KubeObject = {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'n', annotations: { 'team/owner': 'z' }, managedFields: [] },
    spec: { replicas: 7, paused: true, template: { spec: { containers: [{ name: 'main', image: 'm2' }, { name: 'sidecar', image: 's2' }] } } },
  };
  const desired: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'n', annotations: { 'team/owner': 'a' } }, spec: { replicas: 1, paused: false, template: { spec: { containers: [{ name: 'main', image: 'm' }, { name: 'sidecar', image: 's' }] } } } };
  const res = compareResource({ id: { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'n', name: 'd' }, desired, live, fieldManager: 'gitops-lens', ignores: compiled });
  assert.deepEqual(res.changes.map((c) => c.path), ['spec.paused', 'spec.template.spec.containers[0].image']);
});

test('managedFieldsManagers: fields owned by the named manager are not drift', () => {
  const { rules } = compileIgnores([{ group: 'apps', kind: 'Deployment', jsonPointers: [], jqPathExpressions: [], managedFieldsManagers: ['hpa-controller'] }]);
  const live: KubeObject = {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'd', managedFields: [{ manager: 'hpa-controller', operation: 'Update', time: '2024-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }] },
    spec: { replicas: 9, minReadySeconds: 5 },
  };
  const desired: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 2, minReadySeconds: 1 } };
  const res = compareResource({ id: { group: 'apps', version: 'v1', kind: 'Deployment', name: 'd' }, desired, live, fieldManager: 'gitops-lens', ignores: rules });
  assert.deepEqual(res.changes.map((c) => c.path), ['spec.minReadySeconds']);
});

test('Flux-style ignore rules: JSON pointers with a target selector (kind, name regex, labels)', () => {
  const { rules } = compileIgnores([], [{ paths: ['/spec/replicas'], target: { kind: 'Deployment', name: 'web-.*', labelSelector: 'tier=front' } }]);
  const mk = (name: string, labels: Record<string, string>, replicas: number): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, labels }, spec: { replicas } });
  const cmp = (name: string, labels: Record<string, string>) => compareResource({ id: { group: 'apps', version: 'v1', kind: 'Deployment', name }, desired: mk(name, labels, 1), live: mk(name, labels, 3), fieldManager: 'gitops-lens', ignores: rules }).changes.length;
  assert.equal(cmp('web-1', { tier: 'front' }), 0);
  assert.equal(cmp('web-1', { tier: 'back' }), 1);
  assert.equal(cmp('api', { tier: 'front' }), 1);
  assert.deepEqual(parseJsonPointer('/a~1b/c~0d/0'), ['a/b', 'c~d', '0']);
});

test('server-side compare: only fields our manager owns; webhook/default fields are not drift; owner and time reported', () => {
  const predicted: KubeObject = {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name: 'c', managedFields: [
      { manager: 'gitops-lens', operation: 'Apply', time: '2024-01-02T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } },
      { manager: 'webhook', operation: 'Update', time: '2024-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:injected': {} } } },
    ] },
    data: { a: '1', injected: 'yes' },
  };
  const live: KubeObject = {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name: 'c', managedFields: [{ manager: 'editor', operation: 'Update', time: '2024-02-03T04:05:06Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } }] },
    data: { a: '2', injected: 'other' },
  };
  const desired: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } };
  const res = compareResource({ id: { group: '', version: 'v1', kind: 'ConfigMap', name: 'c' }, desired, live, predicted, fieldManager: 'gitops-lens', ignores: [] });
  assert.equal(res.fellBackToTwoWay, false);
  assert.deepEqual(res.changes.map((c) => [c.path, c.desired, c.live, c.manager, c.time]), [['data.a', '1', '2', 'editor', '2024-02-03T04:05:06Z']]);
  const text = unifiedDiff(res.pair);
  assert.match(text, /^-  a: "2"$/m);
  assert.match(text, /^\+  a: "1"$/m);
  assert.ok(!/injected/.test(text.split('\n').filter((l) => l.startsWith('+') || l.startsWith('-')).join('\n').replace(/^(---|\+\+\+).*$/gm, '')));
});

test('unified diff: Myers line diff, deletions before insertions, hunks and custom labels', () => {
  const cm = (data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data });
  const text = unifiedDiff({ id: { group: '', version: 'v1', kind: 'ConfigMap', name: 'c' }, live: cm({ a: '1', b: '2', c: '3' }), desired: cm({ a: '1', b: 'B', c: '3' }) }, { oldLabel: 'live', newLabel: 'desired' });
  assert.equal(text, '--- live\n+++ desired\n@@ -4,5 +4,5 @@\n   name: c\n data:\n   a: "1"\n-  b: "2"\n+  b: B\n   c: "3"\n');
  assert.equal(unifiedDiff({ id: { group: '', version: 'v1', kind: 'ConfigMap', name: 'c' }, live: cm({ a: '1' }), desired: cm({ a: '1' }) }), '');
  for (const [a, b] of [['abcabba', 'cbabac'], ['', 'xyz'], ['xyz', ''], ['kitten', 'sitting'], ['aaaa', 'aa']]) {
    const script = diffLines(a.split(''), b.split(''));
    assert.equal(script.filter((o) => o.t !== '+').map((o) => o.line).join(''), a, 'old side reconstructed');
    assert.equal(script.filter((o) => o.t !== '-').map((o) => o.line).join(''), b, 'new side reconstructed');
  }
  // Shortest edit script: abcabba → cbabac takes 5 edits (Myers' paper).
  assert.equal(diffLines('abcabba'.split(''), 'cbabac'.split('')).filter((o) => o.t !== ' ').length, 5);
  // A large object with changes at both ends: 200,000 lines a side, so an N×M table (4·10^10
  // cells) could not even be allocated; the edit script is the 4 changed lines. Time printed, not asserted.
  const big = Array.from({ length: 200_000 }, (_, i) => `line ${i}`);
  const t0 = Date.now();
  const edited = ['first', ...big.slice(1, -1), 'last'];
  const ops = diffLines(big, edited);
  console.log(`# diffLines on 2 × 200,000 lines: ${Date.now() - t0} ms`);
  assert.deepEqual(ops.filter((o) => o.t !== ' '), [{ t: '-', line: 'line 0' }, { t: '+', line: 'first' }, { t: '-', line: 'line 199999' }, { t: '+', line: 'last' }]);
  assert.equal(ops.length, 200_002);
});

test('server-side compare with ownedInLive: a field this manager applied and Git no longer sets is a change (what a sync removes)', () => {
  const mf = (fields: Record<string, unknown>) => [{ manager: 'gitops-lens', operation: 'Apply', time: '2024-01-02T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': fields } }];
  const live: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', managedFields: mf({ 'f:a': {}, 'f:gone': {} }) }, data: { a: '1', gone: 'x' } };
  const predicted: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', managedFields: mf({ 'f:a': {} }) }, data: { a: '1' } };
  const desired: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } };
  const input = { id: { group: '', version: 'v1', kind: 'ConfigMap', name: 'c' }, desired, live, predicted, fieldManager: 'gitops-lens', ignores: [] };
  assert.deepEqual(compareResource(input).changes, [], 'drift compares the fields owned in the dry-run result only');
  const res = compareResource({ ...input, ownedInLive: true });
  assert.deepEqual(res.changes.map((c) => [c.path, c.desired, c.live]), [['data.gone', undefined, 'x']]);
  assert.match(unifiedDiff(res.pair), /^-  gone: x$/m);
  assert.ok(!/^\+  gone/m.test(unifiedDiff(res.pair)));
  // ignoreDifferences still win.
  const { rules } = compileIgnores([{ kind: 'ConfigMap', jsonPointers: ['/data/gone'], jqPathExpressions: [], managedFieldsManagers: [] }]);
  assert.deepEqual(compareResource({ ...input, ownedInLive: true, ignores: rules }).changes, []);
});

test('tracking: one membership check for drift and sync; Argo `<namespace>_<name>` app names; ApplySet parent defaulted', () => {
  const app = { id: 'x', name: 'web', namespace: 'team', kind: 'argo-application', tracking: 'argocd-annotation', sources: [], destination: { resolution: 'server', namespace: 'shop' }, automated: false, selfHeal: false, autoPrune: false, syncOptions: [], ignoreDifferences: [], problems: [] } as unknown as GitOpsApp;
  const cid = { group: '', version: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'c' };
  const cm = (ann: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'shop', annotations: { [ARGO_TRACKING_ID]: ann } } });
  assert.ok(isTrackedBy(app, stampTracking(app, cm('x'), cid), cid));
  assert.ok(trackerFor(app).tracks(cm('team_web:/ConfigMap:shop/c'), cid));
  assert.ok(!trackerFor(app).tracks(cm('other:/ConfigMap:shop/c'), cid));
  const plain: GitOpsApp = { ...app, kind: 'directory', tracking: 'applyset' };
  const parent = applySetParentOf(plain);
  assert.equal(parent.name, 'gitops-lens-web');
  assert.equal(parent.id, applySetId({ name: 'gitops-lens-web', namespace: 'shop', kind: 'Secret', group: '' }));
  const member = stampTracking(plain, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, cid, parent);
  assert.equal(member.metadata?.labels?.[APPLYSET_PART_OF], parent.id);
  assert.ok(isTrackedBy(plain, member, cid) && trackerFor(plain).tracks(member, cid));
  assert.equal(trackingSelector(plain, parent), `${APPLYSET_PART_OF}=${parent.id}`);
  const owned = { ...member, metadata: { ...member.metadata, ownerReferences: [{ kind: 'X' }] } };
  assert.ok(!isTrackedBy(plain, owned, cid), 'objects with ownerReferences are never members');
});

test('server-side compare: a Secret applied with stringData (owned as f:stringData) is compared as data, masked', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const mf = [{ manager: 'gitops-lens', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { 'f:stringData': { 'f:p': {} } } }];
  const predicted: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', managedFields: mf }, data: { p: b64('git-value') } };
  const live: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', managedFields: mf }, data: { p: b64('live-value') } };
  const desired: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { p: 'git-value' } };
  const res = compareResource({ id: { group: '', version: 'v1', kind: 'Secret', name: 's' }, desired, live, predicted, fieldManager: 'gitops-lens', ignores: [] });
  assert.equal(res.fellBackToTwoWay, false);
  assert.deepEqual(res.changes.map((c) => c.path), ['data.p']);
  const shown = JSON.stringify(res.changes) + unifiedDiff(res.pair);
  for (const v of ['git-value', 'live-value', b64('git-value'), b64('live-value')]) assert.ok(!shown.includes(v), `leaks ${v}`);
});
