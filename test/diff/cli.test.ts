// `gitops-lens diff` end to end (real repo, real render, real cluster) and agreement with the
// machine's `kubectl diff --server-side` on which resources drift.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { sharedTestCluster, type SharedCluster } from '../support/cluster';
import { argoFixture, stamp, type DiffFixture } from './fixture';
import { runCliCaptured } from '../support/cli';
import { configMap, secret } from '../support/manifests';
import { tempDir } from '../support/temp';

const SECRET_VALUE = 'cli-secret-Zq9xW2';
const LIVE_SECRET = 'cli-live-secret-Kp3vN8';
const FILES = {
  'deploy.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 1
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: nginx:1.27
`,
  'svc.yaml': `apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  selector: {app: api}
  ports:
    - port: 8080
`,
  'cm.yaml': configMap('api-config', { data: { color: 'red' } }),
  'unchanged.yaml': configMap('stable', { data: { x: '"1"' } }),
  'secret.yaml': secret('api-token', { stringData: { token: SECRET_VALUE } }),
};

let cluster: SharedCluster;
let fx: DiffFixture;

const cli = (...args: string[]) => runCliCaptured(args, { cwd: fx.repo.root, env: { ...process.env, KUBECONFIG: cluster.kubeconfigPath } });

before(async () => {
  cluster = await sharedTestCluster();
  fx = await argoFixture(cluster, 'cli', FILES);
  await fx.sync();
});
after(async () => { await fx?.cleanup(); });

test('no drift: exit 0, summary says Synced, and health comes from the status the controller would write', async () => {
  // No controllers run on the test API server: the Deployment has never been observed.
  const before = await cli('diff', fx.app.name);
  assert.equal(before.code, 0, before.stderr + before.stdout);
  assert.match(before.stdout, new RegExp(`${fx.app.id}\\s+admin\\s+Synced\\s+Progressing\\s+5\\s+0\\s+0\\s+0\\s+0`));
  assert.match(before.stdout, /^health: .*: Deployment\.apps .*\/api: Progressing \(0 of 1 updated replicas\)$/m);
  // What the deployment controller writes once the rollout is done.
  const dep = await fx.admin.get({ group: 'apps', version: 'v1', kind: 'Deployment', namespace: fx.namespace, name: 'api' });
  await fx.admin.raw('PATCH', `/apis/apps/v1/namespaces/${fx.namespace}/deployments/api/status`, { status: { observedGeneration: dep?.metadata?.generation, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 } }, 'application/merge-patch+json');
  const r = await cli('diff', fx.app.name);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, new RegExp(`${fx.app.id}\\s+admin\\s+Synced\\s+Healthy\\s+5\\s+0\\s+0\\s+0\\s+0`));
  assert.ok(!/^health:/m.test(r.stdout), r.stdout);
});

test('drift: exit 1, unified diff per drifted resource, JSON agrees, secrets never printed', async () => {
  await fx.admin.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: fx.namespace }, spec: { replicas: 3 } }, { fieldManager: 'hpa-like', force: true });
  await fx.admin.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'api-config', namespace: fx.namespace }, data: { color: 'blue' } }, { fieldManager: 'hand-edit', force: true });
  await fx.admin.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'api-token', namespace: fx.namespace }, stringData: { token: LIVE_SECRET } }, { fieldManager: 'hand-edit', force: true });
  await fx.admin.delete({ group: '', version: 'v1', kind: 'Service', namespace: fx.namespace, name: 'api' });

  const text = await cli('diff', fx.app.name);
  assert.equal(text.code, 1, text.stderr);
  // Scaled to 3 while the controller saw 1: the rollout is not observed yet.
  assert.match(text.stdout, /^# Deployment\.apps .*\/api: OutOfSync \(server-side diff\), Progressing \(Waiting for rollout to be observed\)$/m);
  assert.match(text.stdout, /^#   spec\.replicas: 3 → 1 {2}\(live value by hpa-like at [^)]+\) {2}app\/deploy\.yaml:6:3$/m);
  assert.match(text.stdout, /^#   data\.token: "<secret sha256:[0-9a-f]+>" → "<secret sha256:[0-9a-f]+>" .* app\/secret\.yaml:6:3$/m);
  assert.match(text.stdout, /^-\s+color: blue$/m);
  assert.match(text.stdout, /^\+\s+color: red$/m);
  assert.match(text.stdout, /^# Service .*\/api: Missing$/m);

  const json = await cli('diff', fx.app.name, '--json');
  assert.equal(json.code, 1);
  const parsed = JSON.parse(json.stdout) as { apps: { summary: { status: string }; resources: { id: { kind: string; name: string }; status: string }[] }[] };
  const status = Object.fromEntries(parsed.apps[0].resources.map((r) => [`${r.id.kind}/${r.id.name}`, r.status]));
  assert.deepEqual(status, { 'Deployment/api': 'OutOfSync', 'Service/api': 'Missing', 'ConfigMap/api-config': 'OutOfSync', 'ConfigMap/stable': 'Synced', 'Secret/api-token': 'OutOfSync' });
  for (const out of [text.stdout, text.stderr, json.stdout]) {
    for (const v of [SECRET_VALUE, LIVE_SECRET, Buffer.from(SECRET_VALUE).toString('base64'), Buffer.from(LIVE_SECRET).toString('base64')]) assert.ok(!out.includes(v), `output leaks ${v}`);
  }
  assert.match(text.stdout, /<secret sha256:[0-9a-f]+>/);
});

test('kubectl diff --server-side and gitops-lens diff agree on which resources drift', async () => {
  const dir = tempDir('gitops-lens-kdiff-');
  try {
    const render = await fx.render();
    const file = join(dir, 'all.yaml');
    writeFileSync(file, render.resources.map((r) => stringify(stamp(fx.app.name, { ...r.object, metadata: { ...r.object.metadata, namespace: fx.namespace } }))).join('---\n'));
    const k = await new Promise<{ code: number; stdout: string; stderr: string }>((res) => {
      execFile('kubectl', ['diff', '--kubeconfig', cluster.kubeconfigPath, '--context', 'admin', '--server-side', '--force-conflicts', '--field-manager=gitops-lens', '-f', file], { timeout: 60_000 }, (e, stdout, stderr) => {
        res({ code: e ? Number((e as { code?: number }).code ?? 2) : 0, stdout, stderr });
      });
    });
    assert.equal(k.code, 1, `kubectl diff: ${k.stderr}`);
    // Headers look like: diff -u -N /tmp/LIVE-123/apps.v1.Deployment.<ns>.api /tmp/MERGED-456/...
    const kubectlDrift = new Set([...k.stdout.matchAll(/^diff -u -N \S*\/LIVE-\d+\/(\S+) /gm)].map((m) => {
      const parts = m[1].split('.');
      return `${parts[parts.length - 3]}/${parts[parts.length - 1]}`;
    }));
    const ours = JSON.parse((await cli('diff', fx.app.name, '--json')).stdout) as { apps: { resources: { id: { kind: string; name: string }; status: string }[] }[] };
    const ourDrift = new Set(ours.apps[0].resources.filter((r) => r.status !== 'Synced').map((r) => `${r.id.kind}/${r.id.name}`));
    assert.deepEqual([...ourDrift].sort(), [...kubectlDrift].sort(), `kubectl:\n${k.stdout}`);
    assert.ok(!k.stdout.includes(LIVE_SECRET));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('usage and unknown app: exit 2', async () => {
  assert.equal((await cli('diff')).code, 2);
  const r = await cli('diff', 'no-such-app');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no app "no-such-app"/);
});
