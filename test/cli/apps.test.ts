import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { runCliCaptured, type CliRun } from '../support/cli';
import { argoRepo, brokenRepo, fixtureContexts, realTools, SERVERS, writeKubeconfig, type FixtureRepo } from '../support/repos';

let env: NodeJS.ProcessEnv;
let kubeconfig: ReturnType<typeof writeKubeconfig>;

before(async () => {
  const tools = await realTools();
  kubeconfig = writeKubeconfig(fixtureContexts);
  // Only what the CLI should see: no user kubeconfig, the real tools by setting.
  env = { PATH: process.env.PATH, HOME: process.env.HOME, KUBECONFIG: kubeconfig.file, GITOPS_LENS_HELM: tools.helm, GITOPS_LENS_KUSTOMIZE: tools.kustomize };
});
after(() => kubeconfig.cleanup());

const cli = (args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<CliRun> => runCliCaptured(args, { cwd, env: { ...env, ...extraEnv } });

/** 1-based line of the first line equal to `text`. */
function line1(r: FixtureRepo, file: string, text: string): number {
  return r.read(file).split('\n').indexOf(text) + 1;
}

describe('gitops-lens apps', () => {
  let r: FixtureRepo;
  before(() => (r = argoRepo()));
  after(() => r.cleanup());

  test('text: a table of apps with kind, source, renderer and destination; warnings name file:line', async () => {
    const { code, stdout } = await cli(['apps', r.root], '/');
    assert.equal(code, 0);
    const lines = stdout.split('\n');
    assert.match(lines[0], /^APP\s+KIND\s+SOURCE\s+RENDERER\s+DESTINATION\s+DISCOVERY$/);
    const row = (id: string) => {
      const l = lines.find((x) => x.startsWith(`${id} `));
      assert.ok(l, `no row for ${id}`);
      return l.split(/\s{2,}/);
    };
    assert.deepEqual(row('argocd/argocd/shop'), ['argocd/argocd/shop', 'argo-application', 'apps/shop/overlays/prod', 'kustomize', 'prod/shop', 'ok']);
    assert.deepEqual(row('argocd/argocd/web'), ['argocd/argocd/web', 'argo-application', 'charts/web, $values (ref)', 'helm', 'staging/web', 'ok']);
    assert.deepEqual(row('argocd/argocd/root'), ['argocd/argocd/root', 'argo-application', 'argocd/children', 'directory', 'unresolved (https://kubernetes.default.svc)', 'ok']);
    assert.deepEqual(row('argocd/argocd/external').slice(2, 5), ['https://github.com/other-org/elsewhere.git (remote)', '-', `prod/external`]);
    assert.equal(lines.filter((l) => l.startsWith('argocd/argocd/')).length, 10);
    // The unsupported generator, at the line of its ApplicationSet (relative path when cwd is the repo).
    const inRepo = await cli(['apps'], r.root);
    const appsetLines = r.read('argocd/appsets.yaml').split('\n');
    const fleet = appsetLines.findIndex((l, i) => l === 'kind: ApplicationSet' && appsetLines[i + 2] === '  name: fleet');
    assert.ok(inRepo.stdout.includes(`argocd/appsets.yaml:${fleet}:1: warning: ApplicationSet fleet: generators[0].pullRequest is not supported offline`), inRepo.stdout);
  });

  test('--json: the discovery as data', async () => {
    const { code, stdout } = await cli(['apps', r.root, '--json'], '/');
    assert.equal(code, 0);
    const data = JSON.parse(stdout) as { root: string; apps: { id: string; destination: { context?: string; server?: string } }[]; unsupported: { what: string }[] };
    assert.equal(data.root, r.root);
    assert.equal(data.apps.length, 10);
    assert.deepEqual(data.apps.find((a) => a.id === 'argocd/argocd/guestbook-prod')?.destination, { server: SERVERS.prod, namespace: 'guestbook', context: 'prod', resolution: 'server' });
    assert.deepEqual(data.unsupported.map((u) => u.what), ['ApplicationSet fleet']);
  });

  test('--kubeconfig overrides $KUBECONFIG', async () => {
    const other = writeKubeconfig([{ name: 'elsewhere', server: SERVERS.prod }]);
    try {
      const { stdout } = await cli(['apps', r.root, '--json', '--kubeconfig', other.file], '/');
      const shop = (JSON.parse(stdout) as { apps: { id: string; destination: { context?: string } }[] }).apps.find((a) => a.id === 'argocd/argocd/shop');
      assert.equal(shop?.destination.context, 'elsewhere');
    } finally {
      other.cleanup();
    }
  });

  test('usage errors exit 2', async () => {
    assert.equal((await cli(['apps', '/nonexistent/dir'], '/')).code, 2);
    assert.equal((await cli(['apps', '--bogus'], r.root)).code, 2);
    assert.equal((await cli(['nope'], r.root)).code, 2);
    assert.equal((await cli([], r.root)).code, 2);
  });
});

describe('gitops-lens apps on broken inputs', () => {
  let r: FixtureRepo;
  before(() => (r = brokenRepo()));
  after(() => r.cleanup());

  test('discovery errors are listed with file:line:col; the listing exits 0, --strict exits 2', async () => {
    const { code, stdout } = await cli(['apps'], r.root);
    assert.equal(code, 0);
    assert.equal((await cli(['apps', '--strict'], r.root)).code, 2);
    assert.equal((await cli(['apps', '--json'], r.root)).code, 0);
    const pathLine = line1(r, 'argocd/missing.yaml', '    path: apps/does-not-exist');
    assert.ok(stdout.includes(`argocd/missing.yaml:${pathLine}:5: error: argocd/argocd/missing: source path "apps/does-not-exist" does not exist in this repository`), stdout);
    assert.match(stdout.split('\n').find((l) => l.startsWith('argocd/argocd/missing '))!, /1 error\(s\)$/);
  });
});

describe('gitops-lens render', () => {
  let r: FixtureRepo;
  let broken: FixtureRepo;
  before(() => {
    r = argoRepo();
    broken = brokenRepo();
  });
  after(() => {
    r.cleanup();
    broken.cleanup();
  });

  test('YAML (default): every resource, headed by its identity and origin', async () => {
    const { code, stdout, stderr } = await cli(['render', 'shop'], r.root);
    assert.equal(stderr, '');
    assert.equal(code, 0);
    const docs = parseAllDocuments(stdout).map((d) => d.toJS() as { kind: string; metadata: { name: string }; spec: { replicas?: number } });
    assert.deepEqual(docs.map((d) => `${d.kind}/${d.metadata.name}`).sort(), ['Deployment/argo-frontend', 'Service/argo-frontend']);
    assert.equal(docs.find((d) => d.kind === 'Deployment')?.spec.replicas, 3);
    const depLine = line1(r, 'apps/shop/base/deploy.yaml', 'apiVersion: apps/v1');
    assert.ok(stdout.includes(`# Deployment.apps argo-frontend from apps/shop/base/deploy.yaml:${depLine}:1`), stdout);
  });

  test('--json: resources with identity and origin; apps are found by full id too', async () => {
    const { code, stdout } = await cli(['render', 'argocd/argocd/web', '--json', '--dir', r.root], '/');
    assert.equal(code, 0);
    const res = JSON.parse(stdout) as { id: { kind: string; name: string }; object: { spec: { replicas?: number } }; origin: { file: string } }[];
    const dep = res.find((x) => x.id.kind === 'Deployment');
    assert.equal(dep?.id.name, 'web-release');
    assert.equal(dep?.object.spec.replicas, 4);
    assert.equal(dep?.origin.file, r.path('charts/web/templates/deployment.yaml'));
  });

  test('unknown app, missing argument: exit 2 with a message', async () => {
    const unknown = await cli(['render', 'nope'], r.root);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no app "nope" \(\d+ apps; `gitops-lens apps` lists them\)/);
    // A typo gets the closest ids, not the whole list.
    const typo = await cli(['render', 'shpo'], r.root);
    assert.match(typo.stderr, /no app "shpo"; did you mean argocd\/argocd\/shop\?/);
    assert.doesNotMatch(typo.stderr, /argocd\/argocd\/web/);
    const none = await cli(['render'], r.root);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /usage: gitops-lens render/);
  });

  test('render errors exit 2 and name the file and line', async () => {
    const missing = await cli(['render', 'missing'], broken.root);
    assert.equal(missing.code, 2);
    assert.equal(missing.stdout, '');
    assert.ok(missing.stderr.includes(`argocd/missing.yaml:${line1(broken, 'argocd/missing.yaml', '    path: apps/does-not-exist')}:5: source path`), missing.stderr);
    const kz = await cli(['render', 'kustomize/apps/missing-file'], broken.root);
    assert.equal(kz.code, 2);
    assert.ok(kz.stderr.includes(`apps/missing-file/kustomization.yaml:${line1(broken, 'apps/missing-file/kustomization.yaml', '  - gone.yaml')}:5: resources entry "gone.yaml" does not exist`), kz.stderr);
  });

  test('helm missing: exit 2, the error names the binary and the environment variable, not an editor setting', async () => {
    const { code, stderr } = await cli(['render', 'chart'], broken.root, { GITOPS_LENS_HELM: '/nonexistent/helm' });
    assert.equal(code, 2);
    assert.match(stderr, /\/nonexistent\/helm was not found\. Install it or set GITOPS_LENS_HELM to its path\./);
    assert.doesNotMatch(stderr, /gitopsLens\./);
  });
});

describe('gitops-lens render never prints Secret values', () => {
  test('a Secret committed to Git is rendered with its values masked, in YAML and JSON', async () => {
    const { makeRepo } = await import('../support/repos');
    const r = makeRepo('secrets', {
      'app/kustomization.yaml': 'resources: [secret.yaml, cm.yaml]\n',
      'app/secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData:\n  password: hunter2-plain\ndata:\n  token: c2VjcmV0LXRva2Vu\n',
      'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata:\n  visible: not-a-secret\n',
    });
    try {
      for (const fmt of [[], ['--json']]) {
        const { code, stdout } = await cli(['render', 'kustomize/app', ...fmt], r.root);
        assert.equal(code, 0, stdout);
        assert.match(stdout, /not-a-secret/); // ConfigMaps are shown as they are
        for (const value of ['hunter2-plain', 'c2VjcmV0LXRva2Vu', 'secret-token', Buffer.from('hunter2-plain').toString('base64')]) assert.ok(!stdout.includes(value), `${value} printed in ${fmt.join('') || 'yaml'}`);
        assert.match(stdout, /password/); // the keys stay visible
      }
    } finally {
      r.cleanup();
    }
  });
});
