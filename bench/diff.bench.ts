// Drift of a 1,000-resource app (ConfigMaps, Deployments, Services) on a private test
// control plane: GitOps Lens cold diff, warm re-diff after one live change, memory, next to
// `kubectl diff --server-side -f` over the same manifests in the same run.
//   npx esbuild bench/diff.bench.ts --bundle --platform=node --format=esm --packages=external --outfile=out/bench/diff.mjs && node out/bench/diff.mjs
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startTestCluster } from '../test/support/cluster';
import { clusterClientFromFile, LiveCache } from '../src/core/cluster';
import { applySetParentOf, DriftEngine, stampTracking } from '../src/core/diff';
import { parseManifestFile, resourceIdOf, type KubeObject } from '../src/core/manifest';
import type { GitOpsApp } from '../src/core/apps';
import { mapLimit } from '../src/core/async';
import type { RenderedResource, RenderResult } from '../src/core/render';

const TOTAL = Number(process.env.BENCH_DIFF_RESOURCES ?? 1000);
const NS = 'bench';

function objects(): KubeObject[] {
  const out: KubeObject[] = [];
  const deployments = Math.round(TOTAL * 0.3);
  const services = Math.round(TOTAL * 0.3);
  const configMaps = TOTAL - deployments - services;
  for (let i = 0; i < configMaps; i++) {
    out.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: NS, labels: { app: `svc-${i % 50}` } }, data: { 'app.properties': `name=svc-${i}\nlevel=${i % 7}\n`, mode: i % 2 ? 'blue' : 'green' } });
  }
  for (let i = 0; i < deployments; i++) {
    out.push({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `web-${i}`, namespace: NS, labels: { app: `web-${i}` } },
      spec: {
        replicas: 1 + (i % 3), selector: { matchLabels: { app: `web-${i}` } },
        template: { metadata: { labels: { app: `web-${i}` } }, spec: { containers: [{ name: 'web', image: `nginx:1.27.${i % 5}`, ports: [{ containerPort: 8080 }], env: [{ name: 'INDEX', value: String(i) }], resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } } }] } },
      },
    });
  }
  for (let i = 0; i < services; i++) {
    out.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: `web-${i}`, namespace: NS }, spec: { clusterIP: 'None', selector: { app: `web-${i}` }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } }); // headless: the test control plane's service range is small
  }
  return out;
}

function kubectlDiff(kubeconfig: string, dir: string): Promise<{ ms: number; code: number; drifted: number; stderr: string }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    execFile('kubectl', ['diff', '--kubeconfig', kubeconfig, '--context', 'admin', '--server-side', '--force-conflicts', '--field-manager=gitops-lens', '-f', dir], { maxBuffer: 256 << 20, timeout: 600_000 }, (e, stdout, stderr) => {
      const code = e ? Number((e as { code?: number }).code ?? 2) : 0;
      resolve({ ms: performance.now() - t0, code, drifted: (stdout.match(/^diff -u -N /gm) ?? []).length, stderr: stderr.slice(0, 500) });
    });
  });
}

const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;

