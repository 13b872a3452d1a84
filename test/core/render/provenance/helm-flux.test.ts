// Provenance of Helm- and Flux-rendered fields: the values source in effect (chart values.yaml,
// value file, Argo CD values / valuesObject / parameters, HelmRelease values), the template
// line it passes through, composed and computed values, and Flux post-build substitution.
// Proved by rendering a changed copy: changing the claimed origin changes the field, changing
// an overridden place does not.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { valueAtPath, type JsonPath } from '../../../../src/core/manifest';
import { describeProvenance } from '../../../../src/core/render/provenance';
import type { Toolchain } from '../../../../src/core/render';
import { realTools, type FixtureRepo } from '../../../support/repos';
import { fluxFleet, webFleet } from './fixtures';
import { at, explainOne, lineOf, pipelineValue, rel, variant } from './support';

let tools: Toolchain;
let web: FixtureRepo;
let flux: FixtureRepo;
before(async () => {
  tools = await realTools();
  web = webFleet();
  flux = fluxFleet();
});
after(() => { web.cleanup(); flux.cleanup(); });

interface Place { file: string; line: string; nth?: number }
interface Case {
  title: string;
  repo: () => FixtureRepo;
  app: string;
  name: string;
  path: JsonPath;
  origin: Place;
  mutate: { to: string; value: unknown };
  label?: RegExp;
  overridden?: Place[];
  via?: Place;
  composed?: boolean;
  /** The value is computed: the origin is the template line, `from` the values it reads. */
  computedFrom?: string[];
  /** For a computed value the oracle changes this line instead (a value it is computed from). */
  mutateAt?: Place;
}

const values = 'charts/web/values.yaml';
const template = 'charts/web/templates/deployment.yaml';
const replicas = ['spec', 'replicas'];
const image = ['spec', 'template', 'spec', 'containers', 0, 'image'];
const viaReplicas = { file: template, line: 'replicas: {{ .Values.replicaCount }}' };

const cases: Case[] = [
  { title: 'Helm: the chart values.yaml', repo: () => web, app: 'argocd/argocd/web-plain', name: 'web-plain', path: replicas, origin: { file: values, line: 'replicaCount: 1' }, mutate: { to: 'replicaCount: 11', value: 11 }, label: /^values\.yaml replicaCount$/, via: viaReplicas },
  { title: 'Argo CD helm.valuesObject over the chart values', repo: () => web, app: 'argocd/argocd/web-object', name: 'web-object', path: replicas, origin: { file: 'argocd/web-object.yaml', line: 'replicaCount: 2' }, mutate: { to: 'replicaCount: 12', value: 12 }, label: /^valuesObject replicaCount$/, overridden: [{ file: values, line: 'replicaCount: 1' }], via: viaReplicas },
  { title: 'Argo CD helm.valueFiles', repo: () => web, app: 'argocd/argocd/web-file', name: 'web-file', path: replicas, origin: { file: 'charts/web/values-prod.yaml', line: 'replicaCount: 3' }, mutate: { to: 'replicaCount: 13', value: 13 }, overridden: [{ file: values, line: 'replicaCount: 1' }], via: viaReplicas },
  { title: 'a value file key below a toYaml subtree', repo: () => web, app: 'argocd/argocd/web-file', name: 'web-file', path: ['spec', 'template', 'spec', 'containers', 0, 'resources', 'limits', 'memory'], origin: { file: 'charts/web/values-prod.yaml', line: 'memory: 256Mi' }, mutate: { to: 'memory: 512Mi', value: '512Mi' }, overridden: [{ file: values, line: 'memory: 128Mi' }], via: { file: template, line: '{{- toYaml .Values.resources | nindent 12 }}' } },
  { title: 'Argo CD helm.values (a YAML string)', repo: () => web, app: 'argocd/argocd/web-string', name: 'web-string', path: replicas, origin: { file: 'argocd/web-string.yaml', line: 'replicaCount: 4' }, mutate: { to: 'replicaCount: 14', value: 14 }, label: /^helm\.values replicaCount$/, overridden: [{ file: values, line: 'replicaCount: 1' }] },
  { title: 'Argo CD helm.parameters over valuesObject and values.yaml', repo: () => web, app: 'argocd/argocd/web-param', name: 'web-param', path: replicas, origin: { file: 'argocd/web-param.yaml', line: 'value: "5"' }, mutate: { to: 'value: "15"', value: 15 }, label: /^helm parameter replicaCount$/, overridden: [{ file: 'argocd/web-param.yaml', line: 'replicaCount: 2' }, { file: values, line: 'replicaCount: 1' }] },
  { title: 'a value composed in the template (repository:tag): the tag is one part', repo: () => web, app: 'argocd/argocd/web-plain', name: 'web-plain', path: image, origin: { file: values, line: 'tag: "2.0.0"' }, mutate: { to: 'tag: "2.1.0"', value: 'ghcr.io/example/web:2.1.0' }, composed: true, via: { file: template, line: 'image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"' } },
  { title: 'a literal on a template line', repo: () => web, app: 'argocd/argocd/web-plain', name: 'web-plain', path: ['metadata', 'labels', 'tier'], origin: { file: template, line: 'tier: frontend' }, mutate: { to: 'tier: backend', value: 'backend' }, label: /template literal/ },
  { title: 'a value computed by a template function', repo: () => web, app: 'argocd/argocd/web-plain', name: 'web-plain', path: ['spec', 'template', 'spec', 'containers', 0, 'ports', 0, 'containerPort'], origin: { file: template, line: '- containerPort: {{ add .Values.service.port 8000 }}' }, computedFrom: ['service.port'], mutateAt: { file: values, line: 'port: 80' }, mutate: { to: 'port: 90', value: 8090 } },
  { title: 'Flux postBuild.substitute, over a substituteFrom ConfigMap', repo: () => flux, app: 'flux/clusters/prod/ks/flux-system/blog', name: 'blog', path: replicas, origin: { file: 'clusters/prod/blog.yaml', line: 'replicas: "2"' }, mutate: { to: 'replicas: "12"', value: 12 }, label: /^postBuild\.substitute replicas$/, overridden: [{ file: 'clusters/prod/blog-vars.yaml', line: 'replicas: "9"' }], via: { file: 'apps/blog/deployment.yaml', line: 'replicas: ${replicas}' } },
  { title: 'Flux substituteFrom ConfigMap key', repo: () => flux, app: 'flux/clusters/prod/ks/flux-system/blog', name: 'blog', path: ['spec', 'template', 'spec', 'containers', 0, 'env', 0, 'value'], origin: { file: 'clusters/prod/blog-vars.yaml', line: 'blog_title: GitOps Lens blog' }, mutate: { to: 'blog_title: Field notes', value: 'Field notes' }, label: /^ConfigMap blog-vars blog_title$/, via: { file: 'apps/blog/deployment.yaml', line: 'value: ${blog_title}' } },
  { title: 'Flux HelmRelease spec.values', repo: () => flux, app: 'flux/clusters/prod/hr/flux-system/web', name: 'web-web', path: replicas, origin: { file: 'clusters/prod/web.yaml', line: 'replicaCount: 6' }, mutate: { to: 'replicaCount: 16', value: 16 }, label: /^HelmRelease values replicaCount$/, overridden: [{ file: values, line: 'replicaCount: 1' }], via: viaReplicas },
];

