import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { RULES } from '../../../src/core/policy';
import { expectAt, goodDeployment, lintRepo, only } from './helpers';

test('the good deployment passes every rule, including opt-in ones', () => {
  const text = goodDeployment();
  const rules = Object.fromEntries(RULES.filter((r) => r.severity === 'off').map((r) => [r.id, 'warning' as const]));
  const { findings } = lintRepo({ 'd.yaml': text }, { rules, preset: 'restricted' });
  assert.deepEqual(findings.map((f) => `${f.ruleId}: ${f.message}`), []);
});

interface Case { rule: string; severity: string; fail: string; anchor: string; nth?: number; pass?: string; preset?: 'baseline' | 'restricted'; enable?: boolean }

const dep = goodDeployment;
const C = (s: string) => s.replace(/^/gm, '            ').replace(/^ +$/gm, '');
const podAnnotation = (line: string) => dep().replace('    spec:\n', `      annotations:\n        ${line}\n    spec:\n`);
const P = (s: string) => s.replace(/^/gm, '      ').replace(/^ +$/gm, '');

const cases: Case[] = [
  { rule: 'privileged', severity: 'error', fail: dep({ container: C('privileged: true\n') }), anchor: 'privileged: true' },
  { rule: 'host-namespaces', severity: 'error', fail: dep({ pod: P('hostNetwork: true\n') }), anchor: 'hostNetwork: true', pass: dep({ pod: P('hostNetwork: false\n') }) },
  { rule: 'host-process', severity: 'error', fail: dep({ container: C('windowsOptions:\n  hostProcess: true\n') }), anchor: 'hostProcess: true' },
  { rule: 'dangerous-capabilities', severity: 'error', fail: dep({ container: C('  add: [SYS_ADMIN]\n') }), anchor: 'SYS_ADMIN', pass: dep({ container: C('  add: [NET_BIND_SERVICE]\n') }) },
  { rule: 'sensitive-host-mount', severity: 'error', fail: dep({ pod: P('volumes:\n  - name: sock\n    hostPath:\n      path: /var/run/docker.sock\n') }), anchor: 'path: /var/run/docker.sock', pass: dep({ pod: P('volumes:\n  - name: d\n    emptyDir: {}\n') }) },
  { rule: 'unsafe-proc-mount', severity: 'error', fail: dep({ container: C('procMount: Unmasked\n') }), anchor: 'procMount: Unmasked', pass: dep({ container: C('procMount: Default\n') }) },
  { rule: 'unsafe-sysctls', severity: 'error', fail: dep({ pod: P('  sysctls:\n    - name: kernel.msgmax\n      value: "1"\n').replace('      securityContext', '') }), anchor: 'name: kernel.msgmax' },
  { rule: 'image-tag', severity: 'error', fail: dep({ image: 'nginx:latest' }), anchor: 'image: nginx:latest', pass: dep({ image: 'nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' }) },
  { rule: 'image-tag', severity: 'error', fail: dep({ image: 'localhost:5000/nginx' }), anchor: 'image: localhost', pass: dep({ image: 'localhost:5000/nginx:1.25' }) },
  { rule: 'selector-mismatch', severity: 'error', fail: dep().replace('    matchLabels:\n      app: web', '    matchLabels:\n      app: api'), anchor: 'app: api' },
  { rule: 'probe-port', severity: 'error', fail: dep().replace('port: http\n', 'port: metrics\n'), anchor: 'port: metrics' },
  { rule: 'host-path', severity: 'warning', fail: dep({ pod: P('volumes:\n  - name: data\n    hostPath:\n      path: /data\n') }), anchor: 'hostPath:' },
  { rule: 'host-port', severity: 'warning', fail: dep().replace('containerPort: 8080', 'containerPort: 8080\n              hostPort: 80'), anchor: 'hostPort: 80' },
  { rule: 'apparmor-profile', severity: 'error', fail: dep({ container: C('appArmorProfile:\n  type: Unconfined\n') }), anchor: 'type: Unconfined', pass: dep({ container: C('appArmorProfile:\n  type: RuntimeDefault\n') }) },
  { rule: 'apparmor-profile', severity: 'error', fail: podAnnotation('container.apparmor.security.beta.kubernetes.io/app: unconfined'), anchor: 'container.apparmor', pass: podAnnotation('container.apparmor.security.beta.kubernetes.io/app: localhost/my-profile') },
  { rule: 'selinux-options', severity: 'error', fail: dep({ container: C('seLinuxOptions:\n  type: spc_t\n') }), anchor: 'type: spc_t', pass: dep({ container: C('seLinuxOptions:\n  type: container_t\n  level: "s0:c123,c456"\n') }) },
  { rule: 'seccomp-unconfined', severity: 'error', fail: dep().replace('type: RuntimeDefault', 'type: Unconfined'), anchor: 'type: Unconfined' },
  { rule: 'probe-host', severity: 'error', fail: dep().replace('port: http\n', 'port: http\n              host: 10.0.0.1\n'), anchor: 'host: 10.0.0.1' },
  { rule: 'added-capabilities', severity: 'warning', fail: dep({ container: C('  add: [CHOWN]\n') }), anchor: 'CHOWN', pass: dep({ container: C('  add: [NET_BIND_SERVICE]\n') }) },
  { rule: 'added-capabilities', severity: 'error', preset: 'restricted', fail: dep({ container: C('  add: [CHOWN]\n') }), anchor: 'CHOWN', pass: dep({ container: C('  add: [NET_BIND_SERVICE]\n') }) },
  { rule: 'restricted-volumes', severity: 'warning', fail: dep({ pod: P('volumes:\n  - name: shared\n    nfs:\n      server: nfs.example.com\n      path: /exports\n') }), anchor: 'nfs:', pass: dep({ pod: P('volumes:\n  - name: shared\n    persistentVolumeClaim:\n      claimName: shared\n') }) },
  { rule: 'host-path', severity: 'error', preset: 'baseline', fail: dep({ pod: P('volumes:\n  - name: data\n    hostPath:\n      path: /data\n') }), anchor: 'hostPath:' },
  { rule: 'privilege-escalation', severity: 'warning', fail: dep().replace('allowPrivilegeEscalation: false', 'allowPrivilegeEscalation: true'), anchor: 'allowPrivilegeEscalation: true' },
  { rule: 'privilege-escalation', severity: 'error', preset: 'restricted', fail: dep().replace('            allowPrivilegeEscalation: false\n', ''), anchor: 'securityContext:', nth: 1 },
  { rule: 'run-as-non-root', severity: 'warning', fail: dep().replace('        runAsNonRoot: true\n', ''), anchor: 'securityContext:', nth: 1 },
  { rule: 'run-as-non-root', severity: 'warning', fail: dep({ container: C('runAsUser: 0\n') }), anchor: 'runAsUser: 0', pass: dep({ container: C('runAsUser: 1000\n') }) },
  { rule: 'drop-capabilities', severity: 'warning', fail: dep().replace('drop: [ALL]', 'drop: [NET_RAW]'), anchor: 'drop: [NET_RAW]' },
  { rule: 'seccomp', severity: 'warning', fail: dep().replace('        seccompProfile:\n          type: RuntimeDefault\n', ''), anchor: 'securityContext:', nth: 1 },
  { rule: 'read-only-root-fs', severity: 'warning', fail: dep().replace('readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false'), anchor: 'readOnlyRootFilesystem: false' },
  { rule: 'cpu-requests', severity: 'warning', fail: dep().replace('              cpu: 100m\n', ''), anchor: 'requests:' },
  { rule: 'memory-requests', severity: 'warning', fail: dep().replace('              memory: 128Mi\n            limits', '            limits'), anchor: 'requests:' },
  { rule: 'memory-limits', severity: 'warning', fail: dep().replace('              cpu: 500m\n              memory: 128Mi\n', '              cpu: 500m\n'), anchor: 'limits:' },
  { rule: 'cpu-limits', severity: 'warning', enable: true, fail: dep().replace('              cpu: 500m\n', ''), anchor: 'limits:' },
  { rule: 'liveness-probe', severity: 'warning', fail: dep().replace(/          livenessProbe:\n(.*\n){3}/, ''), anchor: 'name: app' },
  { rule: 'readiness-probe', severity: 'warning', fail: dep().replace(/          readinessProbe:\n(.*\n){3}/, ''), anchor: 'name: app' },
  { rule: 'secret-literal-env', severity: 'warning', fail: dep({ container: '          env:\n            - name: DB_PASSWORD\n              value: hunter2\n' }), anchor: 'value: hunter2', pass: dep({ container: '          env:\n            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef: {name: db, key: pw}\n' }) },
  { rule: 'duplicate-env', severity: 'warning', fail: dep({ container: '          env:\n            - name: A\n              value: "1"\n            - name: A\n              value: "2"\n' }), anchor: 'name: A', nth: 1 },
  { rule: 'pdb-blocks-eviction', severity: 'warning', fail: 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: p\n  namespace: shop\nspec:\n  maxUnavailable: 0\n  selector:\n    matchLabels: {app: web}\n', anchor: 'maxUnavailable: 0', pass: 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: p\n  namespace: shop\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels: {app: web}\n' },
  { rule: 'rbac-wildcard', severity: 'warning', fail: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\n  namespace: shop\nrules:\n  - apiGroups: [""]\n    resources: [pods]\n    verbs:\n      - get\n      - "*"\n', anchor: '"*"', pass: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\n  namespace: shop\nrules:\n  - apiGroups: [""]\n    resources: [pods]\n    verbs: [get]\n' },
  { rule: 'cluster-admin-binding', severity: 'warning', fail: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: b\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: cluster-admin\nsubjects:\n  - kind: ServiceAccount\n    name: x\n    namespace: shop\n', anchor: 'name: cluster-admin', pass: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: b\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n  - kind: ServiceAccount\n    name: x\n    namespace: shop\n' },
  { rule: 'plaintext-secret', severity: 'error', fail: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: shop\nstringData:\n  password: hunter2\n', anchor: 'stringData:', pass: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: shop\ntype: Opaque\n' },
  { rule: 'default-namespace', severity: 'info', fail: dep().replace('namespace: shop', 'namespace: default'), anchor: 'namespace: default' },
  { rule: 'automount-sa-token', severity: 'info', fail: dep().replace('      automountServiceAccountToken: false\n', ''), anchor: 'spec:', nth: 1 },
  { rule: 'replicas', severity: 'warning', enable: true, fail: dep().replace('replicas: 2', 'replicas: 1'), anchor: 'replicas: 1' },
  { rule: 'deprecated-api', severity: 'error', fail: 'apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: c\n  namespace: shop\nspec:\n  schedule: "* * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers: []\n', anchor: 'apiVersion: batch/v1beta1' },
];

