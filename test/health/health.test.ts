// Health from status written through the /status subresource of a real API server (no
// controllers run there), plus the per-kind rules on plain objects.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sharedTestCluster } from '../support/cluster';
import { clusterClientFromFile, type ClusterClient } from '../../src/core/cluster';
import { healthOf, rollUp } from '../../src/core/health';
import type { KubeObject } from '../../src/core/manifest';

let admin: ClusterClient;
const ns = `health-${process.pid}`;

before(async () => {
  const c = await sharedTestCluster();
  admin = clusterClientFromFile(c.kubeconfigPath, 'admin');
  await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
});
after(() => admin?.close());

async function writeStatus(path: string, status: Record<string, unknown>): Promise<KubeObject> {
  return admin.raw<KubeObject>('PATCH', `${path}/status`, { status }, 'application/merge-patch+json');
}

test('Deployment: status written via /status drives Progressing → Healthy → Degraded', async () => {
  const dep = await admin.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: ns }, spec: { replicas: 3, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } });
  assert.equal(healthOf(dep)?.status, 'Progressing'); // never observed
  const path = `/apis/apps/v1/namespaces/${ns}/deployments/web`;
  const gen = dep.metadata?.generation as number;
  let live = await writeStatus(path, { observedGeneration: gen, replicas: 3, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 });
  assert.equal(healthOf(live)?.status, 'Progressing');
  assert.match(healthOf(live)?.message ?? '', /1 of 3 updated/);
  live = await writeStatus(path, { observedGeneration: gen, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
  assert.equal(healthOf(live)?.status, 'Healthy');
  live = await writeStatus(path, { conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-1" has timed out progressing.' }] });
  assert.equal(healthOf(live)?.status, 'Degraded');
  const paused = await admin.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: ns }, spec: { paused: true } }, { fieldManager: 'pauser' });
  assert.equal(healthOf(paused)?.status, 'Suspended');
});

test('custom resource (kstatus): Ready / Reconciling / Stalled conditions and Flux suspend', async () => {
  await admin.apply({
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
      versions: [{ name: 'v1', served: true, storage: true, subresources: { status: {} }, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  });
  let w: KubeObject | undefined;
  // Until the API server serves the new CRD (a condition, bounded only to fail rather than hang).
  for (let i = 0; i < 600 && !w; i++) {
    try { w = await admin.apply({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1', namespace: ns }, spec: { size: 1 } }); } catch { await new Promise((r) => setTimeout(r, 200)); }
  }
  assert.ok(w, 'CRD became served');
  const path = `/apis/example.com/v1/namespaces/${ns}/widgets/w1`;
  const gen = w.metadata?.generation as number;
  assert.equal(healthOf(w), undefined); // no status at all: no health to report
  let live = await writeStatus(path, { observedGeneration: gen, conditions: [{ type: 'Reconciling', status: 'True', reason: 'Progressing', message: 'working' }, { type: 'Ready', status: 'Unknown' }] });
  assert.equal(healthOf(live)?.status, 'Progressing');
  live = await writeStatus(path, { conditions: [{ type: 'Ready', status: 'True', reason: 'Succeeded', message: 'all good' }] });
  assert.equal(healthOf(live)?.status, 'Healthy');
  live = await writeStatus(path, { conditions: [{ type: 'Ready', status: 'False', reason: 'Failed', message: 'broken' }] });
  assert.deepEqual(healthOf(live), { status: 'Degraded', message: 'broken' });
  live = await writeStatus(path, { observedGeneration: gen - 1 });
  assert.equal(healthOf(live)?.status, 'Progressing');
  const flux: KubeObject = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'k' }, spec: { suspend: true }, status: { conditions: [{ type: 'Ready', status: 'True' }] } };
  assert.equal(healthOf(flux)?.status, 'Suspended');
});

test('per-kind rules and worst-of roll-up', () => {
  const sts = (status: object, spec: object = {}): KubeObject => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's', generation: 1 }, spec: { replicas: 3, ...spec }, status: { observedGeneration: 1, ...status } });
  assert.equal(healthOf(sts({ readyReplicas: 2 }))?.status, 'Progressing');
  assert.equal(healthOf(sts({ readyReplicas: 3, currentRevision: 'a', updateRevision: 'b' }))?.status, 'Progressing');
  assert.equal(healthOf(sts({ readyReplicas: 3, currentRevision: 'a', updateRevision: 'a' }))?.status, 'Healthy');
  assert.equal(healthOf(sts({ readyReplicas: 3, updatedReplicas: 1, currentRevision: 'a', updateRevision: 'b' }, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } }))?.status, 'Healthy');
  const job = (status: object, spec: object = {}): KubeObject => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec, status });
  assert.equal(healthOf(job({ conditions: [{ type: 'Failed', status: 'True' }] }))?.status, 'Degraded');
  assert.equal(healthOf(job({}, { suspend: true }))?.status, 'Suspended');
  assert.equal(healthOf(job({ conditions: [{ type: 'Complete', status: 'True' }] }))?.status, 'Healthy');
  assert.equal(healthOf(job({}))?.status, 'Progressing');
  const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {}, status: { phase: 'Running', containerStatuses: [{ name: 'c', state: { waiting: { reason: 'CrashLoopBackOff' } } }] } };
  assert.equal(healthOf(pod)?.status, 'Degraded');
  assert.equal(healthOf({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c' }, status: { phase: 'Pending' } })?.status, 'Progressing');
  assert.equal(healthOf({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c' }, status: { phase: 'Lost' } })?.status, 'Degraded');
  assert.equal(healthOf({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { type: 'LoadBalancer' }, status: {} })?.status, 'Progressing');
  assert.equal(healthOf({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }), undefined);
  assert.equal(healthOf({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', deletionTimestamp: '2024-01-01T00:00:00Z' } })?.status, 'Progressing');
  assert.equal(healthOf(undefined)?.status, 'Missing');
  assert.equal(rollUp([{ status: 'Healthy' }, undefined, { status: 'Suspended' }, { status: 'Degraded', message: 'x' }, { status: 'Progressing' }]).status, 'Degraded');
  assert.equal(rollUp([]).status, 'Healthy');
});
