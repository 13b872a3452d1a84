// Adopt Live writes a value into the YAML it came from by splicing text: maps, lists and
// block values, not only scalars. The expected files are written out by hand; every byte the
// adopted value does not need (comments, blank lines, the final newline) stays.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJsonPath } from '../../../src/core/manifest';
import { adoptValue } from '../../../src/core/revert';
import { loadDesired } from '../../../src/core/sync';
import { appConfig, makeRepo, removeRepo } from '../../sync/support';

const repos: string[] = [];
after(() => repos.forEach(removeRepo));

const WEB = `# The web tier.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      nodeSelector:
        # the shop's own pool
        pool: shop   # dedicated nodes
        zone: a

      containers:
        - name: web
          image: nginx:1.27
          resources: {}   # to be tuned
          env: []  # none yet
          args:
            - --port=8080
            - --verbose
`;

/** Adopts `value` at `path` of the Deployment web in a fresh repo; returns the file as adopt wrote it. */
async function adopt(path: string, value: unknown, text = WEB): Promise<string> {
  const root = makeRepo({ 'gitops-lens.yaml': appConfig('web', 'app', 'shop'), 'app/web.yaml': text });
  repos.push(root);
  const desired = await loadDesired(root, 'web');
  const res = desired.render.resources.find((r) => r.id.kind === 'Deployment')!;
  const out = await adoptValue(desired.repoRoot, res, parseJsonPath(path), value);
  assert.ok(out.ok, out.ok ? '' : out.reason);
  const written = readFileSync(join(root, 'app/web.yaml'), 'utf8');
  assert.equal(out.text, written);
  return written;
}

test('a map over a flow value: written under the key at the file\'s indentation, the comment stays on the key line', async () => {
  const edited = await adopt('spec.template.spec.containers[0].resources', { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m' } });
  assert.equal(edited, WEB.replace('          resources: {}   # to be tuned\n', `          resources:   # to be tuned
            limits:
              cpu: 500m
              memory: 128Mi
            requests:
              cpu: 100m
`));
});

test('a list over a flow value: one item per line under the key, the comment stays', async () => {
  const edited = await adopt('spec.template.spec.containers[0].env', [{ name: 'MODE', value: 'fast' }, { name: 'DEBUG', value: '1' }]);
  assert.equal(edited, WEB.replace('          env: []  # none yet\n', `          env:  # none yet
            - name: MODE
              value: fast
            - name: DEBUG
              value: "1"
`));
});

test('a block map: only what changed is rewritten; comments, blank lines and untouched keys stay', async () => {
  // One value changed.
  assert.equal(await adopt('spec.template.spec.nodeSelector', { pool: 'shop-large', zone: 'a' }), WEB.replace('pool: shop   # dedicated nodes', 'pool: shop-large   # dedicated nodes'));
  // A key added: after the last one, before the blank line.
  assert.equal(await adopt('spec.template.spec.nodeSelector', { pool: 'shop', zone: 'a', disk: 'ssd' }), WEB.replace('        zone: a\n', '        zone: a\n        disk: ssd\n'));
  // A key removed: its line goes, the others and their comments stay.
  assert.equal(await adopt('spec.template.spec.nodeSelector', { pool: 'shop' }), WEB.replace('        zone: a\n', ''));
});

test('a block list at the end of the file replaced: the list ends where it did, the final newline stays', async () => {
  const edited = await adopt('spec.template.spec.containers[0].args', ['--port=9090']);
  assert.equal(edited, WEB.replace('            - --port=8080\n            - --verbose\n', '            - --port=9090\n'));
  assert.ok(edited.endsWith('- --port=9090\n'));
});

test('a block list followed by another document: the separator stays on its own line', async () => {
  const text = `${WEB}---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  MODE: fast
`;
  const edited = await adopt('spec.template.spec.containers[0].args', ['--port=9090', '--quiet', '--workers=4'], text);
  assert.equal(edited, text.replace('            - --port=8080\n            - --verbose\n', '            - --port=9090\n            - --quiet\n            - --workers=4\n'));
});
