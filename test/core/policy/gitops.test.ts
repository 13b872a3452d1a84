import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { lintRendered, mergeFindings, Linter, normalizeRepoURL } from '../../../src/core/policy';
import { parseManifestFile, type ManifestFile } from '../../../src/core/manifest';
import type { RenderedResource } from '../../../src/core/render/types';
import { argoApplication } from '../../support/manifests';
import { expectAt, goodDeployment, lintRepo, makeRepo, only, posOf, readManifestFile } from './helpers';

const REPO = 'https://github.com/acme/deploy.git';
const app = (path: string, repoURL = REPO) => argoApplication({ name: 'web', project: 'default', repoURL, targetRevision: 'main', path, server: 'https://kubernetes.default.svc', destinationNamespace: 'shop' });

test('repo URLs compare across https/ssh spellings', () => {
  assert.equal(normalizeRepoURL('git@github.com:acme/deploy.git'), normalizeRepoURL('https://github.com/acme/deploy'));
});

test('argo-source-path: a source path of this repo that does not exist', () => {
  const text = app('apps/missing');
  const { root, findings } = lintRepo({ 'argo/app.yaml': text, 'apps/web/d.yaml': goodDeployment() }, { repoURLs: ['git@github.com:acme/deploy.git'] }, 'argo/app.yaml');
  expectAt(findings, 'argo-source-path', join(root, 'argo/app.yaml'), text, 'path: apps/missing', 'error');
  assert.deepEqual(only(lintRepo({ 'a.yaml': app('apps/web'), 'apps/web/d.yaml': goodDeployment() }, { repoURLs: [REPO] }, 'a.yaml').findings, 'argo-source-path'), []);
  // Another repo's path is not ours to check.
  assert.deepEqual(only(lintRepo({ 'a.yaml': app('apps/missing', 'https://github.com/other/x') }, { repoURLs: [REPO] }).findings, 'argo-source-path'), []);
});

const fluxKs = (path: string, source: string) => `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ${path}
  prune: true
  sourceRef:
    kind: GitRepository
    name: ${source}
`;
const gitRepo = 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  interval: 1m\n  url: https://github.com/acme/deploy\n  ref: {branch: main}\n';

test('flux-path and flux-source-ref', () => {
  const text = fluxKs('./apps/nope', 'nothere');
  const { root, findings } = lintRepo({ 'clusters/ks.yaml': text, 'clusters/src.yaml': gitRepo }, {}, 'clusters/ks.yaml');
  expectAt(findings, 'flux-path', join(root, 'clusters/ks.yaml'), text, 'path: ./apps/nope', 'error');
  expectAt(findings, 'flux-source-ref', join(root, 'clusters/ks.yaml'), text, 'name: nothere', 'error');
  const ok = lintRepo({ 'clusters/ks.yaml': fluxKs('./apps', 'flux-system'), 'clusters/src.yaml': gitRepo, 'apps/d.yaml': goodDeployment() }, {}, 'clusters/ks.yaml');
  assert.deepEqual(ok.findings.filter((f) => f.ruleId.startsWith('flux')), []);
});

test('kustomize-missing-file: resources, patches, components, generator files', () => {
  const k = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deploy.yaml\n  - gone.yaml\n  - https://github.com/acme/x//base?ref=v1\npatches:\n  - path: patch-missing.yaml\ncomponents:\n  - ../components/nope\nconfigMapGenerator:\n  - name: cfg\n    files:\n      - app.conf\n      - key=missing.conf\n';
  const { root, findings } = lintRepo({ 'base/kustomization.yaml': k, 'base/deploy.yaml': goodDeployment(), 'base/app.conf': 'x' }, {}, 'base/kustomization.yaml');
  const fs = only(findings, 'kustomize-missing-file');
  assert.deepEqual(fs.map((f) => f.range.start), [posOf(k, 'gone.yaml'), posOf(k, 'path: patch-missing'), posOf(k, '../components/nope'), posOf(k, 'key=missing.conf')]);
  assert.ok(fs.every((f) => f.file === join(root, 'base/kustomization.yaml') && f.severity === 'error'));
});

