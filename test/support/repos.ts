// Fixture repositories: real git repos in temp folders, one per GitOps flavour (Argo CD,
// Flux, plain kustomize) plus one with broken inputs. Tests assert against facts written
// here (names, values, line numbers), never against a copy of the tool's output.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Toolchain } from '../../src/core/render';
import { removeTemp, tempDir } from './temp';
import { toolPath } from './tools';
import { argoApplication, configMap, deployment, kustomization, replicasPatch, service } from './manifests';

export interface FixtureRepo {
  root: string;
  /** The `origin` remote, as Argo CD / Flux objects of the repo name it. */
  url: string;
  path(rel: string): string;
  read(rel: string): string;
  write(rel: string, text: string): void;
  cleanup(): void;
}

export type Files = Record<string, string>;

function git(root: string, ...args: string[]): void {
  execFileSync('git', ['-C', root, ...args], { stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 'Fixture', GIT_AUTHOR_EMAIL: 'fixture@example.com', GIT_COMMITTER_NAME: 'Fixture', GIT_COMMITTER_EMAIL: 'fixture@example.com' } });
}

/** `git init` + files + `origin` remote + one commit. */
export function makeRepo(name: string, files: Files): FixtureRepo {
  const root = tempDir(`gitops-lens-${name}-`);
  const url = `https://github.com/example/${name}.git`;
  const write = (rel: string, text: string) => {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  };
  for (const [rel, text] of Object.entries(files)) write(rel, text);
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'remote', 'add', 'origin', url);
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'fixture');
  return {
    root, url, write,
    path: (rel) => join(root, rel),
    read: (rel) => readFileSync(join(root, rel), 'utf8'),
    cleanup: () => removeTemp(root),
  };
}

/** A kubeconfig file with one context per entry (cluster and user of the same name). */
export function writeKubeconfig(contexts: { name: string; server: string; namespace?: string }[], current?: string): { file: string; cleanup(): void } {
  const dir = tempDir('gitops-lens-kubeconfig-');
  const file = join(dir, 'config');
  const lines = ['apiVersion: v1', 'kind: Config', `current-context: ${current ?? contexts[0]?.name ?? '""'}`, 'clusters:'];
  for (const c of contexts) lines.push(`- name: ${c.name}`, '  cluster:', `    server: ${c.server}`, '    insecure-skip-tls-verify: true');
  lines.push('users:');
  for (const c of contexts) lines.push(`- name: ${c.name}`, '  user:', '    token: fixture-token');
  lines.push('contexts:');
  for (const c of contexts) lines.push(`- name: ${c.name}`, '  context:', `    cluster: ${c.name}`, `    user: ${c.name}`, ...(c.namespace ? [`    namespace: ${c.namespace}`] : []));
  writeFileSync(file, lines.join('\n') + '\n');
  return { file, cleanup: () => removeTemp(dir) };
}

/** The real helm and standalone kustomize (built by ensure-tools.sh); kubectl from PATH. */
export async function realTools(): Promise<Toolchain> {
  return { helm: await toolPath('helm'), kustomize: await toolPath('kustomize'), trusted: true, timeoutMs: 120_000 };
}

/** Servers of the fixture clusters; Argo destinations in the fixtures name them. */
export const SERVERS = { prod: 'https://prod.example.com:6443', staging: 'https://staging.example.com' } as const;
export const fixtureContexts = [
  { name: 'prod', server: SERVERS.prod },
  { name: 'staging', server: `${SERVERS.staging}/` }, // trailing slash: matched after normalization
  { name: 'dev', server: 'https://dev.example.com' },
];

// ---------------------------------------------------------------------------------------
// (a) Argo CD
// ---------------------------------------------------------------------------------------

/**
 * Argo CD repo. Apps (id → what):
 * - argocd/argocd/shop: kustomize overlay apps/shop/overlays/prod, Argo namePrefix `argo-`, image override;
 *   destination.server = prod (repoURL in scp/ssh form, no `.git`: still this repo).
 * - argocd/argocd/web: multi-source, chart charts/web + `ref: values` source; value file $values/values/web-prod.yaml
 *   (replicaCount 4, image.tag 2.0.1); destination.name = staging.
 * - argocd/argocd/root: app-of-apps over argocd/children (child-a, child-b); destination https://kubernetes.default.svc (unresolved).
 * - ApplicationSet guestbook (list: prod, staging) → guestbook-prod, guestbook-staging over apps/guestbook.
 * - ApplicationSet teams (git directories apps/teams/*, excluding apps/teams/gamma) → team-alpha, team-beta.
 * - ApplicationSet fleet (pullRequest generator: needs a service) → unsupported.
 * - argocd/argocd/external: remote repoURL → listed remote, not rendered.
 */
