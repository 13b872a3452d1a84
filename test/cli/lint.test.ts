import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Ajv from 'ajv';
import { runLint } from '../../src/cli/lint';
import { runCliCaptured } from '../support/cli';
import { goodDeployment, makeRepo, posOf } from '../core/policy/helpers';

async function lint(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  const r = await runCliCaptured(args, { cwd, env: {}, run: runLint });
  return { code: r.code, out: r.stdout, err: r.stderr };
}

const bad = goodDeployment({ image: 'nginx:latest' }).replace('allowPrivilegeEscalation: false', 'allowPrivilegeEscalation: true');

test('text output: file:line:col severity rule message; exit 1 on errors', async () => {
  const root = makeRepo({ 'apps/d.yaml': bad, 'apps/ok.yaml': goodDeployment({ name: 'ok' }) });
  const r = await lint([], root);
  assert.equal(r.code, 1, r.err);
  const p = posOf(bad, 'image: nginx:latest');
  assert.ok(r.out.includes(`apps/d.yaml:${p.line + 1}:${p.character + 1} error image-tag `), r.out);
  const q = posOf(bad, 'allowPrivilegeEscalation: true');
  assert.ok(r.out.includes(`apps/d.yaml:${q.line + 1}:${q.character + 1} warning privilege-escalation `), r.out);
  assert.equal(r.out.trim().split('\n').length, 2);
});

test('exit codes: 0 clean, --fail-on warning, 2 on usage errors', async () => {
  const root = makeRepo({ 'd.yaml': goodDeployment().replace('allowPrivilegeEscalation: false', 'allowPrivilegeEscalation: true') });
  assert.equal((await lint([], root)).code, 0);
  assert.equal((await lint(['--fail-on', 'warning'], root)).code, 1);
  assert.equal((await lint(['--preset', 'restricted'], root)).code, 1);
  assert.equal((await lint(['--format', 'xml'], root)).code, 2);
  assert.equal((await lint(['--bogus'], root)).code, 2);
  assert.equal((await lint(['--app', 'web'], root)).code, 2);
  assert.equal((await lint(['nothing-here'], root)).code, 2);
});

test('--k8s-version changes deprecated-api; paths restrict the report', async () => {
  const old = 'apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: c\n  namespace: x\nspec:\n  schedule: "@daily"\n  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: []}}}}\n';
  const root = makeRepo({ 'a/c.yaml': old, 'b/d.yaml': bad });
  const r = await lint(['a', '--k8s-version', '1.24', '--format', 'json'], root);
  const j = JSON.parse(r.out) as { findings: { ruleId: string; severity: string; file: string }[] };
  assert.ok(j.findings.every((f) => f.file === 'a/c.yaml'));
  assert.deepEqual(j.findings.filter((f) => f.ruleId === 'deprecated-api').map((f) => f.severity), ['warning']);
  const r2 = JSON.parse((await lint(['a', '--k8s-version', '1.25', '--format', 'json'], root)).out) as typeof j;
  assert.deepEqual(r2.findings.filter((f) => f.ruleId === 'deprecated-api').map((f) => f.severity), ['error']);
});

test('--app uses the render hook and maps findings on the rendered object to source lines', async () => {
  // The source has a pinned image; the render (as a kustomize `images:` transformer would)
  // makes it nginx:latest. That finding exists only in the rendered output and must land on
  // the image field of the source, not on the start of its document.
  const source = goodDeployment().replace('allowPrivilegeEscalation: false', 'allowPrivilegeEscalation: true');
  const root = makeRepo({ 'd.yaml': source });
  const { loadRepo } = await import('../../src/core/repo');
  const { code, stdout: out } = await runCliCaptured(['--app', 'web'], { cwd: root, env: {}, run: (argv, io) => runLint(argv, io, {
    renderApp: async (name) => {
      const repo = await loadRepo(root);
      const f = repo.byPath.get(join(root, 'd.yaml'))!;
      const d = f.documents[0];
      const object = structuredClone(d.object!);
      (object as unknown as { spec: { template: { spec: { containers: { image: string }[] } } } }).spec.template.spec.containers[0].image = 'nginx:latest';
      return { appId: `kustomize/${name}`, files: [f.file], repo, resources: [{ object, id: d.id!, origin: { file: f.file, docIndex: 0, range: d.range, via: 'kustomize-origin' } }] };
    },
  }) });
  assert.equal(code, 1);
  const p = posOf(source, 'image: registry.example.com/web:1.2.3');
  const q = posOf(source, 'allowPrivilegeEscalation: true');
  assert.deepEqual(out.trim().split('\n').map((l) => l.split(' ').slice(0, 3).join(' ')), [
    `d.yaml:${p.line + 1}:${p.character + 1} error image-tag`,
    `d.yaml:${q.line + 1}:${q.character + 1} warning privilege-escalation`,
  ], out);
});

test('SARIF output validates against the SARIF 2.1.0 JSON schema and has real regions', async () => {
  const root = makeRepo({ 'apps/d.yaml': bad });
  const r = await lint(['--format', 'sarif'], root);
  const sarif = JSON.parse(r.out) as Record<string, any>;
  const require = createRequire(import.meta.url);
  const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
  schema.$id = schema.id; delete schema.id; delete schema.$schema;
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true, unicodeRegExp: false });
  const validate = ajv.compile(schema);
  assert.ok(validate(sarif), JSON.stringify(validate.errors?.slice(0, 5)));
  // A broken log must fail, or the check proves nothing.
  assert.equal(validate({ ...sarif, version: '2.0.0' }), false);
  const results = sarif.runs[0].results as { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[] }[];
  const tag = results.find((x) => x.ruleId === 'image-tag')!;
  const p = posOf(bad, 'image: nginx:latest');
  assert.equal(tag.level, 'error');
  assert.deepEqual(tag.locations[0].physicalLocation.region.startLine, p.line + 1);
  assert.deepEqual(tag.locations[0].physicalLocation.region.startColumn, p.character + 1);
  assert.equal(tag.locations[0].physicalLocation.artifactLocation.uri, 'apps/d.yaml');
  const rules = sarif.runs[0].tool.driver.rules as { id: string; help: { text: string } }[];
  assert.ok(rules.find((x) => x.id === 'image-tag')?.help.text.includes('gitops-lens-ignore image-tag'));
});

test('a repository holding only a 15-line CRD lints in every format (it crashed: wrapper0.validate is not a function)', async () => {
  const { makeRepo: makeGitRepo } = await import('../support/repos');
  const { minimalCrd } = await import('../support/crds');
  const repo = makeGitRepo('lint-crd-only', { 'crd.yaml': minimalCrd('example.com') });
  try {
    for (const format of ['text', 'json', 'sarif']) {
      const r = await lint(['--format', format], repo.root);
      assert.equal(r.code, 0, `${format}: ${r.err}`);
      if (format !== 'text') JSON.parse(r.out);
    }
  } finally {
    repo.cleanup();
  }
});
