import leven from 'leven';
import { discoverApps, type Discovery, type GitOpsApp } from '../apps';
import { kubeconfigFiles, loadKubeconfig, type LoadedKubeconfig } from '../cluster/kubeconfig';
import { loadRepo, type LoadRepoOptions, type RepoSnapshot } from '../repo';

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
  if (apps.length === 0) return { error: `no app "${ref}": this repository has no apps` };
  const near = closestApps(apps, ref);
  return { error: `no app "${ref}"${near.length ? `; did you mean ${near.join(', ')}?` : ''} (${apps.length} app${apps.length === 1 ? '' : 's'}; \`gitops-lens apps\` lists them)` };
}

/** The few app ids nearest to a mistyped reference: by edit distance to the id or the name, a shared substring first. */
export function closestApps(apps: GitOpsApp[], ref: string, max = 5): string[] {
  const r = ref.toLowerCase();
  const scored = apps.map((a) => {
    const id = a.id.toLowerCase(), name = a.name.toLowerCase();
    const contains = id.includes(r) || r.includes(name);
    return { id: a.id, d: contains ? 0 : Math.min(leven(r, id), leven(r, name)) };
  });
  const limit = Math.max(2, Math.floor(r.length / 3));
  return scored.filter((s) => s.d <= limit).sort((a, b) => a.d - b.d || a.id.localeCompare(b.id)).slice(0, max).map((s) => s.id);
}
