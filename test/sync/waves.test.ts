// Sync against the real test API server: wave order, health between waves, dry-run before any write.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterClientFromFile, type ClusterClient } from '../../src/core/cluster';
import type { KubeObject } from '../../src/core/manifest';
import { executeSync, loadDesired, planSync, type SyncEvent } from '../../src/core/sync';
import { APPLYSET_GROUP_KINDS, APPLYSET_ID_LABEL, APPLYSET_PART_OF, applySetParentOf } from '../../src/core/diff/tracking';
import { sharedTestCluster } from '../support/cluster';
import { crd as crdText } from '../support/manifests';
import { appConfig, configMap, makeRepo, removeRepo, stateDirFor, uniq } from './support';

let client: ClusterClient;
const repos: string[] = [];
before(async () => {
  const c = await sharedTestCluster();
  client = clusterClientFromFile(c.adminKubeconfig);
});
after(() => { client?.close(); repos.forEach(removeRepo); });

const rv = (o: KubeObject | null) => Number(o?.metadata?.resourceVersion);

describe('sync waves', () => {
  test('three waves with a Namespace, a CRD and a custom resource apply in order', async () => {
    const ns = uniq('waves');
    const group = `${uniq('w')}.example.com`;
    const crd = crdText({
      group, plural: 'widgets', names: 'plural: widgets, singular: widget, kind: Widget, listKind: WidgetList', versionExtra: '      subresources: {status: {}}\n',
      schema: `          properties:
            spec: {type: object, properties: {size: {type: integer}}}
            status: {type: object, x-kubernetes-preserve-unknown-fields: true}
`,
    });
    const root = makeRepo({
      'gitops-lens.yaml': appConfig('waves', 'app', ns),
      // Files named against the order on purpose: the order must come from waves and kinds.
      'app/a-last.yaml': configMap('last', { wave: 2 }),
      'app/b-widget.yaml': `apiVersion: ${group}/v1\nkind: Widget\nmetadata:\n  name: w1\n  annotations: {argocd.argoproj.io/sync-wave: "1"}\nspec:\n  size: 3\n`,
      'app/c-middle.yaml': configMap('middle', { wave: 1 }),
      'app/d-crd.yaml': crd,
      'app/e-ns.yaml': `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`,
    });
    repos.push(root);
    const desired = await loadDesired(root, 'waves');
    assert.equal(desired.revision.kind, 'head');
    const plan = await planSync(desired, client);
    assert.ok(plan.ok, JSON.stringify(plan.problems));
    assert.deepEqual(plan.tasks.map((t) => `${t.wave}:${t.id.kind}/${t.id.name}:${t.action}`), [
      `0:Namespace/${ns}:create`, `0:CustomResourceDefinition/widgets.${group}:create`,
      '1:ConfigMap/middle:create', '1:Widget/w1:create', '2:ConfigMap/last:create',
    ]);
    // Namespace and CRD are created by this sync: their dependants are validated at apply time.
    assert.equal(plan.tasks.find((t) => t.id.kind === 'Widget')!.dryRun.status, 'deferred');
    assert.equal(plan.tasks.find((t) => t.id.kind === 'Namespace')!.dryRun.status, 'ok');

    const events: SyncEvent[] = [];
    const result = await executeSync(plan, client, { journal: false, onEvent: (e) => events.push(e), waveTimeoutMs: 10 * 60_000, lockDir: stateDirFor() });
    assert.equal(result.outcome, 'succeeded', result.message);
    assert.deepEqual(events.filter((e) => e.type === 'task-start').map((e) => (e as { key: string }).key.split('/')[3]), [ns, `widgets.${group}`, 'middle', 'w1', 'last']);

    const get = (kind: string, name: string, g = '', namespace: string | undefined = ns) => client.get({ group: g, version: g === group ? 'v1' : g ? 'v1' : 'v1', kind, name, namespace });
    const nsObj = await get('Namespace', ns, '', undefined);
    const crdObj = await get('CustomResourceDefinition', `widgets.${group}`, 'apiextensions.k8s.io', undefined);
    const middle = await get('ConfigMap', 'middle');
    const widget = await get('Widget', 'w1', group);
    const last = await get('ConfigMap', 'last');
    // resourceVersion is etcd's global revision: creation order is visible in it.
    assert.ok(rv(nsObj) < rv(crdObj), 'namespace before CRD');
    assert.ok(rv(crdObj) < rv(middle) && rv(crdObj) < rv(widget), 'wave 0 before wave 1');
    assert.ok(rv(middle) < rv(widget), 'kind order inside wave 1: ConfigMap before custom resource');
    assert.ok(rv(widget) < rv(last) && rv(middle) < rv(last), 'wave 1 before wave 2');

    // Tracking: an ApplySet (KEP-3659) parent and part-of labels on every member.
    const app = desired.app;
    const parent = applySetParentOf(app);
    const parentObj = await client.get({ group: '', version: 'v1', kind: 'Secret', namespace: parent.namespace, name: parent.name });
    assert.equal(parentObj?.metadata?.labels?.[APPLYSET_ID_LABEL], parent.id);
    assert.equal(parentObj?.metadata?.annotations?.[APPLYSET_GROUP_KINDS], `ConfigMap,CustomResourceDefinition.apiextensions.k8s.io,Namespace,Widget.${group}`);
    for (const o of [nsObj, crdObj, middle, widget, last]) assert.equal(o?.metadata?.labels?.[APPLYSET_PART_OF], parent.id);

    // A second plan finds everything unchanged.
    const again = await planSync(await loadDesired(root, 'waves'), client);
    assert.deepEqual(again.tasks.map((t) => t.action), ['unchanged', 'unchanged', 'unchanged', 'unchanged', 'unchanged']);
    await client.delete({ group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', name: `widgets.${group}` });
  });

  test('a wave that turns Degraded stops the sync before the next wave', async () => {
    const ns = uniq('degraded');
    await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const root = makeRepo({
      'gitops-lens.yaml': appConfig('degraded', 'app', ns),
      'app/first.yaml': configMap('first', { wave: 0 }),
      'app/web.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations: {argocd.argoproj.io/sync-wave: "1"}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.27}]
`,
      'app/after.yaml': configMap('after', { wave: 2 }),
    });
    repos.push(root);
    const plan = await planSync(await loadDesired(root, 'degraded'), client);
    assert.ok(plan.ok, JSON.stringify(plan.problems));
    let waited = false;
    let waiting!: () => void;
    const waitsOnWave1 = new Promise<void>((resolve) => { waiting = resolve; });
    const running = executeSync(plan, client, { journal: false, waveTimeoutMs: 10 * 60_000, lockDir: stateDirFor(), onEvent: (e) => { if (e.type === 'wave-wait' && e.wave === 1) { waited = true; waiting(); } } });
    // No controllers run here: the Deployment stays Progressing until we write its status,
    // which we do once the sync says it waits for it.
    await Promise.race([waitsOnWave1, running.then((r) => { if (!waited) assert.fail(`the sync ended without waiting on wave 1: ${r.outcome} ${r.message}`); })]);
    const live = await client.get({ group: 'apps', version: 'v1', kind: 'Deployment', namespace: ns, name: 'web' });
    await client.raw('PATCH', `/apis/apps/v1/namespaces/${ns}/deployments/web/status`, {
      status: { observedGeneration: live?.metadata?.generation, replicas: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-1" has timed out progressing.' }] },
    }, 'application/merge-patch+json');
    const result = await running;
    assert.equal(result.outcome, 'failed');
    assert.match(result.message, /wave 1 .*Deployment.*web is Degraded: ReplicaSet "web-1" has timed out/);
    assert.equal(await client.get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: ns, name: 'after' }), null, 'wave 2 must not be applied');
    assert.equal(result.results.find((r) => r.key.endsWith('/after'))?.status, 'not-run');
    assert.equal(result.results.find((r) => r.key.endsWith('/first'))?.status, 'applied');
  });

  test('a resource the server rejects fails the dry-run phase and nothing is written', async () => {
    const ns = uniq('invalid');
    await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const root = makeRepo({
      'gitops-lens.yaml': appConfig('invalid', 'app', ns),
      'app/ok.yaml': configMap('ok', { wave: 0 }),
      'app/bad.yaml': `# a Deployment with a wrong field type
apiVersion: apps/v1
kind: Deployment
metadata:
  name: bad
  annotations: {argocd.argoproj.io/sync-wave: "1"}
spec:
  replicas: three
  selector: {matchLabels: {app: bad}}
  template:
    metadata: {labels: {app: bad}}
    spec:
      containers: [{name: web, image: nginx:1.27}]
`,
      'app/bad2.yaml': `apiVersion: v1\nkind: Service\nmetadata:\n  name: bad2\nspec:\n  ports: [{port: 99999}]\n`,
    });
    repos.push(root);
    const plan = await planSync(await loadDesired(root, 'invalid'), client);
    assert.equal(plan.ok, false);
    const failed = plan.problems.filter((p) => p.code === 'dry-run-failed');
    // Every failure at once, each at its resource and source line.
    assert.equal(failed.length, 2, JSON.stringify(plan.problems));
    const bad = failed.find((p) => p.key === `apps/Deployment/${ns}/bad`)!;
    assert.ok(bad.source?.file.endsWith('app/bad.yaml'));
    assert.equal(bad.source?.range.start.line, 1);
    assert.ok(failed.find((p) => p.key === `/Service/${ns}/bad2`)?.source?.file.endsWith('app/bad2.yaml'));
    const result = await executeSync(plan, client, { journal: false, lockDir: stateDirFor() });
    assert.equal(result.outcome, 'refused');
    assert.match(result.message, /2 resource\(s\) failed the server dry-run; nothing was written/);
    assert.equal(await client.get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: ns, name: 'ok' }), null);
    const parent = applySetParentOf((await loadDesired(root, 'invalid')).app);
    assert.equal(await client.get({ group: '', version: 'v1', kind: 'Secret', namespace: ns, name: parent.name }), null);
  });
});
