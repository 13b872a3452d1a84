import { KubeConfig } from '@kubernetes/client-node';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { existsSync } from 'node:fs';

export interface ContextInfo {
  name: string;
  cluster: string;
  server: string;
  user: string;
  namespace?: string;
}

export interface LoadedKubeconfig {
  /** The files that were read, in order (the first one wins for duplicates, as kubectl does). */
  files: string[];
  contexts: ContextInfo[];
  currentContext?: string;
  /** A KubeConfig per context is built on demand from this; it is never written back. */
  config: KubeConfig;
  problems: string[];
}

/** The kubeconfig files to read: an explicit list, else $KUBECONFIG, else ~/.kube/config. */
export function kubeconfigFiles(explicit: string[] | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  if (explicit && explicit.length) return explicit;
  if (env.KUBECONFIG) return env.KUBECONFIG.split(delimiter).filter(Boolean);
  return [join(homedir(), '.kube', 'config')];
}

/** Reads kubeconfig files without modifying them, merging like kubectl. */
export function loadKubeconfig(files: string[]): LoadedKubeconfig {
  const config = new KubeConfig();
  const problems: string[] = [];
  const read: string[] = [];
  let first = true;
  for (const file of files) {
    if (!existsSync(file)) {
      problems.push(`kubeconfig ${file} does not exist`);
      continue;
    }
    try {
      const one = new KubeConfig();
      one.loadFromFile(file);
      if (first) {
        config.loadFromFile(file);
        first = false;
      } else {
        mergeKeepingFirst(config, one);
      }
      read.push(file);
    } catch (e) {
      problems.push(`kubeconfig ${file} cannot be read: ${(e as Error).message}`);
    }
  }
  const contexts: ContextInfo[] = config.getContexts().map((c) => ({
    name: c.name, cluster: c.cluster, user: c.user, namespace: c.namespace,
    server: config.getCluster(c.cluster)?.server ?? '',
  }));
  return { files: read, contexts, currentContext: config.getCurrentContext() || undefined, config, problems };
}

function mergeKeepingFirst(into: KubeConfig, other: KubeConfig): void {
  const has = <T extends { name: string }>(list: T[], name: string) => list.some((x) => x.name === name);
  for (const c of other.clusters) if (!has(into.clusters, c.name)) into.clusters.push(c);
  for (const u of other.users) if (!has(into.users, u.name)) into.users.push(u);
  for (const c of other.contexts) if (!has(into.contexts, c.name)) into.contexts.push(c);
}

/** A KubeConfig bound to one context, a copy: the user's current context is never changed. */
export function kubeConfigForContext(loaded: LoadedKubeconfig, context: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: loaded.config.clusters, users: loaded.config.users, contexts: loaded.config.contexts, currentContext: context });
  return kc;
}

export function normalizeServer(url: string): string {
  return url.trim().replace(/\/+$/, '').toLowerCase();
}
