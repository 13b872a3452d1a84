// Real Flux layouts (issue 11): every declaration is an app with the namespace and source
// Flux gives it, renders are what kustomize-controller / helm-controller apply. One test per
// numbered defect of the issue; each failed on main before this work.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { discoverApps, type Discovery, type GitOpsApp } from '../../../src/core/apps';
import { renderApp, type RenderResult, type Toolchain } from '../../../src/core/render';
import { envsubst } from '../../../src/core/render/envsubst';
import { loadRepo, type RepoSnapshot } from '../../../src/core/repo';
import { loadDesired } from '../../../src/core/sync';
import { runCliCaptured } from '../../support/cli';
import { fluxInstanceRepo, homeLabFiles, homeLabRepo, multiTenancyRepo, stagingProductionFiles } from '../../support/flux-fleets';
import { makeRepo, realTools, type FixtureRepo } from '../../support/repos';
import { toolPath } from '../../support/tools';
import { tempDir } from '../../support/temp';

let tools: Toolchain;
before(async () => (tools = await realTools()));

interface Loaded { r: FixtureRepo; repo: RepoSnapshot; d: Discovery }
async function load(r: FixtureRepo): Promise<Loaded> {
  const repo = await loadRepo(r.root);
  return { r, repo, d: discoverApps(repo) };
}
function app(l: Loaded, id: string): GitOpsApp {
  const a = l.d.apps.find((x) => x.id === id);
  assert.ok(a, `no app ${id}; apps: ${l.d.apps.map((x) => x.id).join(', ')}`);
  return a;
}
const errors = (l: Loaded) => l.d.apps.flatMap((a) => a.problems.filter((p) => p.severity !== 'info').map((p) => `${a.id}: ${p.message}`));
const get = (o: unknown, ...path: (string | number)[]): unknown => path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined), o);
function kinds(res: RenderResult): string[] {
  return res.resources.map((r) => `${r.id.kind} ${r.id.namespace ?? ''}/${r.id.name}`).sort();
}