for (const c of cases) {
  test(`${c.rule}${c.preset ? ` (${c.preset})` : ''}: fails at the field, passes when fixed`, () => {
    const rules = c.enable ? { [c.rule]: 'warning' as const } : undefined;
    const { root, findings } = lintRepo({ 'm.yaml': c.fail }, { preset: c.preset, rules });
    expectAt(findings, c.rule, join(root, 'm.yaml'), c.fail, c.anchor, c.severity, c.nth);
    const pass = c.pass ?? dep();
    assert.deepEqual(only(lintRepo({ 'm.yaml': pass }, { preset: c.preset, rules }).findings, c.rule), []);
  });
}

test('every built-in rule with a position has a failing fixture somewhere in the suite', () => {
  // internal-error: test/cli/lint-robust.test.ts (CRDs whose schemas break the validator).
  const covered = new Set([...cases.map((c) => c.rule), 'yaml', 'schema', 'unknown-schema', 'argo-source-path', 'flux-path', 'flux-source-ref', 'kustomize-missing-file', 'duplicate-resource', 'policy', 'policy-error', 'dangling-service', 'image-registry', 'internal-error']);
  assert.deepEqual(RULES.map((r) => r.id).filter((id) => !covered.has(id)), []);
});

test('image-registry (opt-in) takes an allowlist from the repo config', () => {
  const text = dep({ image: 'docker.io/library/nginx:1.25' });
  const { root, findings } = lintRepo({ 'm.yaml': text, 'gitops-lens.yaml': 'lint:\n  rules:\n    image-registry: error\n  imageRegistries: [registry.example.com]\n' }, {}, 'm.yaml');
  expectAt(findings, 'image-registry', join(root, 'm.yaml'), text, 'image: docker.io', 'error');
});
