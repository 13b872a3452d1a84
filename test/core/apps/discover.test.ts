import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { discoverApps, type Discovery, type GitOpsApp } from '../../../src/core/apps';
import { loadKubeconfig, type ContextInfo } from '../../../src/core/cluster/kubeconfig';
import { loadRepo, type RepoSnapshot } from '../../../src/core/repo';
import { argoRepo, brokenRepo, fixtureContexts, fluxRepo, kustomizeRepo, makeRepo, SERVERS, writeKubeconfig, type FixtureRepo } from '../../support/repos';

let kubeconfig: ReturnType<typeof writeKubeconfig>;
let contexts: ContextInfo[];
before(() => {
  kubeconfig = writeKubeconfig(fixtureContexts);
  contexts = loadKubeconfig([kubeconfig.file]).contexts;
});
after(() => kubeconfig.cleanup());

function byId(d: Discovery, id: string): GitOpsApp {
  const app = d.apps.find((a) => a.id === id);
  assert.ok(app, `app ${id} not found among ${d.apps.map((a) => a.id).join(', ')}`);
  return app;
}

describe('Argo CD repo', () => {
  let r: FixtureRepo;
  let repo: RepoSnapshot;
  let d: Discovery;
  before(async () => {
    r = argoRepo();
    repo = await loadRepo(r.root);
    d = discoverApps(repo, contexts);
  });
  after(() => r.cleanup());

  test('finds exactly the declared and generated apps', () => {
    assert.deepEqual(d.apps.map((a) => a.id).sort(), [
      'argocd/argocd/child-a', 'argocd/argocd/child-b', 'argocd/argocd/external', 'argocd/argocd/guestbook-prod',
      'argocd/argocd/guestbook-staging', 'argocd/argocd/root', 'argocd/argocd/shop', 'argocd/argocd/team-alpha',
      'argocd/argocd/team-beta', 'argocd/argocd/web',
    ]);
    assert.ok(d.apps.every((a) => a.kind === 'argo-application'));
  });

  test('single-source kustomize app: options, sync policy, destination by server URL', () => {
    const shop = byId(d, 'argocd/argocd/shop');
    assert.equal(shop.sources.length, 1);
    const s = shop.sources[0];
    assert.equal(s.local, true, 'scp-style repoURL without .git names this repo');
    assert.equal(s.renderer, 'kustomize');
    assert.equal(s.dir, r.path('apps/shop/overlays/prod'));
    assert.equal(s.kustomize?.namePrefix, 'argo-');
    assert.deepEqual(s.kustomize?.images, ['nginx=registry.example.com/nginx:1.27.1']);
    assert.deepEqual({ ...shop.destination }, { server: SERVERS.prod, name: undefined, namespace: 'shop', context: 'prod', resolution: 'server' });
    assert.equal(shop.automated, true);
    assert.equal(shop.selfHeal, true);
    assert.equal(shop.autoPrune, true);
    assert.deepEqual(shop.syncOptions, ['CreateNamespace=true']);
    assert.deepEqual(shop.ignoreDifferences.map((x) => [x.group, x.kind, x.jsonPointers]), [['apps', 'Deployment', ['/spec/replicas']]]);
    assert.equal(shop.declaredIn?.file, r.path('argocd/shop.yaml'));
    assert.equal(shop.declaredIn?.range.start.line, 0);
    assert.deepEqual(shop.problems, []);
  });

  test('multi-source app: helm chart with a `$values` file from the ref source; destination by name', () => {
    const web = byId(d, 'argocd/argocd/web');
    assert.equal(web.sources.length, 2);
    const [chart, values] = web.sources;
    assert.equal(chart.renderer, 'helm');
    assert.equal(chart.dir, r.path('charts/web'));
    assert.equal(chart.helm?.releaseName, 'web-release');
    assert.deepEqual(chart.helm?.valueFiles, [r.path('values/web-prod.yaml')]);
    assert.deepEqual(chart.helm?.parameters, [{ name: 'service.port', value: '8080', forceString: false }]);
    assert.equal(values.ref, 'values');
    assert.equal(values.local, true, 'host case and missing .git do not matter');
    assert.equal(values.renderer, undefined, 'a ref-only source is not rendered');
    assert.equal(web.destination.context, 'staging');
    assert.equal(web.destination.resolution, 'name');
    assert.equal(web.destination.namespace, 'web');
  });

  test('app-of-apps: children declared in the root app folder name it as parent', () => {
    assert.equal(byId(d, 'argocd/argocd/child-a').parent, 'argocd/argocd/root');
    assert.equal(byId(d, 'argocd/argocd/child-b').parent, 'argocd/argocd/root');
    assert.equal(byId(d, 'argocd/argocd/root').parent, undefined);
    assert.equal(byId(d, 'argocd/argocd/child-a').destination.context, 'prod');
    assert.equal(byId(d, 'argocd/argocd/child-b').destination.context, 'dev');
  });

  test('root app: in-cluster server with no matching context stays unresolved', () => {
    const root = byId(d, 'argocd/argocd/root');
    assert.equal(root.destination.resolution, 'unresolved');
    assert.equal(root.destination.context, undefined);
    assert.equal(root.sources[0].renderer, 'directory');
  });

  test('ApplicationSet list generator: one app per element, template parameters substituted', () => {
    const prod = byId(d, 'argocd/argocd/guestbook-prod');
    const staging = byId(d, 'argocd/argocd/guestbook-staging');
    for (const a of [prod, staging]) {
      assert.equal(a.parent, 'argocd-appset/argocd/guestbook');
      assert.equal(a.sources[0].dir, r.path('apps/guestbook'));
      assert.equal(a.destination.namespace, 'guestbook');
      assert.equal(a.declaredIn?.file, r.path('argocd/appsets.yaml'));
    }
    assert.equal(prod.destination.context, 'prod');
    assert.equal(staging.destination.server, SERVERS.staging);
    assert.equal(staging.destination.context, 'staging', 'kubeconfig server has a trailing slash; still the same cluster');
  });

  test('ApplicationSet git directories generator: matched folders minus excluded ones (goTemplate)', () => {
    const alpha = byId(d, 'argocd/argocd/team-alpha');
    assert.equal(alpha.sources[0].path, 'apps/teams/alpha');
    assert.equal(alpha.sources[0].dir, r.path('apps/teams/alpha'));
    assert.equal(alpha.destination.namespace, 'alpha');
    assert.equal(alpha.destination.context, 'dev');
    assert.equal(byId(d, 'argocd/argocd/team-beta').sources[0].path, 'apps/teams/beta');
    assert.equal(d.apps.some((a) => a.name === 'team-gamma'), false, 'apps/teams/gamma is excluded');
  });

  test('unsupported generator is listed, not dropped silently', () => {
    assert.equal(d.unsupported.length, 1);
    const u = d.unsupported[0];
    assert.match(u.what, /ApplicationSet fleet/);
    assert.match(u.reason, /pullRequest/);
    assert.equal(u.declaredIn.file, r.path('argocd/appsets.yaml'));
    const fleetLine = r.read('argocd/appsets.yaml').split('\n').findIndex((l, i, all) => l === 'kind: ApplicationSet' && all[i + 2] === '  name: fleet') - 1;
    assert.equal(u.declaredIn.range.start.line, fleetLine);
  });

  test('remote source is listed as remote, without a folder or renderer', () => {
    const ext = byId(d, 'argocd/argocd/external');
    assert.equal(ext.sources[0].local, false);
    assert.equal(ext.sources[0].dir, undefined);
    assert.equal(ext.sources[0].renderer, undefined);
    assert.equal(ext.sources[0].repoURL, 'https://github.com/other-org/elsewhere.git');
  });

  test('without kubeconfig contexts nothing resolves', () => {
    const bare = discoverApps(repo, []);
    // The same apps as with contexts (those of the fixture), and not one of them placed.
    assert.deepEqual(bare.apps.map((a) => a.id).sort(), [
      'argocd/argocd/child-a', 'argocd/argocd/child-b', 'argocd/argocd/external', 'argocd/argocd/guestbook-prod', 'argocd/argocd/guestbook-staging',
      'argocd/argocd/root', 'argocd/argocd/shop', 'argocd/argocd/team-alpha', 'argocd/argocd/team-beta', 'argocd/argocd/web',
    ]);
    assert.deepEqual(bare.apps.map((a) => [a.id, a.destination.resolution, a.destination.context]).filter(([, res, ctx]) => res !== 'unresolved' || ctx !== undefined), []);
  });
});

