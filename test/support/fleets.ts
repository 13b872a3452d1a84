// Fixture repositories laid out like public fleets (see shared/notes/real-layouts.md): the
// manifests sit beside other tools' YAML — Ansible roles with Jinja, mkdocs, task-runner
// templates, CI workflows, machine configs, an archive — and secrets kept the ways real repos
// keep them (SOPS, ExternalSecret, SealedSecret, 1Password references).
import type { Files } from './repos';

export const FLEET_URL = 'https://github.com/example/home-ops.git';

/** A debug Pod applied by hand (`kubectl apply -f hack/debug-pod.yaml`): Kubernetes YAML that Flux never delivers. */
export const HAND_APPLIED = 'hack/debug-pod.yaml';

/** Files nothing reconciles; none of them may produce a finding. */
export const NOT_DEPLOYED = [
  '.sops.yaml', '.taskfiles/kubernetes/Taskfile.yaml', '.taskfiles/kubernetes/resources/debug-pod.tmpl.yaml',
  '.github/workflows/flux-diff.yaml', '.github/renovate.json5', 'docs/mkdocs.yml', 'docs/overrides/partials/header.yaml',
  'ansible/inventory/hosts.yaml', 'ansible/playbooks/cluster-prepare.yaml', 'ansible/roles/k3s/templates/config.yaml.j2',
  'ansible/roles/k3s/templates/kube-vip.yaml', 'ansible/roles/k3s/tasks/main.yaml', 'ansible/roles/k3s/defaults/main.yaml',
  '.archive/kubernetes/apps/default/old-app/deployment.yaml', 'talos/talconfig.yaml', 'talos/patches/global/kubelet.yaml',
  'scripts/templates/app/helmrelease.yaml.tmpl', 'kubernetes/templates/gatus/external.tmpl.yaml', '.private/notes.yaml',
  // Kubernetes YAML applied by hand, outside what the Flux source delivers (its spec.ignore keeps only /kubernetes).
  HAND_APPLIED,
];

