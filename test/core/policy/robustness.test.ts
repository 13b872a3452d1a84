import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Linter } from '../../../src/core/policy';
import { goodDeployment, lintRepo, makeRepo, posOf, readManifestFile } from './helpers';

test('malformed YAML: a yaml error where the YAML parser puts it, other documents still linted', () => {
  const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: x\ndata:\n  k: [unclosed\n---\n' + goodDeployment({ image: 'nginx' });
  const { root, findings } = lintRepo({ 'b.yaml': text });
  // The oracle: the errors the yaml library itself reports for this text (1-based line and column).
  const expected = parseAllDocuments(text).flatMap((d) => d.errors).map((e) => `${e.linePos![0].line - 1}:${e.linePos![0].col - 1}`);
  assert.ok(expected.length > 0);
  const y = findings.filter((f) => f.ruleId === 'yaml');
  assert.deepEqual(y.map((f) => `${f.range.start.line}:${f.range.start.character}`), expected);
  assert.ok(y.every((f) => f.file === join(root, 'b.yaml') && f.severity === 'error'));
  // The Deployment after the broken document is linted: its untagged image, at the image line.
  const tag = findings.filter((f) => f.ruleId === 'image-tag');
  assert.deepEqual(tag.map((f) => f.range.start), [posOf(text, 'image: nginx')]);
});

test('a 5 MB file is linted whole: findings in its first and last documents, at their lines (time printed, not asserted)', () => {
  const docs: string[] = [];
  let size = 0;
  for (let i = 0; size < 5 * 1024 * 1024; i++) { const d = goodDeployment({ name: `web-${i}` }); docs.push(d); size += d.length + 4; }
  // A finding to find at each end of the file: large files must not be skipped or cut short.
  docs[0] = goodDeployment({ name: 'first', image: 'nginx:latest' });
  docs[docs.length - 1] = goodDeployment({ name: 'last', image: 'nginx:latest' });
  const text = docs.join('---\n');
  const root = makeRepo({ 'big.yaml': text });
  const t0 = performance.now();
  const file = readManifestFile(join(root, 'big.yaml'));
  const linter = new Linter({ root, fixes: false });
  linter.updateFile(file);
  const fs = linter.lintFile(file);
  console.log(`# ${(text.length / 1024 / 1024).toFixed(1)} MB, ${docs.length} documents linted in ${Math.round(performance.now() - t0)} ms`);
  assert.equal(file.documents.length, docs.length);
  assert.deepEqual(fs.map((f) => [f.ruleId, f.range.start]), [['image-tag', posOf(text, 'image: nginx:latest')], ['image-tag', posOf(text, 'image: nginx:latest', 1)]]);
});