async function main(): Promise<void> {
  console.log(`machine: ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, ${mb(totalmem())} RAM, node ${process.version}`);
  const cluster = await startTestCluster({ name: 'bench-diff' });
  const dir = mkdtempSync(join(tmpdir(), 'gitops-lens-bench-diff-'));
  try {
    const admin = clusterClientFromFile(cluster.kubeconfigPath, 'admin');
    await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    const app: GitOpsApp = {
      id: 'bench/app', name: 'bench', kind: 'directory', sources: [{ dir, local: true, renderer: 'directory' }],
      destination: { namespace: NS, context: 'admin', resolution: 'config' }, tracking: 'applyset', automated: false, selfHeal: false,
      autoPrune: false, syncOptions: [], ignoreDifferences: [], problems: [],
    };
    // As a sync applies them: with the app's tracking marks (here ApplySet membership).
    const objs = objects().map((o) => stampTracking(app, o, resourceIdOf(o), applySetParentOf(app)));
    // Manifests in files of 100 documents, as a repo would hold them; origins from the parser.
    const resources: RenderedResource[] = [];
    for (let f = 0; f * 100 < objs.length; f++) {
      const file = join(dir, `part-${String(f).padStart(2, '0')}.yaml`);
      const text = objs.slice(f * 100, f * 100 + 100).map((o) => stringify(o)).join('---\n');
      writeFileSync(file, text);
      const parsed = parseManifestFile(file, text);
      for (const d of parsed.documents) if (d.object && d.id) resources.push({ object: d.object, id: d.id, origin: { file, docIndex: d.index, range: d.range, via: 'file' } });
    }
    const t0 = performance.now();
    await mapLimit(objs, 8, async (o) => { await admin.apply(o, { force: true }); });
    const applyMs = performance.now() - t0;

    const render: RenderResult = { appId: app.id, renderer: 'directory', ok: true, resources, problems: [], inputs: [], inputHash: 'bench', durationMs: 0, cached: false };

    (globalThis as { gc?: () => void }).gc?.();
    const rssBefore = process.memoryUsage().rss;
    const client = clusterClientFromFile(cluster.kubeconfigPath, 'admin');
    const cache = new LiveCache(client);
    const engine = new DriftEngine({ client, cache });
    let t = performance.now();
    const cold = await engine.diffApp(app, render);
    const coldMs = performance.now() - t;
    (globalThis as { gc?: () => void }).gc?.();
    const mem = process.memoryUsage();
    if (cold.summary.status !== 'Synced') throw new Error(`cold diff expected Synced, got ${JSON.stringify(cold.summary)}`);

    // One live change: wait until the watch has delivered it, then re-diff.
    const seen = new Promise<void>((resolve) => { const off = cache.onChange((c) => { if (c.keys.has('apps/Deployment/bench/web-7')) { off(); resolve(); } }); });
    const tChange = performance.now();
    await admin.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web-7', namespace: NS }, spec: { replicas: 9 } }, { fieldManager: 'bench-scale', force: true });
    await seen;
    const eventMs = performance.now() - tChange;
    t = performance.now();
    const warm = await engine.diffApp(app, render);
    const warmMs = performance.now() - t;
    const drifted = warm.resources.filter((r) => r.status !== 'Synced');
    if (drifted.length !== 1 || drifted[0].changes[0]?.path !== 'spec.replicas') throw new Error(`warm diff expected one drifted Deployment, got ${JSON.stringify(drifted.map((d) => [d.key, d.changes.map((c) => c.path)]))}`);

    const kubectl = await kubectlDiff(cluster.kubeconfigPath, dir);
    if (kubectl.code > 1) throw new Error(`kubectl diff failed: ${kubectl.stderr}`);
    cache.close();
    client.close();
    admin.close();

    const rows: [string, string, string][] = [
      ['resources', String(resources.length), `${objs.filter((o) => o.kind === 'ConfigMap').length} ConfigMaps, ${objs.filter((o) => o.kind === 'Deployment').length} Deployments, ${objs.filter((o) => o.kind === 'Service').length} Services`],
      ['initial apply (SSA, 8 parallel)', fmtMs(applyMs), ''],
      ['gitops-lens cold diff', fmtMs(coldMs), 'list+watch 3 kinds (+ Extra kinds), 1,000 SSA dry-runs, compare'],
      ['gitops-lens warm re-diff', fmtMs(warmMs), `after one live change (watch delivered it in ${fmtMs(eventMs)}); ${drifted.length} drifted`],
      ['kubectl diff --server-side -f', fmtMs(kubectl.ms), `${kubectl.drifted} drifted (exit ${kubectl.code})`],
      ['ratio kubectl / cold', `${(kubectl.ms / coldMs).toFixed(1)}x`, ''],
      ['ratio kubectl / warm', `${(kubectl.ms / warmMs).toFixed(0)}x`, ''],
      ["RSS after cold diff", mb(mem.rss), `whole process (was ${mb(rssBefore)} before the diff); JS heap used ${mb(mem.heapUsed)}`],
    ];
    const w0 = Math.max(...rows.map((r) => r[0].length));
    const w1 = Math.max(...rows.map((r) => r[1].length));
    for (const r of rows) console.log(`${r[0].padEnd(w0)}  ${r[1].padStart(w1)}  ${r[2]}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await cluster.stop();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