export function argoRepo(): FixtureRepo {
  const name = 'argo-fixtures';
  const self = `https://github.com/example/${name}.git`;
  return makeRepo(name, {
    'argocd/shop.yaml': `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: shop
  namespace: argocd
spec:
  project: default
  source:
    repoURL: git@github.com:example/${name}
    targetRevision: main
    path: apps/shop/overlays/prod
    kustomize:
      namePrefix: argo-
      images:
        - nginx=registry.example.com/nginx:1.27.1
  destination:
    server: ${SERVERS.prod}
    namespace: shop
  syncPolicy:
    automated:
      prune: true
      selfHeal: true
    syncOptions:
      - CreateNamespace=true
  ignoreDifferences:
    - group: apps
      kind: Deployment
      jsonPointers:
        - /spec/replicas
`,
    'argocd/web.yaml': `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
  namespace: argocd
spec:
  project: default
  sources:
    - repoURL: ${self}
      targetRevision: main
      path: charts/web
      helm:
        releaseName: web-release
        valueFiles:
          - $values/values/web-prod.yaml
        parameters:
          - name: service.port
            value: "8080"
    - repoURL: https://GitHub.com/example/${name}
      targetRevision: main
      ref: values
  destination:
    name: staging
    namespace: web
`,
    'argocd/root.yaml': argoApplication({ name: 'root', project: 'default', repoURL: self, targetRevision: 'main', path: 'argocd/children', server: 'https://kubernetes.default.svc', destinationNamespace: 'argocd' }),
    'argocd/children/child-a.yaml': argoApplication({ name: 'child-a', repoURL: self, path: 'apps/child-a', server: SERVERS.prod, destinationNamespace: 'child-a' }),
    'argocd/children/child-b.yaml': argoApplication({ name: 'child-b', repoURL: self, path: 'apps/child-b', destinationName: 'dev', destinationNamespace: 'child-b' }),
    'argocd/appsets.yaml': `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: guestbook
  namespace: argocd
spec:
  generators:
    - list:
        elements:
          - cluster: prod
            url: ${SERVERS.prod}
          - cluster: staging
            url: ${SERVERS.staging}
  template:
    metadata:
      name: 'guestbook-{{cluster}}'
    spec:
      project: default
      source:
        repoURL: ${self}
        targetRevision: main
        path: apps/guestbook
      destination:
        server: '{{url}}'
        namespace: guestbook
---
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: teams
  namespace: argocd
spec:
  goTemplate: true
  generators:
    - git:
        repoURL: ${self}
        revision: main
        directories:
          - path: apps/teams/*
          - path: apps/teams/gamma
            exclude: true
  template:
    metadata:
      name: 'team-{{.path.basename}}'
    spec:
      project: default
      source:
        repoURL: ${self}
        targetRevision: main
        path: '{{.path.path}}'
      destination:
        name: dev
        namespace: '{{.path.basename}}'
---
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: fleet
  namespace: argocd
spec:
  generators:
    - pullRequest:
        github:
          owner: example
          repo: fleet
  template:
    metadata:
      name: 'fleet-{{number}}'
    spec:
      project: default
      source:
        repoURL: ${self}
        path: apps/guestbook
      destination:
        server: '{{server}}'
        namespace: fleet
`,
    'argocd/external.yaml': `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: external
  namespace: argocd
spec:
  source:
    repoURL: https://github.com/other-org/elsewhere.git
    path: deploy
    targetRevision: HEAD
  destination:
    server: ${SERVERS.prod}
    namespace: external
`,
    // The Deployment document starts on line 2 (1-based), after a comment.
    'apps/shop/base/kustomization.yaml': kustomization({ resources: ['deploy.yaml', 'service.yaml'] }),
    'apps/shop/base/deploy.yaml': '# The shop frontend.\n' + deployment({ name: 'frontend', labels: { app: 'frontend' }, image: 'nginx:1.25' }),
    'apps/shop/base/service.yaml': service({ name: 'frontend', port: 80 }),
    'apps/shop/overlays/prod/kustomization.yaml': kustomization({ resources: ['../../base'], patches: ['replicas.yaml'] }),
    'apps/shop/overlays/prod/replicas.yaml': replicasPatch('frontend', 3),
    'charts/web/Chart.yaml': `apiVersion: v2
name: web
version: 0.1.0
`,
    'charts/web/values.yaml': `replicaCount: 1
image:
  repository: nginx
  tag: "1.0.0"
service:
  port: 80
`,
    'charts/web/templates/deployment.yaml': '{{- /* The web Deployment. */ -}}\n' + deployment({ name: '{{ .Release.Name }}', labels: { app: 'web' }, replicas: '{{ .Values.replicaCount }}', selector: { app: 'web' }, container: 'web', image: '"{{ .Values.image.repository }}:{{ .Values.image.tag }}"' }),
    'charts/web/templates/service.yaml': service({ name: '{{ .Release.Name }}', selector: { app: 'web' }, port: '{{ .Values.service.port }}' }),
    'values/web-prod.yaml': `replicaCount: 4
image:
  tag: "2.0.1"
`,
    'apps/guestbook/guestbook.yaml': configMap('guestbook', { data: { greeting: 'hello' } }),
    'apps/child-a/cm.yaml': configMap('child-a'),
    'apps/child-b/cm.yaml': configMap('child-b'),
    'apps/teams/alpha/cm.yaml': configMap('alpha'),
    'apps/teams/beta/cm.yaml': configMap('beta'),
    'apps/teams/gamma/cm.yaml': configMap('gamma'),
  });
}

