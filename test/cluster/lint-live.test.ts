// `gitops-lens lint --context NAME`: custom resources validated against the live cluster's CRDs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { clusterClientFromFile, type ClusterClient } from '../../src/core/cluster';
import { sharedTestCluster, type SharedCluster } from '../support/cluster';
import { runCliCaptured } from '../support/cli';
import { invalidWidget, widgetCrd } from '../support/manifests';
import { tempDir } from '../support/temp';

let cluster: SharedCluster;
let client: ClusterClient;
let root: string;
const group = `lint${randomBytes(3).toString('hex')}.example.com`;
const widget = invalidWidget(group);

before(async () => {
  cluster = await sharedTestCluster();
  client = clusterClientFromFile(cluster.adminKubeconfig);
  // The CRD lives only in the cluster, not in the repo.
  await client.apply(widgetCrd(group), { force: true });
  root = tempDir('gitops-lens-lint-live-');
  mkdirSync(join(root, 'app'));
  writeFileSync(join(root, 'app/widget.yaml'), widget);
});
after(async () => {
  await client.delete({ group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', name: `widgets.${group}` }).catch(() => undefined);
  client.close();
  rmSync(root, { recursive: true, force: true });
});

const line = (text: string) => widget.split('\n').findIndex((l) => l.trim().startsWith(text)) + 1;

test('without a cluster the custom resource has no known schema; with --context its CRD validates it', async () => {
  const env = { ...process.env, KUBECONFIG: cluster.kubeconfigPath };
  const offline = await runCliCaptured(['lint', 'app', '--fail-on', 'error'], { cwd: root, env });
  assert.equal(offline.code, 0, offline.output);
  assert.match(offline.stdout, /unknown-schema no schema is known for Widget/);

  const live = await runCliCaptured(['lint', 'app', '--context', 'admin', '--fail-on', 'error'], { cwd: root, env });
  assert.equal(live.code, 1, live.output);
  assert.doesNotMatch(live.stdout, /unknown-schema/);
  assert.match(live.stdout, new RegExp(`app/widget.yaml:${line('size:')}:\\d+ error schema .*size.*integer`));
  assert.match(live.stdout, new RegExp(`app/widget.yaml:${line('colour:')}:\\d+ error schema unknown field "spec.colour"`));
});

test('an unreachable or unknown context is a note on stderr, and the lint still runs', async () => {
  const env = { ...process.env, KUBECONFIG: cluster.kubeconfigPath };
  const r = await runCliCaptured(['lint', 'app', '--context', 'no-such-context'], { cwd: root, env });
  assert.equal(r.code, 0, r.output);
  assert.match(r.stderr, /CRD schemas of context "no-such-context" are not used: no context "no-such-context"/);
  assert.match(r.stdout, /unknown-schema/);
});
