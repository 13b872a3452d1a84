// Drift on the line that writes the value, against the real test cluster, on the example repo:
// the README's shop/frontend scaled to 5 (Git's 3 comes from the overlay's replicas.yaml patch),
// hello's image changed (Git's value is composed from the chart's image.repository and
// image.tag), and a value the API server rejects (Invalid, with its words, at the patch line).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describeProvenance } from '../../src/core/render/provenance';
import type { AppDiff, ResourceDiff } from '../../src/core/diff';
import { sharedTestCluster, type SharedCluster } from '../support/cluster';
import { removeTemp, tempDir } from '../support/temp';
import { exampleFixture, type ExampleFixture } from './example-fixture';

let cluster: SharedCluster;
let fx: ExampleFixture;

before(async () => {
  cluster = await sharedTestCluster();
  fx = await exampleFixture(cluster);
  await fx.sync('shop');
  await fx.sync('hello');
});
after(async () => { await fx?.cleanup(); });

const deploymentOf = (d: AppDiff, name: string): ResourceDiff => {
  const r = d.resources.find((x) => x.id.kind === 'Deployment' && x.id.name === name);
  assert.ok(r, `Deployment ${name} in ${d.resources.map((x) => x.key).join(', ')}`);
  return r;
};
const lineOf = (rel: string, text: string) => fx.repo.read(rel).split('\n').findIndex((l) => l.trim() === text);
const relOf = (f: string) => f.slice(fx.repo.root.length + 1);

test('README example: shop/frontend scaled to 5 drifts on the overlay patch line, the chain names the base value it overrides', async () => {
  const { engine, close } = fx.engine();
  try {
    execFileSync('kubectl', ['--kubeconfig', cluster.kubeconfigPath, '-n', fx.ns.shop, 'scale', 'deployment/frontend', '--replicas=5'], { stdio: 'pipe' });
    const d = await engine.diffApp(await fx.app('shop'), await fx.render('shop'));
    const dep = deploymentOf(d, 'frontend');
    assert.deepEqual(dep.changes.map((c) => [c.path, c.desired, c.live]), [['spec.replicas', 3, 5]]);
    const c = dep.changes[0];
    assert.equal(c.file, fx.repo.path('apps/shop/overlays/prod/replicas.yaml'));
    assert.equal(c.range?.start.line, lineOf('apps/shop/overlays/prod/replicas.yaml', 'replicas: 3'));
    assert.equal(describeProvenance(c.provenance!, relOf), `3 from apps/shop/overlays/prod/replicas.yaml:6 (patch), overriding 1 in apps/shop/base/deployment.yaml:${lineOf('apps/shop/base/deployment.yaml', 'replicas: 1') + 1} (resource)`);
    // The resource itself is still declared in the base.
    assert.equal(dep.origin?.file, fx.repo.path('apps/shop/base/deployment.yaml'));
  } finally {
    close();
    await fx.sync('shop');
  }
});

test('hello image changed live: drift on the chart values line of the part that changed (image.tag), composed with image.repository', async () => {
  const { engine, close } = fx.engine();
  try {
    execFileSync('kubectl', ['--kubeconfig', cluster.kubeconfigPath, '-n', fx.ns.hello, 'set', 'image', 'deployment/hello', 'echo=hashicorp/http-echo:1.0.1', '--field-manager=manual-hotfix'], { stdio: 'pipe' });
    const d = await engine.diffApp(await fx.app('hello'), await fx.render('hello'));
    const c = deploymentOf(d, 'hello').changes.find((x) => x.path === 'spec.template.spec.containers[0].image');
    assert.ok(c, 'image drift');
    assert.equal(c.live, 'hashicorp/http-echo:1.0.1');
    assert.equal(c.file, fx.repo.path('charts/hello/values.yaml'));
    assert.equal(c.range?.start.line, lineOf('charts/hello/values.yaml', 'tag: "1.0.0"'));
    assert.equal(c.manager, 'manual-hotfix');
    assert.match(describeProvenance(c.provenance!, relOf), /^"hashicorp\/http-echo:1\.0\.0" = "hashicorp\/http-echo" \(charts\/hello\/values\.yaml:3\) \+ ":" \+ "1\.0\.0" \(charts\/hello\/values\.yaml:4\), via charts\/hello\/templates\/deployment\.yaml:21$/);
  } finally {
    close();
    await fx.sync('hello');
  }
});

test('a value the API server rejects (replicas: -1 saved in the overlay): Invalid, not Unknown, with the server\'s words at the patch line', async () => {
  const { engine, close } = fx.engine();
  const rel = 'apps/shop/overlays/prod/replicas.yaml';
  const before = fx.repo.read(rel);
  fx.repo.write(rel, before.replace('replicas: 3', 'replicas: -1'));
  const tmp = tempDir('gitops-lens-invalid-');
  try {
    const render = await fx.render('shop');
    const d = await engine.diffApp(await fx.app('shop'), render);
    const dep = deploymentOf(d, 'frontend');
    assert.equal(dep.status, 'Invalid');
    assert.equal(d.summary.status, 'Invalid');
    assert.equal(d.summary.counts.Invalid, 1);
    assert.equal(dep.invalid?.length, 1);
    const f = dep.invalid![0];
    assert.equal(f.path, 'spec.replicas');
    assert.equal(f.file, fx.repo.path(rel));
    assert.equal(f.range?.start.line, lineOf(rel, 'replicas: -1'));
    // Oracle: the API server says the same to kubectl's server-side dry-run of the rendered object.
    const obj = render.resources.find((r) => r.object.kind === 'Deployment')!.object;
    writeFileSync(join(tmp, 'd.yaml'), stringify(obj));
    let said = '';
    try {
      execFileSync('kubectl', ['--kubeconfig', cluster.kubeconfigPath, 'apply', '--server-side', '--dry-run=server', '--field-manager=gitops-lens', '-f', join(tmp, 'd.yaml')], { stdio: 'pipe' });
    } catch (e) { said = String((e as { stderr?: Buffer }).stderr); }
    assert.match(said, /must be greater than or equal to 0/);
    assert.ok(said.includes(f.message), `kubectl says "${said.trim()}", we say "${f.message}"`);
  } finally {
    fx.repo.write(rel, before);
    removeTemp(tmp);
    close();
  }
});