describe('Flux repo', () => {
  let r: FixtureRepo;
  let d: Discovery;
  before(async () => {
    r = fluxRepo();
    d = discoverApps(await loadRepo(r.root), contexts);
  });
  after(() => r.cleanup());

  test('Kustomizations and the HelmRelease are the apps; their folders are not plain roots', () => {
    assert.deepEqual(d.apps.map((a) => `${a.id} ${a.kind}`).sort(), [
      'flux/clusters/prod/hr/flux-system/redis flux-helmrelease',
      'flux/clusters/prod/ks/flux-system/infra flux-kustomization',
      'flux/clusters/prod/ks/flux-system/podinfo flux-kustomization',
    ]);
    assert.deepEqual(d.unsupported, []);
  });

  test('Kustomization: source through the GitRepository, targetNamespace, dependsOn, substitutions (inline wins)', () => {
    const p = byId(d, 'flux/clusters/prod/ks/flux-system/podinfo');
    assert.deepEqual(p.problems, []);
    assert.equal(p.sources[0].local, true, 'GitRepository url without .git names this repo');
    assert.equal(p.sources[0].dir, r.path('apps/podinfo'));
    assert.equal(p.sources[0].renderer, 'kustomize');
    assert.equal(p.flux?.targetNamespace, 'podinfo');
    assert.equal(p.flux?.prune, true);
    assert.deepEqual(p.flux?.dependsOn, ['flux-system/infra']);
    assert.deepEqual(p.flux?.substitute, { cluster_name: 'prod-eu', replicas: '3', port: '9898', tier: 'backend' });
    assert.deepEqual(p.flux?.substituteFromFiles, [r.path('clusters/prod/cluster-vars.yaml')]);
    assert.equal(p.destination.namespace, 'podinfo');
    assert.equal(p.destination.context, 'prod', 'declared under clusters/prod/ and a `prod` context exists');
  });

  test('Kustomization over a folder without kustomization.yaml is built by kustomize, as kustomize-controller generates one', () => {
    const infra = byId(d, 'flux/clusters/prod/ks/flux-system/infra');
    assert.equal(infra.sources[0].renderer, 'kustomize');
    assert.equal(infra.sources[0].dir, r.path('infra'));
  });

  test('HelmRelease over a chart in this repo: release name <targetNamespace>-<name>, inline values', () => {
    const redis = byId(d, 'flux/clusters/prod/hr/flux-system/redis');
    assert.equal(redis.sources[0].renderer, 'helm');
    assert.equal(redis.sources[0].dir, r.path('charts/redis'));
    assert.equal(redis.sources[0].helm?.releaseName, 'cache-redis');
    assert.deepEqual(redis.sources[0].helm?.valuesObject, { replicas: 2 });
    assert.equal(redis.destination.namespace, 'cache');
  });
});

