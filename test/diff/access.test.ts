// What the engine says when it cannot see or cannot dry-run: a restricted user (read-only in
// one namespace) and an API server that goes away mid-watch. Never Missing for "could not see".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESTRICTED_NAMESPACE, sharedTestCluster, startTestCluster } from '../support/cluster';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { clusterClientFromFile, LiveCache } from '../../src/core/cluster';
import { DriftEngine } from '../../src/core/diff';
import { findApp, loadWorkspace } from '../../src/core/workspace';
import { renderApp, toolchainFromEnv } from '../../src/core/render';
import { executeSync, loadDesired, planSync } from '../../src/core/sync';
import { runCliCaptured } from '../support/cli';
import { argoApplication } from '../support/manifests';
import { makeRepo, writeKubeconfig } from '../support/repos';
import { tempDir } from '../support/temp';
import { startTcpProxy } from '../support/tcp-proxy';
import { argoFixture, eventually } from './fixture';

const DEPLOY = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
        - name: main
          image: nginx:1.27
          # The API server defaults protocol: TCP; a two-way diff must pair the ports anyway.
          ports:
            - name: http
              containerPort: 8080
            - name: statsd
              containerPort: 8125
              protocol: UDP
`;
const CM = `apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  a: "1"
`;

test('restricted user: dry-run forbidden → two-way diff, said so; drift still found', async (t) => {
  const cluster = await sharedTestCluster();
  if (!cluster.restrictedKubeconfig) return t.skip(cluster.restrictedSkipReason);
  const fx = await argoFixture(cluster, 'ro', { 'deploy.yaml': DEPLOY(`ro-${process.pid}`), 'cm.yaml': CM.replace('name: cfg', `name: ro-cfg-${process.pid}`) }, '', { namespace: RESTRICTED_NAMESPACE });
  const restricted = clusterClientFromFile(cluster.kubeconfigPath, 'restricted');
  try {
    await fx.sync();
    const { engine, cache } = fx.engine(restricted);
    let d = await engine.diffApp(fx.app, await fx.render());
    for (const r of d.resources) {
      assert.equal(r.status, 'Synced', `${r.key}: ${r.note} ${JSON.stringify(r.changes)}`);
      assert.equal(r.method, 'two-way');
      assert.match(r.note ?? '', /dry-run not allowed.*two-way/);
      assert.match(r.note ?? '', /User "restricted" cannot patch resource/);
    }
    // Listing cluster-wide is forbidden too; the namespace the app uses is readable.
    assert.equal(cache.state().status, 'connected');
    await fx.admin.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `ro-${process.pid}`, namespace: RESTRICTED_NAMESPACE }, spec: { replicas: 4 } }, { fieldManager: 'kubectl-scale', force: true });
    d = await eventually(async () => {
      const x = await engine.diffApp(fx.app, await fx.render());
      return x.resources.some((r) => r.status === 'OutOfSync') ? x : undefined;
    }, 10_000, 'drift seen by the restricted user');
    const dep = d.resources.find((r) => r.id.kind === 'Deployment')!;
    assert.equal(dep.method, 'two-way');
    assert.deepEqual(dep.changes.map((c) => [c.path, c.desired, c.live, c.manager]), [['spec.replicas', 2, 4, 'kubectl-scale']]);
  } finally {
    restricted.close();
    await fx.cleanup();
  }
});

test('restricted user: listing forbidden → Unknown with the 403 explained, never Missing', async (t) => {
  const cluster = await sharedTestCluster();
  if (!cluster.restrictedKubeconfig) return t.skip(cluster.restrictedSkipReason);
  const fx = await argoFixture(cluster, 'noread', { 'cm.yaml': CM });
  const restricted = clusterClientFromFile(cluster.kubeconfigPath, 'restricted');
  try {
    await fx.sync();
    const { engine, cache } = fx.engine(restricted);
    const d = await engine.diffApp(fx.app, await fx.render());
    assert.equal(d.summary.status, 'Unknown');
    const cm = d.resources.find((r) => r.id.kind === 'ConfigMap')!;
    assert.equal(cm.status, 'Unknown');
    assert.equal(cm.error?.kind, 'forbidden');
    assert.match(cm.note ?? '', /User "restricted" cannot list resource "configmaps"/);
    assert.equal(d.summary.counts.Missing, 0);
    assert.equal(d.summary.extraComplete, false);
    assert.ok(['forbidden', 'degraded'].includes(cache.state().status), cache.state().status);
  } finally {
    restricted.close();
    await fx.cleanup();
  }
});

test('API server stopped mid-watch → unreachable, Unknown (not Missing); recovers without a restart', async () => {
  const own = await startTestCluster({ name: 'outage' });
  const fx = await argoFixture(own, 'outage', { 'deploy.yaml': DEPLOY('web'), 'cm.yaml': CM });
  try {
    await fx.sync();
    const { engine, cache } = fx.engine();
    const render = await fx.render();
    let d = await engine.diffApp(fx.app, render);
    assert.equal(d.summary.status, 'Synced');
    const pushed: string[] = [];
    engine.onDrift((x) => pushed.push(x.summary.status));

    await own.stopApiServer();
    await eventually(() => (cache.state().status === 'unreachable' ? true : undefined), 15_000, 'context unreachable');
    d = await engine.diffApp(fx.app, render);
    assert.equal(d.summary.status, 'Unknown');
    for (const r of d.resources) {
      assert.equal(r.status, 'Unknown', r.key);
      assert.equal(r.error?.kind, 'unreachable');
    }
    assert.equal(d.summary.counts.Missing, 0);
    assert.match(d.summary.problems.join('\n'), /cannot reach the API server/);
    await eventually(() => (pushed.includes('Unknown') ? true : undefined), 5_000, 'pushed Unknown');

    await own.startApiServer();
    await eventually(() => (cache.state().status === 'connected' ? true : undefined), 30_000, 'context connected again');
    d = await engine.diffApp(fx.app, render);
    assert.equal(d.summary.status, 'Synced', JSON.stringify(d.resources.map((r) => [r.key, r.status, r.note])));
    // And it is live again: a change after the outage is seen through the resumed watches.
    await fx.admin.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: fx.namespace }, data: { a: '2' } }, { fieldManager: 'after-outage', force: true });
    await eventually(() => (pushed[pushed.length - 1] === 'OutOfSync' ? true : undefined), 10_000, 'drift pushed after recovery');
  } finally {
    await fx.cleanup().catch(() => undefined);
    await own.stop();
  }
});

/** A loopback address where nothing listens: the port was free a moment ago and is closed again. */
async function deadServer(): Promise<string> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return `https://127.0.0.1:${port}`;
}

