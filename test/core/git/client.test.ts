// Every git process goes through core/git/client (simple-git): the user's git program
// (`git.path`), cancellation, exit codes that are answers, errors that say what to do.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { git, GitFailure, setGitBinary } from '../../../src/core/git/client';
import { isAncestor, commitsTouching } from '../../../src/core/git/history';
import { tempDir } from '../../support/temp';
import { commitAll, configMap, makeRepo, removeRepo, writeFiles } from '../../sync/support';

const dirs: string[] = [];
after(() => { setGitBinary(undefined); dirs.forEach(removeRepo); });

describe('core/git client', () => {
  test('runs the git program the user chose (git.path), even with a space in its path', async () => {
    const root = makeRepo({ 'a.yaml': configMap('a') });
    const bin = tempDir('gitops-lens-gitbin-');
    dirs.push(root, bin);
    const marker = join(bin, 'called');
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    const wrapper = join(bin, 'my git');
    writeFileSync(wrapper, `#!/bin/sh\necho "$@" >> '${marker}'\nexec '${realGit}' "$@"\n`);
    chmodSync(wrapper, 0o755);
    setGitBinary(wrapper);
    try {
      assert.match((await git(root, ['rev-parse', 'HEAD'])).trim(), /^[0-9a-f]{40}$/);
      assert.equal(readFileSync(marker, 'utf8').trim(), 'rev-parse HEAD');
    } finally {
      setGitBinary(undefined);
    }
    await git(root, ['status']);
    assert.equal(readFileSync(marker, 'utf8').trim(), 'rev-parse HEAD', 'back to git on PATH');
  });

  test('a missing git program says to install it or set git.path', async () => {
    const root = makeRepo({ 'a.yaml': configMap('a') });
    dirs.push(root);
    setGitBinary('/nonexistent/bin/git');
    try {
      await assert.rejects(git(root, ['status']), (e: unknown) => e instanceof GitFailure && e.code === 'binary-missing' && /Install Git or set "git\.path"/.test(e.message));
    } finally {
      setGitBinary(undefined);
    }
  });

  test('a cancelled call is cancelled and runs nothing', async () => {
    const root = makeRepo({ 'a.yaml': configMap('a') });
    dirs.push(root);
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(git(root, ['commit', '--allow-empty', '-qm', 'must not happen'], { signal: ac.signal }), (e: unknown) => e instanceof GitFailure && e.code === 'cancelled');
    assert.equal(execFileSync('git', ['-C', root, 'rev-list', '--count', 'HEAD'], { encoding: 'utf8' }).trim(), '1');
  });

  test('a silent non-zero exit is a failure, and an exit code that is an answer is read as one', async () => {
    const root = makeRepo({ 'a.yaml': configMap('a') });
    dirs.push(root);
    const first = execFileSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    writeFiles(root, { 'a.yaml': configMap('a', { data: { v: '2' } }) });
    const second = commitAll(root, 'second');
    // `rev-parse --verify --quiet` of a missing ref exits 1 and prints nothing.
    await assert.rejects(git(root, ['rev-parse', '--verify', '--quiet', 'no-such-branch']), GitFailure);
    assert.equal(await isAncestor(root, first, second), true);
    assert.equal(await isAncestor(root, second, first), false);
    // simple-git's log parser with our fields, newest first.
    const log = await commitsTouching(root, [join(root, 'a.yaml')]);
    assert.deepEqual(log.map((c) => [c.hash, c.subject]), [[second, 'second'], [first, 'initial']]);
    assert.match(log[0].date, /^\d{4}-\d\d-\d\dT/);
  });
});
