// `gitops-lens revert --git` on the example repository (examples/gitops-repo, as `npm start`
// opens it: one root commit): the root commit is refused with exit 3 and the repo stays byte
// for byte; a later commit touching three apps is shown by --dry-run (files, diff, other apps),
// written only without it, and `revert --undo` restores the previous state.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runCliCaptured } from '../support/cli';
import { tempDir } from '../support/temp';
import { changedFiles, snapshot, text } from '../support/trees';
import { commitAll, gitIn, makeRepo, removeRepo, writeFiles } from '../sync/support';

// The test runner works from the repository root.
const EXAMPLE = join(process.cwd(), 'examples', 'gitops-repo');
const dirs: string[] = [];
after(() => dirs.forEach(removeRepo));

function exampleFiles(): Record<string, string> {
  const dir = EXAMPLE;
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

function exampleRepo(): { root: string; state: string } {
  const root = makeRepo(exampleFiles(), 'example GitOps repository');
  gitIn(root, 'remote', 'add', 'origin', 'https://github.com/example/gitops-repo.git');
  const state = tempDir('gitops-lens-cli-state-');
  dirs.push(root, state);
  return { root, state };
}

const cli = (root: string, state: string, ...argv: string[]) => runCliCaptured(argv, { cwd: root, env: { ...process.env, GITOPS_LENS_STATE_DIR: state } });

describe('gitops-lens revert --git', () => {
  test('on the example repo\'s only (root) commit: refused, exit 3, nothing written', async () => {
    const { root, state } = exampleRepo();
    const before = snapshot(root);
    for (const extra of [[], ['--dry-run'], ['--whole-commit']]) {
      const r = await cli(root, state, 'revert', 'shop', '--git', ...extra);
      assert.equal(r.code, 3, r.output);
      assert.match(r.stderr, /refused: [0-9a-f]+ "example GitOps repository" is the root commit: it created these files and there is no earlier state to revert to/);
      assert.deepEqual(snapshot(root), before, `revert ${extra.join(' ')} changed nothing`);
    }
    assert.equal(readdirSync(state).length, 0, 'no undo record for a refusal');
  });

  test('--dry-run shows the files, their diff and the other apps; the real run writes only shop\'s files; --undo restores', async () => {
    const { root, state } = exampleRepo();
    const replicas = 'apps/shop/overlays/prod/replicas.yaml';
    const original = readFileSync(join(root, replicas), 'utf8');
    assert.match(original, /replicas: 3/);
    writeFiles(root, {
      [replicas]: original.replace('replicas: 3', 'replicas: 7'),
      'charts/hello/values.yaml': `${readFileSync(join(root, 'charts/hello/values.yaml'), 'utf8')}# tuned\n`,
      'apps/blog/service.yaml': `${readFileSync(join(root, 'apps/blog/service.yaml'), 'utf8')}# tuned\n`,
      'README.md': 'changed\n',
    });
    const c = commitAll(root, 'tune shop, hello and blog');
    const before = snapshot(root);

    const dry = await cli(root, state, 'revert', 'shop', '--git', '--dry-run');
    assert.equal(dry.code, 0, dry.output);
    assert.match(dry.stdout, /Revert shop's files of commit [0-9a-f]+ "tune shop, hello and blog"/);
    assert.match(dry.stdout, /Files changed \(1\):\n {2}~ apps\/shop\/overlays\/prod\/replicas\.yaml/);
    assert.match(dry.stdout, /HEAD \(committed content/);
    assert.match(dry.stdout, /The commit also changed files outside this app \(left as they are\):/);
    assert.match(dry.stdout, /app \S*hello: charts\/hello\/values\.yaml/);
    assert.match(dry.stdout, /app \S*blog: apps\/blog\/service\.yaml/);
    assert.match(dry.stdout, /no app: README\.md/);
    assert.match(dry.stdout, /^-\s+replicas: 7$/m);
    assert.match(dry.stdout, /^\+\s+replicas: 3$/m);
    assert.deepEqual(snapshot(root), before, '--dry-run writes nothing');

    const dirty = await (async () => {
      writeFiles(root, { [replicas]: 'my edit\n' });
      try { return await cli(root, state, 'revert', 'shop', '--git'); } finally { gitIn(root, 'checkout', '--', replicas); }
    })();
    assert.equal(dirty.code, 3);
    assert.match(dirty.stderr, /refused: uncommitted changes in files this change writes: apps\/shop\/overlays\/prod\/replicas\.yaml/);
    assert.deepEqual(snapshot(root), before);

    const real = await cli(root, state, 'revert', 'shop', '--git');
    assert.equal(real.code, 0, real.output);
    assert.match(real.stdout, /undo with: gitops-lens revert --undo/);
    const after = snapshot(root);
    assert.deepEqual(changedFiles(before, after), [replicas]);
    assert.equal(text(after, replicas), original, 'restored to the parent\'s bytes');
    assert.equal(gitIn(root, 'rev-parse', 'HEAD~1').trim(), c);

    const undo = await cli(root, state, 'revert', '--undo');
    assert.equal(undo.code, 0, undo.output);
    assert.deepEqual(snapshot(root), before, 'undo restores HEAD, index and files');
    const again = await cli(root, state, 'revert', '--undo');
    assert.equal(again.code, 3);
    assert.match(again.stderr, /no Git change of gitops-lens to undo/);
  });

  test('--whole-commit reverts every file of the commit and says which other apps it changes', async () => {
    const { root, state } = exampleRepo();
    writeFiles(root, { 'apps/shop/base/service.yaml': null, 'apps/blog/service.yaml': `${readFileSync(join(root, 'apps/blog/service.yaml'), 'utf8')}# x\n` });
    commitAll(root, 'drop the shop service, touch blog');
    const before = snapshot(root);
    const r = await cli(root, state, 'revert', 'shop', '--git', '--commit', 'HEAD', '--whole-commit', '--dry-run');
    assert.equal(r.code, 0, r.output);
    assert.match(r.stdout, /This whole-commit revert also changes files outside this app:\n {2}app \S*blog: apps\/blog\/service\.yaml/);
    assert.match(r.stdout, /\+ apps\/shop\/base\/service\.yaml/);
    assert.deepEqual(snapshot(root), before);
    rmSync(state, { recursive: true, force: true });
  });
});
