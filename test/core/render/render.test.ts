import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { childApps, discoverApps, type Discovery, type GitOpsApp } from '../../../src/core/apps';
import { loadKubeconfig, type ContextInfo } from '../../../src/core/cluster/kubeconfig';
import { describeId, type KubeObject } from '../../../src/core/manifest';
import { CLI_TOOL_HINTS, EDITOR_TOOL_HINTS, renderApp, type RenderedResource, type RenderResult, type Toolchain } from '../../../src/core/render';
import { loadRepo, type RepoSnapshot } from '../../../src/core/repo';
import { argoRepo, brokenRepo, fixtureContexts, fluxRepo, kustomizeRepo, realTools, writeKubeconfig, type FixtureRepo } from '../../support/repos';
import { tempDir } from '../../support/temp';

let tools: Toolchain;
let contexts: ContextInfo[];
before(async () => {
  tools = await realTools();
  const kc = writeKubeconfig(fixtureContexts);
  contexts = loadKubeconfig([kc.file]).contexts;
  kc.cleanup();
});

interface Loaded { r: FixtureRepo; repo: RepoSnapshot; d: Discovery }
async function load(make: () => FixtureRepo): Promise<Loaded> {
  const r = make();
  const repo = await loadRepo(r.root);
  return { r, repo, d: discoverApps(repo, contexts) };
}
function app(l: Loaded, id: string): GitOpsApp {
  const a = l.d.apps.find((x) => x.id === id);
  assert.ok(a, `no app ${id}`);
  return a;
}
function one(res: RenderResult, kind: string, name: string): RenderedResource {
  const found = res.resources.filter((x) => x.id.kind === kind && x.id.name === name);
  assert.equal(found.length, 1, `expected one ${kind} ${name} in ${res.resources.map((x) => describeId(x.id)).join(', ')}`);
  return found[0];
}
const get = (o: KubeObject, ...path: (string | number)[]): unknown => path.reduce<unknown>((v, k) => (v as Record<string | number, unknown> | undefined)?.[k], o);
/** 0-based line of the first line of `file` equal to `text` (after `skip` matches). */
function lineOf(r: FixtureRepo, file: string, text: string, skip = 0): number {
  const lines = r.read(file).split('\n');
  let seen = 0;
  for (const [i, l] of lines.entries()) if (l === text && seen++ === skip) return i;
  throw new Error(`${text} not in ${file}`);
}

