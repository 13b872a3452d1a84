// `gitops-lens <command> --help` prints that command's usage and exits 0 (issue 10: `diff --help` exited 2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { runCliCaptured } from '../support/cli';

const COMMANDS = ['apps', 'render', 'lint', 'diff', 'revdiff', 'plan', 'sync', 'revert', 'history'];

test('every command answers --help and -h with its own usage on stdout, exit 0, touching nothing', async () => {
  for (const cmd of COMMANDS) {
    for (const flag of ['--help', '-h']) {
      // The working directory holds no repository and the kubeconfig does not exist: help needs neither.
      const r = await runCliCaptured([cmd, flag], { cwd: tmpdir(), env: { KUBECONFIG: '/nonexistent/kubeconfig' } });
      assert.equal(r.code, 0, `${cmd} ${flag}: ${r.output}`);
      assert.equal(r.stderr, '', `${cmd} ${flag}`);
      assert.match(r.stdout, new RegExp(`^usage: gitops-lens ${cmd}\\b`), `${cmd} ${flag}`);
    }
  }
  // The overview names every command and how to get one command's help.
  const all = await runCliCaptured(['--help'], { cwd: tmpdir(), env: {} });
  assert.equal(all.code, 0);
  for (const cmd of COMMANDS) assert.match(all.stdout, new RegExp(`^  ${cmd}\\b`, 'm'), cmd);
  assert.match(all.stdout, /gitops-lens <command> --help/);
  assert.match(all.stdout, /GITOPS_LENS_HELM/);
});

test('help after other arguments still wins; an unknown command is still a usage error', async () => {
  const r = await runCliCaptured(['diff', 'some-app', '--context', 'prod', '--help'], { cwd: tmpdir(), env: {} });
  assert.equal(r.code, 0, r.output);
  assert.match(r.stdout, /^usage: gitops-lens diff </);
  assert.equal((await runCliCaptured(['nope', '--help'], { cwd: tmpdir(), env: {} })).code, 2);
});
