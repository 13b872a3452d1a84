import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Finding } from '../../../src/core/policy';
import { crd as crdText } from '../../support/manifests';
import { goodDeployment, lintRepo, posOf, readManifestFile } from './helpers';

// A policy set of our own covering matchConstraints (incl. a CRD plural), matchConditions,
// variables, params, messageExpression, optional types, regex and quantity.
const policies = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: replica-limit
spec:
  failurePolicy: Fail
  paramKind:
    apiVersion: v1
    kind: ConfigMap
  matchConstraints:
    resourceRules:
      - apiGroups: ["apps"]
        apiVersions: ["v1"]
        operations: ["CREATE", "UPDATE"]
        resources: ["deployments"]
  matchConditions:
    - name: not-exempt
      expression: "!has(object.metadata.labels) || !('exempt' in object.metadata.labels)"
  variables:
    - name: maxReplicas
      expression: "int(params.data.maxReplicas)"
  validations:
    - expression: "object.spec.replicas <= variables.maxReplicas"
      messageExpression: "'replicas ' + string(object.spec.replicas) + ' exceeds ' + string(variables.maxReplicas)"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: replica-limit-binding
spec:
  policyName: replica-limit
  validationActions: [Deny]
  paramRef:
    name: replica-limits
    namespace: policy
    parameterNotFoundAction: Deny
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: replica-limits
  namespace: policy
data:
  maxReplicas: "3"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: image-and-memory
spec:
  matchConstraints:
    resourceRules:
      - apiGroups: ["apps"]
        apiVersions: ["*"]
        operations: ["*"]
        resources: ["deployments"]
  validations:
    - expression: "object.spec.template.spec.containers.all(c, c.image.find(r'^[a-z.]+\\\\.example\\\\.com/') != '')"
      message: images must come from *.example.com
    - expression: "object.spec.template.spec.containers.all(c, quantity(c.?resources.?limits.?memory.orValue('0')).compareTo(quantity('1Gi')) <= 0)"
      message: memory limit above 1Gi
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: image-and-memory
spec:
  policyName: image-and-memory
  validationActions: [Warn, Audit]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: widget-size
spec:
  matchConstraints:
    resourceRules:
      - apiGroups: ["example.com"]
        apiVersions: ["v1"]
        operations: ["CREATE"]
        resources: ["widgetses"]
    objectSelector:
      matchLabels: {tier: gold}
  validations:
    - expression: "object.spec.size >= 10"
      messageExpression: "'gold widgets need size >= 10, got %d'.format([object.spec.size])"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: widget-size
spec:
  policyName: widget-size
  validationActions: [Audit]