describe('home-lab fleet (bootstrap placeholder, ks.yaml + HelmRelease of the same name, components, parent patches)', () => {
  let l: Loaded;
  before(async () => (l = await load(homeLabRepo())));
  after(() => l.r.cleanup());

  test('every declaration is an app, in the namespace Flux applies it to, under one cluster entry point', () => {
    assert.deepEqual(l.d.apps.map((a) => a.id).sort(), [
      'flux/kubernetes/flux/cluster/hr/default/atuin',
      'flux/kubernetes/flux/cluster/hr/default/echo',
      'flux/kubernetes/flux/cluster/hr/media/plex',
      'flux/kubernetes/flux/cluster/hr/media/plex-trakt-sync',
      'flux/kubernetes/flux/cluster/ks/default/atuin',
      'flux/kubernetes/flux/cluster/ks/default/echo',
      'flux/kubernetes/flux/cluster/ks/flux-system/cluster-apps',
      'flux/kubernetes/flux/cluster/ks/media/plex',
      'flux/kubernetes/flux/cluster/ks/media/plex-trakt-sync',
    ]);
    assert.deepEqual(errors(l), [], 'no false problems');
  });

  test('defect 1: a Kustomization and a HelmRelease both named atuin are two apps, no "declared more than once"', () => {
    const ks = app(l, 'flux/kubernetes/flux/cluster/ks/default/atuin');
    const hr = app(l, 'flux/kubernetes/flux/cluster/hr/default/atuin');
    assert.equal(ks.kind, 'flux-kustomization');
    assert.equal(hr.kind, 'flux-helmrelease');
    assert.ok(l.d.apps.every((a) => a.problems.every((p) => p.code !== 'duplicate-app')));
  });

  test('defect 3: a HelmRelease without metadata.namespace is in its Kustomization\'s targetNamespace; ks.yaml in the namespace of the kustomization.yaml listing it', () => {
    assert.equal(app(l, 'flux/kubernetes/flux/cluster/hr/media/plex').namespace, 'media');
    assert.equal(app(l, 'flux/kubernetes/flux/cluster/ks/media/plex').namespace, 'media', 'apps/media/kustomization.yaml has namespace: media');
    assert.equal(app(l, 'flux/kubernetes/flux/cluster/hr/media/plex').flux?.appliedBy, 'flux/kubernetes/flux/cluster/ks/media/plex');
  });

  test('defect 4: the undeclared bootstrap GitRepository flux-system is this repository; remote charts come from their OCIRepository', () => {
    const root = app(l, 'flux/kubernetes/flux/cluster/ks/flux-system/cluster-apps');
    assert.equal(root.sources[0].local, true);
    assert.equal(root.sources[0].dir, l.r.path('kubernetes/apps'));
    assert.deepEqual(root.problems.map((p) => [p.code, p.severity]), [['source-bootstrap', 'info']]);
    const plex = app(l, 'flux/kubernetes/flux/cluster/hr/media/plex');
    assert.deepEqual(plex.problems, []);
    assert.deepEqual(plex.sources[0].remoteChart, { repoURL: 'oci://127.0.0.1:9/bjw-s-labs/helm/app-template', version: '4.4.0', digest: undefined, plainHttp: false }, 'the OCIRepository beside it, placed in media by targetNamespace');
  });

  test('defect 9: Components are never apps', () => {
    assert.ok(l.d.apps.every((a) => !a.id.includes('components') && !a.sources.some((s) => s.dir?.includes('components'))));
  });

  test('defect 5: nested default ${VOLSYNC_CLAIM:-${APP}} renders the claim name whole; := defaults apply', async () => {
    const res = await renderApp(app(l, 'flux/kubernetes/flux/cluster/ks/media/plex-trakt-sync'), l.repo, tools);
    assert.deepEqual(res.problems, []);
    const pvc = res.resources.find((r) => r.id.kind === 'PersistentVolumeClaim');
    assert.equal(pvc?.id.name, 'plex-trakt-sync-config', 'VOLSYNC_CLAIM set in ks.yaml');
    assert.equal(pvc?.id.namespace, 'media', 'targetNamespace');
    assert.equal(get(pvc?.object, 'spec', 'resources', 'requests', 'storage'), '5Gi');
    const atuin = await renderApp(app(l, 'flux/kubernetes/flux/cluster/ks/default/atuin'), l.repo, tools);
    assert.equal(atuin.resources.find((r) => r.id.kind === 'PersistentVolumeClaim')?.id.name, 'atuin', 'falls back to ${APP}');
  });

  test('defect 6: the parent\'s spec.patches add substituteFrom to each child: cluster-settings reaches the HelmRelease values', async () => {
    const res = await renderApp(app(l, 'flux/kubernetes/flux/cluster/ks/default/echo'), l.repo, tools);
    assert.deepEqual(res.problems, []);
    const hr = res.resources.find((r) => r.id.kind === 'HelmRelease');
    assert.equal(hr?.id.namespace, 'default');
    assert.equal(get(hr?.object, 'spec', 'values', 'controllers', 'echo', 'containers', 'app', 'env', 'TZ'), 'Europe/Paris', 'TIMEZONE from the ConfigMap the parent patch names');
    // Without the parent's patch the child has no substituteFrom: the value would be empty.
    assert.equal(app(l, 'flux/kubernetes/flux/cluster/ks/default/echo').flux?.substituteFromFiles?.length ?? 0, 0, 'the file as written names no substituteFrom');
  });

  test('the parent renders its children as kustomize-controller would: Kustomizations patched, namespaced', async () => {
    const res = await renderApp(app(l, 'flux/kubernetes/flux/cluster/ks/flux-system/cluster-apps'), l.repo, tools);
    assert.deepEqual(res.problems, []);
    const child = res.resources.find((r) => r.id.kind === 'Kustomization' && r.id.name === 'plex');
    assert.equal(child?.id.namespace, 'media');
    assert.deepEqual(get(child?.object, 'spec', 'postBuild', 'substituteFrom'), [{ kind: 'ConfigMap', name: 'cluster-settings' }]);
    assert.equal(get(child?.object, 'spec', 'decryption', 'provider'), 'sops');
  });

  test('a chart that cannot be pulled (offline) is Unknown with the reason, not a render failure', async () => {
    const res = await renderApp(app(l, 'flux/kubernetes/flux/cluster/hr/media/plex'), l.repo, { ...tools, cacheDir: tempDir('gitops-lens-charts-') });
    assert.equal(res.ok, false);
    assert.deepEqual(res.problems.map((p) => p.code), ['source-unavailable']);
    assert.match(res.problems[0].message, /app-template/);
  });

  test('gitops-lens apps lists the fleet and exits 0', async () => {
    const run = await runCliCaptured(['apps', l.r.root], { cwd: l.r.root });
    assert.equal(run.code, 0, run.output);
    assert.match(run.stdout, /flux\/kubernetes\/flux\/cluster\/hr\/media\/plex-trakt-sync/);
  });
});

