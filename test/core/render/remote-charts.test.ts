// An Argo CD app-of-apps fleet whose apps use charts from a Helm repository (basic auth) and an
// OCI registry, both real and on 127.0.0.1, plus a local chart with a remote dependency, kustomize
// helmCharts and config management plugins. Oracles: helm template / kustomize build run here on
// the same inputs, and Argo CD's documented plugin environment.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { childApps, discoverApps, type Discovery, type GitOpsApp } from '../../../src/core/apps';
import { renderApp, type RenderResult, type Toolchain } from '../../../src/core/render';
import { resolveChart } from '../../../src/core/render/chart-cache';
import { loadRepo, type RepoSnapshot } from '../../../src/core/repo';
import type { KubeObject } from '../../../src/core/manifest';
import { helm, isolatedHelmEnv, packageChart, pushChart, serveChartRepo, startRegistry, type RunningServer } from '../../support/chart-servers';
import { makeRepo, realTools, type FixtureRepo } from '../../support/repos';
import { toolPath } from '../../support/tools';
import { tempDir } from '../../support/temp';

const exec = promisify(execFile);
const AUTH = { username: 'fleet', password: 's3cret-fleet' };

const podinfoChart = (version: string): Record<string, string> => ({
  'Chart.yaml': `apiVersion: v2\nname: podinfo\nversion: ${version}\nappVersion: "${version}"\n`,
  'values.yaml': `replicaCount: 1\nimage:\n  repository: ghcr.io/stefanprodan/podinfo\n  tag: "${version}"\nservice:\n  port: 9898\n`,
  'templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  labels:
    app.kubernetes.io/name: podinfo
    app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      app: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app: {{ .Release.Name }}
    spec:
      containers:
        - name: podinfo
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
`,
  'templates/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
  namespace: {{ .Release.Namespace }}
spec:
  selector:
    app: {{ .Release.Name }}
  ports:
    - port: {{ .Values.service.port }}
`,
});

const redisChart: Record<string, string> = {
  'Chart.yaml': 'apiVersion: v2\nname: redis\nversion: 1.2.0\n',
  'values.yaml': 'replicas: 1\n',
  'templates/statefulset.yaml': `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ .Release.Name }}-redis
spec:
  serviceName: {{ .Release.Name }}-redis
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels:
      app: redis
  template:
    metadata:
      labels:
        app: redis
    spec:
      containers:
        - name: redis
          image: redis:7.4
`,
};

function app(name: string, spec: string): string {
  return `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\n  namespace: argocd\nspec:\n  project: default\n${spec}`;
}

