// examples/gitops-repo is what `npm start` and the editor's E2E tests open: keep it valid.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { discoverApps, type Discovery } from '../../../src/core/apps';
import { isNamespacedKind, parseManifestFile } from '../../../src/core/manifest';
import { renderApp, type RenderResult, type Toolchain } from '../../../src/core/render';
import { loadRepo, type RepoSnapshot } from '../../../src/core/repo';
import { makeRepo, realTools, type Files, type FixtureRepo } from '../../support/repos';

const EXAMPLE = join(process.cwd(), 'examples', 'gitops-repo');

function exampleFiles(dir = EXAMPLE, out: Files = {}): Files {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) exampleFiles(p, out);
    else out[relative(EXAMPLE, p)] = readFileSync(p, 'utf8');
  }
  return out;
}

describe('examples/gitops-repo', () => {
  let r: FixtureRepo;
  let repo: RepoSnapshot;
  let d: Discovery;
  let tools: Toolchain;
  const rendered = new Map<string, RenderResult>();
  before(async () => {
    tools = await realTools();
    r = makeRepo('gitops-repo', exampleFiles());
    repo = await loadRepo(r.root);
    d = discoverApps(repo, [{ name: 'admin', cluster: 'admin', user: 'admin', server: 'https://127.0.0.1:6443' }]);
    for (const a of d.apps) rendered.set(a.id, await renderApp(a, repo, tools));
  });
  after(() => r.cleanup());

  test('is small and every YAML file parses', () => {
    const files = Object.keys(exampleFiles());
    assert.ok(files.length <= 25, `${files.length} files`);
    for (const f of files.filter((x) => x.endsWith('.yaml') && !x.includes('templates/'))) {
      const parsed = parseManifestFile(f, readFileSync(join(EXAMPLE, f), 'utf8'));
      assert.deepEqual(parsed.documents.flatMap((x) => x.problems), [], f);
    }
  });

  test('four apps, one per flavour, all mapped to the admin context', () => {
    assert.deepEqual(d.apps.map((a) => `${a.id} ${a.kind} ${a.sources[0].renderer}`).sort(), [
      'argocd/argocd/hello argo-application helm',
      'argocd/argocd/shop argo-application kustomize',
      'flux/flux/ks/flux-system/blog flux-kustomization kustomize',
      'kustomize/platform kustomize kustomize',
    ]);
    for (const a of d.apps) {
      assert.deepEqual(a.problems, [], a.id);
      assert.equal(a.destination.context, 'admin', a.id);
    }
    assert.deepEqual(d.unsupported, []);
  });

  test('a copy without the git remote still knows its sources from gitops-lens.yaml', async () => {
    const noRemote = { ...repo, remotes: [] };
    const again = discoverApps(noRemote, []);
    // All four apps, each source a folder of this copy: repoURL in gitops-lens.yaml names this repo.
    assert.deepEqual(again.apps.map((a) => a.id).sort(), ['argocd/argocd/hello', 'argocd/argocd/shop', 'flux/flux/ks/flux-system/blog', 'kustomize/platform']);
    for (const a of again.apps) {
      assert.ok(a.sources.length > 0, a.id);
      for (const s of a.sources) {
        assert.equal(s.local, true, `${a.id}: ${s.repoURL}`);
        assert.ok(s.dir?.startsWith(r.root + '/'), `${a.id}: ${s.dir}`);
      }
    }
  });

  test('every app renders; namespaces as declared; built-in kinds only', () => {
    for (const [id, res] of rendered) {
      assert.deepEqual(res.problems, [], id);
      for (const x of res.resources) assert.notEqual(isNamespacedKind(x.id.group, x.id.kind), undefined, `${id}: ${x.id.group}/${x.id.kind} needs a CRD`);
    }
    const names = (id: string) => rendered.get(id)!.resources.map((x) => `${x.id.kind}/${x.id.namespace ?? ''}/${x.id.name}`).sort();
    assert.deepEqual(names('argocd/argocd/shop'), ['Deployment/shop/frontend', 'Namespace//shop', 'Service/shop/frontend']);
    assert.deepEqual(names('argocd/argocd/hello'), ['Deployment//hello', 'Service//hello']);
    assert.deepEqual(names('flux/flux/ks/flux-system/blog'), ['Deployment/blog/blog', 'Service/blog/blog']);
    assert.deepEqual(names('kustomize/platform'), ['Namespace//blog', 'Namespace//hello', 'ValidatingAdmissionPolicy//require-team-label', 'ValidatingAdmissionPolicyBinding//require-team-label']);
  });

  test('Flux substitution: numbers where Kubernetes wants numbers, the title as a string', () => {
    const dep = rendered.get('flux/flux/ks/flux-system/blog')!.resources.find((x) => x.id.kind === 'Deployment')!.object as unknown as { spec: { replicas: unknown; template: { spec: { containers: { env: { value: unknown }[]; ports: { containerPort: unknown }[] }[] } } } };
    assert.equal(dep.spec.replicas, 2);
    assert.equal(dep.spec.template.spec.containers[0].env[0].value, 'GitOps Lens blog');
    assert.equal(dep.spec.template.spec.containers[0].ports[0].containerPort, 2368);
  });

  test('the deliberate findings are where the README says', () => {
    const shop = rendered.get('argocd/argocd/shop')!.resources.find((x) => x.id.kind === 'Deployment')!;
    assert.equal(shop.origin?.file, r.path('apps/shop/base/deployment.yaml'));
    assert.match(JSON.stringify(shop.object), /"privileged":true/);
    assert.match(JSON.stringify(rendered.get('flux/flux/ks/flux-system/blog')!.resources), /ghost:latest/);
    const hello = rendered.get('argocd/argocd/hello')!.resources.find((x) => x.id.kind === 'Deployment')!;
    assert.equal(JSON.stringify(hello.object).includes('"resources"'), false);
    assert.equal(hello.origin?.file, r.path('charts/hello/templates/deployment.yaml'));
  });
});