/** A Flux home-lab fleet (the most common public layout) with the usual neighbours. */
export function homeLabFleet(): Files {
  return {
    '.gitignore': '# local secrets and scratch\n*.decrypted~*\n*.agekey\nkubeconfig\n.private/\n',
    '.private/notes.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: scratch\n  namespace: default\nstringData:\n  password: hunter2\n',
    '.sops.yaml': `---
creation_rules:
  - path_regex: kubernetes/.*\\.sops\\.ya?ml
    encrypted_regex: "^(data|stringData)$"
    key_groups:
      - age:
          - age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq
`,
    '.taskfiles/kubernetes/Taskfile.yaml': `---
# yaml-language-server: $schema=https://taskfile.dev/schema.json
version: "3"

tasks:
  debug:
    desc: Create a debug pod on a node
    cmds:
      - kubectl apply -f {{.ROOT_DIR}}/.taskfiles/kubernetes/resources/debug-pod.tmpl.yaml
    vars:
      NODE: '{{.NODE | default "k8s-0"}}'
`,
    '.taskfiles/kubernetes/resources/debug-pod.tmpl.yaml': `---
apiVersion: v1
kind: Pod
metadata:
  name: debug-{{.NODE}}
  namespace: default
spec:
  nodeName: {{.NODE}}
  hostPID: true
  hostNetwork: true
  containers:
    - name: debug
      image: docker.io/library/alpine:latest
      securityContext:
        privileged: true
`,
    '.github/workflows/flux-diff.yaml': `---
name: "Flux Diff"
on:
  pull_request:
    branches: ["main"]
    paths: ["kubernetes/**"]
jobs:
  flux-diff:
    name: Flux Diff
    runs-on: ubuntu-latest
    permissions:
      pull-requests: write
    strategy:
      matrix:
        paths: ["kubernetes"]
        resources: ["helmrelease", "kustomization"]
    steps:
      - uses: actions/checkout@v4
      - run: flux-local diff \${{ matrix.resources }} --path \${{ matrix.paths }}
        env:
          GITHUB_TOKEN: "\${{ secrets.GITHUB_TOKEN }}"
`,
    [HAND_APPLIED]: `---
apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: kube-system
spec:
  hostNetwork: true
  containers:
    - name: debug
      image: docker.io/library/busybox:latest
      command: ["sleep", "infinity"]
      securityContext:
        privileged: true
`,
    '.github/renovate.json5': '{\n  $schema: "https://docs.renovatebot.com/renovate-schema.json",\n  extends: ["config:recommended"],\n}\n',
    'docs/mkdocs.yml': `---
site_name: Home Ops
repo_url: https://github.com/example/home-ops
theme:
  name: material
  custom_dir: overrides
extra:
  analytics:
    property: !ENV [GOOGLE_ANALYTICS_KEY, ""]
markdown_extensions:
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
plugins:
  - search
  - macros:
      include_yaml:
        - versions: !env_var VERSIONS_FILE
`,
    'docs/overrides/partials/header.yaml': 'kind: partial\nname: header\n',
    'ansible/inventory/hosts.yaml': `---
kubernetes:
  children:
    master:
      hosts:
        k8s-0:
          ansible_host: 192.168.1.10
    worker:
      hosts:
        k8s-1:
          ansible_host: 192.168.1.11
`,
    'ansible/playbooks/cluster-prepare.yaml': `---
- name: Prepare System
  hosts: kubernetes
  become: true
  gather_facts: true
  any_errors_fatal: true
  pre_tasks:
    - name: Pausing for 5 seconds...
      ansible.builtin.pause:
        seconds: 5
  tasks:
    - name: Locale
      block:
        - name: Locale | Set timezone
          community.general.timezone:
            name: "{{ timezone | default('Etc/UTC') }}"
  roles:
    - k3s
`,
    'ansible/roles/k3s/templates/config.yaml.j2': `---
# Managed by Ansible
{% if k3s_control_node %}
cluster-init: true
{% endif %}
token: {{ k3s_token }}
tls-san:
{% for host in groups['master'] %}
  - {{ hostvars[host]['ansible_host'] }}
{% endfor %}
`,
    'ansible/roles/k3s/templates/kube-vip.yaml': `---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: kube-vip
  namespace: kube-system
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: kube-vip
  template:
    metadata:
      labels:
        app.kubernetes.io/name: kube-vip
    spec:
      hostNetwork: true
      containers:
        - name: kube-vip
          image: ghcr.io/kube-vip/kube-vip:{{ kube_vip_version }}
          args: ["manager"]
          env:
{% for key, value in kube_vip_env.items() %}
            - name: {{ key }}
              value: "{{ value }}"
{% endfor %}
          securityContext:
            capabilities:
              add: ["NET_ADMIN", "NET_RAW"]
`,
    'ansible/roles/k3s/tasks/main.yaml': `---
- name: Deploy kube-vip manifest
  ansible.builtin.template:
    src: kube-vip.yaml
    dest: /var/lib/rancher/k3s/server/manifests/kube-vip.yaml
    mode: "0644"
  when: k3s_control_node
- name: Write k3s config
  ansible.builtin.template:
    src: config.yaml.j2
    dest: /etc/rancher/k3s/config.yaml
`,
    'ansible/roles/k3s/defaults/main.yaml': '---\nk3s_control_node: false\nkube_vip_version: v0.8.0\nkube_vip_env:\n  vip_arp: "true"\n',
    '.archive/kubernetes/apps/default/old-app/deployment.yaml': `---
apiVersion: extensions/v1beta1
kind: Deployment
metadata:
  name: old-app
  namespace: default
spec:
  template:
    spec:
      containers:
        - name: old-app
          image: example/old-app:latest
          securityContext:
            privileged: true
`,
    'talos/talconfig.yaml': `---
# yaml-language-server: $schema=https://raw.githubusercontent.com/budimanjojo/talhelper/master/pkg/config/schemas/talconfig.json
clusterName: home-ops
talosVersion: v1.8.0
kubernetesVersion: v1.31.1
endpoint: https://192.168.1.10:6443
nodes:
  - hostname: k8s-0
    ipAddress: 192.168.1.10
    controlPlane: true
    installDisk: /dev/sda
patches:
  - "@./patches/global/kubelet.yaml"
`,
    'talos/patches/global/kubelet.yaml': `machine:
  kubelet:
    extraArgs:
      rotate-server-certificates: true
    nodeIP:
      validSubnets: ["192.168.1.0/24"]
`,
    'scripts/templates/app/helmrelease.yaml.tmpl': `---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: {{ .APP }}
spec:
  interval: 30m
  values:
    image: {{ .IMAGE }}
`,
    'kubernetes/templates/gatus/external.tmpl.yaml': `---
apiVersion: v1
kind: ConfigMap
metadata:
  name: "\${APP}-gatus-ep"
  labels:
    gatus.io/enabled: "true"
data:
  config.yaml: |
    endpoints:
      - name: "\${APP}"
        url: "https://\${GATUS_SUBDOMAIN:-\${APP}}.\${SECRET_DOMAIN}"
`,
    // --- what Flux reconciles -------------------------------------------------------------
    'kubernetes/flux/config/cluster.yaml': `---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: home-kubernetes
  namespace: flux-system
spec:
  interval: 30m
  url: ${FLEET_URL.replace('https://github.com/', 'ssh://git@github.com/')}
  ref:
    branch: main
  secretRef:
    name: github-deploy-key
  ignore: |
    # exclude all
    /*
    # include kubernetes directory
    !/kubernetes
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: cluster
  namespace: flux-system
spec:
  interval: 30m
  path: ./kubernetes/apps
  prune: true
  sourceRef:
    kind: GitRepository
    name: home-kubernetes
  decryption:
    provider: sops
    secretRef:
      name: sops-age
`,
    'kubernetes/apps/kustomization.yaml': '---\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ./default/echo/ks.yaml\n',
    'kubernetes/apps/default/echo/ks.yaml': `---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: &app echo
  namespace: flux-system
spec:
  targetNamespace: default
  commonMetadata:
    labels:
      app.kubernetes.io/name: *app
  path: ./kubernetes/apps/default/echo/app
  prune: true
  sourceRef:
    kind: GitRepository
    name: home-kubernetes
  wait: false
  interval: 30m
  postBuild:
    substitute:
      APP: *app
`,
    'kubernetes/apps/default/echo/app/kustomization.yaml': '---\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ./secret.sops.yaml\n  - ./externalsecret.yaml\n  - ./sealedsecret.yaml\n  - ./config.yaml\n  - ./leaked.yaml\n  - ./deployment.yaml\n',
    'kubernetes/apps/default/echo/app/secret.sops.yaml': `apiVersion: v1
kind: Secret
metadata:
    name: echo-secret
type: Opaque
stringData:
    API_TOKEN: ENC[AES256_GCM,data:Tr9lWbQ2Ug==,iv:8Gq3jFZ0nHr6lQm2Jc3b1n8tQ1yJ0wX9b4Y2c6Qm0=,tag:Zr2w0b7yA1Fh3n9KkQfG5A==,type:str]
sops:
    kms: []
    gcp_kms: []
    azure_kv: []
    hc_vault: []
    age:
        - recipient: age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq
          enc: |
            -----BEGIN AGE ENCRYPTED FILE-----
            YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBhYmNkZWYK
            -----END AGE ENCRYPTED FILE-----
    lastmodified: "2024-09-01T12:00:00Z"
    mac: ENC[AES256_GCM,data:cGxhY2Vob2xkZXI=,iv:aXY=,tag:dGFn,type:str]
    pgp: []
    encrypted_regex: ^(data|stringData)$
    version: 3.9.0
`,
    'kubernetes/apps/default/echo/app/externalsecret.yaml': `---
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: echo
spec:
  secretStoreRef:
    kind: ClusterSecretStore
    name: onepassword-connect
  target:
    name: echo-db
    template:
      engineVersion: v2
      data:
        DATABASE_URL: "postgres://{{ .POSTGRES_USER }}:{{ .POSTGRES_PASS }}@postgres.database.svc/echo"
  dataFrom:
    - extract:
        key: echo
`,
    'kubernetes/apps/default/echo/app/sealedsecret.yaml': `---
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: echo-sealed
spec:
  encryptedData:
    password: AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq1pGcmE5DCV0Qx4PzBV5Yk5t7BMdKQsTBvN6FjQ1Jq6vLZpa6QJ1Hh
  template:
    metadata:
      name: echo-sealed
`,
    'kubernetes/apps/default/echo/app/config.yaml': `---
apiVersion: v1
kind: Secret
metadata:
  name: echo-refs
type: Opaque
stringData:
  ONEPASSWORD_TOKEN: op://homelab/echo/token
  VAULT_PASSWORD: vault:secret/data/echo#password
  VALS_PASSWORD: ref+awssecrets://echo/password
  SMTP_PASSWORD: \${SECRET_SMTP_PASSWORD}
`,
    // Two real defects the lint must still find among all of the above.
    'kubernetes/apps/default/echo/app/leaked.yaml': LEAKED_SECRET,
    'kubernetes/apps/default/echo/app/deployment.yaml': ECHO_DEPLOYMENT,
  };
}

/** A Secret committed in clear: the one plaintext-secret finding of the fleet. */
export const LEAKED_SECRET = `---
apiVersion: v1
kind: Secret
metadata:
  name: echo-leaked
type: Opaque
stringData:
  password: hunter2
`;

/** The echo Deployment; its image has no tag (the one image-tag finding of the fleet). */
export const ECHO_DEPLOYMENT = `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: echo
spec:
  replicas: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: echo
  template:
    metadata:
      labels:
        app.kubernetes.io/name: echo
    spec:
      containers:
        - name: echo
          image: ghcr.io/mendhak/http-https-echo
          envFrom:
            - secretRef:
                name: echo-db
`;
