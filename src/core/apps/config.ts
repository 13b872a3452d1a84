import { parse as parseYaml } from 'yaml';
import { join } from 'node:path';
import type { RepoSnapshot } from '../repo';

/** `gitops-lens.yaml` at the repo root. Every section is optional. */
export interface RepoConfig {
  /** Extra URLs that name this repository (besides its git remotes). */
  repoURLs: string[];
  /** Explicit apps: folders (or remote charts) to render as apps even if nothing else declares them. */
  apps: ConfigApp[];
  /** `kustomize.buildOptions`, as Argo CD's argocd-cm takes them (only `--enable-helm` matters here). */
  kustomizeBuildOptions?: string;
  /** `argocdClusters:` the clusters ApplicationSet `clusters` generators see (else the kubeconfig contexts). */
  argoClusters: ConfigCluster[];
  /** Argo `destination.server` or `destination.name` → kubeconfig context. */
  destinations: Record<string, string>;
  /** App id (or a glob over ids, e.g. `flux/*`) → kubeconfig context. */
  appContexts: Record<string, string>;
  defaultContext?: string;
  /** Flux cluster entry point (repo folder, e.g. `clusters/staging`) → kubeconfig context. */
  clusters: Record<string, string>;
  /** Flux source (`Kind/namespace/name` or `namespace/name`) → folder of this repo it stands for (`.` = the root). */
  sources: Record<string, string>;
  /** Raw `lint:` section, read by the policy engine. */
  lint?: unknown;
  problems: string[];
}

export const CONFIG_FILE = 'gitops-lens.yaml';

export interface ConfigApp {
  name: string;
  /** Folder in the repo; absent for a remote chart (`chart` + `repoURL`). */
  path?: string;
  namespace?: string;
  context?: string;
  renderer?: string;
  recurse?: boolean;
  /** Raw option sections, read by discovery: `helm`, `jsonnet`, `plugin`, `chart`/`repoURL`/`version`. */
  raw: Record<string, unknown>;
}

export interface ConfigCluster { name: string; server: string; labels: Record<string, string>; annotations: Record<string, string> }

export function readRepoConfig(repo: RepoSnapshot): RepoConfig {
  const cfg: RepoConfig = { repoURLs: [], apps: [], destinations: {}, appContexts: {}, clusters: {}, sources: {}, argoClusters: [], problems: [] };
  const file = repo.byPath.get(join(repo.root, CONFIG_FILE));
  if (!file) return cfg;
  let raw: Record<string, unknown>;
  try {
    raw = (parseYaml(file.text) ?? {}) as Record<string, unknown>;
  } catch (e) {
    cfg.problems.push(`${CONFIG_FILE}: ${(e as Error).message.split('\n')[0]}`);
    return cfg;
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    cfg.problems.push(`${CONFIG_FILE}: expected a mapping at the top level`);
    return cfg;
  }
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);
  const record = (v: unknown): Record<string, string> =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'string')) as Record<string, string> : {};
  cfg.repoURLs = strings(raw.repoURL ?? raw.repoURLs);
  cfg.destinations = record(raw.destinations);
  cfg.appContexts = record(raw.appContexts);
  cfg.clusters = Object.fromEntries(Object.entries(record(raw.clusters)).map(([k, v]) => [k.replace(/^\.\/|\/$/g, ''), v]));
  cfg.sources = record(raw.sources);
  if (typeof raw.defaultContext === 'string') cfg.defaultContext = raw.defaultContext;
  cfg.lint = raw.lint;
  const kz = raw.kustomize && typeof raw.kustomize === 'object' ? (raw.kustomize as Record<string, unknown>) : {};
  if (typeof kz.buildOptions === 'string') cfg.kustomizeBuildOptions = kz.buildOptions;
  for (const [i, c] of (Array.isArray(raw.argocdClusters) ? raw.argocdClusters : []).entries()) {
    if (!c || typeof c !== 'object' || typeof c.name !== 'string' || typeof c.server !== 'string') {
      cfg.problems.push(`${CONFIG_FILE}: argocdClusters[${i}] needs a name and a server`);
      continue;
    }
    cfg.argoClusters.push({ name: c.name, server: c.server, labels: record(c.labels), annotations: record(c.annotations) });
  }
  for (const [i, a] of (Array.isArray(raw.apps) ? raw.apps : []).entries()) {
    const remote = a && typeof a === 'object' && typeof a.chart === 'string' && typeof a.repoURL === 'string';
    if (!a || typeof a !== 'object' || (typeof a.path !== 'string' && !remote)) {
      cfg.problems.push(`${CONFIG_FILE}: apps[${i}] needs a path (or a chart and repoURL)`);
      continue;
    }
    const s = (v: unknown) => (typeof v === 'string' ? v : undefined);
    cfg.apps.push({ name: s(a.name) ?? s(a.path) ?? String(a.chart), path: s(a.path), namespace: s(a.namespace), context: s(a.context), renderer: s(a.renderer), recurse: typeof a.recurse === 'boolean' ? a.recurse : undefined, raw: a as Record<string, unknown> });
  }
  return cfg;
}