// ---------------------------------------------------------------------------------------
// (b) Flux
// ---------------------------------------------------------------------------------------

/**
 * Flux repo (declared under clusters/prod, so the `prod` context is found by convention):
 * - flux/clusters/prod/ks/flux-system/podinfo: Kustomization over apps/podinfo (kustomize), targetNamespace podinfo,
 *   substitute {replicas: "3", tier: backend}, substituteFrom ConfigMap cluster-vars
 *   {cluster_name: prod-eu, replicas: "2" (loses to inline), port: "9898"}; dependsOn infra.
 * - flux/clusters/prod/ks/flux-system/infra: Kustomization over infra/ (no kustomization file → every manifest).
 * - flux/clusters/prod/hr/flux-system/redis: HelmRelease over charts/redis from the GitRepository, targetNamespace cache,
 *   values {replicas: 2}.
 */
export function fluxRepo(): FixtureRepo {
  const name = 'flux-fixtures';
  return makeRepo(name, {
    'clusters/prod/flux-system/gitrepository.yaml': `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m
  url: https://github.com/example/${name}
  ref:
    branch: main
`,
    'clusters/prod/apps.yaml': `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: infra
  namespace: flux-system
spec:
  interval: 10m
  path: ./infra
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: podinfo
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps/podinfo
  prune: true
  targetNamespace: podinfo
  dependsOn:
    - name: infra
  sourceRef:
    kind: GitRepository
    name: flux-system
  postBuild:
    substitute:
      replicas: "3"
      tier: backend
    substituteFrom:
      - kind: ConfigMap
        name: cluster-vars
`,
    'clusters/prod/cluster-vars.yaml': configMap('cluster-vars', { namespace: 'flux-system', data: { cluster_name: 'prod-eu', replicas: '"2"', port: '"9898"' } }),
    'clusters/prod/redis.yaml': `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: redis
  namespace: flux-system
spec:
  interval: 10m
  targetNamespace: cache
  chart:
    spec:
      chart: ./charts/redis
      sourceRef:
        kind: GitRepository
        name: flux-system
  values:
    replicas: 2
`,
    'infra/namespaces.yaml': `apiVersion: v1
kind: Namespace
metadata:
  name: podinfo
---
apiVersion: v1
kind: Namespace
metadata:
  name: cache
`,
    'apps/podinfo/kustomization.yaml': kustomization({ resources: ['deployment.yaml', 'service.yaml'] }),
    'apps/podinfo/deployment.yaml': deployment({
      name: 'podinfo', labels: { tier: '${tier}', region: '${region:=eu-west-1}' }, replicas: '${replicas}', image: 'ghcr.io/stefanprodan/podinfo:6.7.0',
      containerExtra: `          env:
            - name: CLUSTER
              value: \${cluster_name}
            - name: GREETING
              value: hello-$\${cluster_name}
`,
    }),
    'apps/podinfo/service.yaml': service({ name: 'podinfo', port: '${port}' }),
    'charts/redis/Chart.yaml': `apiVersion: v2
name: redis
version: 1.2.3
`,
    'charts/redis/values.yaml': `replicas: 1
`,
    'charts/redis/templates/statefulset.yaml': `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ .Release.Name }}
spec:
  serviceName: {{ .Release.Name }}
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
  });
}

// ---------------------------------------------------------------------------------------
// (c) plain kustomize
// ---------------------------------------------------------------------------------------

/**
 * Plain kustomize: base + overlays/dev + overlays/prod (both roots; base is referenced).
 * base/deploy.yaml: a ServiceAccount (line 2) then the Deployment `web` starting on line 8 (1-based).
 * dev: namePrefix dev-, namespace dev, strategic-merge patch replicas 2.
 * prod: namePrefix prod-, namespace prod, strategic-merge patch replicas 5, JSON6902 image → nginx:1.27-prod,
 *       configMapGenerator merge LOG_LEVEL=warn (base: LOG_LEVEL=info, MODE=web).
 */
export function kustomizeRepo(): FixtureRepo {
  return makeRepo('kustomize-fixtures', {
    'base/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deploy.yaml
  - service.yaml
configMapGenerator:
  - name: web-config
    literals:
      - LOG_LEVEL=info
      - MODE=web
`,
    'base/deploy.yaml': `# Service account and Deployment of the web tier.
apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
---
# The Deployment.
${deployment({ name: 'web', pod: '      serviceAccountName: web\n', image: 'nginx:1.25', containerExtra: `          envFrom:
            - configMapRef:
                name: web-config
` })}`,
    'base/service.yaml': service({ name: 'web', port: 80 }),
    'overlays/dev/kustomization.yaml': kustomization({ namePrefix: 'dev-', namespace: 'dev', resources: ['../../base'], patches: ['replicas.yaml'] }),
    'overlays/dev/replicas.yaml': replicasPatch('web', 2),
    'overlays/prod/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namePrefix: prod-
namespace: prod
resources:
  - ../../base
patches:
  - path: replicas.yaml
  - path: image.json
    target:
      group: apps
      version: v1
      kind: Deployment
      name: web
configMapGenerator:
  - name: web-config
    behavior: merge
    literals:
      - LOG_LEVEL=warn
`,
    'overlays/prod/replicas.yaml': replicasPatch('web', 5),
    'overlays/prod/image.json': `[{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": "nginx:1.27-prod"}]
`,
  });
}

// ---------------------------------------------------------------------------------------
// (d) broken inputs
// ---------------------------------------------------------------------------------------

/**
 * Broken inputs:
 * - apps/plain/: bad.yaml (a good ConfigMap `good`, then a document whose line 8 (1-based) is malformed),
 *   served by Argo app `plain` (directory).
 * - argocd/missing.yaml: app `missing` whose path apps/does-not-exist is absent (path on line 10).
 * - apps/missing-file/kustomization.yaml lists gone.yaml (line 5) which does not exist: plain root.
 * - argocd/chart.yaml: app `chart` over charts/hello (helm) — rendered with a missing helm binary.
 */
export function brokenRepo(): FixtureRepo {
  const name = 'broken-fixtures';
  const self = `https://github.com/example/${name}.git`;
  const app = (n: string, path: string) => argoApplication({ name: n, repoURL: self, targetRevision: 'main', path, server: SERVERS.prod, destinationNamespace: n });
  return makeRepo(name, {
    'argocd/plain.yaml': app('plain', 'apps/plain'),
    'argocd/missing.yaml': app('missing', 'apps/does-not-exist'),
    'argocd/chart.yaml': app('chart', 'charts/hello'),
    'apps/plain/bad.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: good
---
apiVersion: v1
kind: ConfigMap
metadata: {name: broken
data:
  a: b
`,
    'apps/plain/ok.yaml': configMap('fine'),
    'apps/missing-file/kustomization.yaml': kustomization({ resources: ['deploy.yaml', 'gone.yaml'] }),
    'apps/missing-file/deploy.yaml': configMap('present'),
    'charts/hello/Chart.yaml': `apiVersion: v2
name: hello
version: 0.1.0
`,
    'charts/hello/templates/cm.yaml': configMap('{{ .Release.Name }}'),
  });
}
