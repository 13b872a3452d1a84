import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRepo } from '../../../src/core/repo/scan';
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
