// kustomize-controller's and helm-controller's fields, checked against the real tools run by
// hand: the same kustomization kustomize-controller writes (fields in place, as its generator
// does) built with the real kustomize, and helm template with the values merged as
// helm-controller documents (valuesFrom in order, then spec.values).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { discoverApps, type GitOpsApp } from '../../../src/core/apps';
import type { KubeObject } from '../../../src/core/manifest';
import { renderApp, type Toolchain } from '../../../src/core/render';
import { loadRepo, type RepoSnapshot } from '../../../src/core/repo';
import { makeRepo, realTools, type FixtureRepo } from '../../support/repos';
import { tempDir } from '../../support/temp';

let tools: Toolchain;
let r: FixtureRepo;
let repo: RepoSnapshot;
let apps: GitOpsApp[];
const byId = (id: string) => {
  const a = apps.find((x) => x.id === id);
  assert.ok(a, `${id} in ${apps.map((x) => x.id).join(', ')}`);
  return a;
};
const key = (o: KubeObject) => `${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
const stripOrigin = (o: KubeObject): KubeObject => {
  const c = structuredClone(o);
  delete c.metadata?.annotations?.['config.kubernetes.io/origin'];
  if (c.metadata?.annotations && Object.keys(c.metadata.annotations).length === 0) delete c.metadata.annotations;
  return c;
};

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: written-ns
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.0
`;
const CHART_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  labels:
    tier: {{ .Values.tier }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels: {app: {{ .Release.Name }}}
  template:
    metadata:
      labels: {app: {{ .Release.Name }}}
    spec:
      containers:
        - name: app
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          env:
            - name: DOMAIN
              value: {{ .Values.domain | quote }}
`;

before(async () => {
  tools = await realTools();
  r = makeRepo('flux-fields', {
    'clusters/main/web.yaml': `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: web
  namespace: flux-system
spec:
  interval: 1h
  path: ./apps/web
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
  targetNamespace: web
  namePrefix: p-
  images:
    - name: nginx
      newTag: "1.27"
  components:
    - ../../components/extra
  patches:
    - patch: |
        - op: replace
          path: /spec/replicas
          value: 3
      target:
        kind: Deployment
  commonMetadata:
    labels:
      team: payments
    annotations:
      owner: team-payments
`,
    'apps/web/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: overridden\nresources:\n  - deployment.yaml\nimages:\n  - name: nginx\n    newName: registry.example.com/nginx\n',
    'apps/web/deployment.yaml': DEPLOYMENT,
    'components/extra/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n  - extra.yaml\n',
    'components/extra/extra.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\ndata:\n  k: v\n',
    'clusters/main/api.yaml': `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: api
  namespace: apps
spec:
  interval: 1h
  targetNamespace: backend
  chart:
    spec:
      chart: ./charts/api
      sourceRef:
        kind: GitRepository
        name: flux-system
        namespace: flux-system
  valuesFrom:
    - kind: ConfigMap
      name: api-values
    - kind: Secret
      name: api-domain
      valuesKey: domain
      targetPath: domain
  values:
    replicas: 4
  postRenderers:
    - kustomize:
        images:
          - name: example/api
            newTag: "2.0"
        patches:
          - patch: |
              apiVersion: apps/v1
              kind: Deployment
              metadata:
                name: not-used
                annotations:
                  patched-by: post-renderer
            target:
              kind: Deployment
`,
    'clusters/main/api-values.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: api-values\n  namespace: apps\ndata:\n  values.yaml: |\n    replicas: 2\n    tier: gold\n    image:\n      tag: "1.5"\n',
    'clusters/main/api-domain.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: api-domain\n  namespace: apps\nstringData:\n  domain: api.example.org\n',
    'charts/api/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 1.0.0\n',
    'charts/api/values.yaml': 'replicas: 1\ntier: bronze\ndomain: none\nimage:\n  repository: example/api\n  tag: "1.0"\n',
    'charts/api/templates/deployment.yaml': CHART_DEPLOYMENT,
  });
  repo = await loadRepo(r.root);
  apps = discoverApps(repo).apps;
});
after(() => r.cleanup());

describe('Flux Kustomization fields, as kustomize-controller writes them into the path\'s kustomization', () => {
  test('targetNamespace, namePrefix, images, patches and components match the real kustomize on the hand-written equivalent', async () => {
    const res = await renderApp(byId('flux/clusters/main/ks/flux-system/web'), repo, tools);
    assert.deepEqual(res.problems, []);
    // The oracle: a copy of the folders with the fields written in place by hand, built by kustomize.
    const dir = tempDir('gitops-lens-oracle-');
    try {
      cpSync(r.path('apps'), join(dir, 'apps'), { recursive: true });
      cpSync(r.path('components'), join(dir, 'components'), { recursive: true });
      writeFileSync(join(dir, 'apps/web/kustomization.yaml'), stringify({
        apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', namespace: 'web', namePrefix: 'p-',
        resources: ['deployment.yaml'],
        images: [{ name: 'nginx', newName: 'registry.example.com/nginx', newTag: '1.27' }],
        components: ['../../components/extra'],
        patches: [{ patch: '- op: replace\n  path: /spec/replicas\n  value: 3\n', target: { kind: 'Deployment' } }],
      }));
      const out = execFileSync(tools.kustomize!, ['build', join(dir, 'apps/web')], { encoding: 'utf8' });
      const expected = parseAllDocuments(out).map((d) => d.toJS() as KubeObject);
      // commonMetadata (labels and annotations on every object) comes after the build in kustomize-controller.
      for (const o of expected) {
        o.metadata = { ...o.metadata, labels: { ...o.metadata?.labels, team: 'payments' }, annotations: { ...o.metadata?.annotations, owner: 'team-payments' } };
      }
      const ours = res.resources.map((x) => stripOrigin(x.object));
      assert.deepEqual(ours.map(key).sort(), expected.map(key).sort());
      for (const o of expected) assert.deepEqual(ours.find((x) => key(x) === key(o)), o, key(o));
      assert.equal(ours.find((o) => o.kind === 'Deployment')?.metadata?.namespace, 'web', 'targetNamespace replaces the kustomization\'s own namespace');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('HelmRelease as helm-controller renders it', () => {
  test('valuesFrom in order, targetPath, then spec.values; release name and namespace; post-renderers; origin labels', async () => {
    const res = await renderApp(byId('flux/clusters/main/hr/apps/api'), repo, tools);
    assert.deepEqual(res.problems, []);
    // The oracle: helm template with the values helm-controller merges (ConfigMap values.yaml, the
    // Secret's domain at targetPath, spec.values over all), written by hand.
    const dir = tempDir('gitops-lens-oracle-');
    try {
      writeFileSync(join(dir, 'values.yaml'), stringify({ replicas: 4, tier: 'gold', image: { tag: '1.5' }, domain: 'api.example.org' }));
      const out = execFileSync(tools.helm!, ['template', 'backend-api', r.path('charts/api'), '--namespace', 'backend', '--values', join(dir, 'values.yaml')], { encoding: 'utf8' });
      const expected = parseAllDocuments(out).map((d) => d.toJS() as KubeObject).filter(Boolean);
      const dep = expected.find((o) => o.kind === 'Deployment')!;
      // Post-renderer (kustomize images + patch) and helm-controller's origin labels, as documented.
      (dep.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0].image = 'example/api:2.0';
      dep.metadata = { ...dep.metadata, annotations: { 'patched-by': 'post-renderer' }, labels: { ...dep.metadata?.labels, 'helm.toolkit.fluxcd.io/name': 'api', 'helm.toolkit.fluxcd.io/namespace': 'apps' } };
      const ours = res.resources.find((x) => x.object.kind === 'Deployment');
      assert.deepEqual(stripOrigin(ours!.object), dep);
      assert.equal(ours?.id.name, 'backend-api', 'release name <targetNamespace>-<name>');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
