// `--plugin NAME=COMMAND` and `--refresh`, accepted by every command that renders. The
// plugin command comes from the user's command line only: a gitops-lens.yaml in the repo
// naming a command is not run. Oracle for the plugin output: the manifest file the user's
// command prints (cat), parsed by the yaml library.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { runCliCaptured } from '../support/cli';
import { makeRepo, realTools, type FixtureRepo } from '../support/repos';
import { takeToolFlags } from '../../src/cli/tool-flags';

const manifests = `apiVersion: v1
kind: ConfigMap
metadata:
  name: vault-rendered
data:
  password: <path:secret/data/app#password>
---
apiVersion: v1
kind: Service
metadata:
  name: vault-app
spec:
  ports:
    - port: 8080
`;

describe('CLI --plugin and --refresh', () => {
  let r: FixtureRepo;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    const tools = await realTools();
    env = { PATH: process.env.PATH, HOME: process.env.HOME, GITOPS_LENS_HELM: tools.helm, GITOPS_LENS_KUSTOMIZE: tools.kustomize };
    r = makeRepo('cmp', {
      'apps/avp.yaml': `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: avp
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://github.com/example/cmp.git
    targetRevision: main
    path: deploy/avp
    plugin:
      name: argocd-vault-plugin
  destination:
    server: https://kubernetes.default.svc
    namespace: avp
`,
      'deploy/avp/all.yaml': manifests,
      // A repository file naming commands: never run.
      'gitops-lens.yaml': 'plugins:\n  argocd-vault-plugin: ["sh", "-c", "touch pwned"]\n',
    });
  });
  after(() => r?.cleanup());
  const cli = (args: string[], extra: NodeJS.ProcessEnv = {}) => runCliCaptured(args, { cwd: r.root, env: { ...env, ...extra } });
  const objects = (text: string) => parseAllDocuments(text).map((d) => d.toJS()).filter((o) => o && o.kind);

  test('--plugin NAME=COMMAND (words): render runs it in the source folder and prints what it printed', async () => {
    const res = await cli(['render', 'avp', '--json', '--plugin', 'argocd-vault-plugin=cat all.yaml']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(JSON.parse(res.stdout).map((x: { object: unknown }) => x.object), objects(manifests));
  });

  test('--plugin=NAME=[JSON array] and the flag before the command\'s own arguments', async () => {
    const res = await cli(['render', '--plugin=argocd-vault-plugin=["cat", "all.yaml"]', 'avp', '--json']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(JSON.parse(res.stdout).map((x: { object: unknown }) => x.object), objects(manifests));
  });

  test('no command mapped: not rendered, the message names the flag and the variable, and the repo\'s file is not run', async () => {
    const res = await cli(['render', 'avp']);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /rendered by plugin argocd-vault-plugin in the cluster; not rendered here\..*--plugin 'argocd-vault-plugin=program arg'.*GITOPS_LENS_PLUGINS/);
    const { existsSync } = await import('node:fs');
    assert.equal(existsSync(r.path('deploy/avp/pwned')), false);
  });

  test('GITOPS_LENS_PLUGINS from the environment, a flag for the same name wins', async () => {
    const viaEnv = await cli(['render', 'avp', '--json'], { GITOPS_LENS_PLUGINS: JSON.stringify({ 'argocd-vault-plugin': ['cat', 'all.yaml'] }) });
    assert.equal(viaEnv.code, 0, viaEnv.stderr);
    assert.equal(JSON.parse(viaEnv.stdout).length, 2);
    const flag = await cli(['render', 'avp', '--json', '--plugin', 'argocd-vault-plugin=false'], { GITOPS_LENS_PLUGINS: JSON.stringify({ 'argocd-vault-plugin': ['cat', 'all.yaml'] }) });
    assert.equal(flag.code, 2, 'the flag\'s command (false) ran');
  });

  test('a malformed --plugin is a usage error; --help documents both flags', async () => {
    const bad = await cli(['render', 'avp', '--plugin', 'no-command']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--plugin needs NAME=COMMAND/);
    const help = await cli(['--help']);
    assert.match(help.stdout, /--refresh\s+fetch remote charts/);
    assert.match(help.stdout, /--plugin NAME=COMMAND/);
  });

  test('--refresh becomes the refresh time the core reads; other arguments stay in place', () => {
    const t = takeToolFlags(['render', '--refresh', 'app', '--json', '--', '--refresh'], {}, 1234);
    assert.ok(!('error' in t));
    assert.deepEqual(t.argv, ['render', 'app', '--json', '--', '--refresh']);
    assert.equal(t.env.GITOPS_LENS_REFRESH, '1234');
  });
});
