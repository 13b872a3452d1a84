import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRepo } from '../../../src/core/repo';
import { argoRepo, kustomizeRepo } from '../../support/repos';
import { tempDir } from '../../support/temp';

test('loadRepo: normalized remote, roles by place, kustomization and chart folders', async () => {
  const r = argoRepo();
  try {
    const repo = await loadRepo(r.root);
    assert.equal(repo.root, r.root);
    assert.deepEqual(repo.remotes, ['github.com/example/argo-fixtures']);
    const role = (rel: string) => repo.byPath.get(r.path(rel))?.role;
    assert.equal(role('apps/shop/base/kustomization.yaml'), 'kustomization');
    assert.equal(role('apps/shop/overlays/prod/replicas.yaml'), 'kustomize-patch');
    assert.equal(role('charts/web/templates/deployment.yaml'), 'helm-template');
    assert.equal(role('charts/web/values.yaml'), 'helm-values');
    assert.equal(role('charts/web/Chart.yaml'), 'other');
    assert.equal(role('argocd/shop.yaml'), 'manifests');
    assert.deepEqual([...repo.kustomizationDirs].sort(), [r.path('apps/shop/base'), r.path('apps/shop/overlays/prod')]);
    assert.deepEqual([...repo.chartDirs], [r.path('charts/web')]);
    // Helm templates and patches are never resources.
    assert.equal(repo.byPath.get(r.path('charts/web/templates/deployment.yaml'))?.documents.length, 0);
    assert.ok(repo.byPath.get(r.path('apps/shop/overlays/prod/replicas.yaml'))?.documents.every((d) => d.kind !== 'resource'));
  } finally {
    r.cleanup();
  }
});

test('loadRepo: untracked files count, ignored ones and .git do not; unsaved contents win', async () => {
  const r = kustomizeRepo();
  try {
    r.write('.gitignore', 'ignored/\n');
    r.write('ignored/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ignored\n');
    r.write('new/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: untracked\n');
    const overrides = new Map([[r.path('base/service.yaml'), 'apiVersion: v1\nkind: Service\nmetadata:\n  name: edited\n']]);
    const repo = await loadRepo(r.root, { overrides });
    assert.ok(repo.byPath.has(r.path('new/cm.yaml')));
    assert.equal(repo.byPath.has(r.path('ignored/cm.yaml')), false);
    assert.ok(repo.files.every((f) => !f.file.includes('/.git/')));
    assert.equal(repo.byPath.get(r.path('base/service.yaml'))?.documents[0].id?.name, 'edited');
  } finally {
    r.cleanup();
  }
});

