// Harness check, no product code: the test control plane (scripts/cluster) is a real API
// server, so server-side apply, RBAC and restarts behave as in a real cluster. The product's
// cluster tests rely on exactly these properties; a failure here is a broken harness.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiException, AppsV1Api, CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { RESTRICTED_NAMESPACE, loadKubeConfig, sharedTestCluster, startTestCluster, type SharedCluster, type TestCluster } from '../support/cluster';

const FIELD_MANAGER = 'gitops-lens-test';
const apply = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);

function deployment(name: string, namespace: string) {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
    },
  };
}

/** The HTTP status of a rejected client-node call (0 if it was not an HTTP error). */
async function statusOf(p: Promise<unknown>): Promise<number> {
  try { await p; return 200; } catch (e) { return e instanceof ApiException ? e.code : 0; }
}

function errorChain(e: unknown): string {
  const parts: string[] = [];
  for (let x: any = e; x && parts.length < 5; x = x.cause) parts.push(`${x.code ?? ''} ${x.message ?? x}`);
  return parts.join(' <- ');
}

describe('harness: shared test cluster', () => {
  let c: SharedCluster;
  before(async () => { c = await sharedTestCluster(); });

  test('server-side apply records our field manager and server defaults', async () => {
    const apps = loadKubeConfig(c.adminKubeconfig).makeApiClient(AppsV1Api);
    const name = `ssa-${Date.now()}`;
    const applied = await apps.patchNamespacedDeployment(
      { name, namespace: 'default', body: deployment(name, 'default'), fieldManager: FIELD_MANAGER, force: true }, apply);
    const managers = (applied.metadata?.managedFields ?? []).map((f) => `${f.manager}/${f.operation}`);
    assert.ok(managers.includes(`${FIELD_MANAGER}/Apply`), `managedFields: ${managers.join(', ')}`);
    // Defaults the API server fills in that the manifest never said.
    assert.equal(applied.spec?.strategy?.type, 'RollingUpdate');
    assert.equal(applied.spec?.replicas, 1);
    assert.equal(applied.spec?.template.spec?.containers[0].terminationMessagePath, '/dev/termination-log');
    await apps.deleteNamespacedDeployment({ name, namespace: 'default' });
  });

  test('restricted user: 403 in default, can list in team-a', async (t) => {
    if (!c.restrictedKubeconfig) return t.skip(c.restrictedSkipReason);
    const core = loadKubeConfig(c.restrictedKubeconfig).makeApiClient(CoreV1Api);
    assert.equal(await statusOf(core.listNamespacedConfigMap({ namespace: 'default' })), 403);
    assert.equal(await statusOf(core.listNamespacedConfigMap({ namespace: RESTRICTED_NAMESPACE })), 200);
    // Read-only even there.
    const create = core.createNamespacedConfigMap({ namespace: RESTRICTED_NAMESPACE, body: { metadata: { name: 'nope' } } });
    assert.equal(await statusOf(create), 403);
  });

  test('combined kubeconfig has admin as current context and a restricted context', () => {
    const kc = loadKubeConfig(c.kubeconfigPath);
    if (c.kind !== 'external') {
      assert.equal(kc.getCurrentContext(), 'admin');
      assert.deepEqual(kc.getContexts().map((x) => x.name).sort(), ['admin', 'restricted']);
    }
    assert.equal(kc.getCurrentCluster()?.server, c.server);
  });
});

describe('harness: private test cluster', () => {
  let c: TestCluster;
  before(async () => { c = await startTestCluster({ name: 'restart' }); });
  after(async () => { await c?.stop(); });

  test('stopApiServer refuses connections; startApiServer restores them with data intact', async () => {
    const core = loadKubeConfig(c.adminKubeconfig).makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'survivor' }, data: { k: 'v' } } });

    await c.stopApiServer();
    const err = await core.readNamespacedConfigMap({ name: 'survivor', namespace: 'default' }).then(() => undefined, (e: unknown) => e);
    assert.ok(err, 'request succeeded while the API server was stopped');
    assert.match(errorChain(err), /ECONNREFUSED/);

    await c.startApiServer();
    assert.equal(new URL(c.server).port, new URL(loadKubeConfig(c.kubeconfigPath).getCurrentCluster()!.server).port);
    const cm = await core.readNamespacedConfigMap({ name: 'survivor', namespace: 'default' });
    assert.equal(cm.data?.k, 'v');
  });
});
