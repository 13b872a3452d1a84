import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { crd as crdText } from '../../support/manifests';
import { Linter, parseLintConfig, builtinSchemas, crdSchemaSource, type SchemaSource } from '../../../src/core/policy';
import { parseManifestFile } from '../../../src/core/manifest';
import { expectAt, goodDeployment, lintRepo, only, posOf } from './helpers';

test('the built-in bundle knows the core kinds of 1.34', () => {
  const s = builtinSchemas('1.34');
  assert.ok(s);
  for (const [g, v, k] of [['apps', 'v1', 'Deployment'], ['', 'v1', 'Service'], ['batch', 'v1', 'CronJob'], ['networking.k8s.io', 'v1', 'Ingress'], ['admissionregistration.k8s.io', 'v1', 'ValidatingAdmissionPolicy']]) assert.ok(s.kindSchema(g, v, k), `${g}/${v}/${k}`);
  assert.equal(s.kindSchema('apps', 'v1beta1', 'Deployment'), undefined);
});

test('schema: unknown field, wrong type, missing required — each at its field', () => {
  const unknown = goodDeployment().replace('image: registry', 'imagePullPolcy: Always\n          image: registry');
  const r1 = lintRepo({ 'd.yaml': unknown });
  const f = expectAt(r1.findings, 'schema', join(r1.root, 'd.yaml'), unknown, 'imagePullPolcy', 'error');
  assert.equal(f.jsonPath, 'spec.template.spec.containers[0].imagePullPolcy');
  assert.match(f.message, /unknown field/);

  const wrongType = goodDeployment().replace('replicas: 2', 'replicas: two');
  const r2 = lintRepo({ 'd.yaml': wrongType });
  assert.match(expectAt(r2.findings, 'schema', join(r2.root, 'd.yaml'), wrongType, 'replicas: two', 'error').message, /must be integer/);

  const missing = goodDeployment().replace('              containerPort: 8080\n', '');
  const r3 = lintRepo({ 'd.yaml': missing });
  const f3 = expectAt(r3.findings, 'schema', join(r3.root, 'd.yaml'), missing, 'name: http', 'error');
  assert.match(f3.message, /missing required field "containerPort"/);
});

test('schema: null for optional fields and int-or-string are accepted, like the API server', () => {
  const text = goodDeployment().replace('  namespace: shop\n', '  namespace: shop\n  creationTimestamp: null\n').replace('port: http\n', 'port: 8080\n');
  assert.deepEqual(only(lintRepo({ 'd.yaml': text }).findings, 'schema'), []);
});

const crd = crdText({ group: 'example.com', plural: 'widgets', names: 'kind: Widget, plural: widgets, singular: widget', schema: `          properties:
            spec:
              type: object
              required: [size]
              properties:
                size: {type: integer}
                extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
` });

test('CRDs of the workspace validate their custom resources strictly', () => {
  const bad = 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: shop\nspec:\n  size: big\n  colour: red\n  extra: {anything: 1}\n';
  const { root, findings } = lintRepo({ 'crd.yaml': crd, 'w.yaml': bad }, {}, 'w.yaml');
  const s = only(findings, 'schema');
  assert.equal(s.length, 2, JSON.stringify(s));
  assert.deepEqual(s.map((f) => f.range.start), [posOf(bad, 'size: big'), posOf(bad, 'colour: red')]);
  assert.ok(s.every((f) => f.file === join(root, 'w.yaml')));
  const good = 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: shop\nspec:\n  size: 3\n';
  assert.deepEqual(lintRepo({ 'crd.yaml': crd, 'w.yaml': good }, {}, 'w.yaml').findings, []);
});

test('an unknown kind is reported once per kind as info, not guessed at', () => {
  const text = 'apiVersion: acme.io/v1\nkind: Gadget\nmetadata:\n  name: a\n  namespace: shop\n---\napiVersion: acme.io/v1\nkind: Gadget\nmetadata:\n  name: b\n  namespace: shop\n';
  const { root, findings } = lintRepo({ 'g.yaml': text });
  expectAt(findings, 'unknown-schema', join(root, 'g.yaml'), text, 'kind: Gadget', 'info');
  assert.deepEqual(findings.map((f) => f.ruleId), ['unknown-schema']);
});

test('a live schema source (the cluster layer) is asked first', () => {
  const live: SchemaSource = { id: 'live', kindSchema: (g, v, k) => (g === 'acme.io' && k === 'Gadget' ? { type: 'object', properties: { apiVersion: {}, kind: {}, metadata: {}, spec: { type: 'object', properties: { n: { type: 'integer' } }, additionalProperties: false } }, additionalProperties: false } : undefined) };
  const text = 'apiVersion: acme.io/v1\nkind: Gadget\nmetadata:\n  name: a\nspec:\n  m: 1\n';
  const linter = new Linter({ schemaSources: [live, crdSchemaSource('none', [])] });
  const f = parseManifestFile('/x/g.yaml', text);
  linter.updateFile(f);
  const fs = linter.lintFile(f);
  assert.deepEqual(fs.map((x) => [x.ruleId, x.range.start]), [['schema', posOf(text, 'm: 1')]]);
});

test('deprecated-api depends on the target version; repo config can set it', () => {
  const text = 'apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: p\n  namespace: shop\nspec:\n  maxUnavailable: 1\n';
  assert.equal(only(lintRepo({ 'p.yaml': text }, { k8sVersion: '1.24' }).findings, 'deprecated-api')[0]?.severity, 'warning');
  assert.equal(only(lintRepo({ 'p.yaml': text }, { k8sVersion: '1.25' }).findings, 'deprecated-api')[0]?.severity, 'error');
  assert.equal(only(lintRepo({ 'p.yaml': text }, { k8sVersion: '1.20' }).findings, 'deprecated-api').length, 0);
  assert.equal(parseLintConfig('lint:\n  kubernetesVersion: "1.24"\n').config.kubernetesVersion, '1.24');
});
