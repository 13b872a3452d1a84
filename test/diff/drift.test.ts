// Drift against the real test cluster: statuses, fields, managers, source lines, defaulting,
// ignore rules, Secret masking, tracking. Facts come from the fixture files written here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { sharedTestCluster, type SharedCluster } from '../support/cluster';
import { argoFixture, eventually, stamp, type DiffFixture } from './fixture';
import { configMap, deployment, secret, service } from '../support/manifests';
import { unifiedDiff, type AppDiff, type ResourceDiff } from '../../src/core/diff';

const DEPLOY = deployment({
  name: 'web', labels: { app: 'web' }, replicas: 2, image: 'nginx:1.27',
  containerExtra: `          ports:
            - containerPort: 80
          resources:
            requests:
              cpu: 1000m
              memory: 64Mi
`,
});
const REPLICAS_LINE = DEPLOY.split('\n').findIndex((l) => l.trim().startsWith('replicas:'));

const SERVICE = service({ name: 'web', port: 80, targetPort: 80 });
const CONFIG = configMap('settings', { data: { mode: 'blue', level: '"3"' } });
const OTHER = configMap('to-remove', { data: { a: '"1"' } });
const SECRET_VALUE = 'hunter2-s3cr3t-value';
const SECRET = secret('creds', { type: 'Opaque', stringData: { password: SECRET_VALUE } });

let cluster: SharedCluster;
let fx: DiffFixture;

before(async () => {
  cluster = await sharedTestCluster();
  fx = await argoFixture(cluster, 'drift', { 'deploy.yaml': DEPLOY, 'service.yaml': SERVICE, 'config.yaml': CONFIG, 'secret.yaml': SECRET, 'other.yaml': OTHER }, `  ignoreDifferences:
    - kind: ConfigMap
      name: settings
      jsonPointers:
        - /data/level
`);
  await fx.sync();
});
after(async () => { await fx?.cleanup(); });

const byName = (d: AppDiff, kind: string, name: string): ResourceDiff => {
  const r = d.resources.find((x) => x.id.kind === kind && x.id.name === name);
  assert.ok(r, `${kind} ${name} in result: ${d.resources.map((x) => `${x.id.kind}/${x.id.name}`).join(', ')}`);
  return r;
};

test('freshly synced app: every resource Synced by server-side diff (defaulting is not drift)', async () => {
  const { engine, close } = fx.engine();
  try {
    const d = await engine.diffApp(fx.app, await fx.render());
    for (const r of d.resources) assert.equal(r.status, 'Synced', `${r.key}: ${JSON.stringify(r.changes)}`);
    for (const r of d.resources) assert.equal(r.method, 'server-side');
    assert.equal(d.summary.status, 'Synced');
    // The Deployment has no strategy and the Service no protocol in Git: server defaults, no drift.
    assert.equal(byName(d, 'Service', 'web').changes.length, 0);
  } finally { close(); }
});

test('`kubectl scale` (the scale subresource): the change is attributed to kubectl (scale), with its time', async () => {
  const { engine, close } = fx.engine();
  try {
    execFileSync('kubectl', ['--kubeconfig', cluster.kubeconfigPath, '-n', fx.namespace, 'scale', 'deployment/web', '--replicas=4'], { stdio: 'pipe' });
    await eventually(async () => {
      const d = await engine.diffApp(fx.app, await fx.render());
      return byName(d, 'Deployment', 'web').changes[0]?.live === 4 ? true : undefined;
    }, 15_000, 'scaled replicas seen');
    const d = await engine.diffApp(fx.app, await fx.render());
    const dep = byName(d, 'Deployment', 'web');
    assert.deepEqual(dep.changes.map((c) => [c.path, c.desired, c.live]), [['spec.replicas', 2, 4]]);
    assert.match(dep.changes[0].manager ?? '', /^kubectl.* \(scale\)$/);
    // The time is whatever the server recorded for that write (it records none for subresource writes).
    const live = JSON.parse(execFileSync('kubectl', ['--kubeconfig', cluster.kubeconfigPath, '-n', fx.namespace, 'get', 'deployment/web', '-o', 'json', '--show-managed-fields'], { encoding: 'utf8' }));
    const entry = (live.metadata.managedFields as { manager: string; subresource?: string; time?: string }[]).find((m) => m.subresource === 'scale');
    assert.ok(entry, 'kubectl scale left a managedFields entry for the scale subresource');
    assert.equal(dep.changes[0].manager, `${entry.manager} (scale)`);
    assert.equal(dep.changes[0].time, entry.time);
    assert.equal(dep.changes[0].range?.start.line, REPLICAS_LINE);
  } finally {
    await fx.sync();
    close();
  }
});

test('scaled by another manager: OutOfSync with exactly spec.replicas, the manager and the source line', async () => {
  const { engine, close } = fx.engine();
  try {
    await fx.admin.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: fx.namespace }, spec: { replicas: 5 } }, { fieldManager: 'kubectl-scale', force: true });
    const d = await engine.diffApp(fx.app, await fx.render());
    const dep = byName(d, 'Deployment', 'web');
    assert.equal(dep.status, 'OutOfSync');
    assert.equal(dep.method, 'server-side');
    assert.deepEqual(dep.changes.map((c) => c.path), ['spec.replicas']);
    const c = dep.changes[0];
    assert.equal(c.desired, 2);
    assert.equal(c.live, 5);
    assert.equal(c.manager, 'kubectl-scale');
    assert.ok(c.time && !Number.isNaN(Date.parse(c.time)), `time ${c.time}`);
    assert.equal(c.file, fx.repo.path('app/deploy.yaml'));
    assert.equal(c.range?.start.line, REPLICAS_LINE);
    assert.equal(d.summary.status, 'OutOfSync');
    const text = unifiedDiff(engine.pairOf(fx.app.id, dep.key)!);
    assert.match(text, /^-\s+replicas: 5$/m);
    assert.match(text, /^\+\s+replicas: 2$/m);
  } finally {
    await fx.sync();
    close();
  }
});

