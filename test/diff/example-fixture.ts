// The example repo (examples/gitops-repo) as a real git repo in a temp folder, its apps synced
// to the test cluster the way a sync applies them (SSA as gitops-lens, tracking stamped). The
// namespaces are made unique per run: the test cluster has no namespace controller.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { findApp, loadWorkspace } from '../../src/core/workspace';
import { renderApp, toolchainFromEnv, type RenderResult } from '../../src/core/render';
import { explainFields } from '../../src/core/render/provenance';
import type { GitOpsApp } from '../../src/core/apps';
import { clusterClientFromFile, LiveCache, type ClusterClient } from '../../src/core/cluster';
import { DriftEngine } from '../../src/core/diff';
import { makeRepo, type FixtureRepo } from '../support/repos';
import type { SharedCluster } from '../support/cluster';
import { stamp } from './fixture';
import { repoFile } from '../../scripts/cluster/controlplane.mjs';

const EXAMPLE = repoFile('examples/gitops-repo');

function filesOf(dir: string, out: Record<string, string> = {}, root = dir): Record<string, string> {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) filesOf(p, out, root);
    else out[relative(root, p)] = readFileSync(p, 'utf8');
  }
  return out;
}

export interface ExampleFixture {
  repo: FixtureRepo;
  /** shop's and hello's namespaces in this run. */
  ns: { shop: string; hello: string };
  admin: ClusterClient;
  app(id: string): Promise<GitOpsApp>;
  render(id: string): Promise<RenderResult>;
  sync(id: string): Promise<void>;
  /** A drift engine that traces where values are set (as the editor and CLI run it). */
  engine(): { engine: DriftEngine; close(): void };
  cleanup(): Promise<void>;
}

let counter = 0;

export async function exampleFixture(cluster: Pick<SharedCluster, 'server' | 'kubeconfigPath'>): Promise<ExampleFixture> {
  const n = `${process.pid}-${++counter}`;
  const ns = { shop: `shop-${n}`, hello: `hello-${n}` };
  const files = filesOf(EXAMPLE);
  const edit = (rel: string, f: (s: string) => string) => (files[rel] = f(files[rel]));
  edit('apps/shop/overlays/prod/kustomization.yaml', (s) => s.replace('namespace: shop', `namespace: ${ns.shop}`));
  edit('apps/shop/overlays/prod/namespace.yaml', (s) => s.replace('name: shop', `name: ${ns.shop}`));
  edit('argocd/shop.yaml', (s) => s.replace('namespace: shop', `namespace: ${ns.shop}`).replace('https://kubernetes.default.svc', cluster.server));
  edit('argocd/hello.yaml', (s) => s.replace('namespace: hello', `namespace: ${ns.hello}`).replace('https://kubernetes.default.svc', cluster.server));
  const repo = makeRepo('gitops-repo', files);
  const admin = clusterClientFromFile(cluster.kubeconfigPath, 'admin');
  await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns.hello } });
  const tools = toolchainFromEnv(process.env);
  const closers: (() => void)[] = [];
  const ws = async () => loadWorkspace(repo.root, { kubeconfig: [cluster.kubeconfigPath] });
  const app = async (id: string) => {
    const a = findApp((await ws()).discovery.apps, id);
    if ('error' in a) throw new Error(a.error);
    return a;
  };
  const render = async (id: string) => {
    const w = await ws();
    const a = findApp(w.discovery.apps, id) as GitOpsApp;
    const r = await renderApp(a, w.repo, tools);
    if (!r.ok) throw new Error(`render failed: ${r.problems.map((p) => p.message).join('; ')}`);
    return r;
  };
  return {
    repo, ns, admin, app, render,
    async sync(id) {
      const a = await app(id);
      const r = await render(id);
      for (const res of r.resources) {
        const o = { ...res.object, metadata: { ...res.object.metadata, namespace: res.object.kind === 'Namespace' ? undefined : res.object.metadata?.namespace ?? a.destination.namespace } };
        await admin.apply(stamp(a.name, o), { force: true });
      }
    },
    engine() {
      const cache = new LiveCache(admin, { backoffInitialMs: 200, backoffMaxMs: 1000 });
      const engine = new DriftEngine({
        client: admin, cache,
        explain: async (a, r, reqs, signal) => explainFields({ app: a, render: r, repo: (await ws()).repo, tools, signal }, reqs),
      });
      closers.push(() => cache.close());
      return { engine, close: () => cache.close() };
    },
    async cleanup() {
      for (const c of closers) c();
      for (const name of [ns.shop, ns.hello]) await admin.delete({ group: '', version: 'v1', kind: 'Namespace', name }).catch(() => undefined);
      admin.close();
      repo.cleanup();
    },
  };
}
