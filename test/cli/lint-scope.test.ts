// What lint judges (issue 17): only what a reconciler could deploy. A Flux home-lab fleet with
// Ansible/Jinja, mkdocs, task-runner templates, CI workflows, machine configs, an archive and
// a gitignored scratch folder beside the manifests; secrets kept the ways real repos keep them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runCliCaptured } from '../support/cli';
import { ECHO_DEPLOYMENT, FLEET_URL, HAND_APPLIED, homeLabFleet, LEAKED_SECRET, NOT_DEPLOYED } from '../support/fleets';
import { makeRepo } from '../support/repos';
import { posOf } from '../core/policy/helpers';
import { allFindings, Linter, lintRepository, loadLintConfig } from '../../src/core/policy';
import { loadRepo } from '../../src/core/repo';

interface JsonFinding { ruleId: string; file: string; severity: string; message: string; range: { start: { line: number; character: number } } }

async function lintJson(cwd: string, args: string[] = []): Promise<{ code: number; findings: JsonFinding[]; stderr: string }> {
  const r = await runCliCaptured(['lint', '--format', 'json', ...args], { cwd, env: {} });
  assert.notEqual(r.code, 2, r.output);
  return { code: r.code, findings: (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings, stderr: r.stderr };
}

/** The fleet as its own git repo: origin is the URL its Flux GitRepository names (over ssh). */
function fleet(files = homeLabFleet()) {
  const repo = makeRepo('fleet', files);
  execFileSync('git', ['-C', repo.root, 'remote', 'set-url', 'origin', FLEET_URL]);
  return repo;
}

test('home-lab fleet: only what Flux deploys is judged; Ansible, Jinja, mkdocs, task templates, CI, archive and gitignored files give no finding', async () => {
  const repo = fleet();
  try {
    const { code, findings } = await lintJson(repo.root);
    assert.equal(code, 1);
    const files = new Set(findings.map((f) => f.file));
    for (const rel of NOT_DEPLOYED) assert.ok(!files.has(rel), `${rel} is not deployed, yet: ${JSON.stringify(findings.filter((f) => f.file === rel).map((f) => f.message))}`);
    assert.ok([...files].every((f) => f.startsWith('kubernetes/')), [...files].join(', '));
    assert.ok(!findings.some((f) => f.ruleId === 'yaml'), 'no YAML syntax or custom-tag findings on other tools\' files');
    // The two real defects among all that are still found, on their lines.
    const tag = findings.find((f) => f.ruleId === 'image-tag');
    assert.equal(tag?.file, 'kubernetes/apps/default/echo/app/deployment.yaml');
    assert.deepEqual(tag?.range.start, posOf(ECHO_DEPLOYMENT, 'image: ghcr.io'));
    assert.deepEqual(findings.filter((f) => f.ruleId === 'plaintext-secret').map((f) => [f.file, f.range.start]), [['kubernetes/apps/default/echo/app/leaked.yaml', posOf(LEAKED_SECRET, 'stringData:')]]);
  } finally {
    repo.cleanup();
  }
});

test('SOPS-encrypted Secrets, op:// vault: ref+ ${VAR} references, SealedSecret and ExternalSecret are not plaintext secrets; sops is no unknown field', async () => {
  const repo = fleet();
  try {
    const { findings } = await lintJson(repo.root);
    const on = (rel: string) => findings.filter((f) => f.file === `kubernetes/apps/default/echo/app/${rel}`);
    assert.deepEqual(on('secret.sops.yaml'), [], 'a SOPS-encrypted Secret: neither plaintext-secret nor "unknown field sops"');
    assert.deepEqual(on('config.yaml'), [], 'every value is a reference resolved at deploy time');
    // Both are judged (each gets the unknown-schema note: no CRD in the repo), neither is a plaintext secret.
    for (const rel of ['sealedsecret.yaml', 'externalsecret.yaml']) assert.deepEqual(on(rel).map((f) => f.ruleId), ['unknown-schema'], rel);
    // A Secret mixing a reference with a clear value is still reported, naming the clear key only.
    repo.write('kubernetes/apps/default/echo/app/config.yaml', repo.read('kubernetes/apps/default/echo/app/config.yaml') + '  SMTP_USER: postmaster@example.com\n');
    const mixed = (await lintJson(repo.root)).findings.filter((f) => f.file.endsWith('/config.yaml'));
    assert.deepEqual(mixed.map((f) => f.ruleId), ['plaintext-secret']);
    assert.match(mixed[0].message, /\(SMTP_USER\)/);
  } finally {
    repo.cleanup();
  }
});

test('the Flux source decides: its spec.ignore keeps hand-applied YAML out; without it that YAML is linted', async () => {
  const files = homeLabFleet();
  const repo = fleet(files);
  try {
    const scoped = await lintJson(repo.root);
    assert.ok(!scoped.findings.some((f) => f.file === HAND_APPLIED));
    repo.write('kubernetes/flux/config/cluster.yaml', files['kubernetes/flux/config/cluster.yaml'].replace(/  ignore: \|\n(    .*\n)+/, ''));
    const all = await lintJson(repo.root);
    assert.ok(all.findings.some((f) => f.file === HAND_APPLIED && f.ruleId === 'privileged'), JSON.stringify(all.findings.filter((f) => f.file === HAND_APPLIED)));
    // A GitRepository of another repository says nothing about this one.
    repo.write('kubernetes/flux/config/cluster.yaml', files['kubernetes/flux/config/cluster.yaml'].replace('example/home-ops', 'example/somebody-else'));
    assert.ok((await lintJson(repo.root)).findings.some((f) => f.file === HAND_APPLIED));
  } finally {
    repo.cleanup();
  }
});

test('gitops-lens.yaml: ignore: leaves paths out of the repository, lint.skip out of the lint', async () => {
  const repo = fleet();
  try {
    repo.write('gitops-lens.yaml', 'ignore:\n  - kubernetes/apps/default/echo/app/leaked.yaml\nlint:\n  skip:\n    - "kubernetes/apps/**/deployment.yaml"\n');
    const { findings } = await lintJson(repo.root);
    assert.ok(!findings.some((f) => f.ruleId === 'plaintext-secret' || f.ruleId === 'image-tag'), JSON.stringify(findings.map((f) => f.file)));
    // `!` takes a default ignore back: an archive the user wants linted.
    repo.write('gitops-lens.yaml', 'ignore:\n  - "!.archive/"\n');
    repo.write('kubernetes/flux/config/cluster.yaml', repo.read('kubernetes/flux/config/cluster.yaml').replace('!/kubernetes', '!/kubernetes\n    !/.archive'));
    assert.ok((await lintJson(repo.root)).findings.some((f) => f.file.startsWith('.archive/')));
  } finally {
    repo.cleanup();
  }
});

test('Restricted Mode (noExec, as the editor lints an untrusted workspace) judges exactly what the CLI judges, and runs no git', async () => {
  const repo = fleet();
  const marker = `${repo.root}-fsmonitor-ran`;
  try {
    const cli = (await lintJson(repo.root)).findings.map((f) => `${f.file}:${f.range.start.line}:${f.ruleId}`).sort();
    // From here on any git command in this repo runs this program.
    const hook = join(repo.root, '.git', 'hook.sh');
    writeFileSync(hook, `#!/bin/sh\ntouch '${marker}'\n`, { mode: 0o755 });
    execFileSync('git', ['-C', repo.root, 'config', 'core.fsmonitor', hook]);
    const snapshot = await loadRepo(repo.root, { noExec: true });
    const linter = new Linter({ root: repo.root, config: loadLintConfig(repo.root).config, repoURLs: snapshot.remotes });
    const restricted = allFindings(await lintRepository(linter, { repo: snapshot })).map((f) => `${relative(repo.root, f.file)}:${f.range.start.line}:${f.ruleId}`).sort();
    assert.ok(!existsSync(marker), 'Restricted Mode ran git');
    assert.deepEqual(restricted, cli);
  } finally {
    repo.cleanup();
    rmSync(marker, { force: true });
  }
});

test('lint <path> from a parent folder: the repository is the Git top level of the path; a sibling repository is not read', async () => {
  const parent = mkdtempSync(join(tmpdir(), 'gitops-lens-parent-'));
  const repo = fleet();
  try {
    const home = join(parent, 'home-ops');
    execFileSync('git', ['clone', '-q', repo.root, home]);
    // A sibling checkout with a policy that would reject every Deployment, and a broken manifest.
    const sibling = join(parent, 'other-team');
    mkdirSync(join(sibling, 'apps'), { recursive: true });
    execFileSync('git', ['init', '-q', sibling]);
    writeFileSync(join(sibling, 'apps', 'policy.yaml'), 'apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata:\n  name: no-deployments\nspec:\n  matchConstraints:\n    resourceRules:\n      - apiGroups: [apps]\n        apiVersions: [v1]\n        operations: [CREATE]\n        resources: [deployments]\n  validations:\n    - expression: "false"\n      message: sibling policy\n---\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicyBinding\nmetadata:\n  name: no-deployments\nspec:\n  policyName: no-deployments\n  validationActions: [Deny]\n');
    writeFileSync(join(sibling, 'apps', 'broken.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: [\n');
    const r = await lintJson(parent, ['home-ops/kubernetes']);
    assert.ok(r.findings.length > 0);
    assert.ok(r.findings.every((f) => f.file.startsWith('kubernetes/')), 'paths are relative to the repository root');
    assert.ok(!r.findings.some((f) => f.ruleId.startsWith('policy') || f.message.includes('sibling')), JSON.stringify(r.findings.filter((f) => f.ruleId.startsWith('policy'))));
    // From the parent folder itself (no repository) nothing of either checkout is read.
    const none = await runCliCaptured(['lint'], { cwd: parent, env: {} });
    assert.equal(none.stdout, '', none.output);
  } finally {
    repo.cleanup();
    rmSync(parent, { recursive: true, force: true });
  }
});
