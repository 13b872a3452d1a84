// Roll back via Git on hostile histories in real temp repos: root commit, merge commit, a commit
// touching three apps, a conflicting revert, uncommitted edits inside and outside the app, a
// revert that empties the app. Each: the exact files changed on disk (whole trees compared
// byte for byte), the refusal messages, and Undo restoring the previous state. The oracle for
// a whole-commit revert is `git revert` itself, run in a clone.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { describeGitPlan, executeGitPlan, fileDiff, planCommitRevert, undoGitChange, type GitUndo } from '../../../src/core/revert';
import { tempDir } from '../../support/temp';
import { commitAll, configMap, gitIn, makeRepo, removeRepo, writeFiles } from '../../sync/support';
import { changedFiles, snapshot, text } from '../../support/trees';

const dirs: string[] = [];
after(() => dirs.forEach(removeRepo));
const repo = (files: Record<string, string>) => {
  const root = makeRepo(files);
  dirs.push(root);
  return root;
};

const CONFIG = 'apps:\n  - {name: web, path: apps/web, namespace: web}\n  - {name: api, path: apps/api, namespace: api}\n  - {name: db, path: apps/db, namespace: db}\n';
const threeApps = () => ({ 'gitops-lens.yaml': CONFIG, 'apps/web/cm.yaml': configMap('web', { data: { v: '1' } }), 'apps/api/cm.yaml': configMap('api', { data: { v: '1' } }), 'apps/db/cm.yaml': configMap('db', { data: { v: '1' } }), 'README.md': 'docs v1\n' });

/** `git revert` of the same commit, on top of `base`, in a clone: the tree real git produces. */
function gitRevertTree(root: string, commit: string, base: string, mainline?: number): string {
  const clone = tempDir('gitops-lens-oracle-');
  try {
    execFileSync('git', ['clone', '-q', root, clone]);
    execFileSync('git', ['-C', clone, 'checkout', '-q', '--detach', base]);
    execFileSync('git', ['-C', clone, '-c', 'user.name=Oracle', '-c', 'user.email=oracle@example.com', 'revert', '--no-edit', ...(mainline ? ['-m', String(mainline)] : []), commit], { stdio: 'pipe' });
    return gitIn(clone, 'rev-parse', 'HEAD^{tree}').trim();
  } finally {
    rmSync(clone, { recursive: true, force: true });
  }
}

async function undoAndCheck(root: string, undo: GitUndo, before: ReturnType<typeof snapshot>): Promise<void> {
  const u = await undoGitChange(undo);
  assert.ok(u.ok, u.message);
  assert.deepEqual(snapshot(root), before, 'Undo restores HEAD, the index and every byte of the working tree');
}

