// Provenance of kustomize-rendered fields, one origin kind per case. Each case names the line
// that must be the origin (a fact of the fixture), then proves it with the real kustomize:
// changing the value on that line changes the rendered field, changing an overridden line
// does not.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { valueAtPath, type JsonPath } from '../../../../src/core/manifest';
import { describeProvenance } from '../../../../src/core/render/provenance';
import type { Toolchain } from '../../../../src/core/render';
import { realTools, type FixtureRepo } from '../../../support/repos';
import { shopFleet } from './fixtures';
import { at, explainOne, kustomizeValue, lineOf, rel, variant } from './support';

let tools: Toolchain;
let r: FixtureRepo;
before(async () => {
  tools = await realTools();
  r = shopFleet();
});
after(() => r.cleanup());

interface Place { file: string; line: string; nth?: number }
interface Case {
  title: string;
  overlay: string;
  kind?: string;
  /** The rendered name (prefix included); `*` at the end matches a generator's hash suffix. */
  name?: string;
  path: JsonPath;
  origin: Place;
  /** The origin line as changed for the oracle, and the value the field must then render. */
  mutate: { to: string; value: unknown };
  label?: RegExp;
  overridden?: Place[];
  /** The origin is one part of a composed value (images newTag, namePrefix). */
  composed?: boolean;
}

const base = 'apps/shop/base/deployment.yaml';
const ov = (o: string) => `apps/shop/overlays/${o}`;

const cases: Case[] = [
  { title: 'a strategic-merge patch file (README: overlay replicas.yaml over the base)', overlay: 'prod', path: ['spec', 'replicas'], origin: { file: `${ov('prod')}/replicas.yaml`, line: 'replicas: 3' }, mutate: { to: 'replicas: 13', value: 13 }, label: /^patch$/, overridden: [{ file: base, line: 'replicas: 1' }] },
  { title: 'the base document when nothing patches it', overlay: 'prod', path: ['spec', 'template', 'spec', 'containers', 0, 'image'], origin: { file: base, line: 'image: nginx:1.27.3' }, mutate: { to: 'image: nginx:1.29.9', value: 'nginx:1.29.9' }, label: /^resource$/ },
  { title: 'an inline JSON6902 patch in kustomization.yaml', overlay: 'json-inline', path: ['spec', 'replicas'], origin: { file: `${ov('json-inline')}/kustomization.yaml`, line: 'value: 4' }, mutate: { to: 'value: 14', value: 14 }, label: /inline patch replace \/spec\/replicas/, overridden: [{ file: base, line: 'replicas: 1' }] },
  { title: 'a JSON6902 patch file', overlay: 'json-file', path: ['spec', 'replicas'], origin: { file: `${ov('json-file')}/replicas.json6902.yaml`, line: 'value: 5' }, mutate: { to: 'value: 15', value: 15 }, overridden: [{ file: base, line: 'replicas: 1' }] },
  { title: 'an inline strategic-merge patch', overlay: 'smp-inline', path: ['spec', 'replicas'], origin: { file: `${ov('smp-inline')}/kustomization.yaml`, line: 'replicas: 6' }, mutate: { to: 'replicas: 16', value: 16 }, overridden: [{ file: base, line: 'replicas: 1' }] },
  { title: 'an inline strategic-merge patch of a list item (env by name)', overlay: 'smp-inline', path: ['spec', 'template', 'spec', 'containers', 0, 'env', 0, 'value'], origin: { file: `${ov('smp-inline')}/kustomization.yaml`, line: 'value: debug' }, mutate: { to: 'value: trace', value: 'trace' } },
  { title: 'the kustomization replicas field', overlay: 'fields', name: 'edge-frontend', path: ['spec', 'replicas'], origin: { file: `${ov('fields')}/kustomization.yaml`, line: 'count: 7' }, mutate: { to: 'count: 17', value: 17 }, label: /^replicas$/, overridden: [{ file: base, line: 'replicas: 1' }] },
  { title: 'the images transformer (newTag, composed with the base image name)', overlay: 'fields', name: 'edge-frontend', path: ['spec', 'template', 'spec', 'containers', 0, 'image'], origin: { file: `${ov('fields')}/kustomization.yaml`, line: 'newTag: 1.28.0' }, mutate: { to: 'newTag: 1.30.1', value: 'nginx:1.30.1' }, composed: true, label: /images nginx newTag/ },
  { title: 'commonAnnotations', overlay: 'fields', name: 'edge-frontend', path: ['metadata', 'annotations', 'owner'], origin: { file: `${ov('fields')}/kustomization.yaml`, line: 'owner: web-team' }, mutate: { to: 'owner: ops-team', value: 'ops-team' } },
  { title: 'the namespace transformer', overlay: 'fields', name: 'edge-frontend', path: ['metadata', 'namespace'], origin: { file: `${ov('fields')}/kustomization.yaml`, line: 'namespace: edge' }, mutate: { to: 'namespace: edge2', value: 'edge2' } },
  { title: 'the labels transformer in the base kustomization', overlay: 'prod', path: ['metadata', 'labels', 'app.kubernetes.io/part-of'], origin: { file: 'apps/shop/base/kustomization.yaml', line: 'app.kubernetes.io/part-of: shop' }, mutate: { to: 'app.kubernetes.io/part-of: mall', value: 'mall' } },
  { title: 'a configMapGenerator literal', overlay: 'generated', kind: 'ConfigMap', name: 'shop-config-*', path: ['data', 'MODE'], origin: { file: `${ov('generated')}/kustomization.yaml`, line: '- MODE=web' }, mutate: { to: '- MODE=api', value: 'api' } },
  { title: 'a configMapGenerator env file', overlay: 'generated', kind: 'ConfigMap', name: 'shop-config-*', path: ['data', 'REGION'], origin: { file: `${ov('generated')}/app.env`, line: 'REGION=eu' }, mutate: { to: 'REGION=us', value: 'us' } },
  { title: 'a configMapGenerator file', overlay: 'generated', kind: 'ConfigMap', name: 'shop-config-*', path: ['data', 'motd.txt'], origin: { file: `${ov('generated')}/motd.txt`, line: 'Welcome to the shop' }, mutate: { to: 'Closed today', value: 'Closed today\n' } },
  { title: 'a component\'s patch', overlay: 'with-component', path: ['metadata', 'annotations', 'tracing'], origin: { file: 'apps/shop/components/tracing/tracing.yaml', line: 'tracing: enabled' }, mutate: { to: 'tracing: sampled', value: 'sampled' } },
  { title: 'a patch selected by a label whose value equals the field\'s: the patch, not the base that writes the same value', overlay: 'selector', path: ['metadata', 'annotations', 'note'], origin: { file: `${ov('selector')}/kustomization.yaml`, line: 'note: storefront' }, mutate: { to: 'note: curbside', value: 'curbside' }, overridden: [{ file: base, line: 'note: storefront' }] },
  { title: 'a nested overlay: the intermediate overlay\'s patch', overlay: 'nested', path: ['spec', 'replicas'], origin: { file: `${ov('mid')}/replicas.yaml`, line: 'replicas: 2' }, mutate: { to: 'replicas: 12', value: 12 }, overridden: [{ file: base, line: 'replicas: 1' }] },
];

