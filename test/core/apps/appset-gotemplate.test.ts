// ApplicationSet Go templates beyond fields and if: `range` (with `$i, $v :=`, else, maps by
// key), variables scoped to their block, define/template, and `templatePatch` (rendered with the
// generator's parameters, then strategic-merged onto the generated Application). The expected
// Applications are written by hand from Argo CD's documentation (user-guide/application-set:
// Templates → templatePatch, GoTemplate) and Go's text/template rules.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { discoverApps, type Discovery } from '../../../src/core/apps';
import { expandApplicationSet, type AppSetInputs } from '../../../src/core/apps/appset';
import { executeGoTemplate } from '../../../src/core/apps/gotemplate';
import { loadRepo, type RepoSnapshot } from '../../../src/core/repo';
import { makeRepo, type FixtureRepo } from '../../support/repos';

const SELF = 'https://github.com/example/appset-go.git';

// The templatePatch example of Argo CD's documentation, with a second element added.
const DOCS_EXAMPLE = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: guestbook
  namespace: argocd
spec:
  goTemplate: true
  goTemplateOptions: ["missingkey=error"]
  generators:
    - list:
        elements:
          - cluster: engineering-dev
            url: https://kubernetes.default.svc
            autoSync: true
            prune: true
            valueFiles:
              - values.large.yaml
              - values.debug.yaml
          - cluster: engineering-prod
            url: https://prod.example.com
            autoSync: false
            prune: false
            valueFiles:
              - values.prod.yaml
  template:
    metadata:
      name: '{{.cluster}}-deployment'
      labels:
        team: infra
    spec:
      project: "default"
      source:
        repoURL: https://github.com/infra-team/cluster-deployments.git
        targetRevision: HEAD
        path: guestbook/{{ .cluster }}
      destination:
        server: '{{.url}}'
        namespace: guestbook
      syncPolicy:
        syncOptions:
          - CreateNamespace=true
  templatePatch: |
    metadata:
      labels:
        cluster: {{ .cluster }}
    spec:
      source:
        helm:
          valueFiles:
          {{- range $valueFile := .valueFiles }}
            - {{ $valueFile }}
          {{- end }}
    {{- if .autoSync }}
      syncPolicy:
        automated:
          prune: {{ .prune }}
    {{- else }}
      syncPolicy:
        syncOptions:
          - ServerSideApply=true
    {{- end }}
`;

const RANGE_FIELDS = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: regions
  namespace: argocd
spec:
  goTemplate: true
  generators:
    - list:
        elements:
          - name: web
            regions: [eu-west-1, us-east-1]
            owners: {ops: alice, dev: bob}
          - name: batch
            regions: []
            owners: {}
  template:
    metadata:
      name: '{{ .name }}'
      annotations:
        regions: '{{ range $i, $r := .regions }}{{ if $i }},{{ end }}{{ $r }}{{ else }}none{{ end }}'
        owners: '{{ range $role, $who := .owners }}{{ $role }}={{ $who }};{{ end }}'
        summary: '{{ define "id" }}{{ .name }}@{{ len .regions }}{{ end }}{{ template "id" . }}'
    spec:
      project: default
      source:
        repoURL: ${SELF}
        targetRevision: main
        path: 'apps/{{ .name }}'
      destination:
        server: https://kubernetes.default.svc
        namespace: '{{ .name }}'
`;

const NO_INPUTS: AppSetInputs = { listDirs: () => [], listFiles: () => [], read: () => undefined, clusters: [] };

