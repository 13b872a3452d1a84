// Adopt Live's file change, planned at the origin of each kind: the whole repo tree before and
// after differs in exactly one line (or, for an app-specific override, only in added lines of
// this app's own file), every other byte kept; the real tools render the new value from it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { discoverApps } from '../../../../src/core/apps';
import { diffLines } from '../../../../src/core/diff/unified';
import type { JsonPath } from '../../../../src/core/manifest';
import { renderApp, type Toolchain } from '../../../../src/core/render';
import { planValueWrite, type ValueEdit } from '../../../../src/core/render/provenance/write';
import { loadRepo } from '../../../../src/core/repo';
import { realTools, type FixtureRepo } from '../../../support/repos';
import { fluxFleet, shopFleet, webFleet } from './fixtures';
import { kustomizeValue, nameMatches, pipelineValue, variant } from './support';

let tools: Toolchain;
let shop: FixtureRepo;
let web: FixtureRepo;
let flux: FixtureRepo;
before(async () => {
  tools = await realTools();
  shop = shopFleet();
  web = webFleet();
  flux = fluxFleet();
});
after(() => { shop.cleanup(); web.cleanup(); flux.cleanup(); });

function tree(root: string, dir = root, out = new Map<string, string>()): Map<string, string> {
  for (const n of readdirSync(dir)) {
    if (n === '.git') continue;
    const p = join(dir, n);
    if (statSync(p).isDirectory()) tree(root, p, out);
    else out.set(relative(root, p), readFileSync(p, 'utf8'));
  }
  return out;
}

/** Every changed line of the tree: `file: -old` / `file: +new`. */
function treeDiff(a: Map<string, string>, b: Map<string, string>): string[] {
  const out: string[] = [];
  for (const f of new Set([...a.keys(), ...b.keys()])) {
    if (a.get(f) === b.get(f)) continue;
    for (const op of diffLines((a.get(f) ?? '').split('\n'), (b.get(f) ?? '').split('\n'))) if (op.t !== ' ') out.push(`${f}: ${op.t}${op.line}`);
  }
  return out;
}

async function plan(r: FixtureRepo, appId: string, kind: string, name: string, path: JsonPath, value: unknown) {
  const repo = await loadRepo(r.root);
  const apps = discoverApps(repo).apps;
  const app = apps.find((a) => a.id === appId)!;
  const render = await renderApp(app, repo, tools);
  const index = render.resources.findIndex((x) => x.object.kind === kind && nameMatches(name, x.object.metadata?.name));
  assert.ok(index >= 0, `${kind}/${name}`);
  const otherApps = await Promise.all(apps.filter((a) => a.id !== appId && a.sources.some((s) => s.local)).map(async (a) => {
    const rendered = await renderApp(a, repo, tools);
    return { app: a, render: rendered, files: [...rendered.inputs, ...(a.declaredIn ? [a.declaredIn.file] : [])] };
  }));
  const p = await planValueWrite({ app, render, repo, tools }, index, path, value, { otherApps });
  assert.ok(!('reason' in p && !('provenance' in p)), JSON.stringify(p));
  return p as Exclude<typeof p, { reason: string } & { provenance?: never }> & { provenance: unknown };
}

/** Applies an edit to a copy of the fixture; returns the tree diff and the copy. */
function applied(r: FixtureRepo, e: ValueEdit) {
  const v = variant(r, []);
  const rel = relative(r.root, e.file);
  const before = tree(v.root);
  assert.equal(readFileSync(join(v.root, rel), 'utf8'), e.before, 'the edit starts from the file as it is');
  writeFileSync(join(v.root, rel), e.after);
  return { ...v, diff: treeDiff(before, tree(v.root)) };
}

interface Case { title: string; repo: () => FixtureRepo; app: string; kind?: string; name: string; path: JsonPath; value: unknown; line: [string, string, string]; shared?: RegExp }

