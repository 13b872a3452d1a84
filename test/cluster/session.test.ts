// ClusterSession (core): one context's client, live cache, drift engine and reachability,
// against the real test API server and against a port where nothing listens.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { sharedTestCluster, type SharedCluster } from '../support/cluster';
import { loadKubeconfig } from '../../src/core/cluster';
import { ClusterSession } from '../../src/core/session';

let cluster: SharedCluster;
before(async () => { cluster = await sharedTestCluster(); });

test('reachability: unknown before anything answered, reachable with the server version, unreachable with the connection error', async () => {
  const up = ClusterSession.open(loadKubeconfig([cluster.kubeconfigPath]), 'admin');
  try {
    assert.equal(up.reachability().reachable, undefined, 'nothing asked yet');
    const v = await up.checkVersion();
    assert.match(v.gitVersion, /^v1\.\d+/);
    assert.deepEqual({ reachable: up.reachability().reachable, version: up.reachability().version?.gitVersion }, { reachable: true, version: v.gitVersion });
  } finally {
    up.close();
  }

  const loaded = loadKubeconfig([cluster.kubeconfigPath]);
  const cl = loaded.config.clusters.find((c) => c.name === loaded.contexts.find((x) => x.name === 'admin')!.cluster)!;
  (cl as { server: string }).server = 'https://127.0.0.1:1';
  const down = ClusterSession.open(loaded, 'admin', { client: { requestTimeoutMs: 2000 } });
  try {
    await assert.rejects(down.checkVersion());
    const r = down.reachability();
    assert.equal(r.reachable, false);
    assert.match(r.error ?? '', /cannot reach the API server of context "admin" at https:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/);
  } finally {
    down.close();
  }
});

test('a context the kubeconfig does not have: a readable error, no session', () => {
  assert.throws(() => ClusterSession.open(loadKubeconfig([cluster.kubeconfigPath]), 'no-such-context'), /no context "no-such-context" in the kubeconfig/);
});
