import { parse as parseYaml } from 'yaml';
import { join } from 'node:path';
import type { RepoSnapshot } from '../repo/scan';

/** `gitops-lens.yaml` at the repo root. Every section is optional. */
export interface RepoConfig {
  /** Extra URLs that name this repository (besides its git remotes). */
  repoURLs: string[];
  /** Explicit apps: folders to render as apps even if nothing else declares them. */
  apps: { name: string; path: string; namespace?: string; context?: string; renderer?: 'directory' | 'kustomize' | 'helm'; recurse?: boolean }[];
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

export function readRepoConfig(repo: RepoSnapshot): RepoConfig {
  const cfg: RepoConfig = { repoURLs: [], apps: [], destinations: {}, appContexts: {}, clusters: {}, sources: {}, problems: [] };
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
  for (const [i, a] of (Array.isArray(raw.apps) ? raw.apps : []).entries()) {
    if (!a || typeof a !== 'object' || typeof a.path !== 'string') {
      cfg.problems.push(`${CONFIG_FILE}: apps[${i}] needs a path`);
      continue;
    }
    cfg.apps.push({ name: typeof a.name === 'string' ? a.name : a.path, path: a.path, namespace: a.namespace, context: a.context, renderer: a.renderer, recurse: a.recurse });
  }
  return cfg;
}
