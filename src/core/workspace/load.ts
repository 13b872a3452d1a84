import { discoverApps, type Discovery, type GitOpsApp } from '../apps';
import { kubeconfigFiles, loadKubeconfig, type LoadedKubeconfig } from '../cluster/kubeconfig';
import { loadRepo, type LoadRepoOptions, type RepoSnapshot } from '../repo/scan';

export interface Workspace {
  repo: RepoSnapshot;
  kubeconfig: LoadedKubeconfig;
  discovery: Discovery;
}

export interface LoadWorkspaceOptions extends LoadRepoOptions {
  kubeconfig?: string[];
  env?: NodeJS.ProcessEnv;
}

/** The repo, its apps and the kubeconfig contexts they map to: the first two stages of the data flow. */
export async function loadWorkspace(root: string, opts: LoadWorkspaceOptions = {}): Promise<Workspace> {
  const repo = await loadRepo(root, opts);
  const kubeconfig = loadKubeconfig(kubeconfigFiles(opts.kubeconfig, opts.env ?? process.env));
  const discovery = discoverApps(repo, kubeconfig.contexts);
  return { repo, kubeconfig, discovery };
}

/** Finds an app by id, by name, or by a unique suffix of its id. */
export function findApp(apps: GitOpsApp[], ref: string): GitOpsApp | { error: string } {
  const exact = apps.find((a) => a.id === ref) ?? apps.filter((a) => a.name === ref);
  if (!Array.isArray(exact)) return exact;
  if (exact.length === 1) return exact[0];
  const bySuffix = apps.filter((a) => a.id.endsWith(`/${ref}`));
  if (exact.length === 0 && bySuffix.length === 1) return bySuffix[0];
  const candidates = exact.length ? exact : bySuffix;
  if (candidates.length > 1) return { error: `"${ref}" names several apps: ${candidates.map((a) => a.id).join(', ')}` };
  return { error: `no app "${ref}"; known apps: ${apps.map((a) => a.id).join(', ') || 'none'}` };
}
