// Argo CD directory sources: `recurse`, `include`/`exclude` globs and jsonnet. The expected
// file sets are written by hand from Argo CD's documented rules (docs/user-guide/directory.md
// and the repo-server's getPotentiallyValidManifestFile: files named *.yaml|yml|json|jsonnet,
// `exclude` then `include` matched against the path relative to the app folder, with
// util/glob, where `*` also crosses `/` and `{a,b}` are alternatives). Jsonnet programs are
// checked against the jsonnet binary given Argo CD's arguments (app folder and `libs` as
// import paths, tlas/extVars with $ARGOCD_APP_* expanded).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { discoverApps, type GitOpsApp } from '../../../src/core/apps';
import { renderApp, type RenderResult } from '../../../src/core/render';
import { loadRepo, type RepoSnapshot } from '../../../src/core/repo';
import { makeRepo, realTools, type FixtureRepo } from '../../support/repos';
import { toolPath } from '../../support/tools';

const exec = promisify(execFile);
const SELF = 'https://github.com/example/argo-dirs.git';
const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  from: ${name}\n`;

function application(name: string, path: string, directory: string): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${name}
  namespace: argocd
spec:
  project: default
  source:
    repoURL: ${SELF}
    targetRevision: main
    path: ${path}
    directory:
${directory}  destination:
    server: https://kubernetes.default.svc
    namespace: ${name}
`;
}

/** The app folder (the layout of Argo CD's guestbook example plus per-region folders). */
const guestbook = {
  'guestbook/guestbook-ui-deployment.yaml': cm('deployment'),
  'guestbook/guestbook-ui-svc.yaml': cm('svc'),
  'guestbook/config.json': JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config-json' }, data: { from: 'config-json' } }),
  'guestbook/env-usw2/patch.yaml': cm('usw2'),
  'guestbook/env-use1/patch.yml': cm('use1'),
  'guestbook/docs/notes.md': '# not a manifest\n',
};

/** Each case: the `directory:` block and the files Argo CD reads, by hand from the rules. */
const CASES: { name: string; directory: string; expected: string[]; why: string }[] = [
  { name: 'all', directory: '      recurse: true\n', expected: ['config-json', 'deployment', 'svc', 'use1', 'usw2'], why: 'recurse: every yaml, yml and json file in every folder' },
  { name: 'top', directory: '      recurse: false\n', expected: ['config-json', 'deployment', 'svc'], why: 'no recurse: the folder itself only' },
  { name: 'exclude-alt', directory: "      recurse: true\n      exclude: '{config.json,env-usw2/*}'\n", expected: ['deployment', 'svc', 'use1'], why: 'the documented exclude of two patterns' },
  { name: 'include-yaml', directory: "      recurse: true\n      include: '*.yaml'\n", expected: ['deployment', 'svc', 'usw2'], why: '* crosses folders; .yml and .json are not *.yaml' },
  { name: 'include-alt', directory: "      recurse: true\n      include: '{config.json,guestbook-ui-deployment.yaml}'\n", expected: ['config-json', 'deployment'], why: 'the documented include of two files' },
  { name: 'both', directory: "      recurse: true\n      include: 'env-*/*'\n      exclude: '*.yml'\n", expected: ['usw2'], why: 'exclude is applied before include' },
  { name: 'class', directory: "      recurse: true\n      include: 'env-us[!w]?/*'\n", expected: ['use1'], why: 'a negated character class and ?' },
];

