// Flux fleets laid out as public repos are (shared/notes/real-layouts.md), not as our code
// expects: a home-lab fleet, the staging/production example (also with ArtifactGenerators),
// multi-tenancy with a tenant on another branch, and a FluxInstance repo.
import { execFileSync } from 'node:child_process';
import { makeRepo, type FixtureRepo } from './repos';

const ks = (o: { name: string; ns?: string; path: string; source?: string; sourceKind?: string; extra?: string }) => `---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ${o.name}${o.ns ? `\n  namespace: ${o.ns}` : ''}
spec:
  interval: 1h
  path: ${o.path}
  prune: true
  sourceRef:
    kind: ${o.sourceKind ?? 'GitRepository'}
    name: ${o.source ?? 'flux-system'}
    namespace: flux-system
${o.extra ?? ''}`;

/** One home-lab app: ks.yaml (Kustomization <app>) + app/helmrelease.yaml (HelmRelease <app>, same name). */
function homeLabApp(ns: string, app: string, volsync: boolean): Record<string, string> {
  const base = `kubernetes/apps/${ns}/${app}`;
  return {
    [`${base}/ks.yaml`]: ks({
      name: app, path: `./${base}/app`,
      extra: `  targetNamespace: ${ns}
  wait: false${volsync ? `
  components:
    - ../../../../components/volsync` : ''}
  postBuild:
    substitute:
      APP: ${app}
`,
    }),
    [`${base}/app/kustomization.yaml`]: `---
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ./ocirepository.yaml
  - ./helmrelease.yaml
`,
    // Real fleets pull from ghcr.io; the fixture names a loopback registry nothing serves, so a
    // pull fails at once (offline: the release is Unknown with the reason) and no test leaves the machine.
    [`${base}/app/ocirepository.yaml`]: `---
apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata:
  name: app-template
spec:
  interval: 15m
  layerSelector:
    mediaType: application/vnd.cncf.helm.chart.content.v1.tar+gzip
    operation: copy
  ref:
    tag: 4.4.0
  url: oci://127.0.0.1:9/bjw-s-labs/helm/app-template
`,
    [`${base}/app/helmrelease.yaml`]: `---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${app}
spec:
  interval: 1h
  chartRef:
    kind: OCIRepository
    name: app-template
  values:
    controllers:
      ${app}:
        containers:
          app:
            image:
              repository: ghcr.io/home-operations/${app}
              tag: 1.0.0
            env:
              TZ: \${TIMEZONE}
`,
  };
}

/**
 * kubernetes/flux/cluster/ks.yaml: "cluster-apps" over ./kubernetes/apps, patching every child
 * Kustomization with decryption + substituteFrom; GitRepository flux-system is not in the repo
 * (bootstrap placeholder); apps/<ns>/kustomization.yaml carries `namespace:` and the common
 * component; a volsync component with `${VOLSYNC_CLAIM:-${APP}}`.
 */
export function homeLabFiles(apps: { ns: string; app: string; volsync?: boolean }[]): Record<string, string> {
  const files: Record<string, string> = {
    '.sops.yaml': `---
creation_rules:
  - path_regex: kubernetes/.*\\.sops\\.ya?ml
    encrypted_regex: "^(data|stringData)$"
    age: age1examplerecipient
`,
    'kubernetes/flux/cluster/ks.yaml': `---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: cluster-apps
  namespace: flux-system
spec:
  interval: 1h
  path: ./kubernetes/apps
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
  decryption:
    provider: sops
    secretRef:
      name: sops-age
  postBuild:
    substituteFrom:
      - kind: ConfigMap
        name: cluster-settings
  patches:
    - # Add to every child Kustomization
      patch: |-
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata:
          name: _
        spec:
          decryption:
            provider: sops
            secretRef:
              name: sops-age
          postBuild:
            substituteFrom:
              - kind: ConfigMap
                name: cluster-settings
      target:
        group: kustomize.toolkit.fluxcd.io
        kind: Kustomization
`,
    'kubernetes/flux/cluster/cluster-settings.yaml': `---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cluster-settings
  namespace: flux-system
data:
  TIMEZONE: Europe/Paris
`,

    'kubernetes/components/common/kustomization.yaml': `---
apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
resources:
  - ./cluster-settings.yaml
`,
    'kubernetes/components/common/cluster-settings.yaml': `---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cluster-settings
data:
  TIMEZONE: Europe/Paris
`,
    'kubernetes/components/volsync/kustomization.yaml': `---
apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
resources:
  - ./pvc.yaml
`,
    'kubernetes/components/volsync/pvc.yaml': `---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: "\${VOLSYNC_CLAIM:-\${APP}}"
spec:
  accessModes: ["\${VOLSYNC_ACCESSMODES:=ReadWriteOnce}"]
  resources:
    requests:
      storage: "\${VOLSYNC_CAPACITY:=5Gi}"
  storageClassName: "\${VOLSYNC_STORAGECLASS:=ceph-block}"
`,
    'docs/mkdocs.yml': 'site_name: home-ops\nmarkdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n',
  };
  const byNs = new Map<string, string[]>();
  for (const a of apps) {
    byNs.set(a.ns, [...(byNs.get(a.ns) ?? []), a.app]);
    Object.assign(files, homeLabApp(a.ns, a.app, a.volsync === true));
  }
  for (const [ns, names] of byNs) {
    files[`kubernetes/apps/${ns}/kustomization.yaml`] = `---
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: ${ns}
components:
  - ../../components/common
resources:
  - ./namespace.yaml
${names.map((n) => `  - ./${n}/ks.yaml`).join('\n')}
`;
    files[`kubernetes/apps/${ns}/namespace.yaml`] = `---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`;
  }
  return files;
}

