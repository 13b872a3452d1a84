import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goodDeployment, lintRepo, only, posOf } from './helpers';

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
/** Which findings d.yaml has: `rule line:col` (0-based), sorted. */
const found = (text: string, files: Record<string, string> = {}) => lintRepo({ 'd.yaml': text, ...files }, {}, 'd.yaml').findings
  .map((f) => `${f.ruleId} ${f.range.start.line}:${f.range.start.character}`).sort();
/** The findings of `text` named: tag1/ro1 of the first container (web), tag2/ro2 of the sidecar, at their fields. */
const expected = (text: string, ...names: ('tag1' | 'tag2' | 'ro1' | 'ro2')[]) => {
  const at = (rule: string, anchor: string, nth = 0) => { const p = posOf(text, anchor, nth); return `${rule} ${p.line}:${p.character}`; };
  const all = { tag1: at('image-tag', 'image: nginx:latest'), tag2: at('image-tag', 'image: busybox'), ro1: at('read-only-root-fs', 'readOnlyRootFilesystem: false'), ro2: at('read-only-root-fs', 'readOnlyRootFilesystem: false', 1) };
  return names.map((n) => all[n]).sort();
};
const check = (text: string, files: Record<string, string>, ...names: ('tag1' | 'tag2' | 'ro1' | 'ro2')[]) => assert.deepEqual(found(text, files), expected(text, ...names));

test('baseline: both containers fail both rules', () => check(twoBad(), {}, 'tag1', 'tag2', 'ro1', 'ro2'));

test('annotation ignore-check.gitops-lens.dev/<rule> silences that rule only, for the whole object', () => {
  check(twoBad({ meta: '  annotations:\n    ignore-check.gitops-lens.dev/image-tag: "pinned by digest in CD"\n' }), {}, 'ro1', 'ro2');
});

test('comment directive before a list item silences one container and one rule', () => {
  // The directive stands before the first container (web): its image-tag goes, the sidecar's stays.
  check(twoBad({ before1: '        # gitops-lens-ignore image-tag -- the sidecar pins it\n' }), {}, 'tag2', 'ro1', 'ro2');
});

test('comment directive before a field silences that field (line scope)', () => {
  const t = twoBad().replace('          image: nginx:latest', '          # gitops-lens-ignore image-tag -- demo\n          image: nginx:latest');
  check(t, {}, 'tag2', 'ro1', 'ro2');
});

test('comment directive before a document silences the document', () => {
  check(twoBad({ beforeDoc: '# gitops-lens-ignore read-only-root-fs -- writes to /tmp\n' }), {}, 'tag1', 'tag2');
});

test('repo config: rule off, severity, skip paths, per-resource ignore', () => {
  check(twoBad(), { 'gitops-lens.yaml': 'lint:\n  rules:\n    image-tag: off\n' }, 'ro1', 'ro2');
  const sev = lintRepo({ 'd.yaml': twoBad(), 'gitops-lens.yaml': 'lint:\n  rules:\n    read-only-root-fs: error\n' }, {}, 'd.yaml').findings;
  assert.deepEqual(only(sev, 'read-only-root-fs').map((f) => f.severity), ['error', 'error']);
  check(twoBad(), { 'gitops-lens.yaml': 'lint:\n  ignore:\n    - rule: read-only-root-fs\n      kind: Deployment\n      name: web\n      reason: legacy\n' }, 'tag1', 'tag2');
  check(twoBad(), { 'gitops-lens.yaml': 'lint:\n  ignore:\n    - rule: read-only-root-fs\n      kind: Deployment\n      name: other\n' }, 'tag1', 'tag2', 'ro1', 'ro2');
});

test('counterparts: kube-linter and Polaris annotations map to our rules', () => {
  check(twoBad({ meta: '  annotations:\n    ignore-check.kube-linter.io/latest-tag: "ok"\n' }), {}, 'ro1', 'ro2');
  check(twoBad({ meta: '  annotations:\n    polaris.fairwinds.com/notReadOnlyRootFilesystem-exempt: "true"\n' }), {}, 'tag1', 'tag2');
  check(twoBad({ meta: '  annotations:\n    polaris.fairwinds.com/notReadOnlyRootFilesystem-exempt: "false"\n' }), {}, 'tag1', 'tag2', 'ro1', 'ro2');
});
