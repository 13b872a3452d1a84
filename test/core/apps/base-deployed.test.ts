// A kustomization that one app uses as a base while another app deploys it on its own (a dev
// cluster running the base, prod an overlay of it) stays an app of that other app, whatever
// declares it: an Argo CD Application, a Flux Kustomization, or gitops-lens.yaml. A base only
// used by overlays is no app of its own. Expected apps written from the fixture; renders
// checked against kustomize build of the same folders.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { discoverApps, type GitOpsApp } from '../../../src/core/apps';
import { renderApp } from '../../../src/core/render';
import { loadRepo, type RepoSnapshot } from '../../../src/core/repo';
import { makeRepo, realTools, type FixtureRepo } from '../../support/repos';
import { toolPath } from '../../support/tools';

const exec = promisify(execFile);
const SELF = 'https://github.com/example/bases.git';

const base = (name: string) => ({
  [`${name}/base/kustomization.yaml`]: 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment.yaml\n',
  [`${name}/base/deployment.yaml`]: `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name.split('/').pop()}\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: x\n  template:\n    metadata:\n      labels:\n        app: x\n    spec:\n      containers:\n        - name: x\n          image: nginx:1.27\n`,
});
const overlay = (dir: string, ns: string) => ({
  [`${dir}/kustomization.yaml`]: `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: ${ns}\nresources:\n  - ../../base\nreplicas:\n  - name: ${dir.split('/')[1]}\n    count: 3\n`,
});
const argoApp = (name: string, path: string) => `apiVersion: argoproj.io/v1alpha1
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
  destination:
    server: https://kubernetes.default.svc
    namespace: ${name}
`;

describe('a kustomization used as a base by one app and deployed on its own by another', () => {
  let r: FixtureRepo;
  let repo: RepoSnapshot;
  let apps: GitOpsApp[];
  before(async () => {
    r = makeRepo('bases', {
      'gitops-lens.yaml': `repoURL: ${SELF}\napps:\n  - name: infra-dev\n    path: apps/infra/base\n`,
      // Argo CD: prod deploys the overlay, dev the base itself.
      ...base('apps/podinfo'), ...overlay('apps/podinfo/overlays/prod', 'prod'),
      'argocd/podinfo-prod.yaml': argoApp('podinfo-prod', 'apps/podinfo/overlays/prod'),
      'argocd/podinfo-dev.yaml': argoApp('podinfo-dev', 'apps/podinfo/base'),
      // Flux: the dev cluster's Kustomization applies the base; prod's overlay is a plain root.
      ...base('apps/platform'), ...overlay('apps/platform/overlays/prod', 'platform'),
      'clusters/dev/flux-system/gotk-sync.yaml': `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  url: ${SELF}\n  ref:\n    branch: main\n`,
      'clusters/dev/platform.yaml': 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: platform\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./apps/platform/base\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n',
      // gitops-lens.yaml: infra's base is an app of its own; its staging overlay a plain root.
      ...base('apps/infra'), ...overlay('apps/infra/overlays/staging', 'infra'),
      // A base used only by an overlay: no app of its own.
      ...base('apps/tools'), ...overlay('apps/tools/overlays/prod', 'tools'),
    });
    repo = await loadRepo(r.root);
    apps = discoverApps(repo, []).apps;
  });
  after(() => r?.cleanup());

  const sourcesOf = (pred: (a: GitOpsApp) => boolean) => apps.filter(pred).map((a) => a.sources.map((s) => s.path?.replace(/^\.\//, '')).join(','));

  test('each app that deploys the base on its own is listed, next to the app of its overlay', () => {
    assert.deepEqual(sourcesOf((a) => a.kind === 'argo-application').sort(), ['apps/podinfo/base', 'apps/podinfo/overlays/prod']);
    assert.deepEqual(sourcesOf((a) => a.kind === 'flux-kustomization'), ['apps/platform/base']);
    const plain = apps.filter((a) => a.kind === 'kustomize' || a.kind === 'directory').map((a) => `${a.id} ${a.name}`).sort();
    assert.deepEqual(plain, [
      'kustomize/apps/infra/base infra-dev',
      'kustomize/apps/infra/overlays/staging apps/infra/overlays/staging',
      'kustomize/apps/platform/overlays/prod apps/platform/overlays/prod',
      'kustomize/apps/tools/overlays/prod apps/tools/overlays/prod',
    ]);
    assert.ok(!apps.some((a) => a.id === 'kustomize/apps/tools/base'), 'a base only used by an overlay is no app');
    assert.ok(!apps.some((a) => a.id === 'kustomize/apps/podinfo/base' || a.id === 'kustomize/apps/platform/base'), 'and no second, plain app of a base an app already deploys');
  });

  test('the base app and the overlay app render as kustomize builds them', async () => {
    const tools = await realTools();
    const kustomize = await toolPath('kustomize');
    for (const [name, dir] of [['podinfo-dev', 'apps/podinfo/base'], ['podinfo-prod', 'apps/podinfo/overlays/prod'], ['infra-dev', 'apps/infra/base']]) {
      const app = apps.find((a) => a.name === name)!;
      const res = await renderApp(app, repo, tools);
      assert.equal(res.ok, true, res.problems.map((p) => p.message).join('\n'));
      const { stdout } = await exec(kustomize, ['build', r.path(dir)]);
      assert.deepEqual(res.resources.map((x) => x.object), parseAllDocuments(stdout).map((d) => d.toJS()), name);
    }
    const flux = apps.find((a) => a.kind === 'flux-kustomization')!;
    const res = await renderApp(flux, repo, tools);
    assert.equal(res.ok, true, res.problems.map((p) => p.message).join('\n'));
    assert.deepEqual(res.resources.map((x) => `${x.id.kind}/${x.id.name}`), ['Deployment/platform']);
  });
});
