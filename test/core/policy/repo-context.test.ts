import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { lintRepo, only, expectAt } from './helpers';

const deployment = (replicas: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
`;

test('a kustomize patch file is a fragment: no schema findings for its missing required fields', () => {
  const patch = 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 3\n';
  const files = {
    'base/kustomization.yaml': 'resources: [deploy.yaml]\n',
    'base/deploy.yaml': deployment('1'),
    'prod/kustomization.yaml': 'resources: [../base]\npatches:\n  - path: patches/replicas.yaml\n',
    'prod/patches/replicas.yaml': patch,
    // The same text not named by any kustomization is a resource, and is incomplete.
    'other/replicas.yaml': patch,
  };
  const patched = lintRepo(files, {}, 'prod/patches/replicas.yaml');
  assert.deepEqual(only(patched.findings, 'schema'), []);
  const plain = lintRepo(files, {}, 'other/replicas.yaml');
  assert.ok(only(plain.findings, 'schema').some((f) => /selector/.test(f.message)), JSON.stringify(plain.findings.map((f) => f.message)));
});

test('Flux post-build variables are not type errors before substitution; real type errors still are', () => {
  const withVar = lintRepo({ 'apps/d.yaml': deployment('${REPLICAS:=2}') }, {}, 'apps/d.yaml');
  assert.deepEqual(only(withVar.findings, 'schema'), []);
  const text = deployment('"three"');
  const wrong = lintRepo({ 'apps/d.yaml': text }, {}, 'apps/d.yaml');
  expectAt(wrong.findings, 'schema', join(wrong.root, 'apps/d.yaml'), text, 'replicas', 'error');
});
