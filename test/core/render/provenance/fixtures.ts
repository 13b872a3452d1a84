// Repos laid out like real GitOps repos, each value written in exactly one kind of place, so
// a test can name the line that must be the origin of a rendered field.
import { deployment, service } from '../../../support/manifests';
import { makeRepo, type FixtureRepo } from '../../../support/repos';

const base = {
  'apps/shop/base/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
labels:
  - pairs:
      app.kubernetes.io/part-of: shop
resources:
  - deployment.yaml
  - service.yaml
`,
  'apps/shop/base/deployment.yaml': deployment({
    name: 'frontend', labels: { app: 'frontend', team: 'storefront' }, meta: '  annotations:\n    note: storefront\n', replicas: 1, image: 'nginx:1.27.3',
    containerExtra: `          env:
            - name: LOG_LEVEL
              value: info
          ports:
            - containerPort: 80
`,
  }),
  'apps/shop/base/service.yaml': service({ name: 'frontend', port: 80 }),
};

const overlay = (extra: string, resources = ['../../base']) => `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
${resources.map((r) => `  - ${r}\n`).join('')}${extra}`;

/**
 * A shop fleet of kustomize overlays (each a plain kustomize app `kustomize/apps/shop/overlays/<x>`):
 * - prod: strategic-merge patch file replicas.yaml (replicas 3) — the README example;
 * - json-inline: inline JSON6902 patch (replicas 4); json-file: JSON6902 patch file (replicas 5);
 * - smp-inline: inline strategic-merge patch (replicas 6, LOG_LEVEL debug);
 * - fields: `replicas:` (7), `images:` newTag 1.28.0, namePrefix edge-, commonAnnotations owner, namespace edge;
 * - generated: configMapGenerator literals (MODE=web), envs (app.env REGION=eu), files (motd.txt);
 * - with-component: components [../../components/tracing] (annotation tracing: enabled, env TRACING on);
 * - nested → mid → base: mid's patch sets replicas 2, nested sets namespace nested;
 * - selector: an inline patch selected by the label team=storefront sets the annotation
 *   note: storefront — the very value the base writes there too (a trace must not take the
 *   base for the writer when a token in the label stops the patch from applying).
 */
export function shopFleet(): FixtureRepo {
  return makeRepo('shop-fleet', {
    ...base,
    'apps/shop/overlays/prod/kustomization.yaml': overlay('namespace: shop\npatches:\n  - path: replicas.yaml\n'),
    'apps/shop/overlays/prod/replicas.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: frontend
spec:
  replicas: 3
`,
    'apps/shop/overlays/json-inline/kustomization.yaml': overlay(`patches:
  - target:
      kind: Deployment
      name: frontend
    patch: |-
      - op: replace
        path: /spec/replicas
        value: 4
`),
    'apps/shop/overlays/json-file/kustomization.yaml': overlay(`patches:
  - path: replicas.json6902.yaml
    target:
      kind: Deployment
      name: frontend
`),
    'apps/shop/overlays/json-file/replicas.json6902.yaml': `- op: replace
  path: /spec/replicas
  value: 5
`,
    'apps/shop/overlays/smp-inline/kustomization.yaml': overlay(`patches:
  - patch: |-
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: frontend
      spec:
        replicas: 6
        template:
          spec:
            containers:
              - name: frontend
                env:
                  - name: LOG_LEVEL
                    value: debug
`),
    'apps/shop/overlays/fields/kustomization.yaml': overlay(`namePrefix: edge-
namespace: edge
commonAnnotations:
  owner: web-team
replicas:
  - name: frontend
    count: 7
images:
  - name: nginx
    newTag: 1.28.0
`),
    'apps/shop/overlays/generated/kustomization.yaml': overlay(`configMapGenerator:
  - name: shop-config
    literals:
      - MODE=web
    envs:
      - app.env
    files:
      - motd.txt
`),
    'apps/shop/overlays/generated/app.env': 'REGION=eu\nZONE=eu-1a\n',
    'apps/shop/overlays/generated/motd.txt': 'Welcome to the shop\n',
    'apps/shop/components/tracing/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
patches:
  - path: tracing.yaml
`,
    'apps/shop/components/tracing/tracing.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: frontend
  annotations:
    tracing: enabled
spec:
  template:
    spec:
      containers:
        - name: frontend
          env:
            - name: TRACING
              value: "on"
`,
    'apps/shop/overlays/with-component/kustomization.yaml': overlay('components:\n  - ../../components/tracing\n'),
    'apps/shop/overlays/mid/kustomization.yaml': overlay('patches:\n  - path: replicas.yaml\n'),
    'apps/shop/overlays/mid/replicas.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: frontend
spec:
  replicas: 2
`,
    'apps/shop/overlays/nested/kustomization.yaml': overlay('namespace: nested\n', ['../mid']),
    'apps/shop/overlays/selector/kustomization.yaml': overlay(`patches:
  - target:
      kind: Deployment
      labelSelector: team=storefront
    patch: |-
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: frontend
        annotations:
          note: storefront
`),
  });
}

const chart = {
  'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
  'charts/web/values.yaml': `replicaCount: 1
image:
  repository: ghcr.io/example/web
  tag: "2.0.0"
service:
  port: 80
resources:
  limits:
    memory: 128Mi
`,
  'charts/web/templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  labels:
    app: {{ .Release.Name }}
    tier: frontend
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
        - name: web
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          ports:
            - containerPort: {{ add .Values.service.port 8000 }}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
`,
};