describe('ApplicationSet Go templates: range, define/template, templatePatch', () => {
  let r: FixtureRepo;
  let repo: RepoSnapshot;
  let d: Discovery;
  before(async () => {
    r = makeRepo('appset-go', {
      'gitops-lens.yaml': `repoURL: ${SELF}\n`,
      'appsets/guestbook.yaml': DOCS_EXAMPLE,
      'appsets/regions.yaml': RANGE_FIELDS,
      'apps/web/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n',
      'apps/batch/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: batch\n',
    });
    repo = await loadRepo(r.root);
    d = discoverApps(repo, []);
  });
  after(() => r?.cleanup());

  const expand = (rel: string) => {
    const file = repo.byPath.get(r.path(rel))!;
    const doc = file.documents[0];
    return expandApplicationSet({ repo, file, doc, object: doc.object! }, NO_INPUTS);
  };

  test('templatePatch (Argo CD\'s documented example): valueFiles from range, syncPolicy by if/else, labels merged, lists replaced', () => {
    const set = expand('appsets/guestbook.yaml');
    assert.deepEqual(set.problems, []);
    assert.deepEqual(set.unsupported, []);
    const source = (cluster: string, valueFiles: string[]) => ({
      repoURL: 'https://github.com/infra-team/cluster-deployments.git', targetRevision: 'HEAD', path: `guestbook/${cluster}`, helm: { valueFiles },
    });
    assert.deepEqual(set.apps, [
      {
        apiVersion: 'argoproj.io/v1alpha1', kind: 'Application',
        metadata: { namespace: 'argocd', name: 'engineering-dev-deployment', labels: { team: 'infra', cluster: 'engineering-dev' } },
        spec: {
          project: 'default',
          source: source('engineering-dev', ['values.large.yaml', 'values.debug.yaml']),
          destination: { server: 'https://kubernetes.default.svc', namespace: 'guestbook' },
          // A map merges: syncOptions of the template stay beside automated.
          syncPolicy: { syncOptions: ['CreateNamespace=true'], automated: { prune: true } },
        },
      },
      {
        apiVersion: 'argoproj.io/v1alpha1', kind: 'Application',
        metadata: { namespace: 'argocd', name: 'engineering-prod-deployment', labels: { team: 'infra', cluster: 'engineering-prod' } },
        spec: {
          project: 'default',
          source: source('engineering-prod', ['values.prod.yaml']),
          destination: { server: 'https://prod.example.com', namespace: 'guestbook' },
          // A list is replaced: Application declares no merge key for syncOptions.
          syncPolicy: { syncOptions: ['ServerSideApply=true'] },
        },
      },
    ]);
  });

  test('range over lists (index and element, else when empty) and maps (sorted keys); define/template in a field', () => {
    const set = expand('appsets/regions.yaml');
    assert.deepEqual(set.problems, []);
    assert.deepEqual(set.apps.map((a) => a.metadata?.annotations), [
      { regions: 'eu-west-1,us-east-1', owners: 'dev=bob;ops=alice;', summary: 'web@2' },
      { regions: 'none', owners: '', summary: 'batch@0' },
    ]);
  });

  test('discovery builds the apps, nothing reported unsupported', () => {
    assert.deepEqual(d.unsupported, []);
    const names = d.apps.filter((a) => a.parent?.startsWith('argocd-appset/')).map((a) => a.name).sort();
    assert.deepEqual(names, ['batch', 'engineering-dev-deployment', 'engineering-prod-deployment', 'web']);
    const dev = d.apps.find((a) => a.name === 'engineering-dev-deployment')!;
    assert.equal(dev.automated, true);
    assert.deepEqual(dev.problems, []);
  });

  test('Go\'s scoping and errors: a variable of a block ends with it, = assigns the outer one, an unknown template is an error', () => {
    assert.equal(executeGoTemplate('{{ $n := 0 }}{{ range .l }}{{ $n = add $n . }}{{ end }}{{ $n }}', { l: [1, 2, 3] }), '6');
    assert.equal(executeGoTemplate('{{ $x := "outer" }}{{ with .v }}{{ $x := "inner" }}{{ $x }}{{ end }} {{ $x }}', { v: 1 }), 'inner outer');
    assert.throws(() => executeGoTemplate('{{ if true }}{{ $y := 1 }}{{ end }}{{ $y }}', {}), /undefined variable \$y/);
    assert.throws(() => executeGoTemplate('{{ template "missing" . }}', {}), /no such template "missing"/);
    assert.equal(executeGoTemplate('{{ range 3 }}{{ . }}{{ end }}', {}), '012');
    assert.equal(executeGoTemplate('{{ range $k, $v := . }}{{ $k }}{{ end }}', { b: 1, a: 2 }), 'ab');
    assert.throws(() => executeGoTemplate('{{ range .l }}{{ break }}{{ end }}', { l: [1] }), /\{\{break\}\} is not evaluated offline/);
  });
});
