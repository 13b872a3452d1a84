// ApplicationSet generators (git files, matrix, merge, clusters) with goTemplate, and apps declared
// in gitops-lens.yaml with renderer helm / jsonnet / plugin. Expected apps are written by hand
// from the fixture and the expansion Argo CD's applicationset controller defines (generators/
// git.go, matrix.go, merge.go, cluster.go); renders are checked against helm template and jsonnet.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { discoverApps, type Discovery, type GitOpsApp } from '../../../src/core/apps';
import { renderApp } from '../../../src/core/render';
import { loadRepo } from '../../../src/core/repo';
import { makeRepo, realTools, type FixtureRepo } from '../../support/repos';
import { toolPath } from '../../support/tools';

const exec = promisify(execFile);
const SELF = 'https://github.com/example/appsets.git';

function appsetRepo(): FixtureRepo {
  return makeRepo('appsets', {
    'gitops-lens.yaml': `argocdClusters:
  - name: prod-eu
    server: https://prod-eu.example.com
    labels: {env: prod, region: eu}
  - name: prod-us
    server: https://prod-us.example.com
    labels: {env: prod, region: us}
  - name: staging
    server: https://staging.example.com
    labels: {env: staging}
apps:
  - name: web-chart
    path: charts/web
    renderer: helm
    namespace: web
    helm:
      releaseName: frontend
      valueFiles: [values-prod.yaml]
      values:
        replicaCount: 4
  - name: jsonnet-app
    path: jsonnet/app
    renderer: jsonnet
    namespace: jn
    jsonnet:
      tlas:
        - {name: replicas, value: "3", code: true}
      extVars:
        - {name: env, value: prod}
      libs: [jsonnet/lib]
  - name: vault-plugin
    path: plugin-app
    renderer: plugin
    plugin: {name: argocd-vault-plugin}
`,
    // git files: one config.json per cluster folder; matrix of clusters (env=prod) × git directories.
    'clusters/prod-eu/config.json': '{"cluster": {"name": "prod-eu", "address": "https://prod-eu.example.com"}, "replicas": 3}\n',
    'clusters/staging/config.json': '{"cluster": {"name": "staging", "address": "https://staging.example.com"}, "replicas": 1}\n',
    'clusters/archive/config.json': '{"cluster": {"name": "old", "address": "https://old.example.com"}, "replicas": 0}\n',
    'apps/api/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: api\n',
    'apps/worker/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: worker\n',
    'appsets/git-files.yaml': `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: per-cluster
  namespace: argocd
spec:
  goTemplate: true
  goTemplateOptions: ["missingkey=error"]
  generators:
    - git:
        repoURL: ${SELF}
        revision: HEAD
        files:
          - path: "clusters/**/config.json"
          - path: "clusters/archive/config.json"
            exclude: true
  template:
    metadata:
      name: 'guestbook-{{ .cluster.name }}'
      labels:
        replicas: '{{ .replicas }}'
    spec:
      project: default
      source:
        repoURL: ${SELF}
        targetRevision: HEAD
        path: 'apps/api'
        helm:
          valueFiles:
            - 'values/{{ .path.basename }}.yaml'
      destination:
        server: '{{ .cluster.address }}'
        namespace: '{{ .path.basename | upper | lower }}-guestbook'
      syncPolicy:
        syncOptions:
          - 'CreateNamespace={{ if eq .cluster.name "staging" }}false{{ else }}true{{ end }}'
`,
    'appsets/matrix.yaml': `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: fleet
  namespace: argocd
spec:
  goTemplate: true
  generators:
    - matrix:
        generators:
          - clusters:
              selector:
                matchLabels:
                  env: prod
          - git:
              repoURL: ${SELF}
              revision: HEAD
              directories:
                - path: apps/*
  template:
    metadata:
      name: '{{ .path.basename }}-{{ .name }}'
    spec:
      project: default
      sources:
        - repoURL: ${SELF}
          targetRevision: HEAD
          path: '{{ .path.path }}'
        - repoURL: ${SELF}
          targetRevision: HEAD
          ref: '{{ .metadata.labels.region }}'
      destination:
        server: '{{ .server }}'
        namespace: '{{ .path.basename }}'
`,
    'appsets/merge.yaml': `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: tiers
  namespace: argocd
spec:
  generators:
    - merge:
        mergeKeys: [server]
        generators:
          - clusters:
              values:
                tier: standard
          - list:
              elements:
                - server: https://prod-us.example.com
                  values.tier: premium
  template:
    metadata:
      name: 'tier-{{name}}-{{values.tier}}'
    spec:
      project: default
      source:
        repoURL: ${SELF}
        path: apps/worker
      destination:
        server: '{{server}}'
        namespace: workers
`,
    'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.3.0\n',
    'charts/web/values.yaml': 'replicaCount: 1\nimage: nginx:1.27\n',
    'charts/web/values-prod.yaml': 'image: nginx:1.27.3\n',
    'charts/web/templates/deploy.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: {{ .Values.image }}
`,
    'jsonnet/lib/labels.libsonnet': '{ labels(env): { env: env, team: "platform" } }\n',
    'jsonnet/app/main.jsonnet': `local l = import 'labels.libsonnet';
function(replicas) [
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'jn', labels: l.labels(std.extVar('env')) },
    spec: { replicas: replicas, selector: { matchLabels: { app: 'jn' } }, template: { metadata: { labels: { app: 'jn' } }, spec: { containers: [{ name: 'jn', image: 'busybox' }] } } } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'jn-env' }, data: { env: std.extVar('env') } },
]
`,
    'plugin-app/kustomization.yaml': 'resources: [secret.yaml]\n',
    'plugin-app/secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: <path:secret/data/db#password>\n',
  });
}

describe('ApplicationSet generators and gitops-lens.yaml apps', () => {
  let r: FixtureRepo;
  let d: Discovery;
  before(async () => {
    r = appsetRepo();
    d = discoverApps(await loadRepo(r.root), []);
  });
  after(() => r.cleanup());
  const app = (id: string): GitOpsApp => {
    const a = d.apps.find((x) => x.id === id);
    assert.ok(a, `no ${id} among ${d.apps.map((x) => x.id).join(', ')}`);
    return a;
  };

  test('git files generator: one app per matching file minus excluded ones; goTemplate with pipelines, if/else and lists', () => {
    const eu = app('argocd/argocd/guestbook-prod-eu');
    const st = app('argocd/argocd/guestbook-staging');
    assert.equal(d.apps.some((a) => a.name === 'guestbook-old'), false, 'clusters/archive/config.json is excluded');
    assert.equal(eu.destination.server, 'https://prod-eu.example.com');
    assert.equal(eu.destination.namespace, 'prod-eu-guestbook');
    assert.deepEqual(eu.sources[0].helm?.valueFiles, [r.path('apps/api/values/prod-eu.yaml')]);
    assert.deepEqual(eu.syncOptions, ['CreateNamespace=true']);
    assert.deepEqual(st.syncOptions, ['CreateNamespace=false']);
    assert.equal(eu.parent, 'argocd-appset/argocd/per-cluster');
    assert.deepEqual(d.unsupported, []);
    assert.deepEqual(eu.problems, []);
  });

  test('matrix of clusters (selector env=prod) × git directories: every pair, params of both, sources[] filled', () => {
    const fleet = d.apps.filter((a) => a.parent === 'argocd-appset/argocd/fleet').map((a) => [a.name, a.destination.server, a.destination.namespace, a.sources[0].path, a.sources[1].ref]);
    assert.deepEqual(fleet.sort(), [
      ['api-prod-eu', 'https://prod-eu.example.com', 'api', 'apps/api', 'eu'],
      ['api-prod-us', 'https://prod-us.example.com', 'api', 'apps/api', 'us'],
      ['worker-prod-eu', 'https://prod-eu.example.com', 'worker', 'apps/worker', 'eu'],
      ['worker-prod-us', 'https://prod-us.example.com', 'worker', 'apps/worker', 'us'],
    ]);
  });

  test('merge by server: the clusters generator (with in-cluster, no selector) overridden by the list where servers match (fasttemplate)', () => {
    const tiers = Object.fromEntries(d.apps.filter((a) => a.parent === 'argocd-appset/argocd/tiers').map((a) => [a.name, a.destination.server]));
    assert.deepEqual(tiers, {
      'tier-prod-eu-standard': 'https://prod-eu.example.com', 'tier-prod-us-premium': 'https://prod-us.example.com',
      'tier-staging-standard': 'https://staging.example.com', 'tier-in-cluster-standard': 'https://kubernetes.default.svc',
    });
  });

  test('gitops-lens.yaml renderer helm: rendered as helm template renders the chart with the value files and values', async () => {
    const tools = await realTools();
    const res = await renderApp(app('kustomize/charts/web'), await loadRepo(r.root), tools);
    assert.equal(res.ok, true, res.problems.map((p) => p.message).join('\n'));
    const { stdout } = await exec(await toolPath('helm'), ['template', 'frontend', r.path('charts/web'), '--namespace', 'web', '--include-crds', '-f', r.path('charts/web/values-prod.yaml'), '--set', 'replicaCount=4']);
    assert.deepEqual(res.resources.map((x) => x.object), parseAllDocuments(stdout).map((x) => x.toJS()).filter(Boolean));
  });

  test('gitops-lens.yaml renderer jsonnet: tlas, extVars and libs as the jsonnet binary evaluates them', async () => {
    const jsonnet = await toolPath('jsonnet');
    const tools = { ...(await realTools()), jsonnet };
    const res = await renderApp(app('kustomize/jsonnet/app'), await loadRepo(r.root), tools);
    assert.equal(res.ok, true, res.problems.map((p) => p.message).join('\n'));
    const { stdout } = await exec(jsonnet, ['--jpath', r.path('jsonnet/app'), '--jpath', r.path('jsonnet/lib'), '--tla-code', 'replicas=3', '--ext-str', 'env=prod', r.path('jsonnet/app/main.jsonnet')]);
    assert.deepEqual(res.resources.map((x) => x.object), JSON.parse(stdout));
    assert.equal(res.resources[0].origin?.file, r.path('jsonnet/app/main.jsonnet'));
  });

  test('gitops-lens.yaml renderer plugin with no command mapped: a message, never 0 resources with success', async () => {
    const res = await renderApp(app('kustomize/plugin-app'), await loadRepo(r.root), await realTools());
    assert.equal(res.ok, false);
    assert.deepEqual(res.resources, []);
    assert.match(res.problems[0].message, /rendered by plugin argocd-vault-plugin in the cluster; not rendered here/);
  });
});
