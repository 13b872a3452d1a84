// Lint never crashes (issue 17): a rule or schema that fails on one document is a finding on
// that document and everything else is linted; output of any size is written piece by piece.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { runCli } from '../../src/cli/dispatch';
import { allFindings, Linter, lintRepository, loadLintConfig } from '../../src/core/policy';
import { loadRepo } from '../../src/core/repo';
import { runCliCaptured } from '../support/cli';
import { minimalCrd } from '../support/crds';
import { makeRepo } from '../support/repos';
import { posOf } from '../core/policy/helpers';

interface JsonFinding { ruleId: string; file: string; message: string; range: { start: { line: number; character: number } } }

const WEB = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:latest
`;

/** A CRD whose schema types a field with a word Kubernetes does not know (`int` for `integer`). */
function typoCrd(): string {
  return minimalCrd('example.com').replace('          type: object\n', '          type: object\n          properties:\n            spec:\n              type: object\n              properties:\n                size: {type: int}\n');
}
const WIDGET = 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: shop\nspec:\n  size: 3\n';

async function lintJson(root: string): Promise<{ code: number; findings: JsonFinding[] }> {
  const r = await runCliCaptured(['lint', '--format', 'json'], { cwd: root, env: {} });
  assert.notEqual(r.code, 2, r.output);
  return { code: r.code, findings: (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings };
}

test('a CRD whose schema does not compile: one internal-error finding on each of its objects, the rest linted (was: crash, exit 2)', async () => {
  const repo = makeRepo('lint-typo-crd', { 'crds/widget.yaml': typoCrd(), 'apps/widget.yaml': WIDGET, 'apps/widget2.yaml': WIDGET.replace('name: w', 'name: w2'), 'apps/web.yaml': WEB });
  try {
    const { code, findings } = await lintJson(repo.root);
    assert.equal(code, 1);
    const internal = findings.filter((f) => f.ruleId === 'internal-error');
    assert.deepEqual(internal.map((f) => f.file).sort(), ['apps/widget.yaml', 'apps/widget2.yaml']);
    assert.match(internal[0].message, /internal error in rule schema: the schema of example\.com\/v1\/Widget from workspace-crds cannot be compiled: .*int/);
    assert.deepEqual(findings.find((f) => f.ruleId === 'image-tag')?.range.start, posOf(WEB, 'image: nginx'));
  } finally {
    repo.cleanup();
  }
});

test('a CRD with an empty property schema: an internal-error finding on the CRD, every other document still linted', async () => {
  const crd = minimalCrd('example.com').replace('          type: object\n', '          type: object\n          properties:\n            spec:\n              type: object\n              properties:\n                size:\n                colour: {type: string}\n');
  const repo = makeRepo('lint-empty-prop', { 'crds/widget.yaml': crd, 'apps/web.yaml': WEB });
  try {
    const { findings } = await lintJson(repo.root);
    const internal = findings.filter((f) => f.ruleId === 'internal-error');
    assert.deepEqual(internal.map((f) => [f.file, f.range.start.line]), [['crds/widget.yaml', 0]]);
    assert.match(internal[0].message, /reading this CustomResourceDefinition/);
    assert.equal(findings.filter((f) => f.ruleId === 'image-tag').length, 1);
  } finally {
    repo.cleanup();
  }
});

test("a chart's crds/ file is linted, and the CLI and the editor's inputs give the same findings (they disagreed: manifests vs other)", async () => {
  const chart = {
    'charts/widgets/Chart.yaml': 'apiVersion: v2\nname: widgets\nversion: 1.0.0\n',
    'charts/widgets/values.yaml': 'replicas: 1\n',
    'charts/widgets/templates/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n',
    // Helm installs crds/ verbatim: a misspelt field here is a real error (the API server rejects it, see test/cluster/lint-crd).
    'charts/widgets/crds/widget.yaml': minimalCrd('example.com').replace('  scope: Namespaced\n', '  scope: Namespaced\n  preserveUnknownField: false\n'),
  };
  const repo = makeRepo('lint-chart-crds', chart);
  try {
    const cli = (await lintJson(repo.root)).findings;
    assert.deepEqual(cli.filter((f) => f.ruleId === 'schema').map((f) => [f.file, f.range.start]), [['charts/widgets/crds/widget.yaml', posOf(chart['charts/widgets/crds/widget.yaml'], 'preserveUnknownField')]]);
    // The editor lints the model's parsed snapshot through the same core function.
    const snapshot = await loadRepo(repo.root);
    const linter = new Linter({ root: repo.root, config: loadLintConfig(repo.root).config, repoURLs: snapshot.remotes });
    const editor = allFindings(await lintRepository(linter, { repo: snapshot }));
    assert.deepEqual(editor.map((f) => [f.file.slice(repo.root.length + 1), f.range.start, f.ruleId]), cli.map((f) => [f.file, f.range.start, f.ruleId]));
  } finally {
    repo.cleanup();
  }
});

/** A stdout that records the size of every write: the document must arrive in many pieces. */
function recordingStream(): { stream: Writable; text: () => string; largest: () => number; writes: () => number } {
  const chunks: string[] = [];
  let largest = 0;
  const stream = new Writable({ write(c, _e, cb) { const s = String(c); chunks.push(s); largest = Math.max(largest, s.length); cb(); } });
  return { stream, text: () => chunks.join(''), largest: () => largest, writes: () => chunks.length };
}

test('100k findings: JSON and SARIF are written in chunks, never as one string, and hold the same findings', async () => {
  // 2,500 Deployments of four containers without any hardening: each breaks some forty rules.
  const sidecars = ['proxy', 'logs', 'metrics'].map((c) => `        - name: ${c}\n          image: example/${c}:latest\n`).join('');
  const files: Record<string, string> = {};
  for (let f = 0; f < 50; f++) files[`apps/team-${f}/deployments.yaml`] = Array.from({ length: 50 }, (_, i) => WEB.replace('name: web\n', `name: web-${f}-${i}\n`) + sidecars).join('---\n');
  const repo = makeRepo('lint-100k', files);
  try {
    const counts: number[] = [];
    for (const format of ['json', 'sarif']) {
      const out = recordingStream();
      const err = recordingStream();
      const code = await runCli(['lint', '--format', format], { stdout: out.stream, stderr: err.stream, cwd: repo.root, env: {} });
      assert.equal(code, 1, err.text());
      const text = out.text();
      assert.ok(out.largest() <= 1024 * 1024, `${format}: one write of ${out.largest()} characters`);
      const doc = JSON.parse(text) as { findings?: unknown[]; runs?: { results: unknown[] }[] };
      const n = format === 'json' ? doc.findings!.length : doc.runs![0].results.length;
      assert.ok(n >= 100_000, `${format}: ${n} findings`);
      counts.push(n);
    }
    assert.equal(counts[0], counts[1]);
  } finally {
    repo.cleanup();
  }
});