describe('kustomize origins (proved with kustomize build on a changed copy)', () => {
  for (const c of cases) {
    test(c.title, async () => {
      const kind = c.kind ?? 'Deployment';
      const appId = `kustomize/${ov(c.overlay)}`;
      const wanted = c.name ?? 'frontend';
      const ex = await explainOne(r.root, tools, appId, kind, wanted, c.path);
      const p = ex.prov;
      assert.ok(p, 'no provenance');
      assert.equal(p.method, 'traced');
      const line = lineOf(r, c.origin.file, c.origin.line, c.origin.nth);
      const first = c.composed ? p.chain.find((w) => w.file === r.path(c.origin.file)) : p.chain[0];
      assert.equal(at(r, first), `${c.origin.file}:${line + 1}`, describeProvenance(p, rel(r)));
      if (c.composed) assert.ok(p.composed && p.composed.length > 1, 'a composed value');
      if (c.label) assert.match(first!.label, c.label);
      if (c.overridden) assert.deepEqual(p.chain.slice(1).map((w) => at(r, w)), c.overridden.map((o) => `${o.file}:${lineOf(r, o.file, o.line, o.nth) + 1}`));

      // Oracle: the real kustomize on a copy where only the origin line changed.
      const v = variant(r, [{ file: c.origin.file, line, to: c.mutate.to }]);
      try {
        const got = kustomizeValue(tools.kustomize!, `${v.root}/${ov(c.overlay)}`, kind, wanted, c.path);
        assert.deepEqual(got, c.mutate.value, 'changing the claimed origin changes the rendered value');
      } finally { v.cleanup(); }
      // And an overridden line changes nothing.
      for (const o of c.overridden ?? []) {
        const w = variant(r, [{ file: o.file, line: lineOf(r, o.file, o.line, o.nth), to: o.line.replace(/:.*$/, ': x42') }]);
        try {
          assert.deepEqual(kustomizeValue(tools.kustomize!, `${w.root}/${ov(c.overlay)}`, kind, wanted, c.path), valueAtPath(ex.render.resources[ex.index].object, c.path), `${o.file} is overridden`);
        } finally { w.cleanup(); }
      }
    });
  }

  test('the chain reads as the hover shows it', async () => {
    const { prov } = await explainOne(r.root, tools, `kustomize/${ov('prod')}`, 'Deployment', 'frontend', ['spec', 'replicas']);
    assert.equal(describeProvenance(prov!, rel(r)), `3 from ${ov('prod')}/replicas.yaml:6 (patch), overriding 1 in ${base}:${lineOf(r, base, 'replicas: 1') + 1} (resource)`);
  });
});