const placeAt = (r: FixtureRepo, p: Place) => `${p.file}:${lineOf(r, p.file, p.line, p.nth) + 1}`;

describe('Helm and Flux origins (proved by rendering a changed copy)', () => {
  for (const c of cases) {
    test(c.title, async () => {
      const r = c.repo();
      const ex = await explainOne(r.root, tools, c.app, 'Deployment', c.name, c.path);
      const p = ex.prov;
      assert.ok(p, 'no provenance');
      const text = describeProvenance(p, rel(r));
      if (c.computedFrom) {
        assert.ok(p.computed, text);
        assert.equal(`${rel(r)(p.computed.file)}:${p.computed.range.start.line + 1}`, placeAt(r, c.origin));
        assert.deepEqual(p.computed.from, c.computedFrom);
        assert.match(text, /^computed in charts\/web\/templates\/deployment\.yaml:\d+ from service\.port$/);
      } else {
        assert.equal(p.method, 'traced');
        const first = c.composed ? p.chain.find((w) => at(r, w) === placeAt(r, c.origin)) : p.chain[0];
        assert.equal(at(r, first), placeAt(r, c.origin), text);
        if (c.composed) assert.ok(p.composed && p.composed.length === 3, text);
        if (c.label) assert.match(first!.label, c.label);
        assert.deepEqual(p.chain.slice(c.composed ? p.chain.length : 1).map((w) => at(r, w)), (c.overridden ?? []).map((o) => placeAt(r, o)), text);
        if (c.via) assert.equal(p.via && at(r, p.via), placeAt(r, c.via), text);
      }
      const target = c.mutateAt ?? c.origin;
      const v = variant(r, [{ file: target.file, line: lineOf(r, target.file, target.line, target.nth), to: c.mutate.to }]);
      try {
        assert.deepEqual(await pipelineValue(v.root, tools, c.app, 'Deployment', c.name, c.path), c.mutate.value, 'changing the claimed origin changes the rendered value');
      } finally { v.cleanup(); }
      for (const o of c.overridden ?? []) {
        const w = variant(r, [{ file: o.file, line: lineOf(r, o.file, o.line, o.nth), to: o.line.replace(/\d+/, '42') }]);
        try {
          assert.deepEqual(await pipelineValue(w.root, tools, c.app, 'Deployment', c.name, c.path), valueAtPath(ex.render.resources[ex.index].object, c.path), `${o.file} is overridden`);
        } finally { w.cleanup(); }
      }
    });
  }

  test('the Helm chain reads as the hover shows it', async () => {
    const { prov } = await explainOne(web.root, tools, 'argocd/argocd/web-object', 'Deployment', 'web-object', replicas);
    assert.equal(describeProvenance(prov!, rel(web)), `2 from argocd/web-object.yaml:${lineOf(web, 'argocd/web-object.yaml', 'replicaCount: 2') + 1} (valuesObject replicaCount), overriding 1 in ${values}:1 (values.yaml replicaCount), via template ${template}:9`);
  });
});
