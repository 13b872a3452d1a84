import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { discoverApps } from '../../../src/core/apps';
import { parseManifestFile, type ManifestFile } from '../../../src/core/manifest';
import { renderApp, type Toolchain } from '../../../src/core/render';
import { locateField } from '../../../src/core/render/field-origin';
import { loadRepo } from '../../../src/core/repo';
import { kustomizeRepo, realTools, type FixtureRepo } from '../../support/repos';
import { readFileSync } from 'node:fs';

let tools: Toolchain;
let r: FixtureRepo;
before(async () => {
  tools = await realTools();
  r = kustomizeRepo();
});
after(() => r.cleanup());

const fileFor = (p: string): ManifestFile | undefined => parseManifestFile(p, readFileSync(p, 'utf8'));
const lineOf = (file: string, text: string) => r.read(file).split('\n').findIndex((l) => l.trim() === text);

test('a field set by a kustomize patch is located in the patch; one written in the base stays in the base', async () => {
  const repo = await loadRepo(r.root);
  const app = discoverApps(repo).apps.find((a) => a.id === 'kustomize/overlays/prod')!;
  const res = await renderApp(app, repo, tools);
  assert.ok(res.ok, JSON.stringify(res.problems));
  const web = res.resources.find((x) => x.id.kind === 'Deployment')!;
  assert.equal(web.origin?.file, r.path('base/deploy.yaml'));
  // The rendered value comes from the patch (5), not from the base.
  assert.equal((web.object.spec as { replicas: number }).replicas, 5);
  const replicas = locateField(web, ['spec', 'replicas'], res.inputs, fileFor)!;
  assert.equal(replicas.file, r.path('overlays/prod/replicas.yaml'));
  assert.equal(replicas.range.start.line, lineOf('overlays/prod/replicas.yaml', 'replicas: 5'));
  const selector = locateField(web, ['spec', 'selector'], res.inputs, fileFor)!;
  assert.equal(selector.file, r.path('base/deploy.yaml'));
});