test('duplicate-resource within one file', () => {
  const text = goodDeployment() + '---\n' + goodDeployment();
  const { root, findings } = lintRepo({ 'd.yaml': text });
  expectAt(findings, 'duplicate-resource', join(root, 'd.yaml'), text, 'name: web', 'error', 1);
});

test('rendered output maps to the origin line and is not duplicated when raw and rendered agree', () => {
  const base = goodDeployment().replace('registry.example.com/web:1.2.3', 'nginx:latest');
  const root = makeRepo({ 'base/d.yaml': base });
  const file = readManifestFile(join(root, 'base/d.yaml'));
  const linter = new Linter({ root });
  linter.updateFile(file);
  const raw = linter.lintFile(file);
  const doc = file.documents[0];
  // An overlay renamed it and added a hostPort the base does not have.
  const obj = structuredClone(doc.object!) as any;
  obj.metadata.name = 'prod-web';
  obj.spec.template.spec.containers[0].ports[0].hostPort = 80;
  const r: RenderedResource = { object: obj, id: { ...doc.id!, name: 'prod-web' }, origin: { file: file.file, docIndex: 0, range: doc.range, via: 'kustomize-origin' } };
  const dup: RenderedResource = { ...r, origin: { ...r.origin!, via: 'identity' } };
  const files = new Map<string, ManifestFile>([[file.file, file]]);
  const rendered = lintRendered(linter, [r, dup], { appId: 'kustomize/overlays/prod', fileFor: (p) => files.get(p) });
  // image-tag is at the exact origin field.
  const tag = only(rendered, 'image-tag');
  assert.ok(tag.length >= 1 && tag.every((f) => f.range.start.line === posOf(base, 'image: nginx:latest').line && f.file === file.file));
  // hostPort is not in the origin document: reported at the origin document.
  const hp = only(rendered, 'host-port')[0];
  assert.deepEqual(hp.range.start, doc.range.start);
  assert.equal(hp.rendered?.appId, 'kustomize/overlays/prod');
  assert.equal(only(rendered, 'duplicate-resource').length, 1);
  const merged = mergeFindings(raw, rendered);
  assert.equal(only(merged, 'image-tag').length, 1);
  assert.equal(only(merged, 'host-port').length, 1);
});

test('dangling-service and PDB vs replicas need the whole app (rendered)', () => {
  const svc = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  namespace: shop\nspec:\n  selector:\n    app: nothing\n  ports: [{port: 80}]\n';
  const pdb = 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: p\n  namespace: shop\nspec:\n  minAvailable: 2\n  selector:\n    matchLabels: {app: web}\n';
  const files = new Map<string, ManifestFile>();
  const res: RenderedResource[] = [];
  for (const [name, text] of [['/r/s.yaml', svc], ['/r/p.yaml', pdb], ['/r/d.yaml', goodDeployment()]]) {
    const f = parseManifestFile(name, text);
    files.set(name, f);
    res.push({ object: f.documents[0].object!, id: f.documents[0].id!, origin: { file: name, docIndex: 0, range: f.documents[0].range, via: 'file' } });
  }
  const out = lintRendered(new Linter({ root: '/r' }), res, { appId: 'a', fileFor: (p) => files.get(p) });
  assert.deepEqual(only(out, 'dangling-service').map((f) => [f.file, f.range.start]), [['/r/s.yaml', posOf(svc, 'selector:')]]);
  assert.deepEqual(only(out, 'pdb-blocks-eviction').map((f) => [f.file, f.range.start]), [['/r/p.yaml', posOf(pdb, 'minAvailable: 2')]]);
  const svcOk = svc.replace('app: nothing', 'app: web');
  const f2 = parseManifestFile('/r/s.yaml', svcOk);
  files.set('/r/s.yaml', f2);
  res[0] = { ...res[0], object: f2.documents[0].object! };
  assert.deepEqual(only(lintRendered(new Linter({ root: '/r' }), res, { appId: 'a', fileFor: (p) => files.get(p) }), 'dangling-service'), []);
});
