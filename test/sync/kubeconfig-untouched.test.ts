// The user's kubeconfig and its current context are never modified, whatever context an app uses.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runCliCaptured } from '../support/cli';
import { sharedTestCluster, type SharedCluster } from '../support/cluster';
import { appConfig, configMap, makeRepo, removeRepo, stateDirFor, uniq } from './support';
import { tempDir } from '../support/temp';

let cluster: SharedCluster;
let dir: string;
before(async () => {
  cluster = await sharedTestCluster();
  dir = tempDir('gitops-lens-kubeconfig-');
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('apps, diff, plan and sync through another context leave the kubeconfig byte-identical', async (t) => {
  const text = readFileSync(cluster.kubeconfigPath, 'utf8');
  const contexts = (parse(text).contexts as { name: string }[]).map((c) => c.name);
  if (!contexts.includes('restricted')) return t.skip('needs the test control plane (two contexts)');
  // The user's current context is "restricted"; the app deploys through "admin".
  const kubeconfig = join(dir, 'config');
  copyFileSync(cluster.kubeconfigPath, kubeconfig);
  writeFileSync(kubeconfig, readFileSync(kubeconfig, 'utf8').replace(/^current-context: .*$/m, 'current-context: restricted'));
  const before = readFileSync(kubeconfig);
  const mtime = statSync(kubeconfig).mtimeMs;

  const ns = uniq('kcfg');
  const root = makeRepo({
    'gitops-lens.yaml': appConfig('kcfg', 'app', ns) + 'appContexts:\n  kustomize/app: admin\n',
    'app/ns.yaml': `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`,
    'app/cm.yaml': configMap('settings'),
  });
  const state = stateDirFor();
  try {
    const run = async (...argv: string[]) => {
      const r = await runCliCaptured(argv, { cwd: root, env: { ...process.env, KUBECONFIG: kubeconfig, GITOPS_LENS_STATE_DIR: state } });
      return { code: r.code, out: r.output };
    };
    assert.equal((await run('apps')).code, 0);
    const synced = await run('sync', 'kustomize/app');
    assert.equal(synced.code, 0, synced.out);
    const diff = await run('diff', 'kustomize/app');
    assert.equal(diff.code, 0, diff.out); // in sync through admin, though the current context is restricted
    await run('plan', 'kustomize/app');
    assert.ok(readFileSync(kubeconfig).equals(before), 'kubeconfig bytes changed');
    assert.equal(statSync(kubeconfig).mtimeMs, mtime);
    assert.match(readFileSync(kubeconfig, 'utf8'), /^current-context: restricted$/m);
  } finally {
    removeRepo(root);
    rmSync(state, { recursive: true, force: true });
  }
});