/** The Argo CD fleet: bootstrap/root-app.yaml → apps/ (one Application per file). */
function fleetRepo(chartRepo: string, registry: string, registryHost: string): FixtureRepo {
  const self = 'https://github.com/example/fleet.git';
  const dest = (ns: string) => `  destination:\n    server: https://kubernetes.default.svc\n    namespace: ${ns}\n`;
  return makeRepo('fleet', {
    'bootstrap/root-app.yaml': app('root', `  source:\n    repoURL: ${self}\n    targetRevision: main\n    path: apps\n    directory:\n      recurse: true\n${dest('argocd')}`),
    'apps/podinfo-http.yaml': app('podinfo-http', `  source:
    repoURL: ${chartRepo}
    chart: podinfo
    targetRevision: 6.5.0
    helm:
      releaseName: podinfo
      valuesObject:
        replicaCount: 3
${dest('podinfo')}  syncPolicy:
    automated: {}
    syncOptions:
      - CreateNamespace=true
`),
    'apps/podinfo-oci.yaml': app('podinfo-oci', `  sources:
    - repoURL: ${registry}/charts
      chart: podinfo
      targetRevision: 6.5.0
      helm:
        valueFiles:
          - $values/values/podinfo-oci.yaml
    - repoURL: ${self}
      targetRevision: main
      ref: values
${dest('web')}`),
    // Argo CD's own spelling of an OCI Helm repository: host and path, no scheme.
    'apps/podinfo-argo-oci.yaml': app('podinfo-argo-oci', `  source:\n    repoURL: ${registryHost}/charts\n    chart: podinfo\n    targetRevision: 6.5.0\n${dest('edge')}`),
    'apps/umbrella.yaml': app('umbrella', `  source:\n    repoURL: ${self}\n    targetRevision: main\n    path: charts/umbrella\n${dest('umbrella')}`),
    'apps/cache.yaml': app('cache', `  source:\n    repoURL: ${self}\n    targetRevision: main\n    path: kustomize/cache\n${dest('cache')}`),
    'apps/greeter.yaml': app('greeter', `  source:
    repoURL: ${self}
    targetRevision: main
    path: plugins/greeter
    plugin:
      name: greeter-v1
      env:
        - name: GREETING
          value: hello-$ARGOCD_APP_NAME
      parameters:
        - name: replica-count
          string: "2"
${dest('greeter')}`),
    'apps/with-helm.yaml': app('with-helm', `  source:\n    repoURL: ${self}\n    targetRevision: main\n    path: kustomize/plain\n    plugin:\n      name: kustomize-build-with-helm\n${dest('plain')}`),
    'argocd/argocd-cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\n  namespace: argocd\ndata:\n  kustomize.buildOptions: --enable-helm --load-restrictor LoadRestrictionsNone\n',
    'values/podinfo-oci.yaml': 'replicaCount: 2\nimage:\n  tag: "6.5.0-oci"\n',
    'charts/umbrella/Chart.yaml': `apiVersion: v2\nname: umbrella\nversion: 0.1.0\ndependencies:\n  - name: podinfo\n    version: 6.5.0\n    repository: ${chartRepo}\n`,
    'charts/umbrella/values.yaml': 'podinfo:\n  replicaCount: 5\n',
    'charts/umbrella/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-settings\ndata:\n  team: platform\n',
    'kustomize/cache/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: cache
helmCharts:
  - name: redis
    repo: ${registry}/charts
    version: 1.2.0
    releaseName: cache
    valuesInline:
      replicas: 3
resources:
  - configmap.yaml
`,
    'kustomize/cache/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cache-settings\ndata:\n  maxmemory: 64mb\n',
    'kustomize/plain/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - cm.yaml\n',
    'kustomize/plain/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata:\n  from: kustomize\n',
    'plugins/greeter/README.md': 'Rendered by the greeter-v1 plugin.\n',
  });
}

/** Objects of a YAML stream (an oracle's stdout). */
function objectsOf(text: string): KubeObject[] {
  return parseAllDocuments(text).map((d) => d.toJS() as KubeObject).filter((o) => o && typeof o === 'object' && o.kind);
}
const byKey = (list: KubeObject[]) => [...list].sort((a, b) => `${a.kind}/${a.metadata?.name}`.localeCompare(`${b.kind}/${b.metadata?.name}`));

describe('Argo CD fleet with remote charts (HTTP repository with basic auth, OCI registry)', () => {
  let helmHome: string;
  let cacheDir: string;
  let oracleDir: string;
  let chartRepo: Awaited<ReturnType<typeof serveChartRepo>>;
  let registry: RunningServer & { host: string };
  let podinfoDigest: string;
  let r: FixtureRepo;
  let repo: RepoSnapshot;
  let d: Discovery;
  let children: GitOpsApp[];
  let tools: Toolchain;
  /** What the user's helm has: the chart repository added with its credentials. */
  let userEnv: NodeJS.ProcessEnv;

  before(async () => {
    helmHome = tempDir('gitops-lens-helmhome-');
    cacheDir = tempDir('gitops-lens-cache-');
    oracleDir = tempDir('gitops-lens-oracle-');
    userEnv = isolatedHelmEnv(helmHome);
    const served = join(helmHome, 'served');
    mkdirSync(served);
    const pkgDir = join(helmHome, 'packages');
    mkdirSync(pkgDir);
    const podinfo = await packageChart(podinfoChart('6.5.0'), served, userEnv);
    await packageChart(podinfoChart('6.6.0'), served, userEnv);
    const redis = await packageChart(redisChart, pkgDir, userEnv);
    chartRepo = await serveChartRepo(served, AUTH);
    await helm(['repo', 'index', served, '--url', chartRepo.url], userEnv);
    registry = await startRegistry();
    podinfoDigest = await pushChart(podinfo, registry.url, userEnv);
    await pushChart(redis, registry.url, userEnv);
    await helm(['repo', 'add', 'fleet-charts', chartRepo.url, '--username', AUTH.username, '--password', AUTH.password], userEnv);
    tools = { ...(await realTools()), cacheDir, env: userEnv };
    r = fleetRepo(chartRepo.url, registry.url, registry.host);
    repo = await loadRepo(r.root);
    d = discoverApps(repo, []);
    const root = d.apps.find((a) => a.id === 'argocd/argocd/root')!;
    const rendered = await renderApp(root, repo, tools);
    assert.equal(rendered.ok, true, rendered.problems.map((p) => p.message).join('\n'));
    children = childApps(root, rendered.resources, repo, [], d.config);
  });
  after(async () => {
    await chartRepo?.stop();
    await registry?.stop();
    r?.cleanup();
    for (const dir of [helmHome, cacheDir, oracleDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const child = (name: string) => {
    const a = children.find((c) => c.name === name);
    assert.ok(a, `no child app ${name} among ${children.map((c) => c.name).join(', ')}`);
    return a;
  };
  const ok = (res: RenderResult) => assert.equal(res.ok, true, res.problems.map((p) => `${p.code}: ${p.message}`).join('\n'));
  /** `helm pull` by the test itself (credentials on the command line), then `helm template`. */
  async function helmOracle(ref: string[], release: string, namespace: string, extra: string[] = []): Promise<KubeObject[]> {
    const dest = mkdtempSync(join(oracleDir, 'pull-'));
    await helm(['pull', ...ref, '--untar', '--untardir', dest], userEnv);
    const chartDir = join(dest, readdirSync(dest).find((n) => existsSync(join(dest, n, 'Chart.yaml')))!);
    return objectsOf(await helm(['template', release, chartDir, '--namespace', namespace, '--include-crds', ...extra], userEnv));
  }

  test('app-of-apps: the root renders one Application per file under apps/, each a child app', () => {
    assert.deepEqual(children.map((c) => c.name).sort(), ['cache', 'greeter', 'podinfo-argo-oci', 'podinfo-http', 'podinfo-oci', 'umbrella', 'with-helm']);
    assert.ok(children.every((c) => c.parent === 'argocd/argocd/root'));
    assert.deepEqual(child('podinfo-http').sources[0].remoteChart, { repoURL: chartRepo.url, chart: 'podinfo', version: '6.5.0' });
  });

  test('chart from the HTTP repository, with the credentials of the user\'s helm repositories.yaml: as helm template renders it', async () => {
    const res = await renderApp(child('podinfo-http'), repo, tools);
    ok(res);
    const expected = await helmOracle(['podinfo', '--repo', chartRepo.url, '--version', '6.5.0', '--username', AUTH.username, '--password', AUTH.password], 'podinfo', 'podinfo', ['--set', 'replicaCount=3']);
    assert.deepEqual(byKey(res.resources.map((x) => x.object)), byKey(expected));
    assert.equal((res.resources.find((x) => x.id.kind === 'Deployment')!.object.spec as { replicas: number }).replicas, 3);
    // The chart is not a repo file: resources point at the Application that names it.
    assert.ok(res.resources.every((x) => x.origin?.file === r.path('apps/podinfo-http.yaml')));
    assert.deepEqual(res.inputs, [r.path('apps/podinfo-http.yaml')]);
  });

  test('chart from the OCI registry with a $values file of the ref source: as helm template renders it', async () => {
    const res = await renderApp(child('podinfo-oci'), repo, tools);
    ok(res);
    const expected = await helmOracle([`${registry.url}/charts/podinfo`, '--version', '6.5.0', '--plain-http'], 'podinfo-oci', 'web', ['-f', r.path('values/podinfo-oci.yaml')]);
    assert.deepEqual(byKey(res.resources.map((x) => x.object)), byKey(expected));
    const deploy = res.resources.find((x) => x.id.kind === 'Deployment')!.object as unknown as { spec: { replicas: number; template: { spec: { containers: { image: string }[] } } } };
    assert.equal(deploy.spec.replicas, 2);
    assert.equal(deploy.spec.template.spec.containers[0].image, 'ghcr.io/stefanprodan/podinfo:6.5.0-oci');
  });

  test('Argo CD\'s scheme-less OCI repoURL (host/path) pulls the same chart from the registry', async () => {
    const res = await renderApp(child('podinfo-argo-oci'), repo, tools);
    ok(res);
    const expected = await helmOracle([`${registry.url}/charts/podinfo`, '--version', '6.5.0', '--plain-http'], 'podinfo-argo-oci', 'edge');
    assert.deepEqual(byKey(res.resources.map((x) => x.object)), byKey(expected));
  });

  test('local chart with a remote dependency: as helm dependency build + helm template, and nothing is written into the repo', async () => {
    const res = await renderApp(child('umbrella'), repo, tools);
    ok(res);
    const copy = join(oracleDir, 'umbrella');
    cpSync(r.path('charts/umbrella'), copy, { recursive: true });
    await helm(['dependency', 'build', copy], userEnv);
    const expected = objectsOf(await helm(['template', 'umbrella', copy, '--namespace', 'umbrella', '--include-crds'], userEnv));
    assert.deepEqual(byKey(res.resources.map((x) => x.object)), byKey(expected));
    assert.equal((res.resources.find((x) => x.id.kind === 'Deployment')!.object.spec as { replicas: number }).replicas, 5);
    assert.equal(existsSync(r.path('charts/umbrella/charts')), false, 'no charts/ folder appears in the user\'s chart');
    // The chart's own template still maps to its file in the repo.
    assert.equal(res.resources.find((x) => x.id.kind === 'ConfigMap')?.origin?.file, r.path('charts/umbrella/templates/cm.yaml'));
  });

  test('kustomize helmCharts with --enable-helm from argocd-cm: as kustomize build --enable-helm renders it', async () => {
    const cache = child('cache');
    assert.equal(cache.sources[0].kustomize?.enableHelm, true);
    const res = await renderApp(cache, repo, tools);
    ok(res);
    // Oracle: the same folder built by kustomize itself, the chart placed where kustomize looks for it.
    const copy = join(oracleDir, 'cache');
    cpSync(r.path('kustomize/cache'), copy, { recursive: true });
    await helm(['pull', `${registry.url}/charts/redis`, '--version', '1.2.0', '--plain-http', '--untar', '--untardir', join(copy, 'charts', 'redis-1.2.0')], userEnv);
    const { stdout } = await exec(await toolPath('kustomize'), ['build', '--enable-helm', '--helm-command', await toolPath('helm'), copy], { env: userEnv, maxBuffer: 64 << 20 });
    assert.deepEqual(byKey(res.resources.map((x) => x.object)), byKey(objectsOf(stdout)));
    assert.equal((res.resources.find((x) => x.id.kind === 'StatefulSet')!.object.spec as { replicas: number }).replicas, 3);
    assert.equal(existsSync(r.path('kustomize/cache/charts')), false, 'kustomize did not pull into the repo');
    assert.equal(res.resources.find((x) => x.id.kind === 'ConfigMap')?.origin?.file, r.path('kustomize/cache/configmap.yaml'));
  });

  test('kustomize helmCharts without --enable-helm anywhere: one message naming both ways to enable it', async () => {
    const cache = child('cache');
    const plain = { ...cache, sources: cache.sources.map((s) => ({ ...s, kustomize: { ...s.kustomize!, enableHelm: false } })) };
    const res = await renderApp(plain, repo, tools);
    assert.equal(res.ok, false);
    assert.match(res.problems[0].message, /helmCharts.*--enable-helm.*kustomize\.buildOptions.*gitops-lens\.yaml/s);
  });

  test('config management plugin with no command mapped: not rendered, says so, and kustomize does not run in its place', async () => {
    const res = await renderApp(child('with-helm'), repo, tools);
    assert.equal(res.ok, false);
    assert.deepEqual(res.resources, []);
    assert.equal(res.problems[0].code, 'not-rendered');
    assert.match(res.problems[0].message, /^with-helm: rendered by plugin kustomize-build-with-helm in the cluster; not rendered here\./);
  });

  test('config management plugin mapped by the user to a command: it runs in the source folder with Argo CD\'s plugin environment', async () => {
    // The user's command: prints a ConfigMap from the variables Argo CD's repo-server sets.
    const script = 'const e=process.env;process.stdout.write(JSON.stringify({apiVersion:"v1",kind:"ConfigMap",metadata:{name:e.ARGOCD_APP_NAME},data:{greeting:e.ARGOCD_ENV_GREETING,replicas:e.PARAM_REPLICA_COUNT,params:e.ARGOCD_APP_PARAMETERS,ns:e.ARGOCD_APP_NAMESPACE,path:e.ARGOCD_APP_SOURCE_PATH,cwd:process.cwd()}}))';
    const res = await renderApp(child('greeter'), repo, { ...tools, plugins: { 'greeter-v1': [process.execPath, '-e', script] } });
    ok(res);
    assert.deepEqual(res.resources.map((x) => x.object), [{
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'greeter' },
      data: { greeting: 'hello-greeter', replicas: '2', params: '[{"name":"replica-count","string":"2"}]', ns: 'greeter', path: 'plugins/greeter', cwd: r.path('plugins/greeter') },
    }]);
    // And the kustomize-style plugin, mapped to kustomize build: what kustomize build prints.
    const kz = await toolPath('kustomize');
    const mapped = await renderApp(child('with-helm'), repo, { ...tools, plugins: { 'kustomize-build-with-helm': [kz, 'build', '.'] } });
    ok(mapped);
    const { stdout } = await exec(kz, ['build', r.path('kustomize/plain')]);
    assert.deepEqual(mapped.resources.map((x) => x.object), objectsOf(stdout));
  });

  test('digest-pinned OCI chart: the digest the registry serves is accepted, another one refused', async () => {
    const good = await resolveChart({ repoURL: registry.url + '/charts', chart: 'podinfo', digest: podinfoDigest }, tools);
    assert.equal(good.digest, podinfoDigest);
    assert.equal(good.version, '6.5.0');
    const wrong = 'sha256:' + '0'.repeat(64);
    await assert.rejects(resolveChart({ repoURL: registry.url + '/charts', chart: 'podinfo', version: '6.5.0', digest: wrong }, tools), (e: Error) => {
      assert.match(e.message, new RegExp(`chart podinfo 6\\.5\\.0@${wrong} from ${registry.url}/charts: the registry served digest ${podinfoDigest}, not the pinned ${wrong}; refusing it`));
      return true;
    });
  });

  test('without the user\'s credentials the HTTP repository refuses: one clear message, status Unknown', async () => {
    const noCreds = isolatedHelmEnv(mkdtempSync(join(oracleDir, 'nocreds-')));
    const res = await renderApp(child('podinfo-http'), repo, { ...tools, env: noCreds, cacheDir: mkdtempSync(join(oracleDir, 'cache2-')) });
    assert.equal(res.ok, false);
    assert.deepEqual(res.resources, []);
    assert.equal(res.problems.length, 1);
    assert.equal(res.problems[0].code, 'source-unavailable');
    assert.match(res.problems[0].message, new RegExp(`^podinfo-http: chart podinfo 6\\.5\\.0 from ${chartRepo.url} could not be pulled: .*401`));
  });

  test('a chart by version range: the cached pull is used until a refresh, which pulls the newest match once', async () => {
    const ref = { repoURL: chartRepo.url, chart: 'podinfo', version: '>=6.0.0 <7.0.0' };
    assert.equal((await resolveChart(ref, tools)).version, '6.6.0');
    // The chart team publishes 6.7.0.
    const served = join(helmHome, 'served');
    await packageChart(podinfoChart('6.7.0'), served, userEnv);
    await helm(['repo', 'index', served, '--url', chartRepo.url], userEnv);
    const before = chartRepo.requests;
    const cached = await resolveChart(ref, tools);
    assert.deepEqual([cached.version, cached.cached, chartRepo.requests], ['6.6.0', true, before]);
    const refresh = Date.now();
    const pulled = await resolveChart(ref, { ...tools, refresh });
    assert.deepEqual([pulled.version, pulled.cached], ['6.7.0', false]);
    const after = chartRepo.requests;
    assert.equal((await resolveChart(ref, { ...tools, refresh })).version, '6.7.0');
    assert.equal(chartRepo.requests, after, 'pulled once per refresh request');
    // An exact version never moves: no pull on refresh.
    const exact = await resolveChart({ ...ref, version: '6.5.0' }, { ...tools, refresh: Date.now() });
    assert.deepEqual([exact.version, exact.cached, chartRepo.requests], ['6.5.0', true, after]);
  });

  test('cached charts render offline with no request; an uncached chart is Unknown with one message', async () => {
    const before = chartRepo.requests;
    const again = await renderApp(child('podinfo-http'), repo, tools);
    ok(again);
    assert.equal(chartRepo.requests, before, 'the cached chart is not fetched again');
    await chartRepo.stop();
    await registry.stop();
    for (const name of ['podinfo-http', 'podinfo-oci', 'umbrella', 'cache']) ok(await renderApp(child(name), repo, tools));
    const newer = child('podinfo-oci');
    const uncached = { ...newer, sources: newer.sources.map((s) => (s.remoteChart ? { ...s, remoteChart: { ...s.remoteChart, version: '6.6.0' } } : s)) };
    const res = await renderApp(uncached, repo, tools);
    assert.equal(res.ok, false);
    assert.deepEqual(res.resources, []);
    assert.equal(res.problems.length, 1);
    assert.equal(res.problems[0].code, 'source-unavailable');
    assert.match(res.problems[0].message, new RegExp(`^podinfo-oci: chart podinfo 6\\.6\\.0 from ${registry.url}/charts could not be pulled: .*(connection refused|connect)`));
    assert.equal(res.problems[0].file, r.path('apps/podinfo-oci.yaml'));
  });

  test('nothing is written into the repository', async () => {
    const { stdout } = await exec('git', ['-C', r.root, 'status', '--porcelain', '--ignored']);
    assert.equal(stdout, '');
  });
});