export const HOME_LAB_APPS = [
  { ns: 'default', app: 'atuin', volsync: true },
  { ns: 'default', app: 'echo' },
  { ns: 'media', app: 'plex', volsync: true },
  { ns: 'media', app: 'plex-trakt-sync', volsync: true },
];

export function homeLabRepo(): FixtureRepo {
  const files = homeLabFiles(HOME_LAB_APPS);
  // One app overrides the claim name, as real fleets do for apps sharing a volume.
  files['kubernetes/apps/media/plex-trakt-sync/ks.yaml'] = files['kubernetes/apps/media/plex-trakt-sync/ks.yaml'].replace('      APP: plex-trakt-sync\n', '      APP: plex-trakt-sync\n      VOLSYNC_CLAIM: plex-trakt-sync-config\n');
  return makeRepo('home-ops', files);
}

/** The Flux example: clusters/{staging,production} with the same Kustomization names. */
export function stagingProductionFiles(opts: { artifactGenerator?: boolean } = {}): Record<string, string> {
  const files: Record<string, string> = {
    'infrastructure/controllers/base/ingress-nginx.yaml': `---
apiVersion: v1
kind: Namespace
metadata:
  name: ingress-nginx
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: ingress-nginx
  namespace: ingress-nginx
spec:
  interval: 24h
  url: http://127.0.0.1:9/ingress-nginx # (kubernetes.github.io in the example; loopback here, see above)
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ingress-nginx
  namespace: ingress-nginx
spec:
  interval: 30m
  chart:
    spec:
      chart: ingress-nginx
      version: "*"
      sourceRef:
        kind: HelmRepository
        name: ingress-nginx
        namespace: ingress-nginx
`,
    'infrastructure/controllers/base/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ingress-nginx.yaml\n',
    'apps/base/podinfo/namespace.yaml': '---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: podinfo\n',
    'apps/base/podinfo/release.yaml': `---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
spec:
  releaseName: podinfo
  chart:
    spec:
      chart: ./charts/podinfo
      sourceRef:
        kind: GitRepository
        name: flux-system
        namespace: flux-system
  interval: 50m
  values:
    replicaCount: 1
    ingress:
      enabled: true
`,
    'apps/base/podinfo/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: podinfo\nresources:\n  - namespace.yaml\n  - release.yaml\n',
    'charts/podinfo/Chart.yaml': 'apiVersion: v2\nname: podinfo\nversion: 6.7.0\n',
    'charts/podinfo/values.yaml': 'replicaCount: 1\ningress:\n  enabled: false\n  host: podinfo.local\n',
    'charts/podinfo/templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels: {app: {{ .Release.Name }}}
  template:
    metadata:
      labels: {app: {{ .Release.Name }}}
    spec:
      containers:
        - name: podinfo
          image: ghcr.io/stefanprodan/podinfo:6.7.0
`,
    'charts/podinfo/templates/ingress.yaml': `{{- if .Values.ingress.enabled }}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ .Release.Name }}
spec:
  rules:
    - host: {{ .Values.ingress.host }}
{{- end }}
`,
  };
  for (const [env, replicas, host] of [['staging', 1, 'podinfo.staging'], ['production', 3, 'podinfo.production']] as const) {
    files[`apps/${env}/kustomization.yaml`] = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../base/podinfo
patches:
  - path: podinfo-values.yaml
    target:
      kind: HelmRelease
`;
    files[`apps/${env}/podinfo-values.yaml`] = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
  namespace: podinfo