describe('Argo CD repo', () => {
  let l: Loaded;
  before(async () => (l = await load(argoRepo)));
  after(() => l.r.cleanup());

  test('kustomize overlay with Argo namePrefix and image override; origins in the base files', async () => {
    const res = await renderApp(app(l, 'argocd/argocd/shop'), l.repo, tools);
    assert.deepEqual(res.problems, []);
    assert.equal(res.ok, true);
    assert.equal(res.renderer, 'kustomize');
    assert.deepEqual(res.resources.map((x) => `${x.id.group}/${x.id.kind}/${x.id.name}`).sort(), ['/Service/argo-frontend', 'apps/Deployment/argo-frontend']);
    const dep = one(res, 'Deployment', 'argo-frontend');
    assert.equal(get(dep.object, 'spec', 'replicas'), 3, 'overlay patch');
    assert.equal(get(dep.object, 'spec', 'template', 'spec', 'containers', 0, 'image'), 'registry.example.com/nginx:1.27.1', 'Argo image override');
    assert.equal(dep.object.metadata?.annotations, undefined, 'the origin annotation we asked for is not left on the object');
    assert.equal(dep.origin?.file, l.r.path('apps/shop/base/deploy.yaml'));
    assert.equal(dep.origin?.range.start.line, lineOf(l.r, 'apps/shop/base/deploy.yaml', 'apiVersion: apps/v1'));
    assert.equal(dep.origin?.via, 'kustomize-origin');
    assert.equal(one(res, 'Service', 'argo-frontend').origin?.file, l.r.path('apps/shop/base/service.yaml'));
    assert.ok(res.inputs.includes(l.r.path('apps/shop/overlays/prod/replicas.yaml')));
    assert.ok(res.inputs.includes(l.r.path('apps/shop/base/deploy.yaml')));
  });

  test('multi-source helm: values from the ref file, parameters, release name; origin at the template', async () => {
    const res = await renderApp(app(l, 'argocd/argocd/web'), l.repo, tools);
    assert.deepEqual(res.problems, []);
    assert.equal(res.renderer, 'helm');
    const dep = one(res, 'Deployment', 'web-release');
    assert.equal(get(dep.object, 'spec', 'replicas'), 4, 'replicaCount from values/web-prod.yaml');
    assert.equal(get(dep.object, 'spec', 'template', 'spec', 'containers', 0, 'image'), 'nginx:2.0.1', 'tag from the ref file, repository from the chart');
    assert.equal(get(one(res, 'Service', 'web-release').object, 'spec', 'ports', 0, 'port'), 8080, 'helm parameter');
    assert.equal(dep.origin?.file, l.r.path('charts/web/templates/deployment.yaml'));
    assert.equal(dep.origin?.range.start.line, lineOf(l.r, 'charts/web/templates/deployment.yaml', 'kind: Deployment'));
    assert.equal(dep.origin?.via, 'helm-source');
    assert.equal(one(res, 'Service', 'web-release').origin?.file, l.r.path('charts/web/templates/service.yaml'));
    assert.ok(res.inputs.includes(l.r.path('values/web-prod.yaml')), 'the ref values file is an input');
  });

  test('app-of-apps: the root renders Applications, which become child apps', async () => {
    const root = app(l, 'argocd/argocd/root');
    const res = await renderApp(root, l.repo, tools);
    assert.equal(res.ok, true);
    assert.deepEqual(res.resources.map((x) => `${x.id.kind}/${x.id.name}`).sort(), ['Application/child-a', 'Application/child-b']);
    assert.equal(one(res, 'Application', 'child-a').origin?.file, l.r.path('argocd/children/child-a.yaml'));
    const children = childApps(root, res.resources, l.repo, contexts, l.d.config);
    assert.deepEqual(children.map((c) => [c.id, c.parent, c.destination.context, c.sources[0].dir]).sort(), [
      ['argocd/argocd/child-a', 'argocd/argocd/root', 'prod', l.r.path('apps/child-a')],
      ['argocd/argocd/child-b', 'argocd/argocd/root', 'dev', l.r.path('apps/child-b')],
    ]);
    assert.equal(children[0].declaredIn?.file.endsWith('.yaml'), true);
  });

  test('ApplicationSet-generated apps render their folder', async () => {
    const res = await renderApp(app(l, 'argocd/argocd/team-beta'), l.repo, tools);
    assert.deepEqual(res.resources.map((x) => x.id.name), ['beta']);
    assert.equal(res.resources[0].origin?.file, l.r.path('apps/teams/beta/cm.yaml'));
  });

  test('an app from another repository that cannot be reached is not rendered and says why', async () => {
    // The fixture names a public host; point it at a closed loopback port so no test leaves the machine.
    const external = app(l, 'argocd/argocd/external');
    const unreachable = { ...external, sources: external.sources.map((s) => ({ ...s, repoURL: 'http://127.0.0.1:9/other-org/elsewhere.git' })) };
    const cacheDir = tempDir('gitops-lens-cache-');
    try {
      const res = await renderApp(unreachable, l.repo, { ...tools, cacheDir });
      assert.equal(res.ok, false);
      assert.deepEqual(res.resources, []);
      assert.equal(res.problems[0].code, 'source-unavailable');
      assert.match(res.problems[0].message, /^external: http:\/\/127\.0\.0\.1:9\/other-org\/elsewhere\.git could not be cloned: .*127\.0\.0\.1/);
      assert.equal(res.problems[0].file, l.r.path('argocd/external.yaml'));
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});

describe('Flux repo', () => {
  let l: Loaded;
  before(async () => (l = await load(fluxRepo)));
  after(() => l.r.cleanup());

  test('Kustomization: targetNamespace and post-build substitution with Flux types', async () => {
    const res = await renderApp(app(l, 'flux/clusters/prod/ks/flux-system/podinfo'), l.repo, tools);
    assert.deepEqual(res.problems, []);
    const dep = one(res, 'Deployment', 'podinfo');
    assert.equal(dep.id.namespace, 'podinfo');
    assert.equal(get(dep.object, 'spec', 'replicas'), 3, 'inline substitute wins over the ConfigMap, and becomes a number');
    assert.deepEqual(dep.object.metadata?.labels, { tier: 'backend', region: 'eu-west-1' }, '${region:=eu-west-1} default applies');
    assert.deepEqual(get(dep.object, 'spec', 'template', 'spec', 'containers', 0, 'env'), [
      { name: 'CLUSTER', value: 'prod-eu' },
      { name: 'GREETING', value: 'hello-${cluster_name}' }, // $${var} is an escape
    ]);
    const svc = one(res, 'Service', 'podinfo');
    assert.equal(svc.id.namespace, 'podinfo');
    assert.equal(get(svc.object, 'spec', 'ports', 0, 'port'), 9898, 'from substituteFrom ConfigMap, a number');
    assert.equal(dep.origin?.file, l.r.path('apps/podinfo/deployment.yaml'));
    assert.equal(dep.origin?.range.start.line, 0);
    assert.ok(res.inputs.includes(l.r.path('clusters/prod/cluster-vars.yaml')), 'substituteFrom source is an input');
  });

  test('Kustomization over a plain folder: every manifest, origin per document', async () => {
    const res = await renderApp(app(l, 'flux/clusters/prod/ks/flux-system/infra'), l.repo, tools);
    assert.equal(res.ok, true);
    // kustomize-controller generates a kustomization listing the file; kustomize orders the output.
    assert.deepEqual(res.resources.map((x) => [x.id.kind, x.id.name, x.origin?.range.start.line]), [
      ['Namespace', 'cache', lineOf(l.r, 'infra/namespaces.yaml', 'apiVersion: v1', 1)],
      ['Namespace', 'podinfo', 0],
    ]);
  });

  test('HelmRelease over a local chart: release name, values, origin at the template', async () => {
    const res = await renderApp(app(l, 'flux/clusters/prod/hr/flux-system/redis'), l.repo, tools);
    assert.deepEqual(res.problems, []);
    const sts = one(res, 'StatefulSet', 'cache-redis');
    assert.equal(get(sts.object, 'spec', 'replicas'), 2, 'HelmRelease spec.values over the chart default 1');
    assert.equal(sts.origin?.file, l.r.path('charts/redis/templates/statefulset.yaml'));
    assert.equal(sts.origin?.range.start.line, lineOf(l.r, 'charts/redis/templates/statefulset.yaml', 'kind: StatefulSet'));
  });
});

describe('plain kustomize repo', () => {
  let l: Loaded;
  before(async () => (l = await load(kustomizeRepo)));
  after(() => l.r.cleanup());

  test('dev overlay: prefix, namespace, strategic-merge patch, generated ConfigMap wired by hashed name', async () => {
    const res = await renderApp(app(l, 'kustomize/overlays/dev'), l.repo, tools);
    assert.deepEqual(res.problems, []);
    assert.ok(res.resources.every((x) => x.id.namespace === 'dev'));
    const cm = res.resources.find((x) => x.id.kind === 'ConfigMap');
    assert.ok(cm);
    assert.match(cm.id.name, /^dev-web-config-[a-z0-9]{10}$/);
    assert.deepEqual(cm.object.data, { LOG_LEVEL: 'info', MODE: 'web' });
    const dep = one(res, 'Deployment', 'dev-web');
    assert.equal(get(dep.object, 'spec', 'replicas'), 2);
    assert.equal(get(dep.object, 'spec', 'template', 'spec', 'containers', 0, 'envFrom', 0, 'configMapRef', 'name'), cm.id.name);
    assert.equal(get(dep.object, 'spec', 'template', 'spec', 'serviceAccountName'), 'dev-web');
    // base/deploy.yaml holds the ServiceAccount first, then the Deployment after a comment.
    assert.equal(dep.origin?.file, l.r.path('base/deploy.yaml'));
    assert.equal(dep.origin?.range.start.line, lineOf(l.r, 'base/deploy.yaml', 'apiVersion: apps/v1'));
    assert.equal(dep.origin?.docIndex, 1);
    const sa = one(res, 'ServiceAccount', 'dev-web');
    assert.equal(sa.origin?.range.start.line, lineOf(l.r, 'base/deploy.yaml', 'apiVersion: v1'));
    assert.equal(sa.origin?.docIndex, 0);
  });

  test('prod overlay: JSON6902 patch, merged generator; generated object points at its generator entry', async () => {
    const res = await renderApp(app(l, 'kustomize/overlays/prod'), l.repo, tools);
    assert.deepEqual(res.problems, []);
    const dep = one(res, 'Deployment', 'prod-web');
    assert.equal(get(dep.object, 'spec', 'replicas'), 5);
    assert.equal(get(dep.object, 'spec', 'template', 'spec', 'containers', 0, 'image'), 'nginx:1.27-prod');
    const cm = res.resources.find((x) => x.id.kind === 'ConfigMap');
    assert.ok(cm);
    assert.match(cm.id.name, /^prod-web-config-/);
    assert.deepEqual(cm.object.data, { LOG_LEVEL: 'warn', MODE: 'web' });
    assert.equal(cm.origin?.file, l.r.path('base/kustomization.yaml'));
    assert.equal(cm.origin?.range.start.line, lineOf(l.r, 'base/kustomization.yaml', '  - name: web-config'));
    assert.ok(res.inputs.includes(l.r.path('overlays/prod/image.json')));
  });

  test('kubectl kustomize fallback when no standalone kustomize is configured gives the same objects', async () => {
    const a = app(l, 'kustomize/overlays/prod');
    const viaKubectl = await renderApp(a, l.repo, { trusted: true, helm: tools.helm, kubectl: 'kubectl', kustomize: undefined });
    const viaKustomize = await renderApp(a, l.repo, tools);
    assert.deepEqual(viaKubectl.problems, []);
    const key = (res: RenderResult) => res.resources.map((x) => [describeId(x.id), x.origin?.file, x.origin?.range.start.line]).sort();
    assert.deepEqual(key(viaKubectl), key(viaKustomize));
  });

  test('an explicit kustomize path that does not exist is a clear error naming what the caller\'s user sets: the editor setting, or the CLI variable', async () => {
    const res = await renderApp(app(l, 'kustomize/overlays/dev'), l.repo, { ...tools, kustomize: '/nonexistent/kustomize', hints: EDITOR_TOOL_HINTS });
    assert.equal(res.ok, false);
    assert.equal(res.problems[0].code, 'binary-missing');
    assert.match(res.problems[0].message, /\/nonexistent\/kustomize/);
    assert.match(res.problems[0].message, /gitopsLens\.kustomizePath/);
    const cli = await renderApp(app(l, 'kustomize/overlays/dev'), l.repo, { ...tools, kustomize: '/nonexistent/kustomize', hints: CLI_TOOL_HINTS });
    assert.match(cli.problems[0].message, /set GITOPS_LENS_KUSTOMIZE to its path/);
    assert.doesNotMatch(cli.problems[0].message, /gitopsLens\./);
  });

  test('an untrusted workspace renders nothing that needs a program', async () => {
    const res = await renderApp(app(l, 'kustomize/overlays/dev'), l.repo, { ...tools, trusted: false });
    assert.equal(res.ok, false);
    assert.equal(res.problems[0].code, 'untrusted');
  });
});

describe('broken repo', () => {
  let l: Loaded;
  before(async () => (l = await load(brokenRepo)));
  after(() => l.r.cleanup());

  test('malformed YAML: an error with file and line; the good documents still render', async () => {
    const res = await renderApp(app(l, 'argocd/argocd/plain'), l.repo, tools);
    assert.equal(res.ok, false);
    assert.deepEqual(res.resources.map((x) => x.id.name).sort(), ['fine', 'good']);
    const yamlErrors = res.problems.filter((p) => p.code === 'yaml');
    assert.equal(yamlErrors.length, 1);
    assert.equal(yamlErrors[0].file, l.r.path('apps/plain/bad.yaml'));
    // The broken document spans from its `apiVersion` (after the first `---`) to the end of the file.
    const brokenStart = lineOf(l.r, 'apps/plain/bad.yaml', 'apiVersion: v1', 1);
    const line = yamlErrors[0].range!.start.line;
    assert.ok(line >= brokenStart && line <= brokenStart + 4, `error line ${line} inside the broken document`);
  });

  test('missing source path: render fails with the declaration file and line', async () => {
    const res = await renderApp(app(l, 'argocd/argocd/missing'), l.repo, tools);
    assert.equal(res.ok, false);
    assert.equal(res.problems[0].code, 'missing-path');
    assert.equal(res.problems[0].file, l.r.path('argocd/missing.yaml'));
    assert.equal(res.problems[0].range?.start.line, lineOf(l.r, 'argocd/missing.yaml', '    path: apps/does-not-exist'));
  });

  test('kustomization listing a missing file: error at that entry, kustomize never runs', async () => {
    const res = await renderApp(app(l, 'kustomize/apps/missing-file'), l.repo, { ...tools, kustomize: '/nonexistent/kustomize' });
    assert.equal(res.ok, false);
    assert.equal(res.problems.length, 1);
    assert.equal(res.problems[0].code, 'missing-path');
    assert.match(res.problems[0].message, /"gone\.yaml"/);
    assert.equal(res.problems[0].file, l.r.path('apps/missing-file/kustomization.yaml'));
    assert.equal(res.problems[0].range?.start.line, lineOf(l.r, 'apps/missing-file/kustomization.yaml', '  - gone.yaml'));
  });

  test('helm missing: a clear error naming the binary and the setting', async () => {
    const res = await renderApp(app(l, 'argocd/argocd/chart'), l.repo, { ...tools, helm: '/nonexistent/helm', hints: EDITOR_TOOL_HINTS });
    assert.equal(res.ok, false);
    assert.deepEqual(res.resources, []);
    assert.equal(res.problems.length, 1);
    assert.equal(res.problems[0].code, 'binary-missing');
    assert.match(res.problems[0].message, /\/nonexistent\/helm/);
    assert.match(res.problems[0].message, /gitopsLens\.helmPath/);
  });

  test('the same chart renders with the real helm', async () => {
    const res = await renderApp(app(l, 'argocd/argocd/chart'), l.repo, tools);
    assert.deepEqual(res.problems, []);
    assert.deepEqual(res.resources.map((x) => describeId(x.id)), ['ConfigMap chart']);
  });
});
