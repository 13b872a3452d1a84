import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Linter, readManifestFile } from '../../../src/core/policy';
import { goodDeployment, lintRepo, makeRepo, posOf } from './helpers';

test('malformed YAML: a yaml error at the position, other documents still linted', () => {
  const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: x\ndata:\n  k: [unclosed\n---\n' + goodDeployment({ image: 'nginx' });
  const { root, findings } = lintRepo({ 'b.yaml': text });
  const y = findings.filter((f) => f.ruleId === 'yaml');
  assert.ok(y.length >= 1 && y.every((f) => f.file === join(root, 'b.yaml') && f.severity === 'error'));
  assert.ok(y[0].range.start.line >= posOf(text, 'k: [unclosed').line && y[0].range.start.line <= posOf(text, '---').line);
  assert.equal(findings.filter((f) => f.ruleId === 'image-tag').length, 1);
});

test('a 5 MB file lints without crash or hang', () => {
  const docs: string[] = [];
  let size = 0;
  for (let i = 0; size < 5 * 1024 * 1024; i++) { const d = goodDeployment({ name: `web-${i}` }); docs.push(d); size += d.length + 4; }
  const root = makeRepo({ 'big.yaml': docs.join('---\n') });
  const t0 = performance.now();
  const file = readManifestFile(join(root, 'big.yaml'));
  const linter = new Linter({ root, fixes: false });
  linter.updateFile(file);
  const fs = linter.lintFile(file);
  const ms = performance.now() - t0;
  assert.equal(file.documents.length, docs.length);
  assert.deepEqual(fs, []);
  assert.ok(ms < 30_000, `took ${ms} ms`);
});
