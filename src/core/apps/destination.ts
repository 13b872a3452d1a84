import picomatch from 'picomatch';
import type { ContextInfo } from '../cluster/kubeconfig';
import { normalizeServer } from '../cluster/kubeconfig';
import type { AppDestination, GitOpsApp } from './types';
import type { RepoConfig } from './config';

/**
 * Maps an app to a kubeconfig context: the repo config first (explicit wins), then Argo's
 * `destination.name` against context names, `destination.server` against cluster servers,
 * then a `clusters/<context>/` folder convention for Flux, then the config default.
 */
export function resolveDestination(app: GitOpsApp, contexts: ContextInfo[], cfg: RepoConfig): AppDestination {
  const d: AppDestination = { ...app.destination };
  const exists = (c: string | undefined) => c !== undefined && contexts.some((x) => x.name === c);
  for (const [glob, ctx] of Object.entries(cfg.appContexts)) {
    if (glob === app.id || glob === app.name || picomatch.isMatch(app.id, glob)) return { ...d, context: ctx, resolution: 'config' };
  }
  const viaConfig = (d.server && cfg.destinations[d.server]) || (d.name && cfg.destinations[d.name]);
  if (viaConfig) return { ...d, context: viaConfig, resolution: 'config' };
  if (d.name && exists(d.name)) return { ...d, context: d.name, resolution: 'name' };
  if (d.server) {
    const byServer = contexts.filter((c) => normalizeServer(c.server) === normalizeServer(d.server!));
    if (byServer.length > 0) return { ...d, context: byServer[0].name, resolution: 'server' };
  }
  if (app.entryPoint !== undefined) {
    // A Flux cluster entry point: mapped in gitops-lens.yaml (`clusters:`), else a context named like its folder.
    const mapped = cfg.clusters[app.entryPoint];
    if (mapped) return { ...d, context: mapped, resolution: 'config' };
    const last = app.entryPoint.split('/').pop();
    if (exists(last)) return { ...d, context: last, resolution: 'name' };
  }
  if (cfg.defaultContext) return { ...d, context: cfg.defaultContext, resolution: 'config' };
  return { ...d, context: undefined, resolution: 'unresolved' };
}