const argoApp = (name: string, helm: string) => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${name}
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://github.com/example/web-fleet.git
    targetRevision: main
    path: charts/web
    helm:
${helm}  destination:
    server: https://kubernetes.default.svc
    namespace: web
`;

/**
 * One chart (charts/web: replicaCount 1, image ghcr.io/example/web:2.0.0, resources.limits.memory
 * 128Mi, service.port 80 → containerPort computed as port + 8000, label tier: frontend literal)
 * and Argo CD Applications over it: web-object (valuesObject replicaCount 2), web-file (valueFiles
 * values-prod.yaml: replicaCount 3, memory 256Mi), web-string (helm.values string: replicaCount 4),
 * web-param (parameters replicaCount=5 over valuesObject 2), web-plain (no values).
 */
export function webFleet(): FixtureRepo {
  return makeRepo('web-fleet', {
    ...chart,
    'charts/web/values-prod.yaml': 'replicaCount: 3\nresources:\n  limits:\n    memory: 256Mi\n',
    'argocd/web-object.yaml': argoApp('web-object', '      valuesObject:\n        replicaCount: 2\n'),
    'argocd/web-file.yaml': argoApp('web-file', '      valueFiles:\n        - values-prod.yaml\n'),
    'argocd/web-string.yaml': argoApp('web-string', '      values: |\n        # the string form\n        replicaCount: 4\n'),
    'argocd/web-param.yaml': argoApp('web-param', '      valuesObject:\n        replicaCount: 2\n      parameters:\n        - name: replicaCount\n          value: "5"\n'),
    'argocd/web-plain.yaml': argoApp('web-plain', '      releaseName: web-plain\n'),
  });
}

/**
 * Flux: Kustomization `blog` (flux/blog.yaml) over apps/blog with postBuild.substitute
 * {replicas: "2"} and substituteFrom ConfigMap blog-vars (flux/blog-vars.yaml: blog_title,
 * replicas "9" — overridden by the inline substitute); HelmRelease `web` over charts/web with
 * spec.values replicaCount 6.
 */
export function fluxFleet(): FixtureRepo {
  return makeRepo('flux-fleet', {
    ...chart,
    'clusters/prod/flux-system/gotk-sync.yaml': `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m
  url: https://github.com/example/flux-fleet.git
  ref:
    branch: main
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 10m
  path: ./clusters/prod
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`,
    'clusters/prod/blog.yaml': `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: blog
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps/blog
  prune: true
  targetNamespace: blog
  sourceRef:
    kind: GitRepository
    name: flux-system
  postBuild:
    substitute:
      replicas: "2"
    substituteFrom:
      - kind: ConfigMap
        name: blog-vars
`,
    'clusters/prod/blog-vars.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: blog-vars
  namespace: flux-system
data:
  blog_title: GitOps Lens blog
  replicas: "9"
`,
    'clusters/prod/web.yaml': `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
  namespace: flux-system
spec:
  interval: 10m
  targetNamespace: web
  chart:
    spec:
      chart: ./charts/web
      sourceRef:
        kind: GitRepository
        name: flux-system
  values:
    replicaCount: 6
`,
    'apps/blog/deployment.yaml': deployment({
      name: 'blog', replicas: '${replicas}', image: 'ghost:5.96',
      containerExtra: `          env:
            - name: BLOG_TITLE
              value: \${blog_title}
`,
    }),
  });
}
