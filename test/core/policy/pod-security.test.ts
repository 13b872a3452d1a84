// Pod Security Standards details the test API server (1.34) cannot judge: the checks that
// k8s.io/pod-security-admission v0.37 versions at 1.35 and 1.37, the clamp above the newest
// version, and how presets turn control failures into severities. The expected verdicts
// are the library's (policy/check_procMount_*.go, check_runAsNonRoot.go, check_sysctls.go);
// test/cluster/pss-agreement.test.ts checks everything up to 1.34 against the API server.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { Finding, Preset } from '../../../src/core/policy';
import { goodDeployment, lintRepo, posOf } from './helpers';

const roots: string[] = [];
after(() => { for (const r of roots) rmSync(r, { recursive: true, force: true }); });

const C = (s: string) => s.replace(/^/gm, '            ').replace(/^ +$/gm, '');
const P = (s: string) => s.replace(/^/gm, '      ').replace(/^ +$/gm, '');

function lint(text: string, preset: Preset, k8sVersion: string): Finding[] {
  const r = lintRepo({ 'd.yaml': text }, { preset, k8sVersion });
  roots.push(r.root);
  return r.findings.filter((f) => f.message.includes('(Pod Security '));
}
const errors = (fs: Finding[]) => fs.filter((f) => f.severity === 'error').map((f) => `${f.ruleId}: ${f.message}`);

const unmaskedInUserNamespace = goodDeployment({ pod: P('hostUsers: false\n'), container: C('procMount: Unmasked\n') });

test('procMount: from 1.35 baseline allows Unmasked in a user namespace, restricted never does', () => {
  assert.deepEqual(errors(lint(unmaskedInUserNamespace, 'baseline', '1.34')), ['unsafe-proc-mount: procMount: container "app" must not set securityContext.procMount to "Unmasked" (Pod Security baseline:v1.34)']);
  assert.deepEqual(errors(lint(unmaskedInUserNamespace, 'baseline', '1.35')), []);
  assert.deepEqual(errors(lint(unmaskedInUserNamespace, 'restricted', '1.35')), ['unsafe-proc-mount: procMount: container "app" must not set securityContext.procMount to "Unmasked" (Pod Security restricted:v1.35)']);
  // Under baseline the restricted-only failure is still shown, as a warning.
  const warned = lint(unmaskedInUserNamespace, 'baseline', '1.35').filter((f) => f.ruleId === 'unsafe-proc-mount');
  assert.deepEqual(warned.map((f) => [f.severity, f.message]), [['warning', 'procMount: container "app" must not set securityContext.procMount to "Unmasked" (Pod Security restricted:v1.35)']]);
});

test('runAsNonRoot and runAsUser: from 1.35 a user-namespace pod may run as root under restricted', () => {
  const root = goodDeployment({ pod: P('hostUsers: false\n'), container: C('runAsUser: 0\n') }).replace('        runAsNonRoot: true\n', '');
  assert.deepEqual(errors(lint(root, 'restricted', '1.34')).map((e) => e.split(' (Pod')[0]), [
    'run-as-non-root: runAsNonRoot != true: pod or container "app" must set securityContext.runAsNonRoot=true',
    'run-as-non-root: runAsUser=0: container "app" must not set runAsUser=0',
  ]);
  assert.deepEqual(errors(lint(root, 'restricted', '1.35')), []);
});

test('safe sysctls grow with the version; a version above the newest check evaluates as the newest', () => {
  const text = goodDeployment({ pod: P('  sysctls:\n    - name: net.ipv4.tcp_slow_start_after_idle\n      value: "0"\n').replace('      securityContext', '') });
  assert.deepEqual(errors(lint(text, 'baseline', '1.36')), ['unsafe-sysctls: forbidden sysctls: sysctl net.ipv4.tcp_slow_start_after_idle is not in the safe set (Pod Security baseline:v1.36)']);
  assert.deepEqual(errors(lint(text, 'baseline', '1.37')), []);
  const later = lint(goodDeployment().replace('allowPrivilegeEscalation: false', 'allowPrivilegeEscalation: true'), 'restricted', '1.40');
  assert.deepEqual(errors(later), ['privilege-escalation: allowPrivilegeEscalation != false: container "app" must set securityContext.allowPrivilegeEscalation=false (Pod Security restricted:v1.37)']);
});

test('presets: baseline failures are errors under baseline, everything under restricted; default keeps the catalog severities', () => {
  const text = goodDeployment({ pod: P('volumes:\n  - name: data\n    hostPath:\n      path: /data\n') }).replace('allowPrivilegeEscalation: false', 'allowPrivilegeEscalation: true');
  const sev = (preset: Preset) => lint(text, preset, '1.34').map((f) => `${f.severity} ${f.ruleId}`).sort();
  assert.deepEqual(sev('default'), ['warning host-path', 'warning privilege-escalation']);
  assert.deepEqual(sev('baseline'), ['error host-path', 'warning privilege-escalation']);
  // Under restricted the hostPath volume fails the restricted volume-type control instead.
  assert.deepEqual(sev('restricted'), ['error host-path', 'error privilege-escalation']);
  assert.match(lint(text, 'restricted', '1.34').find((f) => f.ruleId === 'host-path')!.message, /^restricted volume types: volume "data" uses restricted volume type "hostPath"/);
});

test('one finding per failing field, at that field; a capability both levels reject is reported once', () => {
  const text = goodDeployment({ container: C('  add: [SYS_ADMIN, CHOWN, NET_BIND_SERVICE]\n') });
  const fs = lint(text, 'default', '1.34');
  assert.deepEqual(fs.map((f) => [f.ruleId, f.severity, f.range.start]), [
    ['dangerous-capabilities', 'error', posOf(text, 'SYS_ADMIN')],
    ['added-capabilities', 'warning', posOf(text, 'CHOWN')],
  ]);
  assert.match(fs[0].message, /^non-default capabilities: container "app" must not include "SYS_ADMIN"/);
});

test('Windows pods are exempt from the Linux-only restricted checks from 1.25 on', () => {
  const windows = goodDeployment({ pod: P('os:\n  name: windows\n') })
    .replace(/          securityContext:\n(            .*\n)+/, '')
    .replace('        seccompProfile:\n          type: RuntimeDefault\n', '');
  assert.deepEqual(errors(lint(windows, 'restricted', '1.25')), []);
  assert.deepEqual(errors(lint(windows, 'restricted', '1.24')).map((e) => e.split(':')[0]).sort(), ['drop-capabilities', 'privilege-escalation', 'seccomp']);
});