test('API server down from the start → every resource Unknown (never Missing or OutOfSync), diff exits 2, sync refused', async () => {
  const server = await deadServer();
  const kubeconfig = writeKubeconfig([{ name: 'down', server }]);
  const repo = makeRepo('down-from-start', {
    'argocd/app.yaml': argoApplication({ name: 'down', repoURL: 'https://github.com/example/down-from-start.git', targetRevision: 'main', path: 'app', server, destinationNamespace: 'down' }),
    'app/deploy.yaml': DEPLOY('web'),
    'app/cm.yaml': CM,
  });
  const client = clusterClientFromFile(kubeconfig.file, 'down');
  const cache = new LiveCache(client, { backoffInitialMs: 200, backoffMaxMs: 1000 });
  try {
    const ws = await loadWorkspace(repo.root, { kubeconfig: [kubeconfig.file] });
    const app = findApp(ws.discovery.apps, 'down');
    if ('error' in app) throw new Error(app.error);
    assert.equal(app.destination.context, 'down');
    const render = await renderApp(app, ws.repo, toolchainFromEnv(process.env));
    assert.ok(render.ok);
    const d = await new DriftEngine({ client, cache }).diffApp(app, render);
    assert.equal(d.summary.status, 'Unknown');
    assert.deepEqual(d.resources.map((r) => [r.id.kind, r.status, r.error?.kind]).sort(), [['ConfigMap', 'Unknown', 'unreachable'], ['Deployment', 'Unknown', 'unreachable']]);
    assert.deepEqual(d.summary.counts, { Synced: 0, OutOfSync: 0, Missing: 0, Extra: 0, Invalid: 0, Unknown: 2 });

    // The CLI says so and exits 2 (could not compare), as `kubectl diff` does on errors.
    const run = await runCliCaptured(['diff', 'down'], { cwd: repo.root, env: { ...process.env, KUBECONFIG: kubeconfig.file } });
    assert.equal(run.code, 2, run.output);
    assert.match(run.stdout, /^argocd\/argocd\/down\s+down\s+Unknown\s+\S+\s+0\s+0\s+0\s+0\s+2$/m);
    assert.doesNotMatch(run.stdout, /Missing$/m);

    // A sync plan cannot be made, so nothing is applied and nothing is pruned.
    const plan = await planSync(await loadDesired(repo.root, 'down', { kubeconfig: [kubeconfig.file] }), client, { prune: true });
    assert.equal(plan.ok, false);
    assert.deepEqual(plan.problems.map((p) => p.code), ['live-read-failed']);
    assert.deepEqual(plan.tasks, []);
    const result = await executeSync(plan, client, { journal: false, lockDir: tempDir('gitops-lens-state-') });
    assert.equal(result.outcome, 'refused');
    assert.deepEqual(result.results, []);
  } finally {
    cache.close();
    client.close();
    repo.cleanup();
    kubeconfig.cleanup();
  }
});

