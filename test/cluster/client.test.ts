// ClusterClient and LiveCache against the real test API server: discovery, reads, SSA and
// dry-run, delete, and the readable errors (403, 409, 422, 404, 410, unreachable).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { RESTRICTED_NAMESPACE, sharedTestCluster, type SharedCluster } from '../support/cluster';
import { clusterClientFromFile, createClusterClient, errorFromResponse, isClusterError, LiveCache, loadKubeconfig, type ClusterClient, type ClusterError } from '../../src/core/cluster';

let cluster: SharedCluster;
let admin: ClusterClient;
const ns = `client-${process.pid}`;

before(async () => {
  cluster = await sharedTestCluster();
  admin = clusterClientFromFile(cluster.kubeconfigPath, 'admin');
  await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
});
after(() => admin?.close());

async function rejects(p: Promise<unknown>): Promise<ClusterError> {
  try { await p; } catch (e) { assert.ok(isClusterError(e), String(e)); return e; }
  assert.fail('expected a ClusterError');
}

test('discovery: scope and verbs; cached; a per-context client from the loaded kubeconfig', async () => {
  const loaded = loadKubeconfig([cluster.kubeconfigPath]);
  const c = createClusterClient(loaded, 'admin');
  try {
    const d = await c.discover();
    const deploy = d.resources.find((r) => r.group === 'apps' && r.kind === 'Deployment' && r.preferred)!;
    assert.equal(deploy.namespaced, true);
    assert.equal(deploy.plural, 'deployments');
    assert.ok(deploy.verbs.includes('patch') && deploy.verbs.includes('watch'));
    assert.ok(deploy.subresources.includes('scale'));
    assert.equal(d.resources.find((r) => r.kind === 'Namespace')?.namespaced, false);
    assert.equal(await c.discover(), d); // cached
    assert.match((await c.serverVersion()).gitVersion, /^v1\.\d+/);
    assert.equal(loaded.currentContext, 'admin'); // untouched
    assert.throws(() => createClusterClient(loaded, 'nope'), /no context "nope"/);
  } finally { c.close(); }
});

test('get / list (paged) / apply / dry-run / delete', async () => {
  const items = Array.from({ length: 520 }, (_, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: ns, labels: { batch: i % 2 ? 'odd' : 'even' } }, data: { i: String(i) } }));
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => { while (next < items.length) await admin.apply(items[next++]); }));
  const all = await admin.list({ group: '', kind: 'ConfigMap' }, ns);
  assert.equal(all.items.filter((o) => o.metadata?.name?.startsWith('cm-')).length, 520); // more than one page of 500
  assert.equal(all.items[0].apiVersion, 'v1');
  assert.equal(all.items[0].kind, 'ConfigMap');
  assert.ok(Number(all.resourceVersion) > 0);
  assert.equal((await admin.list({ group: '', kind: 'ConfigMap' }, ns, 'batch=odd')).items.length, 260);
  const dry = await admin.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm-0', namespace: ns }, data: { i: 'changed' } }, { dryRun: true });
  assert.equal((dry.data as Record<string, string>).i, 'changed');
  const live = await admin.get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: ns, name: 'cm-0' });
  assert.equal((live?.data as Record<string, string>).i, '0'); // dry-run persisted nothing
  assert.ok(Array.isArray(live?.metadata?.managedFields));
  assert.equal(await admin.get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: ns, name: 'absent' }), null);
  await admin.delete({ group: '', version: 'v1', kind: 'ConfigMap', namespace: ns, name: 'cm-1' }, { dryRun: true });
  assert.ok(await admin.get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: ns, name: 'cm-1' }));
  // Foreground: the server parks the object behind the foregroundDeletion finalizer (no GC runs here to finish it).
  await admin.delete({ group: '', version: 'v1', kind: 'ConfigMap', namespace: ns, name: 'cm-1' }, { propagationPolicy: 'Foreground' });
  const parked = await admin.get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: ns, name: 'cm-1' });
  assert.ok(parked?.metadata?.deletionTimestamp);
  assert.deepEqual(parked?.metadata?.finalizers, ['foregroundDeletion']);
  await admin.delete({ group: '', version: 'v1', kind: 'ConfigMap', namespace: ns, name: 'cm-6' }, { propagationPolicy: 'Background' });
  assert.equal(await admin.get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: ns, name: 'cm-6' }), null);
  const gone = await rejects(admin.delete({ group: '', version: 'v1', kind: 'ConfigMap', namespace: ns, name: 'cm-6' }));
  assert.equal(gone.kind, 'not-found');
});

