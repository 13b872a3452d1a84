import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { discoverApps, type GitOpsApp } from '../../../src/core/apps';
import { RenderCache, renderApp, type RenderResult, type Toolchain } from '../../../src/core/render';
import { loadRepo, type RepoSnapshot } from '../../../src/core/repo';
import { argoRepo, fluxRepo, kustomizeRepo, makeRepo, realTools, type FixtureRepo } from '../../support/repos';

let tools: Toolchain;
before(async () => (tools = await realTools()));

async function discover(r: FixtureRepo): Promise<{ repo: RepoSnapshot; apps: Map<string, GitOpsApp> }> {
  const repo = await loadRepo(r.root);
  return { repo, apps: new Map(discoverApps(repo).apps.map((a) => [a.id, a])) };
}
const get = (res: RenderResult, kind: string, path: string[]): unknown =>
  path.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], res.resources.find((x) => x.id.kind === kind)?.object);

describe('kustomize: cache by input content', () => {
  let r: FixtureRepo;
  before(() => (r = kustomizeRepo()));
  after(() => r.cleanup());

  test('second render is cached; editing an input re-renders exactly the apps that read it', async () => {
    const cache = new RenderCache();
    const { repo, apps } = await discover(r);
    const dev = apps.get('kustomize/overlays/dev')!;
    const prod = apps.get('kustomize/overlays/prod')!;
    const first = await renderApp(dev, repo, tools, { cache });
    assert.equal(first.cached, false);
    await renderApp(prod, repo, tools, { cache });
    const second = await renderApp(dev, repo, tools, { cache });
    assert.equal(second.cached, true);
    assert.equal(second.inputHash, first.inputHash);
    assert.deepEqual(second.resources.map((x) => x.id), first.resources.map((x) => x.id));

    // A prod-only file: dev stays cached, prod re-renders with the new value.
    r.write('overlays/prod/replicas.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 7\n');
    assert.equal((await renderApp(dev, repo, tools, { cache })).cached, true);
    const prod2 = await renderApp(prod, repo, tools, { cache });
    assert.equal(prod2.cached, false);
    assert.equal(get(prod2, 'Deployment', ['spec', 'replicas']), 7);

    // The shared base: both re-render.
    r.write('base/service.yaml', r.read('base/service.yaml').replace('port: 80', 'port: 8080'));
    const dev3 = await renderApp(dev, repo, tools, { cache });
    const prod3 = await renderApp(prod, repo, tools, { cache });
    assert.equal(dev3.cached, false);
    assert.equal(prod3.cached, false);
    assert.deepEqual(get(dev3, 'Service', ['spec', 'ports']), [{ port: 8080 }]);
    assert.equal((await renderApp(prod, repo, tools, { cache })).cached, true);
  });

  test('invalidate(file) drops and names exactly the apps whose last render read the file', async () => {
    const cache = new RenderCache();
    const { repo, apps } = await discover(r);
    for (const a of apps.values()) await renderApp(a, repo, tools, { cache });
    assert.equal(cache.size, 2);
    assert.deepEqual(cache.invalidate(r.path('overlays/prod/image.json')), ['kustomize/overlays/prod']);
    assert.equal(cache.size, 1);
    assert.deepEqual(cache.invalidate(r.path('overlays/prod/image.json')), [], 'already dropped');
    await renderApp(apps.get('kustomize/overlays/prod')!, repo, tools, { cache });
    assert.deepEqual(cache.invalidate(r.path('base/deploy.yaml')).sort(), ['kustomize/overlays/dev', 'kustomize/overlays/prod']);
    assert.deepEqual(cache.invalidate(r.path('README.md')), []);
    assert.equal(cache.size, 0);
  });

  test('unsaved editor contents (overrides) take part in the hash of files we read', async () => {
    const r2 = makeRepo('override-fixtures', { 'plain/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n', 'gitops-lens.yaml': 'apps:\n  - name: plain\n    path: plain\n' });
    try {
      const cache = new RenderCache();
      const { repo, apps } = await discover(r2);
      const plain = apps.get('kustomize/plain')!;
      const a = await renderApp(plain, repo, tools, { cache });
      const overrides = new Map([[r2.path('plain/cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n']]);
      const b = await renderApp(plain, repo, tools, { cache, overrides });
      assert.equal(b.cached, false);
      assert.notEqual(b.inputHash, a.inputHash);
      assert.deepEqual(b.resources.map((x) => x.id.name), ['b']);
    } finally {
      r2.cleanup();
    }
  });

  test('unsaved contents of files kustomize reads from disk do not change the key (the render could not reflect them)', async () => {
    const cache = new RenderCache();
    const { repo, apps } = await discover(r);
    const dev = apps.get('kustomize/overlays/dev')!;
    const a = await renderApp(dev, repo, tools, { cache });
    const overrides = new Map([[r.path('base/deploy.yaml'), 'garbage: [']]);
    const b = await renderApp(dev, repo, tools, { cache, overrides });
    assert.equal(b.inputHash, a.inputHash);
    assert.equal(b.cached, true);
  });

  test('a failed render is not cached', async () => {
    const cache = new RenderCache();
    const { repo, apps } = await discover(r);
    const res = await renderApp(apps.get('kustomize/overlays/dev')!, repo, { ...tools, kustomize: '/nonexistent/kustomize' }, { cache });
    assert.equal(res.ok, false);
    assert.equal(cache.size, 0);
  });
});

describe('helm, directory and Flux inputs', () => {
  test('helm: the ref values file invalidates only the app that uses it; a new file in a rendered folder invalidates its apps', async () => {
    const r = argoRepo();
    try {
      const cache = new RenderCache();
      const { repo, apps } = await discover(r);
      for (const a of apps.values()) await renderApp(a, repo, tools, { cache });
      assert.deepEqual(cache.invalidate(r.path('values/web-prod.yaml')), ['argocd/argocd/web']);
      assert.deepEqual(cache.invalidate(r.path('charts/web/templates/service.yaml')), [], 'web was already dropped');
      r.write('apps/guestbook/extra.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n');
      assert.deepEqual(cache.invalidate(r.path('apps/guestbook/extra.yaml')).sort(), ['argocd/argocd/guestbook-prod', 'argocd/argocd/guestbook-staging']);
      const again = await renderApp(apps.get('argocd/argocd/guestbook-prod')!, repo, tools, { cache });
      assert.equal(again.cached, false);
      assert.deepEqual(again.resources.map((x) => x.id.name).sort(), ['extra', 'guestbook']);
      const web = await renderApp(apps.get('argocd/argocd/web')!, repo, tools, { cache });
      assert.equal(web.cached, false);
      assert.equal((await renderApp(apps.get('argocd/argocd/web')!, repo, tools, { cache })).cached, true);
    } finally {
      r.cleanup();
    }
  });

  test('Flux: the substituteFrom ConfigMap is an input of the Kustomization that reads it', async () => {
    const r = fluxRepo();
    try {
      const cache = new RenderCache();
      let { repo, apps } = await discover(r);
      for (const a of apps.values()) await renderApp(a, repo, tools, { cache });
      assert.deepEqual(cache.invalidate(r.path('clusters/prod/cluster-vars.yaml')), ['flux/clusters/prod/ks/flux-system/podinfo']);
      r.write('clusters/prod/cluster-vars.yaml', r.read('clusters/prod/cluster-vars.yaml').replace('prod-eu', 'prod-us'));
      ({ repo, apps } = await discover(r));
      const res = await renderApp(apps.get('flux/clusters/prod/ks/flux-system/podinfo')!, repo, tools, { cache });
      assert.equal(res.cached, false);
      const env = (res.resources.find((x) => x.id.kind === 'Deployment')!.object as unknown as { spec: { template: { spec: { containers: { env: { value: string }[] }[] } } } }).spec.template.spec.containers[0].env;
      assert.equal(env[0].value, 'prod-us');
    } finally {
      r.cleanup();
    }
  });
});