test('network cut while watching (watches hang, new requests time out) → what was cached is Unknown too, never Synced from a stale copy', async () => {
  const cluster = await sharedTestCluster();
  // The engine talks to the API server through a proxy that the test can cut.
  const proxy = await startTcpProxy(cluster.server);
  const dir = tempDir('gitops-lens-partition-');
  const kubeconfig = join(dir, 'config');
  writeFileSync(kubeconfig, readFileSync(cluster.adminKubeconfig, 'utf8').split(cluster.server).join(proxy.url));
  const fx = await argoFixture(cluster, 'cut', { 'cm.yaml': CM });
  const client = clusterClientFromFile(kubeconfig, undefined, { requestTimeoutMs: 3000 });
  const cache = new LiveCache(client, { backoffInitialMs: 200, backoffMaxMs: 1000 });
  const engine = new DriftEngine({ client, cache, extraKinds: [] });
  try {
    await fx.sync();
    let d = await engine.diffApp(fx.app, await fx.render());
    assert.deepEqual(d.resources.map((r) => [r.id.kind, r.status]), [['ConfigMap', 'Synced']]);

    proxy.partition();
    // A Deployment joins the app: its kind is listed for the first time, which times out.
    fx.repo.write('app/deploy.yaml', DEPLOY(`cut-${process.pid}`));
    const render = await fx.render();
    await eventually(async () => {
      await engine.diffApp(fx.app, render);
      return cache.state().status === 'unreachable' ? true : undefined;
    }, 60_000, 'the new kind\'s listing to fail');
    d = await engine.diffApp(fx.app, render);
    // The ConfigMap watch never noticed, yet its cached copy must not pass for live.
    assert.deepEqual(d.resources.map((r) => [r.id.kind, r.status, r.error?.kind]).sort(), [['ConfigMap', 'Unknown', 'unreachable'], ['Deployment', 'Unknown', 'unreachable']]);
    assert.equal(d.summary.status, 'Unknown');
    assert.equal(d.summary.counts.Missing, 0);
  } finally {
    cache.close();
    client.close();
    await proxy.close();
    await fx.cleanup();
  }
});
