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
import { minimalCrd, routeCrd } from '../support/crds';
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