describe('staging + production with the same names (the Flux example), plain and with ArtifactGenerators', () => {
  for (const artifactGenerator of [false, true]) {
    describe(artifactGenerator ? 'ArtifactGenerator form' : 'plain form', () => {
      let l: Loaded;
      before(async () => (l = await load(makeRepo('flux2-kustomize-helm-example', stagingProductionFiles({ artifactGenerator })))));
      after(() => l.r.cleanup());

      test('defect 2: both clusters keep their apps, side by side by entry point', () => {
        const ids = l.d.apps.map((a) => a.id);
        for (const env of ['staging', 'production']) {
          for (const id of [`ks/flux-system/flux-system`, `ks/flux-system/apps`, `ks/flux-system/infra-controllers`, `hr/podinfo/podinfo`, `hr/ingress-nginx/ingress-nginx`]) assert.ok(ids.includes(`flux/clusters/${env}/${id}`), `flux/clusters/${env}/${id} in ${ids.join(', ')}`);
        }
        assert.equal(ids.length, 10);
        assert.deepEqual(errors(l), []);
        assert.deepEqual([...new Set(l.d.apps.map((a) => a.entryPoint))].sort(), ['clusters/production', 'clusters/staging']);
      });

      test('each cluster renders its own overlay of the shared HelmRelease (values patched per cluster)', async () => {
        for (const [env, replicas, host] of [['staging', 1, 'podinfo.staging'], ['production', 3, 'podinfo.production']] as const) {
          const res = await renderApp(app(l, `flux/clusters/${env}/hr/podinfo/podinfo`), l.repo, tools);
          assert.deepEqual(res.problems, []);
          const dep = res.resources.find((r) => r.id.kind === 'Deployment');
          assert.equal(get(dep?.object, 'spec', 'replicas'), replicas);
          assert.equal(get(dep?.object, 'metadata', 'labels', 'helm.toolkit.fluxcd.io/name'), 'podinfo', 'helm-controller origin label');
          const ing = res.resources.find((r) => r.id.kind === 'Ingress');
          assert.equal(get(ing?.object, 'spec', 'rules', 0, 'host'), host);
        }
      });
    });
  }
});

describe('multi-tenancy: a tenant on another branch of this repo', () => {
  let l: Loaded;
  before(async () => (l = await load(multiTenancyRepo())));
  after(() => l.r.cleanup());

  test('defect 7: the dev-team Kustomization renders the dev-team branch, not the working tree of main', async () => {
    const tenant = app(l, 'flux/clusters/production/ks/apps/dev-team');
    assert.equal(tenant.sources[0].archive?.gitRef, 'dev-team');
    const res = await renderApp(tenant, l.repo, tools);
    assert.deepEqual(res.problems, []);
    const cm = res.resources.find((r) => r.id.kind === 'ConfigMap');
    assert.equal(get(cm?.object, 'data', 'owner'), 'dev-team-branch');
    assert.equal(l.r.read('deploy/cm.yaml').includes('main-branch'), true, 'the working tree was left alone');
  });

  test('rendered at HEAD from an export (as sync, revert and revision diffs render): branches resolve in the repository the export came from', async () => {
    // The export has no .git: "main" is the branch checked out in the clone (no archive), and
    // "dev-team" is still read from the clone's refs, not looked up in the export.
    for (const a of l.d.apps) {
      const desired = await loadDesired(l.r.root, a.id, { revision: 'HEAD', tools });
      assert.deepEqual(desired.render.problems.map((p) => p.message), [], a.id);
    }
    const tenant = await loadDesired(l.r.root, 'flux/clusters/production/ks/apps/dev-team', { revision: 'HEAD', tools });
    assert.equal(get(tenant.render.resources.find((r) => r.id.kind === 'ConfigMap')?.object, 'data', 'owner'), 'dev-team-branch');
  });

  test('a branch this clone lacks says which ref to fetch', async () => {
    l.r.write('tenants/dev-team/sync.yaml', l.r.read('tenants/dev-team/sync.yaml').replace('branch: dev-team', 'branch: qa-team'));
    try {
      const repo = await loadRepo(l.r.root);
      const tenant = discoverApps(repo).apps.find((a) => a.id === 'flux/clusters/production/ks/apps/dev-team')!;
      assert.equal(tenant.sources[0].archive?.gitRef, 'qa-team');
      const res = await renderApp(tenant, repo, tools);
      assert.equal(res.ok, false);
      assert.match(res.problems.map((p) => p.message).join('\n'), /qa-team.*git fetch origin qa-team/s);
    } finally {
      l.r.write('tenants/dev-team/sync.yaml', l.r.read('tenants/dev-team/sync.yaml').replace('branch: qa-team', 'branch: dev-team'));
    }
  });
});