test('loadRepo: a folder that is not a git repo is walked; no remotes', async () => {
  const root = tempDir('gitops-lens-nogit-');
  try {
    mkdirSync(join(root, 'a'));
    writeFileSync(join(root, 'a', 'kustomization.yaml'), 'resources: []\n');
    mkdirSync(join(root, 'node_modules', 'x'), { recursive: true });
    writeFileSync(join(root, 'node_modules', 'x', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dep\n');
    const repo = await loadRepo(root);
    assert.deepEqual(repo.remotes, []);
    assert.deepEqual(repo.files.map((f) => f.file), [join(root, 'a', 'kustomization.yaml')]);
    assert.deepEqual([...repo.kustomizationDirs], [join(root, 'a')]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('loadRepo noExec (Restricted Mode): a hostile git config runs nothing; files and remotes are still read', async () => {
  const root = tempDir('gitops-lens-hostile-');
  const marker = join(root, '..', `${root.split('/').pop()}-ran`);
  try {
    execFileSync('git', ['init', '-q', root]);
    execFileSync('git', ['-C', root, 'remote', 'add', 'origin', 'git@GitHub.com:example/hostile.git']);
    // Any git command in this repo runs this program (git ls-files included).
    const hook = join(root, 'hook.sh');
    writeFileSync(hook, `#!/bin/sh\ntouch '${marker}'\n`, { mode: 0o755 });
    execFileSync('git', ['-C', root, 'config', 'core.fsmonitor', hook]);
    mkdirSync(join(root, 'app'));
    writeFileSync(join(root, 'app/kustomization.yaml'), 'resources: [cm.yaml]\n');
    writeFileSync(join(root, 'app/cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n');

    const safe = await loadRepo(root, { noExec: true });
    assert.ok(!existsSync(marker), 'noExec ran a program through git');
    assert.deepEqual(safe.remotes, ['github.com/example/hostile']);
    assert.ok(safe.byPath.has(join(root, 'app/cm.yaml')));
    assert.ok(safe.kustomizationDirs.has(join(root, 'app')));

    // The threat is real: the ordinary path (trusted workspaces only) runs it.
    await loadRepo(root);
    assert.ok(existsSync(marker), 'git did not run core.fsmonitor; the test no longer shows the threat');
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(marker, { force: true });
  }
});

test('one file list with or without git: .gitignore (nested too), default ignores, nested repositories — git ls-files is the oracle', async () => {
  const r = kustomizeRepo();
  try {
    r.write('.gitignore', 'scratch/\n*.decrypted.yaml\n');
    r.write('apps/.gitignore', 'local.yaml\n/only-here.yaml\n');
    r.write('apps/local.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: local}\n');
    r.write('apps/sub/local.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deeper-local}\n');
    r.write('apps/only-here.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: anchored}\n');
    r.write('apps/sub/only-here.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: not-anchored-here}\n');
    r.write('scratch/x.yaml', 'a: 1\n');
    r.write('apps/secret.decrypted.yaml', 'a: 1\n');
    r.write('untracked/new.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: untracked}\n');
    r.write('.archive/old/deploy.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: archived}\n');
    r.write('node_modules/pkg/x.yaml', 'a: 1\n');
    execFileSync('git', ['init', '-q', r.path('vendored-repo')]);
    r.write('vendored-repo/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other-repo}\n');
    const rel = (files: { file: string }[]) => files.map((f) => f.file.slice(r.root.length + 1)).sort();
    const git = rel((await loadRepo(r.root)).files);
    const walked = rel((await loadRepo(r.root, { noExec: true })).files);
    assert.deepEqual(walked, git);
    // What git itself lists (less the default ignores), as the independent answer.
    const lsFiles = execFileSync('git', ['-C', r.root, 'ls-files', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' }).split('\n').filter((p) => /\.ya?ml$/.test(p) && !p.startsWith('.archive/') && !p.startsWith('node_modules/') && !p.endsWith('/')).sort();
    assert.deepEqual(git, lsFiles);
    assert.ok(git.includes('untracked/new.yaml') && git.includes('apps/sub/only-here.yaml'));
    assert.ok(!git.some((p) => p.startsWith('vendored-repo/') || p.startsWith('scratch/') || p.startsWith('.archive/') || p.includes('local.yaml')), git.join(', '));
  } finally {
    r.cleanup();
  }
});

test('roleOf: one classifier for the editor, the CLI and discovery (chart crds/ are manifests; templates of other tools are not)', async () => {
  const { roleOf, isForeignTemplate } = await import('../../../src/core/repo');
  const layout = { chartDirs: new Set(['/r/charts/web']), patchFiles: new Set(['/r/overlays/prod/far/away/patch.yaml']) };
  const cases: [string, string][] = [
    ['/r/charts/web/crds/widget.yaml', 'manifests'], ['/r/charts/web/templates/d.yaml', 'helm-template'], ['/r/charts/web/values.yaml', 'helm-values'],
    ['/r/charts/web/Chart.yaml', 'other'], ['/r/apps/kustomization.yaml', 'kustomization'], ['/r/overlays/prod/far/away/patch.yaml', 'kustomize-patch'],
    ['/r/gitops-lens.yaml', 'other'], ['/r/.sops.yaml', 'other'], ['/r/templates/app.tmpl.yaml', 'other'], ['/r/apps/web.yaml', 'manifests'],
  ];
  for (const [p, role] of cases) assert.equal(roleOf(p, layout), role, p);
  assert.equal(roleOf('/r/ansible/kube-vip.yaml', layout, 'apiVersion: apps/v1\nkind: DaemonSet\nspec:\n{% for x in y %}\n  a: {{ x }}\n{% endfor %}\n'), 'other');
  // Template syntax inside strings is data: these stay manifests.
  for (const text of ['apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: apps\nspec:\n  template:\n    metadata:\n      name: "{{path.basename}}"\n', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ha\ndata:\n  automations.yaml: |\n    {% if x %}\n    - alias: "{{ y }}"\n    {% endif %}\n']) {
    assert.equal(isForeignTemplate(text), false, text);
  }
  // Unquoted tags where YAML expects structure, or an identity filled in by a template: another tool's template.
  assert.equal(isForeignTemplate('apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\nspec:\n  nodeName: {{.NODE}}\n'), true);
  assert.equal(isForeignTemplate('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "{{ app }}-config"\n'), true);
});