describe('git revert, planned: refusals write nothing', () => {
  test('the root commit is refused: nothing to revert to, the tree stays byte-identical', async () => {
    const root = repo({ 'gitops-lens.yaml': 'apps:\n  - {name: web, path: web}\n', 'web/a.yaml': configMap('a'), 'web/b.yaml': configMap('b') });
    const before = snapshot(root);
    for (const scope of ['app', 'commit'] as const) {
      const plan = await planCommitRevert(root, 'web', { scope });
      assert.match(plan.refusal ?? '', /is the root commit: it created these files and there is no earlier state to revert to/);
      assert.deepEqual(plan.files, []);
      const listed = [...(plan.outside?.unowned ?? []), ...(plan.outside?.apps ?? []).flatMap((a) => a.files)];
      for (const f of listed) assert.ok(before.files[f], `${f} is a file of the repo`);
      const r = await executeGitPlan(plan);
      assert.equal(r.ok, false);
      assert.match(r.message, /root commit/);
    }
    assert.deepEqual(snapshot(root), before);
  });

  test('a merge commit needs a chosen parent; with -m 1 the result is the tree git revert -m 1 makes, and Undo restores', async () => {
    const root = repo(threeApps());
    gitIn(root, 'checkout', '-q', '-b', 'feature');
    writeFiles(root, { 'apps/web/cm.yaml': configMap('web', { data: { v: '2' } }), 'apps/web/extra.yaml': configMap('extra') });
    commitAll(root, 'web: v2 and extra');
    gitIn(root, 'checkout', '-q', 'main');
    writeFiles(root, { 'README.md': 'docs v2\n' });
    commitAll(root, 'docs');
    gitIn(root, 'merge', '-q', '--no-ff', '-m', 'merge feature', 'feature');
    const merge = gitIn(root, 'rev-parse', 'HEAD').trim();
    const before = snapshot(root);

    const refused = await planCommitRevert(root, 'web', { commit: merge });
    assert.match(refused.refusal ?? '', /is a merge commit with 2 parents; choose the parent whose side to keep \(git revert -m N\)/);
    assert.equal((await executeGitPlan(refused)).ok, false);
    assert.match((await planCommitRevert(root, 'web', { commit: merge, mainline: 3 })).refusal ?? '', /has 2 parent\(s\); there is no parent 3/);
    assert.deepEqual(snapshot(root), before, 'refusals changed nothing');

    const plan = await planCommitRevert(root, 'web', { commit: merge, mainline: 1, scope: 'commit' });
    assert.equal(plan.refusal, undefined, plan.refusal);
    assert.deepEqual(plan.files.map((f) => f.path).sort(), ['apps/web/cm.yaml', 'apps/web/extra.yaml']);
    const r = await executeGitPlan(plan);
    assert.ok(r.ok, r.message);
    assert.equal(gitIn(root, 'rev-parse', 'HEAD^{tree}').trim(), gitRevertTree(root, merge, before.head, 1));
    assert.deepEqual(changedFiles(before, snapshot(root)), ['apps/web/cm.yaml', 'apps/web/extra.yaml']);
    assert.equal(gitIn(root, 'status', '--porcelain'), '');
    await undoAndCheck(root, r.undo, before);
  });

  test('a conflicting whole-commit revert is refused and the tree stays byte-identical', async () => {
    const root = repo(threeApps());
    writeFiles(root, { 'apps/web/cm.yaml': configMap('web', { data: { v: '2' } }) });
    const second = commitAll(root, 'web v2');
    writeFiles(root, { 'apps/web/cm.yaml': configMap('web', { data: { v: '3' } }) });
    commitAll(root, 'web v3');
    const before = snapshot(root);
    const plan = await planCommitRevert(root, 'web', { commit: second, scope: 'commit' });
    assert.match(plan.refusal ?? '', /conflicts with later changes in apps\/web\/cm\.yaml \(git revert would stop with conflicts\); nothing was changed/);
    assert.equal((await executeGitPlan(plan)).ok, false);
    assert.deepEqual(snapshot(root), before);
    // Real git agrees that this revert conflicts.
    assert.throws(() => gitRevertTree(root, second, before.head));
  });

  test('uncommitted edits in the app\'s files refuse the revert; the edits stay byte for byte', async () => {
    const root = repo(threeApps());
    writeFiles(root, { 'apps/web/cm.yaml': configMap('web', { data: { v: '2' } }) });
    commitAll(root, 'web v2');
    writeFiles(root, { 'apps/web/cm.yaml': configMap('web', { data: { v: 'my edit' } }) });
    const before = snapshot(root);
    const plan = await planCommitRevert(root, 'web');
    assert.match(plan.refusal ?? '', /^uncommitted changes in files this change writes: apps\/web\/cm\.yaml\. Commit or discard them first; GitOps Lens never stashes, resets or mixes in your edits$/);
    assert.equal((await executeGitPlan(plan)).ok, false);
    // Staged (not modified) counts as well.
    gitIn(root, 'add', 'apps/web/cm.yaml');
    const staged = snapshot(root);
    assert.match((await planCommitRevert(root, 'web')).refusal ?? '', /uncommitted changes in files this change writes: apps\/web\/cm\.yaml/);
    assert.deepEqual(snapshot(root), staged);
    assert.notDeepEqual(staged.index, before.index);
  });
});