describe('FluxInstance repo', () => {
  let l: Loaded;
  before(async () => (l = await load(fluxInstanceRepo())));
  after(() => l.r.cleanup());

  test('spec.sync is the root: its path is the entry point, its source this repo', async () => {
    assert.deepEqual(l.d.apps.map((a) => a.id).sort(), ['flux/clusters/homelab/ks/flux-system/apps', 'flux/clusters/homelab/ks/flux-system/flux-system']);
    assert.deepEqual(errors(l), []);
    const res = await renderApp(app(l, 'flux/clusters/homelab/ks/flux-system/apps'), l.repo, tools);
    assert.deepEqual(kinds(res), ['ConfigMap web/web']);
  });
});

describe('post-build substitution agrees with Flux\'s own library (fluxcd/pkg/envsubst, built from its Go module)', () => {
  test('expressions real fleets use, and the odd corners', async () => {
    const oracle = await toolPath('flux-envsubst');
    const dir = tempDir('gitops-lens-envsubst-');
    try {
      const vars = { APP: 'plex', EMPTY: '', HOST: 'a.b.example.com', N: '3' };
      writeFileSync(join(dir, 'vars.json'), JSON.stringify(vars));
      const cases = ['${VOLSYNC_CLAIM:-${APP}}', 'name: ${APP}-${N}', '$${APP} stays', '${EMPTY:=def}', '${EMPTY:-d}', '${UNSET:=a-${APP}-b}', '${APP^^} ${APP,}', '${#HOST}', '${HOST#*.} ${HOST##*.} ${HOST%.*} ${HOST%%.*}', '${HOST/example/x} ${HOST//./-}', '${APP:1:2} ${APP:2}', 'price $5 and $ alone', '${A:-{}}', '${UNSET}end', 'image: ${REG:=ghcr.io}/${APP}:${TAG:-latest}', '${EMPTY-d}', 'sh ${APP'];
      for (const text of cases) {
        let expected: string;
        try {
          expected = execFileSync(oracle, [join(dir, 'vars.json')], { input: text, encoding: 'utf8' });
        } catch (e) {
          expected = 'error';
          void e;
        }
        let ours: string;
        try {
          ours = envsubst(text, (n) => ({ value: (vars as Record<string, string>)[n] ?? '', exists: true }));
        } catch {
          ours = 'error';
        }
        assert.equal(ours, expected, text);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('150-app home-lab fleet', () => {
  test('gitops-lens apps lists every app (time printed, not asserted)', async () => {
    const apps = Array.from({ length: 75 }, (_, i) => ({ ns: `ns${i % 12}`, app: `app${i}`, volsync: i % 3 === 0 }));
    const r = makeRepo('big-fleet', homeLabFiles(apps));
    try {
      const started = process.hrtime.bigint();
      const run = await runCliCaptured(['apps', '--json', r.root], { cwd: r.root });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      assert.equal(run.code, 0, run.stderr);
      const listed = (JSON.parse(run.stdout) as { apps: GitOpsApp[] }).apps;
      assert.equal(listed.length, 151, '75 Kustomizations + 75 HelmReleases + cluster-apps');
      console.log(`# gitops-lens apps on ${listed.length} Flux apps: ${ms.toFixed(0)} ms`);
    } finally {
      r.cleanup();
    }
  });
});

describe('lint on each layout: no false errors (bootstrap placeholder, namespace-less ks.yaml, ExternalArtifact, FluxInstance)', () => {
  const layouts: [string, () => FixtureRepo][] = [
    ['home-lab', homeLabRepo],
    ['staging/production', () => makeRepo('flux2-kustomize-helm-example', stagingProductionFiles())],
    ['ArtifactGenerator', () => makeRepo('flux2-artifacts', stagingProductionFiles({ artifactGenerator: true }))],
    ['multi-tenancy', multiTenancyRepo],
    ['FluxInstance', fluxInstanceRepo],
  ];
  for (const [name, make] of layouts) {
    test(name, async () => {
      const r = make();
      try {
        const run = await runCliCaptured(['lint', '--format', 'json'], { cwd: r.root });
        const parsed = JSON.parse(run.stdout) as { ruleId: string; severity: string; message: string }[] | { findings: { ruleId: string; severity: string; message: string }[] };
        const findings = Array.isArray(parsed) ? parsed : parsed.findings;
        assert.deepEqual(findings.filter((f) => f.severity === 'error').map((f) => `${f.ruleId}: ${f.message}`), []);
      } finally {
        r.cleanup();
      }
    });
  }
});

describe('substituteFrom a Secret', () => {
  test('the value is substituted for drift but masked wherever the CLI shows the render', async () => {
    const r = makeRepo('secret-vars', {
      'clusters/main/apps.yaml': `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: web
  namespace: flux-system
spec:
  interval: 1h
  path: ./web
  prune: true
  targetNamespace: web
  sourceRef:
    kind: GitRepository
    name: flux-system
  postBuild:
    substitute:
      PUBLIC: shown.example.com
    substituteFrom:
      - kind: Secret
        name: cluster-secrets
`,
      'clusters/main/cluster-secrets.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: cluster-secrets\n  namespace: flux-system\nstringData:\n  SECRET_DOMAIN: hidden-domain.example.net\n',
      'web/ingress-host.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hosts\ndata:\n  private: app.${SECRET_DOMAIN}\n  public: ${PUBLIC}\n',
    });
    try {
      const l = await load(r);
      const res = await renderApp(app(l, 'flux/clusters/main/ks/flux-system/web'), l.repo, tools);
      assert.equal(get(res.resources[0]?.object, 'data', 'private'), 'app.hidden-domain.example.net', 'drift compares the real value');
      const run = await runCliCaptured(['render', 'flux-system/web'], { cwd: r.root });
      assert.equal(run.code, 0, run.output);
      assert.ok(!run.output.includes('hidden-domain'), run.output);
      assert.match(run.output, /public: shown\.example\.com/);
    } finally {
      r.cleanup();
    }
  });
});

describe('GitRepository spec.ignore and .sourceignore decide what is in the artifact', () => {
  const files = (ignore: string | undefined) => ({
    'clusters/main/flux-system/gotk-sync.yaml': `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m
  url: https://github.com/example/ignored
  ref:
    branch: main${ignore ? `\n  ignore: |\n${ignore.split('\n').map((l) => `    ${l}`).join('\n')}` : ''}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 10m
  path: ./clusters/main
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`,
    'clusters/main/apps.yaml': 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./apps\n  prune: true\n  targetNamespace: apps\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n',
    'clusters/main/draft-release.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: draft\n  namespace: flux-system\nspec:\n  chartRef:\n    kind: OCIRepository\n    name: draft\n',
    'apps/web.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n',
    'apps/experiments/try.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: experiment\n',
    'apps/.sourceignore': 'experiments/\n',
  });

  test('spec.ignore and a nested .sourceignore leave files out of the tree and the build', async () => {
    const l = await load(makeRepo('ignored', files('/clusters/main/draft-release.yaml')));
    try {
      assert.deepEqual(l.d.apps.map((a) => a.id).sort(), ['flux/clusters/main/ks/flux-system/apps', 'flux/clusters/main/ks/flux-system/flux-system'], 'the ignored HelmRelease is not applied by anything');
      const res = await renderApp(app(l, 'flux/clusters/main/ks/flux-system/apps'), l.repo, tools);
      assert.deepEqual(kinds(res), ['ConfigMap apps/web'], 'apps/experiments is in .sourceignore');
    } finally {
      l.r.cleanup();
    }
  });

  test('without spec.ignore the same .sourceignore still applies', async () => {
    const l = await load(makeRepo('ignored2', files(undefined)));
    try {
      assert.ok(l.d.apps.some((a) => a.id === 'flux/clusters/main/hr/flux-system/draft'));
      const res = await renderApp(app(l, 'flux/clusters/main/ks/flux-system/apps'), l.repo, tools);
      assert.deepEqual(kinds(res), ['ConfigMap apps/web']);
    } finally {
      l.r.cleanup();
    }
  });
});

describe('true duplicates within one cluster tree', () => {
  test('the same HelmRelease in two files of one tree is reported once, naming both files; other clusters are not duplicates', async () => {
    const files = homeLabFiles([{ ns: 'default', app: 'echo' }]);
    files['kubernetes/apps/default/echo/app/copy.yaml'] = files['kubernetes/apps/default/echo/app/helmrelease.yaml'];
    files['kubernetes/apps/default/echo/app/kustomization.yaml'] += '  - ./copy.yaml\n';
    const l = await load(makeRepo('dupes', files));
    try {
      const hr = app(l, 'flux/kubernetes/flux/cluster/hr/default/echo');
      const dup = hr.problems.filter((p) => p.code === 'duplicate-app');
      assert.equal(dup.length, 1);
      assert.ok(dup[0].message.includes(l.r.path('kubernetes/apps/default/echo/app/helmrelease.yaml')) && dup[0].message.includes(l.r.path('kubernetes/apps/default/echo/app/copy.yaml')), dup[0].message);
      assert.equal(l.d.apps.filter((a) => a.id === hr.id).length, 1);
    } finally {
      l.r.cleanup();
    }
  });
});
