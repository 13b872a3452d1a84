import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goodDeployment, lintRepo, only } from './helpers';

// Two containers that both fail image-tag and read-only-root-fs.
const twoBad = (extra: { meta?: string; before1?: string; beforeDoc?: string } = {}) => (extra.beforeDoc ?? '') + goodDeployment({ meta: extra.meta, image: 'nginx:latest' })
  .replace('readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false')
  .replace('      containers:\n', `      containers:\n${extra.before1 ?? ''}`)
  + `        - name: sidecar
          image: busybox
          resources:
            requests: {cpu: 10m, memory: 16Mi}
            limits: {memory: 16Mi}
          livenessProbe: {exec: {command: ["true"]}}
          readinessProbe: {exec: {command: ["true"]}}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: false
            capabilities: {drop: [ALL]}
`;
const count = (text: string, files: Record<string, string> = {}) => {
  const fs = lintRepo({ 'd.yaml': text, ...files }, {}, 'd.yaml').findings;
  return { tag: only(fs, 'image-tag').length, ro: only(fs, 'read-only-root-fs').length, all: fs.length };
};

test('baseline: both containers fail both rules', () => assert.deepEqual(count(twoBad()), { tag: 2, ro: 2, all: 4 }));

test('annotation ignore-check.gitops-lens.dev/<rule> silences that rule only, for the whole object', () => {
  assert.deepEqual(count(twoBad({ meta: '  annotations:\n    ignore-check.gitops-lens.dev/image-tag: "pinned by digest in CD"\n' })), { tag: 0, ro: 2, all: 2 });
});

test('comment directive before a list item silences one container and one rule', () => {
  assert.deepEqual(count(twoBad({ before1: '        # gitops-lens-ignore image-tag -- the sidecar pins it\n' })), { tag: 1, ro: 2, all: 3 });
});

test('comment directive before a field silences that field (line scope)', () => {
  const t = twoBad().replace('          image: nginx:latest', '          # gitops-lens-ignore image-tag -- demo\n          image: nginx:latest');
  assert.deepEqual(count(t), { tag: 1, ro: 2, all: 3 });
});

test('comment directive before a document silences the document', () => {
  assert.deepEqual(count(twoBad({ beforeDoc: '# gitops-lens-ignore read-only-root-fs -- writes to /tmp\n' })), { tag: 2, ro: 0, all: 2 });
});

test('repo config: rule off, severity, skip paths, per-resource ignore', () => {
  assert.deepEqual(count(twoBad(), { 'gitops-lens.yaml': 'lint:\n  rules:\n    image-tag: off\n' }), { tag: 0, ro: 2, all: 2 });
  const sev = lintRepo({ 'd.yaml': twoBad(), 'gitops-lens.yaml': 'lint:\n  rules:\n    read-only-root-fs: error\n' }, {}, 'd.yaml').findings;
  assert.deepEqual(only(sev, 'read-only-root-fs').map((f) => f.severity), ['error', 'error']);
  assert.deepEqual(count(twoBad(), { 'gitops-lens.yaml': 'lint:\n  ignore:\n    - rule: read-only-root-fs\n      kind: Deployment\n      name: web\n      reason: legacy\n' }), { tag: 2, ro: 0, all: 2 });
  assert.deepEqual(count(twoBad(), { 'gitops-lens.yaml': 'lint:\n  ignore:\n    - rule: read-only-root-fs\n      kind: Deployment\n      name: other\n' }), { tag: 2, ro: 2, all: 4 });
});

test('counterparts: kube-linter and Polaris annotations map to our rules', () => {
  assert.deepEqual(count(twoBad({ meta: '  annotations:\n    ignore-check.kube-linter.io/latest-tag: "ok"\n' })), { tag: 0, ro: 2, all: 2 });
  assert.deepEqual(count(twoBad({ meta: '  annotations:\n    polaris.fairwinds.com/notReadOnlyRootFilesystem-exempt: "true"\n' })), { tag: 2, ro: 0, all: 2 });
  assert.deepEqual(count(twoBad({ meta: '  annotations:\n    polaris.fairwinds.com/notReadOnlyRootFilesystem-exempt: "false"\n' })), { tag: 2, ro: 2, all: 4 });
});