const replicas = ['spec', 'replicas'];
const ov = (o: string) => `apps/shop/overlays/${o}`;
const cases: Case[] = [
  { title: 'README: the overlay patch\'s replicas line', repo: () => shop, app: `kustomize/${ov('prod')}`, name: 'frontend', path: replicas, value: 5, line: [`${ov('prod')}/replicas.yaml`, '  replicas: 3', '  replicas: 5'] },
  { title: 'an inline JSON6902 patch\'s value', repo: () => shop, app: `kustomize/${ov('json-inline')}`, name: 'frontend', path: replicas, value: 9, line: [`${ov('json-inline')}/kustomization.yaml`, '        value: 4', '        value: 9'] },
  { title: 'the kustomization replicas count', repo: () => shop, app: `kustomize/${ov('fields')}`, name: 'edge-frontend', path: replicas, value: 8, line: [`${ov('fields')}/kustomization.yaml`, '    count: 7', '    count: 8'] },
  { title: 'the images newTag (the part of the image the live value changes)', repo: () => shop, app: `kustomize/${ov('fields')}`, name: 'edge-frontend', path: ['spec', 'template', 'spec', 'containers', 0, 'image'], value: 'nginx:1.30.0', line: [`${ov('fields')}/kustomization.yaml`, '    newTag: 1.28.0', '    newTag: 1.30.0'] },
  { title: 'a generator literal (only the value part of KEY=value)', repo: () => shop, app: `kustomize/${ov('generated')}`, kind: 'ConfigMap', name: 'shop-config-*', path: ['data', 'MODE'], value: 'api', line: [`${ov('generated')}/kustomization.yaml`, '      - MODE=web', '      - MODE=api'] },
  { title: 'an env file line', repo: () => shop, app: `kustomize/${ov('generated')}`, kind: 'ConfigMap', name: 'shop-config-*', path: ['data', 'REGION'], value: 'us', line: [`${ov('generated')}/app.env`, 'REGION=eu', 'REGION=us'] },
  { title: 'Argo CD valuesObject', repo: () => web, app: 'argocd/argocd/web-object', name: 'web-object', path: replicas, value: 7, line: ['argocd/web-object.yaml', '        replicaCount: 2', '        replicaCount: 7'] },
  { title: 'Argo CD helm.values (inside the YAML string)', repo: () => web, app: 'argocd/argocd/web-string', name: 'web-string', path: replicas, value: 8, line: ['argocd/web-string.yaml', '        replicaCount: 4', '        replicaCount: 8'] },
  { title: 'Argo CD helm parameter (stays a quoted string)', repo: () => web, app: 'argocd/argocd/web-param', name: 'web-param', path: replicas, value: 9, line: ['argocd/web-param.yaml', '          value: "5"', '          value: "9"'] },
  { title: 'Flux postBuild.substitute (stays a quoted string)', repo: () => flux, app: 'flux/clusters/prod/ks/flux-system/blog', name: 'blog', path: replicas, value: 5, line: ['clusters/prod/blog.yaml', '      replicas: "2"', '      replicas: "5"'] },
  { title: 'Flux HelmRelease values', repo: () => flux, app: 'flux/clusters/prod/hr/flux-system/web', name: 'web-web', path: replicas, value: 4, line: ['clusters/prod/web.yaml', '    replicaCount: 6', '    replicaCount: 4'] },
];

