import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Linter, type Finding } from '../../../src/core/policy';
import { parseManifestFile, type Range } from '../../../src/core/manifest';
import { goodDeployment } from './helpers';

function apply(text: string, edits: { range: Range; newText: string }[]): string {
  const lines = text.split('\n');
  const off = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((a, l) => a + l.length + 1, 0) + p.character;
  for (const e of [...edits].sort((a, b) => off(b.range.start) - off(a.range.start))) text = text.slice(0, off(e.range.start)) + e.newText + text.slice(off(e.range.end));
  return text;
}
const lint = (text: string) => { const f = parseManifestFile('/r/d.yaml', text); const l = new Linter({ root: '/r' }); l.updateFile(f); return l.lintFile(f); };

const variants: [string, string, string][] = [
  ['privilege-escalation', goodDeployment().replace('            allowPrivilegeEscalation: false\n', ''), 'Set allowPrivilegeEscalation: false'],
  ['privilege-escalation', goodDeployment().replace('allowPrivilegeEscalation: false', 'allowPrivilegeEscalation: true'), 'Set allowPrivilegeEscalation: false'],
  ['run-as-non-root', goodDeployment().replace('        runAsNonRoot: true\n', ''), 'Set runAsNonRoot: true'],
  ['drop-capabilities', goodDeployment().replace('drop: [ALL]', 'drop: [NET_RAW]'), 'Drop ALL capabilities'],
  ['drop-capabilities', goodDeployment().replace('            capabilities:\n              drop: [ALL]\n', ''), 'Drop ALL capabilities'],
  ['cpu-requests', goodDeployment().replace(/          resources:\n(.*\n){6}/, ''), 'Add a resources skeleton'],
  ['memory-limits', goodDeployment().replace('              cpu: 500m\n              memory: 128Mi\n', '              cpu: 500m\n'), 'Set resources.limits.memory: 128Mi'],
  ['privilege-escalation', goodDeployment().replace(/          securityContext:\n(.*\n){4}$/, ''), 'Set allowPrivilegeEscalation: false'],
];

for (const [rule, text, title] of variants) {
  test(`quick fix "${title}" removes ${rule} and keeps the YAML valid`, () => {
    const f = lint(text).find((x) => x.ruleId === rule);
    assert.ok(f, `no ${rule} in fixture`);
    const fix = f.fixes?.find((x) => x.title === title);
    assert.ok(fix, `fixes: ${JSON.stringify(f.fixes?.map((x) => x.title))}`);
    const after = apply(text, fix.edits);
    const again = lint(after);
    assert.deepEqual(again.filter((x) => x.ruleId === 'yaml' || x.ruleId === 'schema'), [], after);
    assert.deepEqual(again.filter((x) => x.ruleId === rule), [], after);
  });
}

test('the ignore-with-reason fix silences exactly that finding', () => {
  const text = goodDeployment({ image: 'nginx:latest' });
  const f = lint(text).find((x) => x.ruleId === 'image-tag') as Finding;
  const fix = f.fixes!.find((x) => x.title.startsWith('Ignore'))!;
  const after = apply(text, fix.edits);
  assert.match(after, /# gitops-lens-ignore image-tag -- TODO: reason/);
  assert.deepEqual(lint(after), []);
});
