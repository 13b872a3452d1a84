// Roll back via Git, with real commits: the revert targets the commit that last changed the app.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { revertAppCommits } from '../../src/core/revert';
import { commitAll, configMap, gitIn, makeRepo, removeRepo, writeFiles } from '../sync/support';

const repos: string[] = [];
after(() => repos.forEach(removeRepo));

describe('git revert of an app', () => {
  test('reverts the commit that last changed the app\'s inputs, not later unrelated ones, and leaves it for review', async () => {
    const v1 = configMap('settings', { data: { level: 'info' } });
    const root = makeRepo({ 'gitops-lens.yaml': 'apps:\n  - {name: web, path: apps/web, namespace: web}\n  - {name: api, path: apps/api, namespace: api}\n', 'apps/web/settings.yaml': v1, 'apps/api/cm.yaml': configMap('api') });
    repos.push(root);
    writeFiles(root, { 'apps/web/settings.yaml': configMap('settings', { data: { level: 'debug' } }) });
    const bad = commitAll(root, 'web: debug logging');
    writeFiles(root, { 'apps/api/cm.yaml': configMap('api', { data: { x: '1' } }), 'README.md': 'docs\n' });
    const later = commitAll(root, 'api: unrelated change');

    const out = await revertAppCommits(root, 'web');
    assert.ok(out.ok, out.message);
    assert.equal(out.reverted.length, 1);
    assert.equal(out.reverted[0].hash, bad);
    assert.equal(out.commits.length, 1);
    const head = gitIn(root, 'rev-parse', 'HEAD').trim();
    assert.equal(out.commits[0], head);
    assert.equal(gitIn(root, 'rev-parse', 'HEAD~1').trim(), later, 'the revert sits on top of the branch');
    assert.equal(gitIn(root, 'log', '-1', '--format=%s').trim(), 'Revert "web: debug logging"');
    assert.match(gitIn(root, 'log', '-1', '--format=%b'), new RegExp(`This reverts commit ${bad}`));
    assert.deepEqual(gitIn(root, 'show', '--name-only', '--format=', 'HEAD').trim().split('\n'), ['apps/web/settings.yaml']);
    assert.equal(readFileSync(join(root, 'apps/web/settings.yaml'), 'utf8'), v1);
    assert.equal(readFileSync(join(root, 'apps/api/cm.yaml'), 'utf8'), configMap('api', { data: { x: '1' } }));
    assert.equal(gitIn(root, 'status', '--porcelain'), '', 'nothing left uncommitted');
  });

  test('refuses on a dirty working tree and changes nothing', async () => {
    const root = makeRepo({ 'gitops-lens.yaml': 'apps:\n  - {name: web, path: web}\n', 'web/a.yaml': configMap('a') });
    repos.push(root);
    writeFiles(root, { 'web/a.yaml': configMap('a', { data: { v: '2' } }) });
    commitAll(root, 'change a');
    writeFiles(root, { 'web/b.yaml': configMap('b') });
    const before = gitIn(root, 'rev-parse', 'HEAD').trim();
    const out = await revertAppCommits(root, 'web');
    assert.equal(out.ok, false);
    assert.match(out.message, /uncommitted changes/);
    assert.equal(gitIn(root, 'rev-parse', 'HEAD').trim(), before);
  });

  test('a conflicting revert is aborted and the branch is left as it was', async () => {
    const root = makeRepo({ 'gitops-lens.yaml': 'apps:\n  - {name: web, path: web}\n', 'web/a.yaml': configMap('a', { data: { v: '1' } }) });
    repos.push(root);
    writeFiles(root, { 'web/a.yaml': configMap('a', { data: { v: '2' } }) });
    const second = commitAll(root, 'v2');
    writeFiles(root, { 'web/a.yaml': configMap('a', { data: { v: '3' } }) });
    commitAll(root, 'v3');
    const before = gitIn(root, 'rev-parse', 'HEAD').trim();
    const out = await revertAppCommits(root, 'web', { commits: [second] });
    assert.equal(out.ok, false);
    assert.match(out.message, /git revert failed/);
    assert.equal(gitIn(root, 'rev-parse', 'HEAD').trim(), before);
    assert.equal(gitIn(root, 'status', '--porcelain'), '');
  });
});