describe('Adopt Live at the origin: the exact file change, rendered back by the real tools', () => {
  for (const c of cases) {
    test(c.title, async () => {
      const r = c.repo();
      const kind = c.kind ?? 'Deployment';
      const p = await plan(r, c.app, kind, c.name, c.path, c.value);
      assert.ok(p.atOrigin, `no edit: ${p.reason}`);
      assert.deepEqual(p.sharedWith, []);
      const v = applied(r, p.atOrigin);
      try {
        assert.deepEqual(v.diff, [`${c.line[0]}: -${c.line[1]}`, `${c.line[0]}: +${c.line[2]}`]);
        assert.equal(p.atOrigin.line, r.read(c.line[0]).split('\n').indexOf(c.line[1]) + 1);
        const got = c.app.startsWith('kustomize/') ? kustomizeValue(tools.kustomize!, join(v.root, c.app.slice('kustomize/'.length)), kind, c.name, c.path) : await pipelineValue(v.root, tools, c.app, kind, c.name, c.path);
        assert.deepEqual(got, c.value);
      } finally { v.cleanup(); }
    });
  }

  test('Helm: the composed image\'s tag in the chart values keeps its quotes', async () => {
    const p = await plan(web, 'argocd/argocd/web-plain', 'Deployment', 'web-plain', ['spec', 'template', 'spec', 'containers', 0, 'image'], 'ghcr.io/example/web:2.1.0');
    // The chart's values.yaml is read by every web-* app: the edit there is shared, so an override is offered.
    assert.deepEqual(p.sharedWith.sort(), ['argocd/argocd/web-file', 'argocd/argocd/web-object', 'argocd/argocd/web-param', 'argocd/argocd/web-string']);
    assert.ok(p.atOrigin);
    const v = applied(web, p.atOrigin);
    try {
      assert.deepEqual(v.diff, ['charts/web/values.yaml: -  tag: "2.0.0"', 'charts/web/values.yaml: +  tag: "2.1.0"']);
    } finally { v.cleanup(); }
    assert.ok(p.override, p.overrideReason);
    const o = applied(web, p.override);
    try {
      assert.deepEqual(o.diff, ['argocd/web-plain.yaml: +      valuesObject:', 'argocd/web-plain.yaml: +        image:', 'argocd/web-plain.yaml: +          tag: 2.1.0']);
      assert.equal(await pipelineValue(o.root, tools, 'argocd/argocd/web-plain', 'Deployment', 'web-plain', ['spec', 'template', 'spec', 'containers', 0, 'image']), 'ghcr.io/example/web:2.1.0');
      // The other apps over the chart keep their value.
      assert.equal(await pipelineValue(o.root, tools, 'argocd/argocd/web-object', 'Deployment', 'web-object', ['spec', 'template', 'spec', 'containers', 0, 'image']), 'ghcr.io/example/web:2.0.0');
    } finally { o.cleanup(); }
  });

  test('a base shared by several overlays: the apps that change are named, and a patch in this overlay is offered', async () => {
    const image = ['spec', 'template', 'spec', 'containers', 0, 'image'];
    const p = await plan(shop, `kustomize/${ov('prod')}`, 'Deployment', 'frontend', image, 'nginx:1.27.4');
    assert.ok(p.atOrigin);
    assert.equal(relative(shop.root, p.atOrigin.file), 'apps/shop/base/deployment.yaml');
    // Every overlay over the base changes — except `fields`, whose images transformer sets its own tag.
    assert.deepEqual(p.sharedWith, ['generated', 'json-file', 'json-inline', 'nested', 'selector', 'smp-inline', 'with-component'].map((o) => `kustomize/${ov(o)}`));
    assert.ok(p.override, p.overrideReason);
    const o = applied(shop, p.override);
    try {
      const k = `${ov('prod')}/kustomization.yaml`;
      assert.deepEqual(o.diff, [
        `${k}: +  - target:`, `${k}: +      group: apps`, `${k}: +      version: v1`, `${k}: +      kind: Deployment`, `${k}: +      name: frontend`,
        `${k}: +    patch: |-`, `${k}: +      - op: replace`, `${k}: +        path: /spec/template/spec/containers/0/image`, `${k}: +        value: nginx:1.27.4`,
      ]);
      assert.equal(kustomizeValue(tools.kustomize!, join(o.root, ov('prod')), 'Deployment', 'frontend', image), 'nginx:1.27.4');
      assert.equal(kustomizeValue(tools.kustomize!, join(o.root, ov('json-inline')), 'Deployment', 'frontend', image), 'nginx:1.27.3', 'another overlay keeps the base value');
    } finally { o.cleanup(); }
  });

  test('a value computed by a template function is not written anywhere, and says why', async () => {
    const p = await plan(web, 'argocd/argocd/web-plain', 'Deployment', 'web-plain', ['spec', 'template', 'spec', 'containers', 0, 'ports', 0, 'containerPort'], 8081);
    assert.equal(p.atOrigin, undefined);
    assert.match(p.reason ?? '', /computed by a template function \(from service\.port\)/);
  });
});