`;

const crd = crdText({ group: 'example.com', plural: 'widgetses', names: 'kind: Widget, plural: widgetses', schema: `          x-kubernetes-preserve-unknown-fields: true
` });

const run = (files: Record<string, string>, only: string) => lintRepo({ 'policy/policies.yaml': policies, 'policy/crd.yaml': crd, ...files }, {}, only);
const pol = (fs: Finding[]) => fs.filter((f) => f.ruleId.startsWith('policy'));

test('a Deployment that satisfies every policy passes', () => {
  const { findings } = run({ 'd.yaml': goodDeployment() }, 'd.yaml');
  assert.deepEqual(pol(findings), []);
});

test('params + variables + messageExpression: Deny is an error at the field the expression reads', () => {
  const text = goodDeployment().replace('replicas: 2', 'replicas: 5');
  const { root, findings } = run({ 'd.yaml': text }, 'd.yaml');
  const f = pol(findings);
  assert.equal(f.length, 1, JSON.stringify(f));
  assert.equal(f[0].ruleId, 'policy.replica-limit');
  assert.equal(f[0].severity, 'error');
  assert.equal(f[0].file, join(root, 'd.yaml'));
  assert.deepEqual(f[0].range.start, posOf(text, 'replicas: 5'));
  assert.match(f[0].message, /^replicas 5 exceeds 3/);
});

test('matchConditions skip exempt objects', () => {
  const text = goodDeployment({ meta: '  labels:\n    exempt: "yes"\n' }).replace('replicas: 2', 'replicas: 5');
  assert.deepEqual(pol(run({ 'd.yaml': text }, 'd.yaml').findings), []);
});

test('regex and quantity validations with optional types; Warn+Audit → warning; message', () => {
  const text = goodDeployment({ image: 'docker.io/nginx:1.25' }).replace('              memory: 128Mi\n            securityContext', '              memory: 2Gi\n            securityContext').replace(/limits:\n              cpu: 500m\n              memory: 128Mi/, 'limits:\n              cpu: 500m\n              memory: 2Gi');
  const f = pol(run({ 'd.yaml': text }, 'd.yaml').findings);
  assert.deepEqual(f.map((x) => [x.ruleId, x.severity, x.message.split(' (')[0]]).sort(), [['policy.image-and-memory', 'warning', 'images must come from *.example.com'], ['policy.image-and-memory', 'warning', 'memory limit above 1Gi']]);
});

test('a CRD plural matches; objectSelector; Audit → info; format()', () => {
  const gold = 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: shop\n  labels: {tier: gold}\nspec:\n  size: 3\n';
  const f = pol(run({ 'w.yaml': gold }, 'w.yaml').findings);
  assert.deepEqual(f.map((x) => [x.ruleId, x.severity, x.message.split(' (')[0], x.range.start]), [['policy.widget-size', 'info', 'gold widgets need size >= 10, got 3', posOf(gold, 'size: 3')]]);
  assert.deepEqual(pol(run({ 'w.yaml': gold.replace('size: 3', 'size: 12') }, 'w.yaml').findings), []);
  assert.deepEqual(pol(run({ 'w.yaml': gold.replace('tier: gold', 'tier: bronze') }, 'w.yaml').findings), []);
});

test('a missing param object is reported as the API server would deny', () => {
  const ps = policies.replace('name: replica-limits\n  namespace: policy', 'name: other\n  namespace: policy');
  const f = pol(lintRepo({ 'policy/policies.yaml': ps, 'd.yaml': goodDeployment() }, {}, 'd.yaml').findings);
  assert.equal(f.length, 1);
  assert.match(f[0].message, /no ConfigMap param "replica-limits" found/);
});

test('a CEL syntax error is a finding on the expression line of the policy file; authorizer is reported, not evaluated', () => {
  const bad = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: broken
spec:
  matchConstraints:
    resourceRules: [{apiGroups: ["*"], apiVersions: ["*"], operations: ["*"], resources: ["*"]}]
  validations:
    - expression: |
        object.metadata.name != '' &&
          object.spec.(replicas > 1
    - expression: "authorizer.group('').resource('pods').check('get').allowed()"
`;
  const { root, findings } = lintRepo({ 'p.yaml': bad, 'd.yaml': goodDeployment() });
  const errs = findings.filter((f) => f.ruleId === 'policy-error');
  const syntax = errs.find((f) => /does not compile/.test(f.message));
  assert.ok(syntax, JSON.stringify(errs));
  assert.equal(syntax.file, join(root, 'p.yaml'));
  assert.equal(syntax.severity, 'error');
  assert.equal(syntax.range.start.line, posOf(bad, 'object.spec.(').line);
  const authz = errs.find((f) => /authorizer/.test(f.message));
  assert.ok(authz);
  assert.equal(authz.severity, 'info');
  assert.equal(authz.range.start.line, posOf(bad, "- expression: \"authorizer").line);
  // The broken policy does not produce findings on other objects.
  assert.deepEqual(findings.filter((f) => f.file.endsWith('d.yaml') && f.ruleId.startsWith('policy')), []);
});

test('oldObject gives UPDATE semantics', () => {
  const p = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: immutable-selector
spec:
  matchConstraints:
    resourceRules: [{apiGroups: ["apps"], apiVersions: ["v1"], operations: ["UPDATE"], resources: ["deployments"]}]
  validations:
    - expression: "request.operation != 'UPDATE' || object.spec.selector == oldObject.spec.selector"
      message: selector is immutable
`;
  const text = goodDeployment();
  const { linter, root } = lintRepo({ 'p.yaml': p, 'd.yaml': text });
  const file = readManifestFile(join(root, 'd.yaml'));
  const old = structuredClone(file.documents[0].object) as any;
  assert.deepEqual(pol(linter.lintFile(file, { oldObject: () => old })), []);
  old.spec.selector.matchLabels.app = 'other';
  const f = pol(linter.lintFile(file, { oldObject: () => old }));
  assert.deepEqual(f.map((x) => x.message.split(' (')[0]), ['selector is immutable']);
  assert.deepEqual(pol(linter.lintFile(file)), []);
});
