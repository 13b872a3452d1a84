// Secret values never leave the engine in clear, whatever the path: a Secret Missing from
// the cluster or Extra in it (shown alone, without a partner), compared two-way by a user who
// may not dry-run, created by a sync plan. Checked on the data the editor and CLI show.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterClientFromFile, type ClusterClient } from '../../src/core/cluster';
import { maskSecret, unifiedDiff } from '../../src/core/diff';
import type { KubeObject } from '../../src/core/manifest';
import { loadDesired, planSync } from '../../src/core/sync';
import { RESTRICTED_NAMESPACE, sharedTestCluster, type SharedCluster } from '../support/cluster';
import { runCliCaptured } from '../support/cli';
import { secret } from '../support/manifests';
import { argoFixture, stamp, type DiffFixture } from './fixture';

const GIT_VALUE = 'git-secret-Hq2Lw9';
const LIVE_VALUE = 'live-secret-Vx7Pe4';
const EXTRA_VALUE = 'extra-secret-Tn5Rb1';
const NEW_VALUE = 'new-secret-Zk8Mc3';
/** A value in every form it could leak in: clear and base64. */
const forms = (...vs: string[]) => vs.flatMap((v) => [v, Buffer.from(v).toString('base64')]);
const leaks = (text: string, values: string[]) => values.filter((v) => text.includes(v));

let cluster: SharedCluster;
before(async () => { cluster = await sharedTestCluster(); });

test('maskSecret masks data and stringData, and only Secrets', () => {
  const s = maskSecret({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: Buffer.from(GIT_VALUE).toString('base64') }, stringData: { b: GIT_VALUE } });
  assert.deepEqual(leaks(JSON.stringify(s), forms(GIT_VALUE)), []);
  assert.match(String((s.data as Record<string, string>).a), /^<secret sha256:[0-9a-f]{12}>$/);
  assert.match(String((s.stringData as Record<string, string>).b), /^<secret sha256:[0-9a-f]{12}>$/);
  const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'plain' } };
  assert.equal(maskSecret(cm), cm);
});

test('a Missing and an Extra Secret: masked in the pair the editor shows and in `gitops-lens diff`', async () => {
  const fx = await argoFixture(cluster, 'sec-lone', { 'missing.yaml': secret('gone', { stringData: { token: GIT_VALUE } }), 'kept.yaml': secret('kept', { stringData: { token: 'kept-value' } }) });
  try {
    await fx.sync();
    await fx.admin.delete({ group: '', version: 'v1', kind: 'Secret', namespace: fx.namespace, name: 'gone' });
    // Tracked by this app but not in Git: Extra.
    await fx.admin.apply(stamp(fx.app.name, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'leftover', namespace: fx.namespace }, stringData: { token: EXTRA_VALUE } }));
    const { engine } = fx.engine();
    const d = await engine.diffApp(fx.app, await fx.render());
    const status = Object.fromEntries(d.resources.map((r) => [r.id.name, r.status]));
    assert.deepEqual(status, { gone: 'Missing', kept: 'Synced', leftover: 'Extra' });
    const missing = engine.pairOf(fx.app.id, d.resources.find((r) => r.id.name === 'gone')!.key)!;
    const extra = engine.pairOf(fx.app.id, d.resources.find((r) => r.id.name === 'leftover')!.key)!;
    assert.match(String((missing.desired?.data as Record<string, string>).token), /^<secret sha256:[0-9a-f]{12}>$/);
    assert.match(String((extra.live?.data as Record<string, string>).token), /^<secret sha256:[0-9a-f]{12}>$/);
    assert.deepEqual(leaks(JSON.stringify([d, missing, extra, unifiedDiff(missing), unifiedDiff(extra)]), forms(GIT_VALUE, EXTRA_VALUE)), []);
    for (const args of [['diff', fx.app.name], ['diff', fx.app.name, '--json']]) {
      const r = await runCliCaptured(args, { cwd: fx.repo.root, env: { ...process.env, KUBECONFIG: cluster.kubeconfigPath } });
      assert.equal(r.code, 1, r.output);
      assert.deepEqual(leaks(r.output, forms(GIT_VALUE, EXTRA_VALUE)), [], args.join(' '));
    }
  } finally {
    await fx.cleanup();
  }
});

test('two-way diff (the user may read but not dry-run): a changed Secret is OutOfSync, both values masked', async (t) => {
  if (!cluster.restrictedKubeconfig) return t.skip(cluster.restrictedSkipReason);
  const name = `ro-secret-${process.pid}`;
  const fx: DiffFixture = await argoFixture(cluster, 'sec-ro', { 'secret.yaml': secret(name, { stringData: { password: GIT_VALUE } }) }, '', { namespace: RESTRICTED_NAMESPACE });
  const restricted: ClusterClient = clusterClientFromFile(cluster.kubeconfigPath, 'restricted');
  try {
    await fx.sync();
    await fx.admin.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: RESTRICTED_NAMESPACE }, stringData: { password: LIVE_VALUE } }, { fieldManager: 'hand-edit', force: true });
    const { engine } = fx.engine(restricted);
    const d = await engine.diffApp(fx.app, await fx.render());
    const s = d.resources.find((r) => r.id.name === name)!;
    assert.equal(s.status, 'OutOfSync', JSON.stringify(s));
    assert.equal(s.method, 'two-way');
    assert.deepEqual(s.changes.map((c) => c.path), ['data.password']);
    assert.match(String(s.changes[0].desired), /^<secret sha256:[0-9a-f]{12}>$/);
    assert.match(String(s.changes[0].live), /^<secret sha256:[0-9a-f]{12}>$/);
    assert.notEqual(s.changes[0].desired, s.changes[0].live);
    const pair = engine.pairOf(fx.app.id, s.key)!;
    assert.deepEqual(leaks(JSON.stringify([d, pair, unifiedDiff(pair)]), forms(GIT_VALUE, LIVE_VALUE)), []);
  } finally {
    restricted.close();
    await fx.cleanup();
  }
});

test('a sync plan that creates a Secret shows its diff masked, in the plan and in `gitops-lens plan`', async () => {
  const fx = await argoFixture(cluster, 'sec-plan', { 'new.yaml': secret('fresh', { stringData: { token: NEW_VALUE } }) });
  const env = { ...process.env, KUBECONFIG: cluster.kubeconfigPath };
  try {
    const plan = await planSync(await loadDesired(fx.repo.root, fx.app.id, { env }), fx.admin);
    assert.deepEqual(plan.tasks.map((t) => `${t.id.kind}/${t.id.name}:${t.action}`), ['Secret/fresh:create']);
    assert.match(plan.tasks[0].diff, /<secret sha256:[0-9a-f]{12}>/);
    // The task keeps the object to apply (it must hold the value); what is shown is masked.
    assert.deepEqual(leaks(JSON.stringify(plan.tasks.map((t) => [t.diff, t.changes, t.reason])), forms(NEW_VALUE)), []);
    const r = await runCliCaptured(['plan', fx.app.name], { cwd: fx.repo.root, env });
    assert.match(r.stdout, /<secret sha256:[0-9a-f]{12}>/, r.output);
    assert.deepEqual(leaks(r.output, forms(NEW_VALUE)), []);
  } finally {
    await fx.cleanup();
  }
});
