import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatJsonPath, locatePath, parseJsonPath, parseManifestFile, resourceKey, setValueInText } from '../../../src/core/manifest';

const multi = `# a comment
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 3 # keep three
  template:
    spec:
      containers:
        - name: app
          image: nginx:1.27
---
---
not: kubernetes
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports: [{port: 80}]
`;

test('multi-document file: resources with identity, empty and non-Kubernetes documents recognised', () => {
  const f = parseManifestFile('/r/app.yaml', multi);
  assert.deepEqual(f.documents.map((d) => d.kind), ['resource', 'empty', 'non-kubernetes', 'resource']);
  assert.deepEqual(f.documents[0].id, { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'shop', name: 'web' });
  assert.deepEqual(f.documents[3].id, { group: '', version: 'v1', kind: 'Service', name: 'web' });
  assert.equal(resourceKey(f.documents[0].id!), 'apps/Deployment/shop/web');
  assert.equal(f.documents[0].range.start.line, 1);
  assert.equal(f.documents[3].range.start.line, 17);
});

test('JSON path to exact source range, and to the parent key when the field is missing', () => {
  const f = parseManifestFile('/r/app.yaml', multi);
  const img = locatePath(f, 0, parseJsonPath('spec.template.spec.containers[0].image'))!;
  assert.equal(img.exact, true);
  assert.deepEqual(img.range, { start: { line: 12, character: 10 }, end: { line: 12, character: 27 } });
  const rep = locatePath(f, 0, ['spec', 'replicas'])!;
  assert.deepEqual(rep.keyRange.start, { line: 7, character: 2 });
  const missing = locatePath(f, 0, parseJsonPath('spec.template.spec.containers[0].securityContext.privileged'))!;
  assert.equal(missing.exact, false);
  assert.equal(missing.depth, 5);
  assert.equal(missing.range.start.line, 11); // the "- name: app" item
  const port = locatePath(f, 3, parseJsonPath('spec.ports[0].port'))!;
  assert.equal(port.range.start.line, 21);
});

test('path syntax round-trips, including keys with dots and slashes', () => {
  const p = parseJsonPath('metadata.annotations["argocd.argoproj.io/sync-wave"]');
  assert.deepEqual(p, ['metadata', 'annotations', 'argocd.argoproj.io/sync-wave']);
  assert.equal(formatJsonPath(p), 'metadata.annotations["argocd.argoproj.io/sync-wave"]');
  assert.equal(formatJsonPath(['spec', 'containers', 0, 'image']), 'spec.containers[0].image');
});

test('malformed YAML: errors with line and column, good documents in the same file survive', () => {
  const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [broken\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  name: dup\n';
  const f = parseManifestFile('/r/bad.yaml', text);
  assert.equal(f.documents[0].kind, 'resource');
  assert.equal(f.documents[1].kind, 'invalid');
  assert.ok(f.documents[1].problems[0].range.start.line >= 8, JSON.stringify(f.documents[1].problems));
  assert.equal(f.documents[2].kind, 'invalid');
  assert.match(f.documents[2].problems[0].message, /unique|duplicate/i);
  assert.equal(f.documents[2].problems[0].range.start.line, 14);
});

test('helm templates and kustomize patches are not read as resources', () => {
  assert.equal(parseManifestFile('/c/templates/d.yaml', 'apiVersion: v1\nkind: {{ .Values.kind }}\n', 'helm-template').documents.length, 0);
  const patch = parseManifestFile('/k/patch.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 2}\n', 'kustomize-patch');
  assert.equal(patch.documents[0].kind, 'non-kubernetes');
});

test('comment-preserving edit changes only the value, byte for byte', () => {
  const f = parseManifestFile('/r/app.yaml', multi);
  const r = setValueInText(f, 0, ['spec', 'replicas'], 5);
  assert.ok(r.ok);
  assert.equal(r.text, multi.replace('replicas: 3 # keep three', 'replicas: 5 # keep three'));
  const img = setValueInText(f, 0, parseJsonPath('spec.template.spec.containers[0].image'), 'nginx:1.28');
  assert.ok(img.ok);
  assert.equal(img.text, multi.replace('nginx:1.27', 'nginx:1.28'));
  const added = setValueInText(f, 0, ['metadata', 'labels'], { team: 'a' });
  assert.ok(added.ok, JSON.stringify(added));
  assert.match(added.text, /namespace: shop\n {2}labels:\n {4}team: a\nspec:/);
  const flow = setValueInText(f, 3, ['metadata', 'namespace'], 'x');
  assert.equal(flow.ok, false);
});

test('a huge map on the full parse path (CRLF) parses, and a duplicate key in it is still an error at its line', { timeout: 120_000 }, () => {
  const keys = Array.from({ length: 100_000 }, (_, i) => `  key${i}: v${i}`);
  keys.push('  key42: again');
  const text = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: big}', 'data:', ...keys, ''].join('\r\n');
  const f = parseManifestFile('/r/big.yaml', text);
  assert.equal(f.documents[0].kind, 'invalid');
  const dup = f.documents[0].problems.find((p) => /unique/i.test(p.message))!;
  assert.equal(dup.range.start.line, 4 + 100_000);
  const ok = parseManifestFile('/r/big.yaml', text.replace('\r\n  key42: again', ''));
  assert.equal(ok.documents[0].kind, 'resource');
  assert.equal(Object.keys((ok.documents[0].object as unknown as { data: object }).data).length, 100_000);
});