describe('Argo CD directory sources: recurse, include/exclude, jsonnet', () => {
  let r: FixtureRepo;
  let repo: RepoSnapshot;
  let apps: GitOpsApp[];
  before(async () => {
    const files: Record<string, string> = { ...guestbook };
    for (const c of CASES) files[`argocd/${c.name}.yaml`] = application(`dir-${c.name}`, 'guestbook', c.directory);
    Object.assign(files, {
      'argocd/jsonnet.yaml': application('jsonnet-guestbook', 'jsonnet/guestbook', `      jsonnet:
        tlas:
          - name: replicas
            value: "3"
            code: true
          - name: appName
            value: $ARGOCD_APP_NAME
        extVars:
          - name: env
            value: prod-\${ARGOCD_APP_NAMESPACE}
          - name: region
            value: '"eu-west-1"'
            code: true
        libs:
          - jsonnet/lib
`),
      'jsonnet/lib/labels.libsonnet': '{ labels(app, env): { app: app, env: env, team: "platform" } }\n',
      'jsonnet/guestbook/params.libsonnet': '{ port: 8080 }\n',
      'jsonnet/guestbook/main.jsonnet': `local l = import 'labels.libsonnet';
local p = import 'params.libsonnet';
function(replicas, appName) [
  {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: appName, labels: l.labels(appName, std.extVar('env')) },
    spec: { replicas: replicas, selector: { matchLabels: { app: appName } },
      template: { metadata: { labels: { app: appName } }, spec: { containers: [{ name: 'ui', image: 'gcr.io/heptio-images/ks-guestbook-demo:0.2', ports: [{ containerPort: p.port }] }] } } },
  },
  {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name: appName + '-region' },
    data: { region: std.extVar('region') },
  },
]
`,
      'jsonnet/guestbook/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: jsonnet-guestbook\nspec:\n  ports:\n    - port: 80\n      targetPort: 8080\n',
    });
    r = makeRepo('argo-dirs', files);
    repo = await loadRepo(r.root);
    apps = discoverApps(repo, []).apps;
  });
  after(() => r?.cleanup());

  const app = (name: string) => {
    const a = apps.find((x) => x.name === name);
    assert.ok(a, `no app ${name} among ${apps.map((x) => x.name).join(', ')}`);
    return a;
  };
  const ok = (res: RenderResult) => assert.equal(res.ok, true, res.problems.map((p) => `${p.code}: ${p.message}`).join('\n'));

  for (const c of CASES) {
    test(`${c.name}: ${c.why}`, async () => {
      const res = await renderApp(app(`dir-${c.name}`), repo, await realTools());
      ok(res);
      assert.deepEqual(res.resources.map((x) => String(x.object.metadata?.name)).sort(), c.expected);
    });
  }

  test('jsonnet: tlas, extVars (code and string, $ARGOCD_APP_* expanded) and libs as the jsonnet binary evaluates them; .libsonnet files are not programs', async () => {
    const jsonnet = await toolPath('jsonnet');
    const res = await renderApp(app('jsonnet-guestbook'), repo, { ...(await realTools()), jsonnet });
    ok(res);
    // Argo CD's arguments, written out: Envsubst gives ARGOCD_APP_NAME=jsonnet-guestbook, ARGOCD_APP_NAMESPACE=jsonnet-guestbook.
    const { stdout } = await exec(jsonnet, ['--jpath', r.path('jsonnet/guestbook'), '--jpath', r.path('jsonnet/lib'),
      '--tla-code', 'replicas=3', '--tla-str', 'appName=jsonnet-guestbook', '--ext-str', 'env=prod-jsonnet-guestbook', '--ext-code', 'region="eu-west-1"',
      r.path('jsonnet/guestbook/main.jsonnet')]);
    const expected = [...JSON.parse(stdout), ...parseAllDocuments(r.read('jsonnet/guestbook/service.yaml')).map((d) => d.toJS())];
    const key = (o: { kind?: unknown; metadata?: { name?: unknown } }) => `${String(o.kind)}/${String(o.metadata?.name)}`;
    assert.deepEqual(res.resources.map((x) => x.object).sort((a, b) => key(a).localeCompare(key(b))), expected.sort((a, b) => key(a).localeCompare(key(b))));
    const deploy = res.resources.find((x) => x.id.kind === 'Deployment')!;
    assert.equal((deploy.object.metadata?.labels as Record<string, string>).env, 'prod-jsonnet-guestbook');
    assert.equal(deploy.origin?.file, r.path('jsonnet/guestbook/main.jsonnet'));
    // Every file jsonnet may import is an input: editing the library re-renders the app.
    assert.ok(res.inputs.includes(r.path('jsonnet/guestbook/params.libsonnet')));
    assert.ok(res.inputs.includes(r.path('jsonnet/lib/labels.libsonnet')), 'a libs file is an input too');
  });
});