describe('git revert, planned: what is written is what was shown', () => {
  test('a commit touching three apps: the app scope restores only web\'s files and lists the others; the whole commit equals git revert', async () => {
    const root = repo(threeApps());
    writeFiles(root, {
      'apps/web/cm.yaml': configMap('web', { data: { v: '2' } }), 'apps/web/new.yaml': configMap('web-new'),
      'apps/api/cm.yaml': configMap('api', { data: { v: '2' } }), 'apps/db/cm.yaml': configMap('db', { data: { v: '2' } }), 'README.md': 'docs v2\n',
    });
    const c = commitAll(root, 'bump everything');
    const before = snapshot(root);

    const plan = await planCommitRevert(root, 'web');
    assert.equal(plan.refusal, undefined, plan.refusal);
    assert.equal(plan.kind, 'revert-app-files');
    assert.equal(plan.base, 'HEAD');
    assert.deepEqual(plan.files.map((f) => [f.path, f.after === null ? 'deleted' : 'restored']), [['apps/web/cm.yaml', 'restored'], ['apps/web/new.yaml', 'deleted']]);
    assert.deepEqual(plan.outside, { apps: [{ appId: 'kustomize/apps/api', files: ['apps/api/cm.yaml'] }, { appId: 'kustomize/apps/db', files: ['apps/db/cm.yaml'] }], unowned: ['README.md'] });
    const shown = describeGitPlan(plan);
    for (const s of ['apps/api/cm.yaml', 'apps/db/cm.yaml', 'README.md', 'HEAD (committed content', 'Creates one commit']) assert.ok(shown.includes(s), `dialog text names ${s}:\n${shown}`);
    assert.match(fileDiff(plan.files[0]), /^-\s+v: "2"$/m);
    assert.match(fileDiff(plan.files[0]), /^\+\s+v: "1"$/m);

    const r = await executeGitPlan(plan);
    assert.ok(r.ok, r.message);
    const afterApp = snapshot(root);
    assert.deepEqual(changedFiles(before, afterApp), ['apps/web/cm.yaml', 'apps/web/new.yaml']);
    assert.equal(text(afterApp, 'apps/web/cm.yaml'), gitIn(root, 'show', `${c}~1:apps/web/cm.yaml`), 'restored to the parent\'s bytes');
    assert.equal(afterApp.files['apps/web/new.yaml'], undefined);
    assert.deepEqual(gitIn(root, 'show', '--name-only', '--format=', 'HEAD').trim().split('\n'), ['apps/web/cm.yaml', 'apps/web/new.yaml']);
    assert.equal(gitIn(root, 'rev-parse', 'HEAD~1').trim(), c);
    assert.equal(gitIn(root, 'status', '--porcelain'), '');
    assert.match(gitIn(root, 'log', '-1', '--format=%B'), new RegExp(`^Revert web's files of "bump everything"[\\s\\S]*before commit ${c}`));
    await undoAndCheck(root, r.undo, before);

    const whole = await planCommitRevert(root, 'web', { scope: 'commit' });
    assert.equal(whole.kind, 'revert-commit');
    assert.deepEqual(whole.files.map((f) => f.path), ['README.md', 'apps/api/cm.yaml', 'apps/db/cm.yaml', 'apps/web/cm.yaml', 'apps/web/new.yaml']);
    assert.match(describeGitPlan(whole), /This whole-commit revert also changes files outside this app:\n {2}app kustomize\/apps\/api: apps\/api\/cm\.yaml\n {2}app kustomize\/apps\/db: apps\/db\/cm\.yaml\n {2}no app: README\.md/);
    const w = await executeGitPlan(whole);
    assert.ok(w.ok, w.message);
    assert.equal(gitIn(root, 'rev-parse', 'HEAD^{tree}').trim(), gitRevertTree(root, c, before.head), 'the same tree as git revert');
    assert.equal(gitIn(root, 'log', '-1', '--format=%s').trim(), 'Revert "bump everything"');
    await undoAndCheck(root, w.undo, before);
  });

  test('uncommitted and staged edits outside the app\'s files are neither committed nor touched, also by Undo', async () => {
    const root = repo(threeApps());
    writeFiles(root, { 'apps/web/cm.yaml': configMap('web', { data: { v: '2' } }), 'apps/api/cm.yaml': configMap('api', { data: { v: '2' } }) });
    commitAll(root, 'web and api v2');
    writeFiles(root, { 'apps/api/cm.yaml': configMap('api', { data: { v: 'unsaved work' } }), 'notes.txt': 'untracked\n', 'apps/db/cm.yaml': configMap('db', { data: { v: 'staged' } }) });
    gitIn(root, 'add', 'apps/db/cm.yaml');
    const before = snapshot(root);
    const plan = await planCommitRevert(root, 'web');
    assert.equal(plan.refusal, undefined, plan.refusal);
    assert.deepEqual(plan.files.map((f) => f.path), ['apps/web/cm.yaml']);
    const r = await executeGitPlan(plan);
    assert.ok(r.ok, r.message);
    const now = snapshot(root);
    assert.deepEqual(changedFiles(before, now), ['apps/web/cm.yaml']);
    assert.deepEqual(gitIn(root, 'show', '--name-only', '--format=', 'HEAD').trim().split('\n'), ['apps/web/cm.yaml'], 'only the app\'s file is in the commit');
    assert.deepEqual(gitIn(root, 'status', '--porcelain').replace(/\n$/, '').split('\n').sort(), [' M apps/api/cm.yaml', '?? notes.txt', 'M  apps/db/cm.yaml'], 'the user\'s edits are still uncommitted, the staged one still staged');
    await undoAndCheck(root, r.undo, before);
  });

  test('a revert that empties the app needs the count of deleted resources confirmed; Undo restores', async () => {
    const root = repo({ 'gitops-lens.yaml': CONFIG, 'apps/api/cm.yaml': configMap('api'), 'apps/db/cm.yaml': configMap('db') });
    writeFiles(root, { 'apps/web/a.yaml': configMap('a'), 'apps/web/b.yaml': `${configMap('b')}---\n${configMap('c')}` });
    commitAll(root, 'add web');
    const before = snapshot(root);
    const plan = await planCommitRevert(root, 'web');
    assert.equal(plan.refusal, undefined, plan.refusal);
    assert.deepEqual(plan.empties, { resources: 3, files: 2 });
    assert.match(describeGitPlan(plan), /This leaves kustomize\/apps\/web with NO resources: 3 resource\(s\) and 2 file\(s\) are deleted\./);
    for (const confirmEmpty of [undefined, 2]) {
      const r = await executeGitPlan(plan, { confirmEmpty });
      assert.equal(r.ok, false);
      assert.match(r.message, /leaves kustomize\/apps\/web with no resources \(3 resource\(s\) and 2 file\(s\) deleted\); confirm that count explicitly/);
    }
    assert.deepEqual(snapshot(root), before);
    const r = await executeGitPlan(plan, { confirmEmpty: 3 });
    assert.ok(r.ok, r.message);
    assert.deepEqual(changedFiles(before, snapshot(root)), ['apps/web/a.yaml', 'apps/web/b.yaml']);
    await undoAndCheck(root, r.undo, before);
  });

  test('a plan is executed only against what it saw; Undo refuses once HEAD moved or a touched file changed', async () => {
    const root = repo(threeApps());
    writeFiles(root, { 'apps/web/cm.yaml': configMap('web', { data: { v: '2' } }) });
    commitAll(root, 'web v2');
    const plan = await planCommitRevert(root, 'web');
    writeFiles(root, { 'apps/web/cm.yaml': configMap('web', { data: { v: 'edited after planning' } }) });
    const edited = snapshot(root);
    const stale = await executeGitPlan(plan);
    assert.equal(stale.ok, false);
    assert.match(stale.message, /changed since the change was planned: apps\/web\/cm\.yaml; nothing was written/);
    assert.deepEqual(snapshot(root), edited);
    gitIn(root, 'checkout', '--', 'apps/web/cm.yaml');

    const r = await executeGitPlan(await planCommitRevert(root, 'web'));
    assert.ok(r.ok, r.message);
    writeFiles(root, { 'apps/web/cm.yaml': configMap('web', { data: { v: 'later edit' } }) });
    const u1 = await undoGitChange(r.undo);
    assert.match(u1.message, /changed since: apps\/web\/cm\.yaml\. Nothing was changed\./);
    gitIn(root, 'checkout', '--', 'apps/web/cm.yaml');
    writeFiles(root, { 'README.md': 'later commit\n' });
    commitAll(root, 'later');
    const moved = snapshot(root);
    const u2 = await undoGitChange(r.undo);
    assert.equal(u2.ok, false);
    assert.match(u2.message, /HEAD is now [0-9a-f]{8}, not [0-9a-f]{8} \(the commit it made\); undoing would drop later work\. Nothing was changed\./);
    assert.deepEqual(snapshot(root), moved);
  });
});