test('errors: 409 names the conflicting manager and field; 422 lists invalid fields; unknown kind', async () => {
  const d = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x', namespace: ns }, spec: { replicas: 1, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } };
  await admin.apply(d, { fieldManager: 'kubectl-scale' });
  const conflict = await rejects(admin.apply({ ...d, spec: { ...d.spec, replicas: 2 } }));
  assert.equal(conflict.kind, 'conflict');
  assert.equal(conflict.status, 409);
  assert.deepEqual(conflict.conflicts?.map((c) => [c.manager, c.field]), [['kubectl-scale', '.spec.replicas']]);
  assert.match(conflict.message, /"kubectl-scale" owns \.spec\.replicas/);
  await admin.apply({ ...d, spec: { ...d.spec, replicas: 2 } }, { force: true }); // force takes it over
  const invalid = await rejects(admin.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name', namespace: ns } }));
  assert.equal(invalid.kind, 'invalid');
  assert.ok(invalid.invalidFields?.some((f) => f.field === 'metadata.name'), JSON.stringify(invalid.invalidFields));
  const noKind = await rejects(admin.get({ group: 'nope.example.com', version: 'v1', kind: 'Thing', name: 'a' }));
  assert.equal(noKind.kind, 'not-found');
  assert.match(noKind.message, /does not serve Thing\.nope\.example\.com/);
});

test('errors: 403 says which verb on which resource for which user', async (t) => {
  if (!cluster.restrictedKubeconfig) return t.skip(cluster.restrictedSkipReason);
  const r = clusterClientFromFile(cluster.kubeconfigPath, 'restricted');
  try {
    const e = await rejects(r.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: RESTRICTED_NAMESPACE } }, { dryRun: true }));
    assert.equal(e.kind, 'forbidden');
    assert.match(e.message, /User "restricted" cannot patch resource "configmaps" in API group "" in the namespace "team-a" \(context "restricted"\)/);
    const l = await rejects(r.list({ group: 'apps', kind: 'Deployment' }));
    assert.match(l.message, /cannot list resource "deployments" in API group "apps" at the cluster scope/);
    assert.ok(Array.isArray((await r.list({ group: '', kind: 'ConfigMap' }, RESTRICTED_NAMESPACE)).items));
  } finally { r.close(); }
});

test('errors: unreachable server and 410/429 mapping', async () => {
  const loaded = loadKubeconfig([cluster.kubeconfigPath]);
  const cl = loaded.config.clusters.find((c) => c.name === loaded.contexts.find((x) => x.name === 'admin')!.cluster)!;
  (cl as { server: string }).server = 'https://127.0.0.1:1';
  const c = createClusterClient(loaded, 'admin', { requestTimeoutMs: 2000 });
  const e = await rejects(c.serverVersion());
  assert.equal(e.kind, 'unreachable');
  assert.match(e.message, /cannot reach the API server of context "admin" at https:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/);
  const gone = errorFromResponse(410, JSON.stringify({ kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 1 (42)' }), { verb: 'watch', what: 'configmaps' });
  assert.equal(gone.kind, 'gone');
  const slow = errorFromResponse(429, JSON.stringify({ kind: 'Status', code: 429, reason: 'TooManyRequests', message: 'slow down', details: { retryAfterSeconds: 3 } }), { verb: 'list', what: 'pods' });
  assert.equal(slow.kind, 'throttled');
  assert.equal(slow.retryAfterSeconds, 3);
});

test('LiveCache: list+watch, lookups present/absent, coalesced changes, namespace fallback when cluster-wide list is forbidden', async (t) => {
  const cache = new LiveCache(admin);
  try {
    await cache.track({ group: '', kind: 'ConfigMap' });
    assert.equal(cache.state().status, 'connected');
    assert.equal(cache.lookup({ group: '', kind: 'ConfigMap', namespace: ns, name: 'cm-2' }).state, 'present');
    assert.equal(cache.lookup({ group: '', kind: 'ConfigMap', namespace: ns, name: 'never' }).state, 'absent');
    assert.equal(cache.lookup({ group: 'apps', kind: 'Deployment', namespace: ns, name: 'x' }).state, 'unknown'); // not watched
    const batches: Set<string>[] = [];
    cache.onChange((c) => batches.push(c.keys));
    await Promise.all([3, 4, 5].map((i) => admin.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: ns }, data: { i: 'new' } })));
    const end = Date.now() + 5000;
    while (Date.now() < end && !batches.some((b) => b.has(`/ConfigMap/${ns}/cm-5`))) await new Promise((r) => setTimeout(r, 20));
    assert.ok(batches.length >= 1 && batches.length <= 2, `batches ${batches.length}`);
    const o = cache.lookup({ group: '', kind: 'ConfigMap', namespace: ns, name: 'cm-5' });
    assert.equal(o.state === 'present' && (o.object.data as Record<string, string>).i, 'new');
  } finally { cache.close(); }
  if (!cluster.restrictedKubeconfig) return t.skip(cluster.restrictedSkipReason);
  const r = clusterClientFromFile(cluster.kubeconfigPath, 'restricted');
  const rc = new LiveCache(r);
  try {
    await rc.track({ group: '', kind: 'ConfigMap' }, [RESTRICTED_NAMESPACE]);
    const st = rc.state();
    assert.equal(st.status, 'connected');
    assert.deepEqual(st.scopes.map((s) => [s.namespace ?? '*', s.status]), [['*', 'forbidden'], [RESTRICTED_NAMESPACE, 'synced']]);
    assert.equal(rc.lookup({ group: '', kind: 'ConfigMap', namespace: RESTRICTED_NAMESPACE, name: 'nothing-here' }).state, 'absent');
    const elsewhere = rc.lookup({ group: '', kind: 'ConfigMap', namespace: ns, name: 'cm-2' });
    assert.equal(elsewhere.state, 'unknown');
    assert.equal(elsewhere.state === 'unknown' && elsewhere.error.kind, 'forbidden');
    assert.equal(rc.objects({ group: '', kind: 'ConfigMap' }).complete, false);
  } finally { rc.close(); r.close(); }
});
