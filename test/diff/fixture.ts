// An Argo CD app in a real git repo, rendered with the real renderer and "synced" to the test
// cluster by server-side apply as gitops-lens (with the tracking-id annotation), as a sync would.
import { makeRepo, type FixtureRepo } from '../support/repos';
import { argoApplication } from '../support/manifests';
import { loadWorkspace, findApp } from '../../src/core/workspace';
import { renderApp, toolchainFromEnv, type RenderResult } from '../../src/core/render';
import type { GitOpsApp } from '../../src/core/apps';
import { clusterClientFromFile, LiveCache, type ClusterClient } from '../../src/core/cluster';
import { DriftEngine, argoTrackingId } from '../../src/core/diff';
import type { KubeObject } from '../../src/core/manifest';
import type { SharedCluster } from '../support/cluster';

export interface DiffFixture {
  repo: FixtureRepo;
  app: GitOpsApp;
  namespace: string;
  admin: ClusterClient;
  render(): Promise<RenderResult>;
  /** Applies the current render (SSA as gitops-lens, tracking stamped). */
  sync(): Promise<void>;
  engine(client?: ClusterClient): { engine: DriftEngine; cache: LiveCache; close(): void };
  cleanup(): Promise<void>;
}

let counter = 0;

export function stamp(appName: string, o: KubeObject): KubeObject {
  const id = { group: o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '', kind: o.kind, namespace: o.metadata?.namespace, name: String(o.metadata?.name) };
  return { ...o, metadata: { ...o.metadata, annotations: { ...(o.metadata?.annotations ?? {}), 'argocd.argoproj.io/tracking-id': argoTrackingId(appName, id) } } };
}

/**
 * The app name is unique per run: the test cluster has no namespace controller, so objects of
 * an earlier run (in a Terminating namespace) stay and would rightly show up as Extra.
 */
export async function argoFixture(cluster: Pick<SharedCluster, 'server' | 'kubeconfigPath'>, base: string, files: Record<string, string>, extra = '', opts: { namespace?: string } = {}): Promise<DiffFixture> {
  const name = `${base}-${process.pid}-${++counter}`;
  const namespace = opts.namespace ?? name;
  const repo = makeRepo(name, {
    'argocd/app.yaml': argoApplication({ name, project: 'default', repoURL: `https://github.com/example/${name}.git`, targetRevision: 'main', path: 'app', server: cluster.server, destinationNamespace: namespace, extra }),
    ...Object.fromEntries(Object.entries(files).map(([k, v]) => [`app/${k}`, v])),
  });
  const ws = await loadWorkspace(repo.root, { kubeconfig: [cluster.kubeconfigPath] });
  const found = findApp(ws.discovery.apps, name);
  if ('error' in found) throw new Error(found.error);
  const app = found;
  const admin = clusterClientFromFile(cluster.kubeconfigPath, 'admin');
  await admin.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  const engines: { close(): void }[] = [];
  const render = async () => {
    const ws2 = await loadWorkspace(repo.root, { kubeconfig: [cluster.kubeconfigPath] });
    const r = await renderApp(app, ws2.repo, toolchainFromEnv(process.env));
    if (!r.ok) throw new Error(`render failed: ${r.problems.map((p) => p.message).join('; ')}`);
    return r;
  };
  return {
    repo, app, namespace, admin, render,
    async sync() {
      const r = await render();
      for (const res of r.resources) {
        const o = { ...res.object, metadata: { ...res.object.metadata, namespace: res.object.metadata?.namespace ?? namespace } };
        await admin.apply(stamp(app.name, o), { force: true });
      }
    },
    engine(client = admin) {
      const cache = new LiveCache(client, { backoffInitialMs: 200, backoffMaxMs: 1000 });
      const engine = new DriftEngine({ client, cache });
      const h = { engine, cache, close: () => cache.close() };
      engines.push(h);
      return h;
    },
    async cleanup() {
      for (const e of engines) e.close();
      if (opts.namespace) {
        // A shared namespace stays; only this app's objects go.
        const r = await render().catch(() => undefined);
        for (const res of r?.resources ?? []) await admin.delete({ ...res.id, namespace: res.id.namespace ?? namespace }).catch(() => undefined);
      } else {
        await admin.delete({ group: '', version: 'v1', kind: 'Namespace', name: namespace }).catch(() => undefined);
      }
      admin.close();
      repo.cleanup();
    },
  };
}

/** Polls until check() returns a value (not undefined) or the timeout passes. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) { last = e; }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