spec:
  values:
    replicaCount: ${replicas}
    ingress:
      host: ${host}
`;
    files[`infrastructure/controllers/${env}/kustomization.yaml`] = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../base\n';
    files[`clusters/${env}/flux-system/gotk-sync.yaml`] = `---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m0s
  ref:
    branch: main
  secretRef:
    name: flux-system
  url: ssh://git@github.com/example/flux2-kustomize-helm-example
${ks({ name: 'flux-system', ns: 'flux-system', path: `./clusters/${env}` })}`;
    files[`clusters/${env}/flux-system/kustomization.yaml`] = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - gotk-sync.yaml\n';
    if (opts.artifactGenerator) {
      files[`clusters/${env}/artifacts.yaml`] = `---
apiVersion: source.extensions.fluxcd.io/v1beta1
kind: ArtifactGenerator
metadata:
  name: ${env}
  namespace: flux-system
spec:
  sources:
    - alias: repo
      kind: GitRepository
      name: flux-system
  artifacts:
    - name: apps-${env}
      originRevision: "@repo"
      copy:
        - from: "@repo/apps/base/**"
          to: "@artifact/base/"
        - from: "@repo/apps/${env}/**"
          to: "@artifact/${env}/"
`;
    }
    files[`clusters/${env}/infrastructure.yaml`] = ks({ name: 'infra-controllers', ns: 'flux-system', path: `./infrastructure/controllers/${env}` });
    files[`clusters/${env}/apps.yaml`] = opts.artifactGenerator
      ? ks({ name: 'apps', ns: 'flux-system', path: `./${env}`, source: `apps-${env}`, sourceKind: 'ExternalArtifact', extra: '  dependsOn:\n    - name: infra-controllers\n' })
      : ks({ name: 'apps', ns: 'flux-system', path: `./apps/${env}`, extra: '  dependsOn:\n    - name: infra-controllers\n' });
  }
  return files;
}

/** Multi-tenancy: tenants/dev-team applies a GitRepository to the `dev-team` branch of this repo. */
export function multiTenancyRepo(): FixtureRepo {
  const r = makeRepo('platform', {
    'clusters/production/flux-system/gotk-sync.yaml': ks({ name: 'flux-system', ns: 'flux-system', path: './clusters/production' }),
    'clusters/production/tenants.yaml': ks({ name: 'tenants', ns: 'flux-system', path: './tenants' }),
    'tenants/dev-team/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: apps\nresources:\n  - rbac.yaml\n  - sync.yaml\n',
    'tenants/dev-team/rbac.yaml': '---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: dev-team\n',
    'tenants/dev-team/sync.yaml': `---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: dev-team
spec:
  interval: 1m
  url: https://github.com/example/platform
  ref:
    branch: dev-team
${ks({ name: 'dev-team', path: './deploy', source: 'dev-team', extra: '  serviceAccountName: dev-team\n' }).replace('    namespace: flux-system\n', '')}`,
    // On main, deploy/ holds what the dev team had before: the render must not use it.
    'deploy/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: team-config\ndata:\n  owner: main-branch\n',
  });
  const git = (...args: string[]) => execFileSync('git', ['-C', r.root, ...args], { stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 'F', GIT_AUTHOR_EMAIL: 'f@example.com', GIT_COMMITTER_NAME: 'F', GIT_COMMITTER_EMAIL: 'f@example.com' } });
  git('checkout', '-q', '-b', 'dev-team');
  r.write('deploy/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: team-config\ndata:\n  owner: dev-team-branch\n');
  git('commit', '-qam', 'dev team config');
  git('checkout', '-q', 'main');
  return r;
}

/** flux-operator: a FluxInstance whose spec.sync names this repo and path. */
export function fluxInstanceRepo(): FixtureRepo {
  return makeRepo('fleet-operator', {
    'clusters/homelab/flux-instance.yaml': `apiVersion: fluxcd.controlplane.io/v1
kind: FluxInstance
metadata:
  name: flux
  namespace: flux-system
spec:
  distribution:
    version: "2.x"
    registry: ghcr.io/fluxcd
  sync:
    kind: GitRepository
    url: https://github.com/example/fleet-operator.git
    ref: refs/heads/main
    path: clusters/homelab
`,
    'clusters/homelab/apps.yaml': ks({ name: 'apps', ns: 'flux-system', path: './apps' }),
    'apps/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: web\nresources:\n  - web.yaml\n',
    'apps/web.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  a: "1"\n',
  });
}