describe('plain kustomize repo', () => {
  test('overlays are roots; the base they share is not', async () => {
    const r = kustomizeRepo();
    try {
      const d = discoverApps(await loadRepo(r.root), contexts);
      assert.deepEqual(d.apps.map((a) => a.id), ['kustomize/overlays/dev', 'kustomize/overlays/prod']);
      for (const a of d.apps) {
        assert.equal(a.kind, 'kustomize');
        assert.equal(a.sources[0].renderer, 'kustomize');
        assert.equal(a.tracking, 'applyset');
        assert.equal(a.destination.resolution, 'unresolved');
      }
    } finally {
      r.cleanup();
    }
  });

  test('gitops-lens.yaml: explicit apps, app → context mapping, default context', async () => {
    const r = makeRepo('config-fixtures', {
      'gitops-lens.yaml': 'defaultContext: dev\nappContexts:\n  "kustomize/overlays/*": staging\napps:\n  - name: raw\n    path: raw\n    context: prod\n    namespace: raw\n',
      'raw/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: raw\n',
      'overlays/a/kustomization.yaml': 'resources: [cm.yaml]\n',
      'overlays/a/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n',
      'other/kustomization.yaml': 'resources: [cm.yaml]\n',
      'other/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: o\n',
    });
    try {
      const d = discoverApps(await loadRepo(r.root), contexts);
      const dest = Object.fromEntries(d.apps.map((a) => [a.id, `${a.destination.context}/${a.destination.resolution}`]));
      assert.deepEqual(dest, { 'kustomize/raw': 'prod/config', 'kustomize/overlays/a': 'staging/config', 'kustomize/other': 'dev/config' });
      const raw = byId(d, 'kustomize/raw');
      assert.equal(raw.name, 'raw');
      assert.equal(raw.sources[0].renderer, 'directory');
      assert.equal(raw.destination.namespace, 'raw');
    } finally {
      r.cleanup();
    }
  });
});

describe('broken repo', () => {
  let r: FixtureRepo;
  let d: Discovery;
  before(async () => {
    r = brokenRepo();
    d = discoverApps(await loadRepo(r.root), contexts);
  });
  after(() => r.cleanup());

  test('an app with a missing path is still listed, with an error on the path line', () => {
    const m = byId(d, 'argocd/argocd/missing');
    assert.equal(m.problems.length, 1);
    const p = m.problems[0];
    assert.equal(p.code, 'missing-path');
    assert.equal(p.severity, 'error');
    assert.match(p.message, /apps\/does-not-exist/);
    assert.equal(p.file, r.path('argocd/missing.yaml'));
    const pathLine = r.read('argocd/missing.yaml').split('\n').findIndex((l) => l.trim().startsWith('path:'));
    assert.equal(p.range?.start.line, pathLine);
  });

  test('malformed YAML elsewhere does not stop discovery', () => {
    assert.deepEqual(d.apps.map((a) => a.id).sort(), ['argocd/argocd/chart', 'argocd/argocd/missing', 'argocd/argocd/plain', 'kustomize/apps/missing-file']);
  });
});
