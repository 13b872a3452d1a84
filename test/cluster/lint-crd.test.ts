// Lint on CustomResourceDefinitions: it must not crash (issue 17), and its schema verdict on a
// CRD must be the API server's (a server-side-apply dry-run is the oracle).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { parse } from 'yaml';
import { clusterClientFromFile, type ClusterClient } from '../../src/core/cluster';
import type { KubeObject } from '../../src/core/manifest';
import { sharedTestCluster } from '../support/cluster';
import { runCliCaptured } from '../support/cli';
import { crdBundle, minimalCrd, routeCrd } from '../support/crds';
import { makeRepo } from '../support/repos';

let client: ClusterClient;
before(async () => { client = clusterClientFromFile((await sharedTestCluster()).adminKubeconfig); });
after(() => client.close());

const group = `crd${randomBytes(3).toString('hex')}.example.com`;
const cases: Record<string, string> = {
  'minimal CRD': minimalCrd(group),
  'CRD whose fields are named pattern, type, default, items': routeCrd(group),
  'CRD with a misspelt field': minimalCrd(group).replace('  scope: Namespaced\n', '  scope: Namespaced\n  preserveUnknownField: false\n'),
  'CRD with a wrong type': minimalCrd(group).replace('served: true', 'served: "yes"'),
};

async function apiServerAccepts(text: string): Promise<{ ok: boolean; why?: string }> {
  const obj = parse(text) as KubeObject;
  try { await client.apply(obj, { dryRun: true, force: true }); return { ok: true }; } catch (e) { return { ok: false, why: (e as Error).message }; }
}

test('lint judges CRDs as the API server does, and never crashes on them', async () => {
  const verdicts: boolean[] = [];
  for (const [name, text] of Object.entries(cases)) {
    const oracle = await apiServerAccepts(text);
    verdicts.push(oracle.ok);
    const repo = makeRepo('lint-crd', { 'crds/crd.yaml': text });
    try {
      const r = await runCliCaptured(['lint', '--format', 'json'], { cwd: repo.root, env: {} });
      assert.notEqual(r.code, 2, `${name}: ${r.output}`);
      const schema = (JSON.parse(r.stdout) as { findings: { ruleId: string; message: string }[] }).findings.filter((f) => f.ruleId === 'schema');
      assert.equal(schema.length === 0, oracle.ok, `${name}: API server ${oracle.ok ? 'accepts' : `rejects (${oracle.why})`}, lint says ${JSON.stringify(schema)}`);
    } finally {
      repo.cleanup();
    }
  }
  // Both verdicts occur, so the comparison can tell a silent lint from a correct one.
  assert.deepEqual([...new Set(verdicts)].sort(), [false, true]);
});

test('a several-MB CRD bundle: the API server accepts every CRD and lint finds nothing wrong in it; custom resources get the API server\'s verdict', async () => {
  const bundleGroup = `bundle${randomBytes(3).toString('hex')}.example.com`;
  const bundle = crdBundle(bundleGroup, 20);
  assert.ok(bundle.length > 3 * 1024 * 1024, `${bundle.length} bytes`);
  const docs = bundle.split(/^---\n/m).filter((d) => d.trim());
  for (const d of docs) assert.deepEqual(await apiServerAccepts(d), { ok: true });
  // One CRD of the bundle installed for real, so the API server can judge its custom resources.
  const crd = parse(docs[3]) as KubeObject;
  const crdId = { group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', name: crd.metadata!.name! };
  const resources: Record<string, string> = {
    'valid': `apiVersion: ${bundleGroup}/v1\nkind: Component3\nmetadata:\n  name: ok\n  namespace: default\nspec:\n  section2:\n    setting2x0: fast\n    setting2x1: 3\n`,
    'wrong type': `apiVersion: ${bundleGroup}/v1\nkind: Component3\nmetadata:\n  name: bad-type\n  namespace: default\nspec:\n  section2:\n    setting2x1: three\n`,
    'misspelt field': `apiVersion: ${bundleGroup}/v1\nkind: Component3\nmetadata:\n  name: bad-field\n  namespace: default\nspec:\n  section2:\n    setting2x01: 3\n`,
  };
  const repo = makeRepo('lint-crd-bundle', { 'crds/bundle.yaml': bundle, ...Object.fromEntries(Object.entries(resources).map(([k, v]) => [`apps/${k.replace(/ /g, '-')}.yaml`, v])) });
  try {
    await client.apply(crd, { force: true });
    for (let i = 0; i < 100 && !(((await client.get(crdId))?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True'); i++) await new Promise((r) => setTimeout(r, 100));
    const r = await runCliCaptured(['lint', '--format', 'json'], { cwd: repo.root, env: {} });
    assert.notEqual(r.code, 2, r.output);
    const findings = (JSON.parse(r.stdout) as { findings: { ruleId: string; file: string; message: string }[] }).findings.filter((f) => f.ruleId === 'schema' || f.ruleId === 'internal-error' || f.ruleId === 'yaml');
    assert.deepEqual(findings.filter((f) => f.file === 'crds/bundle.yaml'), []);
    for (const [name, text] of Object.entries(resources)) {
      const oracle = await apiServerAccepts(text);
      const mine = findings.filter((f) => f.file === `apps/${name.replace(/ /g, '-')}.yaml`);
      assert.equal(mine.length === 0, oracle.ok, `${name}: API server ${oracle.ok ? 'accepts' : `rejects (${oracle.why})`}, lint says ${JSON.stringify(mine)}`);
    }
  } finally {
    repo.cleanup();
    await client.delete(crdId).catch(() => undefined);
  }
});