test('ignoreDifferences (jsonPointers) hides a field; other fields of the same object still drift', async () => {
  const { engine, close } = fx.engine();
  try {
    await fx.admin.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: fx.namespace }, data: { level: '9' } }, { fieldManager: 'someone', force: true });
    let d = await engine.diffApp(fx.app, await fx.render());
    assert.equal(byName(d, 'ConfigMap', 'settings').status, 'Synced');
    await fx.admin.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: fx.namespace }, data: { level: '9', mode: 'green' } }, { fieldManager: 'someone', force: true });
    d = await engine.diffApp(fx.app, await fx.render());
    const cm = byName(d, 'ConfigMap', 'settings');
    assert.deepEqual(cm.changes.map((c) => c.path), ['data.mode']);
    assert.equal(cm.changes[0].manager, 'someone');
  } finally {
    await fx.sync();
    close();
  }
});

test('Secret changed live: OutOfSync, and its value appears in no output', async () => {
  const { engine, close } = fx.engine();
  const LIVE_VALUE = 'changed-live-pa55word';
  try {
    await fx.admin.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: fx.namespace }, stringData: { password: LIVE_VALUE } }, { fieldManager: 'intruder', force: true });
    const d = await engine.diffApp(fx.app, await fx.render());
    const s = byName(d, 'Secret', 'creds');
    assert.equal(s.status, 'OutOfSync');
    assert.deepEqual(s.changes.map((c) => c.path), ['data.password']);
    assert.equal(s.changes[0].manager, 'intruder');
    const json = JSON.stringify(d);
    const text = unifiedDiff(engine.pairOf(fx.app.id, s.key)!);
    assert.ok(text.length > 0);
    for (const v of [SECRET_VALUE, LIVE_VALUE, Buffer.from(SECRET_VALUE).toString('base64'), Buffer.from(LIVE_VALUE).toString('base64')]) {
      assert.ok(!json.includes(v), `JSON output leaks ${v}`);
      assert.ok(!text.includes(v), `text output leaks ${v}`);
    }
    assert.match(String(s.changes[0].desired), /^<secret sha256:[0-9a-f]+>$/);
  } finally {
    await fx.sync();
    close();
  }
});

test('deleted live → Missing; removed from Git but tracked → Extra; untracked object of the kind → not Extra', async () => {
  const { engine, close } = fx.engine();
  try {
    await fx.admin.delete({ group: '', version: 'v1', kind: 'Service', namespace: fx.namespace, name: 'web' });
    // An untracked ConfigMap and one tracked by a different app: neither is ours.
    await fx.admin.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bystander', namespace: fx.namespace }, data: { x: '1' } });
    await fx.admin.apply(stamp('another-app', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'foreign', namespace: fx.namespace }, data: { x: '1' } }));
    fx.repo.write('app/other.yaml', '');
    const d = await engine.diffApp(fx.app, await fx.render());
    assert.equal(byName(d, 'Service', 'web').status, 'Missing');
    const extra = byName(d, 'ConfigMap', 'to-remove');
    assert.equal(extra.status, 'Extra');
    assert.equal(d.resources.find((r) => r.id.name === 'bystander'), undefined);
    assert.equal(d.resources.find((r) => r.id.name === 'foreign'), undefined);
    assert.equal(d.summary.status, 'OutOfSync');
    assert.equal(d.summary.counts.Missing, 1);
    assert.equal(d.summary.counts.Extra, 1);
    assert.equal(d.summary.extraComplete, true);
  } finally {
    fx.repo.write('app/other.yaml', OTHER);
    await fx.sync();
    close();
  }
});

test('live events are coalesced into one recomputation and re-diff reuses unchanged dry-runs', async () => {
  const { engine, cache, close } = fx.engine();
  const apply = engine.client.apply;
  try {
    await engine.diffApp(fx.app, await fx.render());
    // Dry-runs from here on: only the changed ConfigMap's (the client is fx.admin, whose writes are not dry-runs).
    let dryRuns = 0;
    engine.client.apply = (o, opts) => { if (opts?.dryRun) dryRuns++; return apply.call(engine.client, o, opts); };
    const seen: AppDiff[] = [];
    engine.onDrift((d) => seen.push(d));
    let batches = 0;
    cache.onChange(() => { batches++; });
    await Promise.all([1, 2, 3, 4, 5].map((i) => fx.admin.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: fx.namespace }, data: { mode: `burst-${i}` } }, { fieldManager: `burst-${i}`, force: true })));
    const end = Date.now() + 5000;
    while (Date.now() < end && !seen.some((d) => byName(d, 'ConfigMap', 'settings').status === 'OutOfSync')) await new Promise((r) => setTimeout(r, 50));
    // Five writes (each also retried by the server on conflicts): far fewer recomputations than events.
    assert.ok(seen.length >= 1 && seen.length <= 3, `recomputations: ${seen.length}`);
    assert.ok(batches <= 3, `batches: ${batches}`);
    const last = seen[seen.length - 1];
    assert.equal(byName(last, 'ConfigMap', 'settings').status, 'OutOfSync');
    assert.equal(byName(last, 'Deployment', 'web').status, 'Synced');
    assert.ok(dryRuns <= seen.length, `dry-runs: ${dryRuns} for ${seen.length} recomputations: unchanged resources must reuse theirs`);
  } finally {
    engine.client.apply = apply;
    await fx.sync();
    close();
  }
});
